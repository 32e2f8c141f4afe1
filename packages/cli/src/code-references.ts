import fs from 'node:fs';
import path from 'node:path';

export interface CodeReference {
  file: string;
  line: number;
  text: string;
}

const SOURCE = /\.(ts|tsx|js|jsx|mjs|cjs|py|go|rb|java|kt|cs|php|rs|swift|scala)$/;
const SKIP = new Set(['node_modules', '.git', 'dist', 'build', 'coverage', '.switchback', 'vendor', 'target', '.next']);
const MAX_FILES = 20_000;
const MAX_BYTES = 1_000_000;

/** Where source files under `root` name each of `names` (whole words), as paths relative to root. */
export function findCodeReferences(root: string, names: string[]): Record<string, CodeReference[]> {
  const found: Record<string, CodeReference[]> = Object.fromEntries(names.map((n) => [n, []]));
  if (!names.length) return found;
  const pattern = new RegExp(`\\b(${names.map((n) => n.replace(/[^A-Za-z0-9_]/g, '')).join('|')})\\b`, 'g');
  for (const p of walkFiles(root, { skip: SKIP, keep: (name) => SOURCE.test(name), max: MAX_FILES })) {
    if (fs.statSync(p).size > MAX_BYTES) continue;
    fs.readFileSync(p, 'utf8').split('\n').forEach((text, i) => {
      for (const m of text.matchAll(pattern)) found[m[1]!]!.push({ file: path.relative(root, p), line: i + 1, text: text.trim().slice(0, 120) });
    });
  }
  return found;
}

/**
 * The files under `root`, depth first, not descending into `skip`
 * directories; with `keep`, only the files whose name it accepts, and at most
 * `max` of them. Unreadable directories are passed over.
 */
export function walkFiles(root: string, o: { skip: ReadonlySet<string>; keep?: (name: string) => boolean; max?: number }): string[] {
  const out: string[] = [];
  const max = o.max ?? Infinity;
  const visit = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length >= max) return;
      if (e.isDirectory()) {
        if (!o.skip.has(e.name)) visit(path.join(dir, e.name));
      } else if (e.isFile() && (!o.keep || o.keep(e.name))) out.push(path.join(dir, e.name));
    }
  };
  visit(root);
  return out;
}
