import { LineCounter, parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { problemAt, type ChangeFileProblem } from '../change/change-file.js';
import { policySchema, type Policy } from './policy.js';

export type PolicyParseResult = { ok: true; policy: Policy } | { ok: false; problems: ChangeFileProblem[] };

function fieldName(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

/**
 * Read and validate a policy file. Pure: never throws; every problem has the
 * line and the field's path, unknown keys included (a typo never silently
 * loosens the policy).
 * @example parsePolicyFile(text, 'switchback.policy.yaml')
 */
export function parsePolicyFile(text: string, file: string): PolicyParseResult {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, logLevel: 'silent' });
  const syntax = docs.flatMap((d) => d.errors);
  if (syntax.length) {
    return { ok: false, problems: syntax.map((e) => ({ file, ...(({ line, col }) => ({ line, column: col }))(lines.linePos(e.pos[0])), field: '', message: e.message })) };
  }
  if (docs.length !== 1) return { ok: false, problems: [{ file, line: 1, column: 1, field: '', message: docs.length ? 'a policy file holds one YAML document' : 'the file is empty; a policy needs at least "version: 1"' }] };
  const data: unknown = docs[0]!.toJS();
  const r = policySchema.safeParse(data);
  if (r.success) return { ok: true, policy: r.data };
  const problems = r.error.issues.flatMap((i: z.core.$ZodIssue) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => problemAt(text, file, fieldName([...i.path, k]), `unknown field "${k}"; check the spelling (known fields are listed in the policy documentation)`))
      : [problemAt(text, file, fieldName(i.path), i.message)],
  );
  return { ok: false, problems };
}
