import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import * as api from '@switchback/core';
import type { SchemaModel, SqlSource, SqlSyntaxError } from '@switchback/core';
import { openDatabase, readSchema, SwitchbackError } from '@switchback/engine';
import { outputOf, type GlobalOptions } from '../cli-context.js';
import { withCodeReferences } from '../code-files.js';

interface CheckOptions extends GlobalOptions {
  format?: string;
  schema?: string;
  code?: string | false;
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
    .argument('[paths...]', 'migration files, or directories of them (*.sql in name order, */migration.sql, *.down.sql skipped)')
    .description('Check migrations for what breaks the previous app version, what breaks a rollback, and what takes a long lock.')
    .option('--schema <context>', 'the schema the previous deployment runs against: a .sql file, a directory of applied migrations, or a postgres:// URL')
    .option('--format <format>', 'human (default), json, sarif, github or markdown')
    .option('--code <dir>', 'application source to search for code that uses what a finding changes (default: the project holding the migrations)')
    .option('--no-code', 'do not search application code')
    .addHelpText('after', `
Exit codes: 0 no error-level finding, 1 at least one, 2 the check could not run
(unreadable file, SQL syntax error, bad option). Without --schema, the migrations
that sort before the checked ones in their directory are taken as applied, and a
directory argument checks only its newest migration. Silence a finding with a comment
on the line before the statement: -- switchback:ignore rule-id why it is safe

When a finding breaks the previous app version or a rollback, the application code
that reads or writes the changed table or column is named (JSON: "references"): SQL
in strings, query builders and ORM models in TypeScript/JavaScript, Python, Go, Java,
C# and Ruby. --code sets where to look (default: the nearest directory above the
migrations, up to the working directory, with a package.json, go.mod, pyproject.toml,
Gemfile, pom.xml, .csproj or .git); .gitignore'd files, node_modules, build output and
migration folders are skipped. --no-code skips the search.

Examples:
  switchback check --schema migrations/0001_init.sql migrations/0002_change.sql
  switchback check --schema migrations/ --format github new-migrations/
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
export async function runCheck(paths: string[], o: CheckOptions, write: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  const format = o.format ?? (o.json ? 'json' : 'human');
  if (!api.isCheckFormat(format)) throw new SwitchbackError(`--format must be one of ${api.CHECK_FORMATS.join(', ')} (got "${format}").`);
  if (!paths.length) throw new SwitchbackError('Give the migration files or directories to check, e.g. switchback check --schema migrations/ migrations/0042_new.sql');
  // Without --schema a directory stands for its history: only its newest migration is checked.
  const migrationFiles = paths.flatMap((p) => {
    const files = sqlFiles(p, 'migration path');
    return o.schema ? files : files.slice(-1);
  });
  const checked = new Set(migrationFiles.map((f) => path.resolve(f)));
  const context = o.schema ? await schemaContext(o.schema, checked) : { applied: history(migrationFiles, checked).map(read) };
  const migrations = migrationFiles.map(read);
  const result = await api.checkSql({ migrations, applied: context.applied, ...(context.schema ? { schema: context.schema } : {}) });
  if (!result.ok) throw new SqlSyntaxCheckError(result.error);
  const report = await withCodeReferences(result.report, { code: o.code, migrations, applied: context.applied, ...(context.schema ? { schema: context.schema } : {}), ...(o.schema ? { schemaPath: o.schema } : {}) });
  const sources = Object.fromEntries(migrations.map((m) => [m.file, m.text]));
  write(api.formatReport(report, format, { color: outputOf(o).color, sources }));
  return report.summary.errors > 0 ? 1 : 0;
}

async function schemaContext(schema: string, checked: Set<string>): Promise<{ applied: SqlSource[]; schema?: SchemaModel }> {
  if (/^postgres(ql)?:\/\//.test(schema)) {
    const db = await openDatabase({ url: schema, urlSource: '--schema', applicationName: 'switchback check', command: 'switchback check' });
    try {
      return { applied: [], schema: await readSchema(db) };
    } finally {
      await db.close();
    }
  }
  // A migration being checked is not part of the previous deployment, even if it sits in the --schema directory.
  return { applied: sqlFiles(schema, '--schema').filter((f) => !checked.has(path.resolve(f))).map(read) };
}

/**
 * The previous deployment's migrations when no --schema is given: the files
 * that sort before the checked ones in their migrations directory (for
 * Prisma's `<name>/migration.sql`, the directory above), not being checked.
 */
function history(migrations: string[], checked: Set<string>): string[] {
  const applied = new Map<string, string>();
  for (const file of migrations) {
    const dir = path.basename(file) === 'migration.sql' ? path.dirname(path.dirname(file)) : path.dirname(file);
    let listing: string[];
    try {
      listing = sqlFiles(dir, 'migrations directory');
    } catch {
      continue;
    }
    const index = listing.findIndex((f) => path.resolve(f) === path.resolve(file));
    for (const f of listing.slice(0, Math.max(index, 0))) if (!checked.has(path.resolve(f))) applied.set(path.resolve(f), f);
  }
  return [...applied.values()];
}

function read(file: string): SqlSource {
  try {
    return { file, text: fs.readFileSync(file, 'utf8') };
  } catch (e) {
    throw new SwitchbackError(`${file}: cannot read it (${e instanceof Error ? e.message : String(e)}).`);
  }
}

/**
 * A file, or a directory's migrations in name order (numeric-aware, so
 * Flyway's V2 comes before V10): its .sql files (*.down.sql skipped) and
 * Prisma-style `<name>/migration.sql` subdirectories.
 */
export function sqlFiles(p: string, what: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    throw new SwitchbackError(`${what} ${p}: no such file or directory.`);
  }
  if (!stat.isDirectory()) return [p];
  const files = fs
    .readdirSync(p, { withFileTypes: true })
    .flatMap((e) => {
      if (e.isFile() && e.name.endsWith('.sql') && !e.name.endsWith('.down.sql')) return [e.name];
      if (e.isDirectory() && fs.existsSync(path.join(p, e.name, 'migration.sql'))) return [path.join(e.name, 'migration.sql')];
      return [];
    })
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
    .map((f) => path.join(p, f));
  if (!files.length) throw new SwitchbackError(`${what} ${p}: the directory has no .sql files.`);
  return files;
}
