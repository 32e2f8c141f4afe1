/**
 * Which migration tool laid out a directory, and the order its migrations
 * run in. Pure: file names (relative to the migrations directory, `/`
 * separators) in, ordered migrations out; the caller reads the directory.
 */
export const MIGRATION_LAYOUTS = ['plain', 'flyway', 'golang-migrate', 'prisma', 'drizzle', 'node-pg-migrate', 'rails'] as const;
export type MigrationLayout = (typeof MIGRATION_LAYOUTS)[number];

/** One migration, in run order. */
export interface OrderedMigration {
  /** Path relative to the migrations directory. */
  path: string;
  /** The version it sorts by, as written (`1.10`, `20240101120000`, `0003`); empty for a Flyway repeatable. */
  version: string;
}

/** A file that looks like a migration but cannot be checked (a down migration, JavaScript). */
export interface SkippedMigration {
  path: string;
  reason: string;
}

export interface MigrationListing {
  layout: MigrationLayout;
  migrations: OrderedMigration[];
  skipped: SkippedMigration[];
}

/** Drizzle's `meta/_journal.json`: `entries[].tag` names `<tag>.sql`, `idx` is the order. */
export interface DrizzleJournal {
  entries: { idx: number; tag: string }[];
}

export interface LayoutInput {
  /** Every file under the migrations directory, relative to it (up to two levels deep is enough for every layout). */
  files: string[];
  /** The layout, when configured; detected otherwise. */
  layout?: MigrationLayout;
  /** Parsed `meta/_journal.json`, for Drizzle. */
  journal?: DrizzleJournal;
}

const FLYWAY = /^([VUR])(\d+(?:[._]\d+)*)?__.*\.sql$/i;
const GOLANG = /^(\d+)_.*\.(up|down)\.sql$/;
const TIMESTAMPED = /^(\d+)[_-].*\.(sql|js|cjs|mjs|ts|rb)$/;
const RAILS_TS = /^\d{14}$/;
const NODE_PG_TS = /^\d{13}$/;
const SCRIPT = /\.(js|cjs|mjs|ts|rb)$/;

/** Detects the layout from the file names (or takes the configured one) and orders its migrations. */
export function listMigrations(input: LayoutInput): MigrationListing {
  const layout = input.layout ?? detectLayout(input.files, input.journal !== undefined);
  switch (layout) {
    case 'flyway':
      return flyway(input.files);
    case 'golang-migrate':
      return golangMigrate(input.files);
    case 'prisma':
      return prisma(input.files);
    case 'drizzle':
      return drizzle(input.files, input.journal);
    default:
      return numbered(layout, input.files);
  }
}

/** Guesses the tool from the names; `plain` when nothing more specific fits. */
export function detectLayout(files: string[], hasJournal: boolean): MigrationLayout {
  const top = files.filter((f) => !f.includes('/'));
  if (hasJournal || files.includes('meta/_journal.json')) return 'drizzle';
  if (files.some((f) => /^[^/]+\/migration\.sql$/.test(f))) return 'prisma';
  if (top.some((f) => /^V\d+(?:[._]\d+)*__.*\.sql$/i.test(f))) return 'flyway';
  if (top.some((f) => /^\d+_.*\.up\.sql$/.test(f))) return 'golang-migrate';
  const stamps = top.map((f) => TIMESTAMPED.exec(f)?.[1]).filter((s): s is string => !!s);
  if (stamps.length && stamps.every((s) => RAILS_TS.test(s))) return 'rails';
  if (stamps.length && stamps.every((s) => NODE_PG_TS.test(s))) return 'node-pg-migrate';
  return 'plain';
}

/**
 * Compares versions part by part as numbers (`1.9` < `1.10`, `V2` < `V10`);
 * digit strings are compared as big integers so long timestamps stay exact.
 */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[._]/);
  const pb = b.split(/[._]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = BigInt(pa[i] ?? '0');
    const y = BigInt(pb[i] ?? '0');
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

const byName = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true });

function ordered(items: OrderedMigration[]): OrderedMigration[] {
  return items.sort((a, b) => compareVersions(a.version, b.version) || byName(a.path, b.path));
}

/** Flyway: versioned `V1.1__x.sql` by version, then repeatable `R__x.sql` by name; undo `U…` never runs forward. */
function flyway(files: string[]): MigrationListing {
  const versioned: OrderedMigration[] = [];
  const repeatable: OrderedMigration[] = [];
  const skipped: SkippedMigration[] = [];
  for (const path of files.filter((f) => !f.includes('/'))) {
    const m = FLYWAY.exec(path);
    if (!m) continue;
    const kind = m[1]?.toUpperCase();
    if (kind === 'U') skipped.push({ path, reason: 'a Flyway undo migration (only runs on flyway undo)' });
    else if (kind === 'R' && m[2] === undefined) repeatable.push({ path, version: '' });
    else if (kind === 'V' && m[2] !== undefined) versioned.push({ path, version: m[2] });
  }
  return { layout: 'flyway', migrations: [...ordered(versioned), ...repeatable.sort((a, b) => byName(a.path, b.path))], skipped };
}

/** golang-migrate: `1_x.up.sql` by version; `.down.sql` is the reversal, not run forward. */
function golangMigrate(files: string[]): MigrationListing {
  const migrations: OrderedMigration[] = [];
  const skipped: SkippedMigration[] = [];
  for (const path of files.filter((f) => !f.includes('/'))) {
    const m = GOLANG.exec(path);
    if (!m?.[1]) continue;
    if (m[2] === 'down') skipped.push({ path, reason: 'a down migration (only runs on migrate down)' });
    else migrations.push({ path, version: m[1] });
  }
  return { layout: 'golang-migrate', migrations: ordered(migrations), skipped };
}

/** Prisma: `<timestamp>_<name>/migration.sql`, by directory name. */
function prisma(files: string[]): MigrationListing {
  const migrations = files
    .filter((f) => /^[^/]+\/migration\.sql$/.test(f))
    .map((path) => ({ path, version: /^(\d+)/.exec(path)?.[1] ?? '0' }));
  return { layout: 'prisma', migrations: ordered(migrations), skipped: [] };
}

/** Drizzle: the journal's order; without a journal, `0000_name.sql` by number. */
function drizzle(files: string[], journal: DrizzleJournal | undefined): MigrationListing {
  if (!journal) return { ...numbered('plain', files), layout: 'drizzle' };
  const present = new Set(files);
  const migrations: OrderedMigration[] = [];
  const skipped: SkippedMigration[] = [];
  for (const e of [...journal.entries].sort((a, b) => a.idx - b.idx)) {
    const path = `${e.tag}.sql`;
    if (present.has(path)) migrations.push({ path, version: String(e.idx) });
    else skipped.push({ path, reason: 'listed in meta/_journal.json but the file is missing' });
  }
  return { layout: 'drizzle', migrations, skipped };
}

/**
 * Plain SQL, Rails-style and node-pg-migrate timestamps: `<number>_<name>.sql`
 * by number (files without one last, by name). Migrations written in
 * JavaScript, TypeScript or Ruby are reported as not checkable.
 */
function numbered(layout: MigrationLayout, files: string[]): MigrationListing {
  const migrations: OrderedMigration[] = [];
  const skipped: SkippedMigration[] = [];
  for (const path of files.filter((f) => !f.includes('/'))) {
    if (SCRIPT.test(path) && TIMESTAMPED.test(path)) {
      skipped.push({ path, reason: 'a migration written in code, not SQL: switchback check reads only .sql migrations' });
      continue;
    }
    if (!path.endsWith('.sql') || path.endsWith('.down.sql')) continue;
    migrations.push({ path, version: /^(\d+)/.exec(path)?.[1] ?? '' });
  }
  const [withVersion, without] = [migrations.filter((m) => m.version), migrations.filter((m) => !m.version)];
  return { layout, migrations: [...ordered(withVersion), ...without.sort((a, b) => byName(a.path, b.path))], skipped };
}
