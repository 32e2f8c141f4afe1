import fs from 'node:fs';
import { ChangeFileError, DEFAULT_POLICY, parsePolicyFile, POLICY_FILE, type Policy } from '@switchback/core';

/** The policy in force: `--policy FILE`, else ./switchback.policy.yaml when present, else the default policy. */
export function loadPolicy(file: string | undefined): { policy: Policy; source: string } {
  const path = file ?? (fs.existsSync(POLICY_FILE) ? POLICY_FILE : undefined);
  if (!path) return { policy: DEFAULT_POLICY, source: `the default policy (no ${POLICY_FILE})` };
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ChangeFileError([{ file: path, line: 1, column: 1, field: '', message: code === 'ENOENT' ? `no such policy file (relative to ${process.cwd()})` : `cannot read it (${code ?? String(e)})` }]);
  }
  const r = parsePolicyFile(text, path);
  if (!r.ok) throw new ChangeFileError(r.problems);
  return { policy: r.policy, source: path };
}
