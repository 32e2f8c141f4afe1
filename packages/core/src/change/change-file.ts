import { isMap, isNode, isScalar, isSeq, LineCounter, parseAllDocuments, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { changeEnvelope, moveColumnsParams, type ChangeSpec, type IntentKind } from './change-spec.js';
import { renameColumnParams } from '../intents/rename-column-intent.js';
import { renameTableParams } from '../intents/rename-table-intent.js';
import { changeColumnTypeParams } from '../intents/change-column-type-intent.js';
import { addNotNullParams } from '../intents/add-not-null-intent.js';
import { addForeignKeyParams } from '../intents/add-foreign-key-intent.js';
import { addUniqueParams } from '../intents/add-unique-intent.js';
import { addIndexParams } from '../intents/add-index-intent.js';
import { addEnumValueParams } from '../intents/add-enum-value-intent.js';
import { mergeTablesParams } from '../intents/merge-tables-intent.js';
import { dropColumnParams } from '../intents/drop-column-intent.js';
import { dropTableParams } from '../intents/drop-table-intent.js';
import { extractColumnsParams } from '../intents/extract-columns-intent.js';
import { splitTableParams } from '../intents/split-table-intent.js';
import { replaceEnumWithLookupParams } from '../intents/replace-enum-with-lookup-intent.js';

/** One thing wrong with a change file, at a 1-based line and column; `field` is e.g. `params.columns[1]`. */
export interface ChangeFileProblem {
  file: string;
  line: number;
  column: number;
  field: string;
  message: string;
}

/**
 * Every problem found in a change file, for callers that prefer to throw.
 * @example if (!r.ok) throw new ChangeFileError(r.problems);
 */
export class ChangeFileError extends Error {
  constructor(readonly problems: ChangeFileProblem[]) {
    super(problems.map(formatChangeFileProblem).join('\n'));
    this.name = 'ChangeFileError';
  }
}

/** The outcome of reading a change file: the validated change, or every problem sorted by position. */
export type ParseResult = { ok: true; change: ChangeSpec } | { ok: false; problems: ChangeFileProblem[] };

/** The schema for each intent's `params`; a new intent without one does not compile. */
const intentParams = {
  'move-columns': moveColumnsParams,
  'rename-column': renameColumnParams,
  'rename-table': renameTableParams,
  'change-column-type': changeColumnTypeParams,
  'add-not-null': addNotNullParams,
  'add-foreign-key': addForeignKeyParams,
  'add-unique': addUniqueParams,
  'add-index': addIndexParams,
  'add-enum-value': addEnumValueParams,
  'merge-tables': mergeTablesParams,
  'drop-column': dropColumnParams,
  'drop-table': dropTableParams,
  'extract-columns': extractColumnsParams,
  'split-table': splitTableParams,
  'replace-enum-with-lookup': replaceEnumWithLookupParams,
} satisfies Record<IntentKind, z.ZodType>;

/** Nouns for lists whose element type a reader would not guess from "a list". */
const listNouns: Record<string, string> = { columns: 'column names', drop: 'column names', rollout: 'percentages', versions: 'versions' };

/** Hints appended to the yaml library's messages for the mistakes people make most. */
const yamlHints: Record<string, string> = {
  DUPLICATE_KEY: 'a field appears twice; keep only one',
  TAB_AS_INDENT: 'indent with spaces',
};

/**
 * Render a problem the way editors and terminals link to it.
 * @example formatChangeFileProblem(p) // 'changes/0001.yaml:7:12: params.columns[1]: must not be empty'
 */
export function formatChangeFileProblem(p: ChangeFileProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.field ? `${p.field}: ` : ''}${p.message}`;
}

/**
 * Read and validate a change file. Pure: never throws, never touches the file system;
 * `file` is only used for the default change id and in problems.
 * @example parseChangeFile(text, 'changes/0001-contract-into-customer.yaml')
 */
export function parseChangeFile(text: string, file: string): ParseResult {
  try {
    return parse(text, file);
  } catch (error) {
    // Only reachable through a yaml edge case such as an unresolved alias; report it, do not crash.
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, problems: [{ file, line: 1, column: 1, field: '', message: `could not read the file: ${reason}` }] };
  }
}

function parse(text: string, file: string): ParseResult {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, logLevel: 'silent' });
  const at = (offset: number, field: string, message: string): ChangeFileProblem => {
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col, field, message };
  };
  const fail = (problems: ChangeFileProblem[]): ParseResult => ({ ok: false, problems: sortAndDedupe(problems) });

  const syntax = docs.flatMap((d) => d.errors);
  if (syntax.length > 0) {
    return fail(syntax.map((e) => at(e.pos[0], '', e.message + (yamlHints[e.code] ? `; ${yamlHints[e.code]}` : ''))));
  }
  const [doc, second] = docs;
  if (second) {
    return fail([at(second.range[0], '', 'a change file holds one YAML document; remove the "---" and what follows, or move it to its own file')]);
  }
  const root = doc?.contents;
  if (!doc || !isNode(root) || (isScalar(root) && root.value === null)) {
    return fail([at(0, '', 'the file is empty; a change file needs at least version, title, intent and params')]);
  }
  if (!isMap(root)) {
    const got = isSeq(root) ? 'a list' : describe(isScalar(root) ? root.value : undefined);
    return fail([at(root.range?.[0] ?? 0, '', `the top level must be a mapping of fields (version:, title:, intent:, params:), got ${got}`)]);
  }
  const data = doc.toJS() as Record<string, unknown>;

  const toProblems = (issue: z.core.$ZodIssue, prefix: PropertyKey[], schema: z.ZodType): ChangeFileProblem[] => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(schema, issue.path);
      return issue.keys.map((key) => at(keyOffset(root, path, key), fieldName([...path, key]), unknownField(key, known)));
    }
    const { offset, missing } = locate(root, path);
    return [at(offset, fieldName(path), missing ? `required field "${String(path.at(-1))}" is missing` : issue.message)];
  };

  const problems: ChangeFileProblem[] = [];
  const envelope = changeEnvelope.safeParse(data, { error: plainMessage });
  if (!envelope.success) problems.push(...firstPerPath(envelope.error.issues).flatMap((i) => toProblems(i, [], changeEnvelope)));

  const intent = data.intent;
  const paramsSchema = typeof intent === 'string' && Object.hasOwn(intentParams, intent) ? intentParams[intent as IntentKind] : undefined;
  const params = paramsSchema?.safeParse(data.params, { error: plainMessage });
  if (params && !params.success && paramsSchema) {
    problems.push(...firstPerPath(params.error.issues).flatMap((i) => toProblems(i, ['params'], paramsSchema)));
  }

  const base = baseName(file);
  if (data.id === undefined) {
    const id = changeEnvelope.shape.id.unwrap().safeParse(base);
    if (!id.success) {
      const why = id.error.issues[0]?.message ?? 'it is not a valid change id';
      problems.push(at(0, 'id', `the file name gives the change id "${base}", but ${why}; rename the file or set "id:" in it`));
    }
  }

  if (problems.length > 0 || !envelope.success || !params?.success) return fail(problems);
  const e = envelope.data;
  return {
    ok: true,
    change: { id: e.id ?? base, file, title: e.title, intent: e.intent, sync: e.sync, params: params.data, execution: e.execution } as ChangeSpec,
  };
}

/** Zod's messages rewritten in plain words; messages written in the schemas take precedence over these. */
function plainMessage(issue: z.core.$ZodRawIssue): string | undefined {
  const last = issue.path?.at(-1);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `required field "${String(last)}" is missing`;
      return `expected ${expectedNoun(issue.expected, last)}, got ${describe(issue.input)}`;
    case 'invalid_union':
      // Durations (string or number) are the only unions in the change-file schemas.
      return `expected a duration such as 250ms, 2s, 10m or 21d, got ${describe(issue.input)}`;
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'too_small':
      return bound('least', 'greater than', issue.origin, issue.minimum, issue.inclusive);
    case 'too_big':
      return bound('most', 'less than', issue.origin, issue.maximum, issue.inclusive);
    default:
      return undefined;
  }
}

function bound(atWord: string, strict: string, origin: string, n: number | bigint, inclusive = true): string {
  if (origin === 'string') return n === 1 && atWord === 'least' ? 'must not be empty' : `must be at ${atWord} ${n} characters long`;
  if (origin === 'array') return `must list at ${atWord} ${n} ${n === 1 ? 'item' : 'items'}`;
  return inclusive ? `must be at ${atWord} ${n}` : `must be ${strict} ${n}`;
}

function expectedNoun(expected: string, field: PropertyKey | undefined): string {
  const listNoun = typeof field === 'string' ? listNouns[field] : undefined;
  const nouns: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
    object: 'a mapping of fields',
    array: listNoun ? `a list of ${listNoun}` : 'a list',
  };
  return nouns[expected] ?? expected;
}

/** How a YAML value reads to the person who wrote it. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return 'a string';
  return String(value);
}

function unknownField(key: string, known: string[]): string {
  const guess = known
    .map((k) => ({ k, d: editDistance(key.toLowerCase(), k.toLowerCase()) }))
    .filter(({ d }) => d <= 2)
    .sort((a, b) => a.d - b.d)[0];
  if (guess) return `unknown field "${key}"; did you mean "${guess.k}"?`;
  return `unknown field "${key}"; remove it${known.length > 0 ? ` (known fields: ${known.join(', ')})` : ''}`;
}

/** Levenshtein distance, small strings only. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** The keys an object schema accepts at `path`, looking through defaults, optionals and arrays. */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: z.ZodType | undefined = unwrap(schema);
  for (const seg of path) {
    s = s instanceof z.ZodObject ? s.shape[String(seg)] : s instanceof z.ZodArray ? s.element : undefined;
    if (!s) return [];
    s = unwrap(s);
  }
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

function unwrap(s: z.ZodType): z.ZodType {
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  return s;
}

/**
 * Where to point for `path`: its value node; the key when the value is empty; the parent
 * mapping when the last key is absent (`missing`); the deepest node that exists otherwise.
 */
function locate(root: YamlNode, path: readonly PropertyKey[]): { offset: number; missing: boolean } {
  let node: unknown = root;
  let offset = root.range?.[0] ?? 0;
  for (const [i, seg] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return { offset, missing: i === path.length - 1 };
      const value = pair.value;
      if (!isNode(value) || !value.range || value.range[0] === value.range[1]) {
        return { offset: isNode(pair.key) ? (pair.key.range?.[0] ?? offset) : offset, missing: false };
      }
      node = value;
    } else if (isSeq(node) && typeof seg === 'number' && isNode(node.items[seg])) {
      node = node.items[seg];
    } else {
      break;
    }
    offset = isNode(node) ? (node.range?.[0] ?? offset) : offset;
  }
  return { offset, missing: false };
}

/** The position of `key` inside the mapping at `path` (of the mapping itself if the key is not found). */
function keyOffset(root: YamlNode, path: readonly PropertyKey[], key: string): number {
  let node: unknown = root;
  for (const seg of path) node = isMap(node) || isSeq(node) ? node.get(seg, true) : undefined;
  const pair = isMap(node) ? node.items.find((p) => isScalar(p.key) && String(p.key.value) === key) : undefined;
  const target = isNode(pair?.key) ? pair.key : isNode(node) ? node : root;
  return target.range?.[0] ?? 0;
}

/** `['params', 'columns', 1]` → `params.columns[1]`. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, seg) => (typeof seg === 'number' ? `${s}[${seg}]` : s ? `${s}.${String(seg)}` : String(seg)), '');
}

function baseName(file: string): string {
  return (file.split(/[\\/]/).at(-1) ?? file).replace(/\.ya?ml$/i, '');
}

/**
 * Keep every custom issue (a refinement names a distinct mistake) but only the first built-in
 * one per path: `""` is reported as empty, not also as an invalid SQL name.
 */
function firstPerPath(issues: z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = JSON.stringify(issue.path);
    if (issue.code === 'custom' || issue.code === 'unrecognized_keys') return true;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Sort by line then column; drop repeats (a missing `params` is reported by both the envelope and the intent). */
function sortAndDedupe(problems: ChangeFileProblem[]): ChangeFileProblem[] {
  const unique = new Map(problems.map((p) => [formatChangeFileProblem(p), p]));
  return [...unique.values()].sort((a, b) => a.line - b.line || a.column - b.column);
}

/**
 * A problem found after parsing (a column that does not exist in the
 * database, say), placed at the line of `field` in the file's text.
 */
export function problemAt(text: string, file: string, field: string, message: string): ChangeFileProblem {
  const lines = new LineCounter();
  const doc = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, logLevel: 'silent' })[0];
  const root = doc?.contents;
  const path = [...field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
  const offset = root && isMap(root) ? locate(root, path).offset : 0;
  const { line, col } = lines.linePos(offset);
  return { file, line, column: col, field, message };
}
