import fs from 'node:fs';
import path from 'node:path';
import { ChangeFileError, parseChangeFile, problemAt, type ChangeSpec } from '@switchback/core';
import { PlanProblemsError, registerChange, type Db } from '@switchback/engine';

/** A change argument names a file (`changes/0001-x.yaml`) or a change id already in the ledger. */
export function isChangeFile(arg: string): boolean {
  return /\.ya?ml$/i.test(arg) || arg.includes('/') || arg.includes(path.sep);
}

/** Read and validate a change file; problems carry file, line and field. */
export function readChangeFile(file: string): { spec: ChangeSpec; text: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ChangeFileError([{ file, line: 0, column: 0, field: '', message: code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? String(e)})` }]);
  }
  const parsed = parseChangeFile(text, path.relative(process.cwd(), file) || file);
  if (!parsed.ok) throw new ChangeFileError(parsed.problems);
  return { spec: parsed.change, text };
}

/** The change id to work on, registering the file's change (planned against the live schema) when given a file. */
export async function resolveChange(db: Db, arg: string, actor: string): Promise<string> {
  if (!isChangeFile(arg)) return arg;
  const { spec, text } = readChangeFile(arg);
  try {
    await registerChange(db, spec, actor);
  } catch (e) {
    if (e instanceof PlanProblemsError) throw new ChangeFileError(e.problems.map((p) => problemAt(text, spec.file, p.field, p.message)));
    throw e;
  }
  return spec.id;
}
