import fs from 'node:fs';
import path from 'node:path';
import { SwitchbackError } from '@switchback/engine/errors';

/**
 * The SQL files a schema argument names: the file itself, or a directory's
 * `.sql` files (not `.down.sql`) in natural order, so 2_x runs before 10_x.
 * `what` names the argument in errors (`--schema`, `migrations`).
 */
export function schemaFiles(p: string, what: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    throw new SwitchbackError(`${what} ${p}: no such file or directory.`);
  }
  if (!stat.isDirectory()) return [p];
  const files = fs
    .readdirSync(p)
    .filter((f) => f.endsWith('.sql') && !f.endsWith('.down.sql'))
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
    .map((f) => path.join(p, f));
  if (!files.length) throw new SwitchbackError(`${what} ${p}: the directory has no .sql files.`);
  return files;
}
