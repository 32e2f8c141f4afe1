import fs from 'node:fs';
import path from 'node:path';
import * as api from '@switchback/core/check';
import type { DrizzleJournal, MigrationLayout, MigrationListing, SqlSource } from '@switchback/core/check';
import { SwitchbackError } from '@switchback/engine/errors';
import { filesAtBase, readAtBase, repoPath, type GitBase } from './git-base.js';

/** A migration production already ran, changed since (its old and new text). */
export interface EditedMigration {
  file: string;
  before: string;
  after: string;
}

/** What to check and what the previous deployment already ran. */
export interface MigrationSources {
  migrations: SqlSource[];
  applied: SqlSource[];
  edited: EditedMigration[];
  /** Files that look like migrations but cannot be checked, with why. */
  skipped: { file: string; reason: string }[];
}

export function read(file: string): SqlSource {
  try {
    return { file, text: fs.readFileSync(file, 'utf8') };
  } catch (e) {
    throw new SwitchbackError(`${file}: cannot read it (${e instanceof Error ? e.message : String(e)}).`);
  }
}

/** The directory a migration file belongs to (for Prisma's `<name>/migration.sql`, the directory above). */
export function migrationsDirOf(file: string): string {
  return path.basename(file) === 'migration.sql' ? path.dirname(path.dirname(file)) : path.dirname(file);
}

/** Files under `dir`, relative to it, two levels deep (Prisma's `<name>/migration.sql`, Drizzle's `meta/`). */
function filesIn(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isFile()) return [e.name];
    if (!e.isDirectory()) return [];
    return fs.readdirSync(path.join(dir, e.name), { withFileTypes: true }).filter((f) => f.isFile()).map((f) => `${e.name}/${f.name}`);
  });
}

function journal(text: string | undefined, where: string): DrizzleJournal | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as DrizzleJournal;
    if (!Array.isArray(parsed.entries)) throw new Error('it has no "entries" array');
    return parsed;
  } catch (e) {
    throw new SwitchbackError(`${where}: not a Drizzle journal (${e instanceof Error ? e.message : String(e)}). Regenerate it with drizzle-kit or set "layout" in switchback.config.`);
  }
}

/** A directory's migrations in run order, as they are in the working tree. */
export function listDirectory(dir: string, layout?: MigrationLayout): MigrationListing {
  const journalFile = path.join(dir, 'meta', '_journal.json');
  const j = journal(fs.existsSync(journalFile) ? fs.readFileSync(journalFile, 'utf8') : undefined, journalFile);
  return api.listMigrations({ files: filesIn(dir), ...(layout ? { layout } : {}), ...(j ? { journal: j } : {}) });
}

/**
 * A path's migrations in run order: a file is itself, a directory its
 * migrations in the layout's order. Throws when there is nothing to check.
 */
export function migrationFiles(p: string, what: string, layout?: MigrationLayout): { files: string[]; skipped: MigrationSources['skipped'] } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    throw new SwitchbackError(`${what} ${p}: no such file or directory.`);
  }
  if (!stat.isDirectory()) return { files: [p], skipped: [] };
  const listing = listDirectory(p, layout);
  const skipped = listing.skipped.map((s) => ({ file: path.join(p, s.path), reason: s.reason }));
  if (!listing.migrations.length) {
    const why = skipped.length ? ` (${skipped.length} migration file(s) skipped: ${skipped[0]?.reason})` : '';
    throw new SwitchbackError(`${what} ${p}: the directory has no SQL migrations${why}.`);
  }
  return { files: listing.migrations.map((m) => path.join(p, m.path)), skipped };
}

/**
 * Without git: the files given, and as history the migrations that come
 * before them in their directory. A directory stands for its history plus
 * its newest migration, which is the one checked.
 */
export function sourcesFromNeighbours(paths: string[], layout?: MigrationLayout): MigrationSources {
  const skipped: MigrationSources['skipped'] = [];
  const files = paths.flatMap((p) => {
    const r = migrationFiles(p, 'migration path', layout);
    skipped.push(...r.skipped);
    return r.files.slice(-1);
  });
  const checked = new Set(files.map((f) => path.resolve(f)));
  const applied = new Map<string, string>();
  for (const file of files) {
    let listing: string[];
    try {
      listing = migrationFiles(migrationsDirOf(file), 'migrations directory', layout).files;
    } catch {
      continue;
    }
    const index = listing.findIndex((f) => path.resolve(f) === path.resolve(file));
    for (const f of listing.slice(0, Math.max(index, 0))) if (!checked.has(path.resolve(f))) applied.set(path.resolve(f), f);
  }
  return { migrations: files.map(read), applied: [...applied.values()].map(read), edited: [], skipped };
}

/**
 * With git: the migrations at the merge base are what production ran (their
 * text there, even if changed since); a directory's added or changed
 * migrations are the ones checked, a file given is checked as it is. A
 * changed migration production already ran is reported, not re-checked: the
 * migration tool will not run it again there. For Rails-style layouts a
 * `structure.sql` beside the migrations directory, as it was at the base,
 * stands for the history.
 */
export function sourcesFromGit(paths: string[], base: GitBase, layout?: MigrationLayout): MigrationSources {
  const out: MigrationSources = { migrations: [], applied: [], edited: [], skipped: [] };
  const appliedSeen = new Set<string>();
  const checked = new Set<string>();
  const at = (file: string) => `${file} (at ${base.ref})`;
  for (const p of paths) {
    const given = migrationFiles(p, 'migration path', layout);
    out.skipped.push(...given.skipped);
    const isDir = fs.statSync(p).isDirectory();
    const dir = isDir ? p : migrationsDirOf(p);
    const current = isDir ? given.files : migrationFiles(dir, 'migrations directory', layout).files;
    const position = new Map(current.map((f, i) => [repoPath(base, f), i]));
    const toCheck: string[] = [];
    for (const file of given.files) {
      const change = base.changes.get(repoPath(base, file));
      if (!isDir || change === 'added') toCheck.push(file);
      else if (change === 'modified') {
        const before = readAtBase(base, file);
        if (before !== undefined) out.edited.push({ file, before, after: read(file).text });
      }
    }
    for (const f of toCheck) checked.add(repoPath(base, f));
    out.migrations.push(...toCheck.map(read));
    const first = Math.min(...toCheck.map((f) => position.get(repoPath(base, f)) ?? Infinity));
    const structure = path.join(dir, '..', 'structure.sql');
    const listing = baseListing(base, dir, layout);
    const structureText = listing.layout === 'rails' ? readAtBase(base, structure) : undefined;
    if (structureText !== undefined) {
      if (!appliedSeen.has(structure)) out.applied.push({ file: at(structure), text: structureText });
      appliedSeen.add(structure);
      continue;
    }
    for (const m of listing.migrations) {
      const file = path.join(dir, m.path);
      const key = repoPath(base, file);
      // A migration after the checked one (it exists, unchanged) has not run before it.
      if (checked.has(key) || appliedSeen.has(key) || (position.get(key) ?? -1) > first) continue;
      const text = readAtBase(base, file);
      if (text === undefined) continue;
      appliedSeen.add(key);
      out.applied.push({ file: at(file), text });
    }
  }
  return out;
}

function baseListing(base: GitBase, dir: string, layout?: MigrationLayout): MigrationListing {
  const files = filesAtBase(base, dir).filter((f) => f.split('/').length <= 2);
  const j = files.includes('meta/_journal.json') ? journal(readAtBase(base, path.join(dir, 'meta', '_journal.json')), `${path.join(dir, 'meta', '_journal.json')} (at ${base.ref})`) : undefined;
  return api.listMigrations({ files, ...(layout ? { layout } : {}), ...(j ? { journal: j } : {}) });
}
