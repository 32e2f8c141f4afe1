import path from 'node:path';
import type { Command } from 'commander';
import * as api from '@switchback/core/check';
import type { SchemaModel } from '@switchback/core';
import type { MigrationLayout, SqlSource, SqlSyntaxError } from '@switchback/core/check';
import { SwitchbackError } from '@switchback/engine/errors';
import { findGitBase, gitRoot } from '../check/git-base.js';
import { loadCheckConfig } from '../check/load-check-config.js';
import { migrationFiles, read, sourcesFromGit, sourcesFromNeighbours, type MigrationSources } from '../check/migration-sources.js';
import type { GlobalOptions } from '../cli-context.js';
import { createOutput } from '../output.js';

interface CheckOptions extends GlobalOptions {
  format?: string;
  schema?: string;
  /** A ref, or false for --no-base. */
  base?: string | false;
  layout?: string;
  /** A directory, or false for --no-code. */
  code?: string | false;
}

/** Where runCheck looks for the repository, and where its notes go (tests pass their own). */
export interface CheckEnvironment {
  cwd?: string;
  note?: (text: string) => void;
}

/** A migration file that is not valid PostgreSQL (exit 2, with file, line and column). */
export class SqlSyntaxCheckError extends SwitchbackError {
  constructor(readonly error: SqlSyntaxError) {
    super(`${error.file}:${error.line}:${error.column}: syntax error: ${error.message}. Fix the SQL (the PostgreSQL parser rejects it) and run check again.`);
  }
}

/** Registers `switchback check`: lint migrations for what breaks the previous version, a rollback, or locks. */
export function checkCommand(program: Command): void {
  program
    .command('check')
    .argument('[paths...]', 'migration files, or directories of them (default: "migrations" in switchback.config.*)')
    .description('Check migrations for what breaks the previous app version, what breaks a rollback, and what takes a long lock.')
    .option('--schema <context>', 'the schema the previous deployment runs against: a .sql file, a directory of applied migrations, or a postgres:// URL')
    .option('--base <ref>', 'the branch the change merges into; its migrations are what production ran (default: origin/HEAD, main, master)')
    .option('--no-base', 'do not ask git: the migrations before the checked ones in their directory are taken as applied')
    .option('--layout <layout>', `the migration tool's layout: ${api.MIGRATION_LAYOUTS.join(', ')} (default: detected)`)
    .option('--format <format>', 'human (default), json, sarif, github or markdown')
    .option('--code <dir>', 'application source to search for code that uses what a finding changes (default: the project holding the migrations)')
    .option('--no-code', 'do not search application code')
    .addHelpText('after', `
Exit codes: 0 no error-level finding, 1 at least one, 2 the check could not run
(unreadable file, SQL syntax error, bad option or configuration).

The schema the previous deployment runs against:
  --schema        a dump, a directory of applied migrations, or a postgres:// URL
                  (a live database also gives table sizes: lock findings on tiny
                  tables become info)
  otherwise, git  the migrations as they are on the base branch (where this branch
                  left it) ran in production; in a directory, the added or changed
                  migrations are checked, and a changed one that production already
                  ran is reported as edited-applied-migration
  --no-base, or outside a git repository: the migrations that sort before the
                  checked ones are taken as applied, and a directory checks its newest

Layouts detected: plain SQL (0001_x.sql), Flyway (V1.1__x.sql, R__x.sql last, U
skipped), golang-migrate (1_x.up.sql, downs skipped), Prisma (<ts>_x/migration.sql),
Drizzle (meta/_journal.json order), node-pg-migrate and Rails-style timestamps
(code migrations reported as not checkable; db/structure.sql on the base branch is
the history when present).

switchback.config.json|yaml|yml|js|mjs at the repository root may set migrations
(directory), layout, schema, base, and rules ({ "rule-id": "error|warning|off" }).

Silence a finding with a comment on the line before the statement:
  -- switchback:ignore rule-id why it is safe

When a finding breaks the previous app version or a rollback, the application code
that reads or writes the changed table or column is named (JSON: "references"): SQL
in strings, query builders and ORM models in TypeScript/JavaScript, Python, Go, Java,
C# and Ruby. --code sets where to look (default: the nearest directory above the
migrations, up to the working directory, with a package.json, go.mod, pyproject.toml,
Gemfile, pom.xml, .csproj or .git); .gitignore'd files, node_modules, build output and
migration folders are skipped. --no-code skips the search.

Examples:
  switchback check                                   the config's migrations, against main
  switchback check --base origin/develop db/migrations/
  switchback check --schema migrations/0001_init.sql migrations/0002_change.sql
  switchback check --schema postgres://… --format github migrations/0042_new.sql
  switchback check --format sarif migrations/0042_rename.sql > check.sarif
  switchback check --code src/ --format json migrations/0042_rename.sql`)
    .action(async (paths: string[], options: CheckOptions, cmd: Command) => {
      const o = { ...cmd.optsWithGlobals<CheckOptions>(), ...options };
      const code = await runCheck(paths, o);
      process.exitCode = code;
    });
}

/**
 * Runs the check and prints the report; returns the exit code (0 or 1).
 * Throws SwitchbackError (exit 2) for bad options, unreadable files and syntax errors.
 */
export async function runCheck(paths: string[], o: CheckOptions, write: (text: string) => void = (t) => process.stdout.write(t), env: CheckEnvironment = {}): Promise<number> {
  const format = o.format ?? (o.json ? 'json' : 'human');
  if (!api.isCheckFormat(format)) throw new SwitchbackError(`--format must be one of ${api.CHECK_FORMATS.join(', ')} (got "${format}").`);
  const layout = o.layout;
  if (layout !== undefined && !isLayout(layout)) throw new SwitchbackError(`--layout must be one of ${api.MIGRATION_LAYOUTS.join(', ')} (got "${layout}").`);
  // Notes explain where the history came from; machine formats keep stderr quiet.
  const note = (text: string) => (format === 'human' ? (env.note ?? ((t) => process.stderr.write(t)))(`note: ${text}\n`) : undefined);
  const cwd = env.cwd ?? process.cwd();
  const root = gitRoot(cwd) ?? cwd;
  const { config, dir } = await loadCheckConfig(root);
  const targets = paths.length ? paths : config.migrations ? [path.resolve(dir, config.migrations)] : [];
  if (!targets.length) throw new SwitchbackError('Give the migration files or directories to check, e.g. switchback check migrations/ (or set "migrations" in switchback.config.json)');
  const schema = o.schema ?? (config.schema && !isUrl(config.schema) ? path.resolve(dir, config.schema) : config.schema);
  const sources = await collectSources(targets, { ...o, ...(schema ? { schema } : {}), base: o.base === false ? false : (o.base ?? config.base), layout: layout ?? config.layout }, cwd, note);
  for (const s of sources.skipped) note(`${s.file} not checked: ${s.reason}.`);
  const result = await api.checkSql({
    migrations: sources.migrations,
    applied: sources.applied,
    ...(sources.schema ? { schema: sources.schema } : {}),
    edited: sources.edited,
    ...(sources.base ? { base: sources.base } : {}),
    ...(config.rules ? { ruleSettings: config.rules } : {}),
  });
  if (!result.ok) throw new SqlSyntaxCheckError(result.error);
  let report = result.report;
  if (o.code !== false) {
    // The code parsers load only when application code is searched.
    const { withCodeReferences } = await import('../code-files.js');
    report = await withCodeReferences(report, { code: o.code, migrations: sources.migrations, applied: sources.applied, ...(sources.schema ? { schema: sources.schema } : {}), ...(schema ? { schemaPath: schema } : {}) }, cwd);
  }
  const texts = Object.fromEntries([...sources.migrations, ...sources.edited.map((e) => ({ file: e.file, text: e.after }))].map((m) => [m.file, m.text]));
  write(api.formatReport(report, format, { color: createOutput(o.color === false ? { color: false } : {}).color, sources: texts }));
  return report.summary.errors > 0 ? 1 : 0;
}

interface Collected extends MigrationSources {
  schema?: SchemaModel;
  /** The base branch the history came from, when git gave it. */
  base?: string;
}

async function collectSources(paths: string[], o: { schema?: string; base?: string | false; layout?: MigrationLayout | undefined }, cwd: string, note: (text: string) => void): Promise<Collected> {
  const layout = o.layout;
  if (o.schema) {
    const skipped: MigrationSources['skipped'] = [];
    const files = paths.flatMap((p) => {
      const r = migrationFiles(p, 'migration path', layout);
      skipped.push(...r.skipped);
      return r.files;
    });
    const checked = new Set(files.map((f) => path.resolve(f)));
    return { ...(await schemaContext(o.schema, checked, layout)), migrations: files.map(read), edited: [], skipped };
  }
  if (o.base === false) return sourcesFromNeighbours(paths, layout);
  const base = findGitBase(cwd, o.base);
  if ('note' in base) {
    note(`${base.note}: taking the migrations that sort before the checked ones as applied, and checking the newest migration of each directory.`);
    return sourcesFromNeighbours(paths, layout);
  }
  const sources = sourcesFromGit(paths, base, layout);
  if (!sources.migrations.length && !sources.edited.length) note(`no migration differs from ${base.ref} in ${paths.join(', ')}: nothing to check (pass a file to check it anyway).`);
  return { ...sources, base: base.ref };
}

const isUrl = (s: string) => /^postgres(ql)?:\/\//.test(s);
const isLayout = (s: string): s is MigrationLayout => (api.MIGRATION_LAYOUTS as readonly string[]).includes(s);

async function schemaContext(schema: string, checked: Set<string>, layout: MigrationLayout | undefined): Promise<{ applied: SqlSource[]; schema?: SchemaModel }> {
  if (isUrl(schema)) {
    // The database drivers load only when a database is asked for.
    const { openDatabase, readSchema } = await import('@switchback/engine');
    const db = await openDatabase({ url: schema, urlSource: '--schema', applicationName: 'switchback check', command: 'switchback check' });
    try {
      return { applied: [], schema: await readSchema(db) };
    } finally {
      await db.close();
    }
  }
  // A migration being checked is not part of the previous deployment, even if it sits in the --schema directory.
  return { applied: migrationFiles(schema, '--schema', layout).files.filter((f) => !checked.has(path.resolve(f))).map(read) };
}
