import fs from 'node:fs';
import type { Command } from 'commander';
import { ChangeFileError, planChange, problemAt, renderPlanMarkdown, renderPlanText, type Plan } from '@switchback/core';
import { getChange, openPgliteFromTemplate, readSchema, SwitchbackError, type Db } from '@switchback/engine';
import { readChangeFile } from '../change-arg.js';
import { openTarget, outputOf, type GlobalOptions } from '../cli-context.js';
import { planFromSql } from '../plan-from-sql.js';
import { schemaFiles } from '../schema-files.js';

interface PlanOptions extends GlobalOptions {
  format?: 'text' | 'json' | 'markdown';
  schema?: string;
  verbose?: boolean;
  fromSql?: string;
  write?: string;
}

export function planCommand(program: Command): void {
  program
    .command('plan')
    .argument('[file]', 'change file, e.g. changes/0001-contract-into-customer.yaml')
    .description('Print the phased plan for a change: per phase the forward and backward SQL, verification, gates, flags and the application changes.')
    .option('--format <format>', 'text (default), json, or markdown (a pull-request description with Mermaid diagrams)')
    .option('--schema <sql>', 'plan against this schema (a .sql file or a directory of migrations) instead of the database')
    .option('-v, --verbose', 'include SQL and code sketches in text output')
    .option('--from-sql <migration>', 'turn an unsafe migration into change files (one per unsafe statement) and plan each')
    .option('--write <dir>', 'with --from-sql: write the change files into <dir> (e.g. changes/) instead of only printing them')
    .addHelpText('after', `
The plan is made against the schema of the target database (DATABASE_URL, or the
embedded database in .switchback/), or against --schema. A change already in the
ledger shows the plan stored when it was registered.

With --from-sql, each statement switchback check flags becomes the change file
of the intent that does it safely (RENAME COLUMN → rename-column, DROP TABLE →
drop-table, ADD COLUMN + UPDATE … FROM + DROP TABLE → move-columns, …), printed
with its plan. Already-safe statements produce nothing; statements no intent
plans are listed with what to do instead (exit code 1).

Examples:
  switchback plan changes/0001-contract-into-customer.yaml
  switchback plan changes/0001-contract-into-customer.yaml --format markdown > PLAN.md
  switchback plan changes/0001-contract-into-customer.yaml --schema migrations/ --json
  switchback plan --from-sql migrations/0002_merge.sql --schema migrations/0001_init.sql --write changes/`)
    .action(async (file: string | undefined, options: PlanOptions, cmd: Command) => {
      const o = { ...cmd.optsWithGlobals<PlanOptions>(), ...options };
      const format = o.json ? 'json' : (o.format ?? 'text');
      if (!['text', 'json', 'markdown'].includes(format)) throw new SwitchbackError(`--format must be text, json or markdown (got "${format}").`);
      if (!file === !o.fromSql) throw new SwitchbackError(file ? `give either a change file or --from-sql, not both.` : `plan needs a change file (switchback plan changes/0001-x.yaml) or a migration (switchback plan --from-sql migrations/0002.sql).`);
      if (o.write && !o.fromSql) throw new SwitchbackError(`--write goes with --from-sql; a change file is already written.`);
      if (o.fromSql) return planFromSql(o.fromSql, { format: format as 'text', verbose: !!o.verbose, ...(o.write ? { write: o.write } : {}) }, () => schemaDatabase(o), outputOf(o));
      // Exactly one of file and --from-sql was given (checked above).
      const { spec, text } = readChangeFile(file!);
      const plan = await makePlan(o, spec, text);
      const out = outputOf(o);
      if (format === 'json') out.out(JSON.stringify(plan, null, 2));
      else if (format === 'markdown') out.out(renderPlanMarkdown(plan));
      else out.out(renderPlanText(plan, { color: out.color, verbose: !!o.verbose }));
    });
}

async function makePlan(o: PlanOptions, spec: ReturnType<typeof readChangeFile>['spec'], text: string): Promise<Plan> {
  const db = await schemaDatabase(o);
  try {
    const stored = await storedPlan(db, spec.id);
    if (stored) return stored;
    const result = planChange(spec, await readSchema(db));
    if (!result.ok) throw new ChangeFileError(result.problems.map((p) => problemAt(text, spec.file, p.field, p.message)));
    return result.plan;
  } finally {
    await db.close();
  }
}

async function storedPlan(db: Db, id: string): Promise<Plan | undefined> {
  const { rows } = await db.query<{ t: string | null }>(`SELECT to_regclass('switchback.changes')::text AS t`);
  if (!rows[0]?.t) return undefined;
  return (await getChange(db, id))?.plan;
}

/** The database whose schema the plan is made against: --schema loaded into a scratch PGlite in memory, or the target. */
async function schemaDatabase(o: PlanOptions): Promise<Db> {
  if (!o.schema) {
    return openTarget(o, 'plan');
  }
  const files = schemaFiles(o.schema, '--schema');
  const db = await openPgliteFromTemplate();
  for (const f of files) {
    try {
      await db.exec(fs.readFileSync(f, 'utf8'));
    } catch (e) {
      await db.close();
      throw new SwitchbackError(`${f}: the schema could not be loaded: ${e instanceof Error ? e.message : String(e)}. Fix the SQL, or pass the file that creates your tables.`);
    }
  }
  return db;
}
