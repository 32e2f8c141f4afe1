import fs from 'node:fs';
import path from 'node:path';
import { ChangeFileError, parseChangeFile, problemAt, type ChangeSpec, type Plan } from '@switchback/core';
import { PlanProblemsError, registerChange, SwitchbackError, type Db } from '@switchback/engine';

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
    const message = code === 'ENOENT' ? `no such file; check the path (relative to ${process.cwd()})` : `cannot read it (${code ?? String(e)}); check its permissions`;
    throw new ChangeFileError([{ file, line: 1, column: 1, field: '', message }]);
  }
  const parsed = parseChangeFile(text, path.relative(process.cwd(), file) || file);
  if (!parsed.ok) throw new ChangeFileError(parsed.problems);
  return { spec: parsed.change, text };
}

export interface ChangeRef {
  id: string;
  /** Set when the argument was a file: read and validated before any database is opened. */
  file?: { spec: ChangeSpec; text: string };
}

/** Parse the change argument without touching a database: a file is read and validated now. */
export function changeRef(arg: string): ChangeRef {
  if (!isChangeFile(arg)) return { id: arg };
  const file = readChangeFile(arg);
  return { id: file.spec.id, file };
}

/**
 * Register a file's change (planned against the live schema) when it is new;
 * `check` sees the plan first and may refuse it, so nothing is registered.
 */
export async function registerRef(db: Db, ref: ChangeRef, actor: string, check?: (plan: Plan) => void): Promise<string> {
  if (!ref.file) return ref.id;
  const { spec, text } = ref.file;
  try {
    await registerChange(db, spec, actor, check ? { check } : {});
  } catch (e) {
    if (e instanceof PlanProblemsError) throw new ChangeFileError(e.problems.map((p) => problemAt(text, spec.file, p.field, p.message)));
    throw e;
  }
  return spec.id;
}

/** Refuse `--to PHASE` when the plan has no such phase. */
export function phaseCheck(to: string | undefined, extra: string[] = []): ((plan: Plan) => void) | undefined {
  if (!to) return undefined;
  return (plan) => {
    const ids = plan.phases.map((p) => p.id);
    if (!ids.includes(to as never) && !extra.includes(to)) throw new SwitchbackError(`${plan.change} has no phase "${to}"; its phases are ${[...ids, ...extra].join(', ')}.`);
  };
}
