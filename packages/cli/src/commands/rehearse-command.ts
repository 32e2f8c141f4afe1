import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { buildSchema, loadSqlParser, parseSql, planChange, problemAt, ChangeFileError, type ChangeSpec, type SqlFile } from '@switchback/core';
import { createScratchDatabase, DEFAULT_REHEARSAL_ROWS, DEFAULT_REHEARSAL_SEED, PlanProblemsError, rehearse, SwitchbackError, type RehearsalResult } from '@switchback/engine';
import { readChangeFile } from '../change-arg.js';
import { actorOf, outputOf, type GlobalOptions } from '../cli-context.js';
import { Progress } from '../output.js';
import { renderRehearsal } from '../render-rehearsal.js';
import { schemaFiles } from '../schema-files.js';

interface RehearseOptions extends GlobalOptions {
  rows: string;
  seed: string;
  schema?: string;
  keep?: boolean;
  returnToStart?: boolean;
}

export function rehearseCommand(program: Command): void {
  program
    .command('rehearse')
    .argument('<change>', 'change file, e.g. changes/0001-contract-into-customer.yaml')
    .description('Run a change forward through every phase and backward from every phase on a scratch database, with old- and new-version workloads running throughout, and print what held as a matrix.')
    .option('--rows <n>', 'generated rows per table', String(DEFAULT_REHEARSAL_ROWS))
    .option('--seed <n>', 'seed for the generated data and workloads (same seed, same rehearsal)', String(DEFAULT_REHEARSAL_SEED))
    .option('--schema <sql>', 'the schema the change applies to: a .sql file or a directory of migrations (default: the migrations/ directory beside the change\'s directory)')
    .option('--keep', 'keep the scratch database afterwards, and print where it is')
    .option('--return-to-start', 'at the end, also roll back from the last phase to the start (every backward edge a second time, from the state the later rollbacks left)')
    .addHelpText('after', `
The scratch database is PGlite in a temporary directory, or, with DATABASE_URL /
--database-url, a database switchback_rehearse_<random> created on that server
(the role needs CREATEDB); either is removed afterwards, also on failure or Ctrl-C.

Without --schema, the migrations/ directory beside the change's directory is
replayed up to the newest migration the change still plans against (a migration
that already makes the change by hand, unsafely, is left out).

Each phase P is entered, rolled back and entered again before P + 1: every
(phase, direction) edge is taken, each backward edge while its phase is the
furthest one applied, which is when a rollback is needed in production. The old version runs until the phase that retires it (contract),
the new version from the phase where reads switch. After each edge, for each
version that may run: every write it committed is still there, its queries
succeeded, the plan's verifications (parity) hold, and no session waited for a
lock longer than the plan's lock_timeout (measured on a server only). Soak and
app-version gates are overridden with the reason "rehearsal"; the others must pass.

--json prints one object: { version: 1, change, database, rows, seed, lockTimeoutMs,
phases, windows: {old, new}, overrides: [{gate, phase, reason}], edges: [{phase,
direction, phaseId, outcome, seconds, lockWaitMs?}], cells: [{phase, direction,
version, status: pass|fail|n/a|not-run, checks: {writes, queries, parity, locks}}],
failures: [{phase, direction, version?, check, query, error}], writes, ok, seconds }.

Exit code: 0 the matrix is clean, 1 a check failed, 2 bad input.

Examples:
  switchback rehearse changes/0001-contract-into-customer.yaml
  switchback rehearse changes/0001-contract-into-customer.yaml --rows 100000 --json
  switchback rehearse changes/0001-x.yaml --schema db/schema.sql --database-url postgres://postgres@127.0.0.1/postgres`)
    .action(async (file: string, options: RehearseOptions, cmd: Command) => {
      const o = { ...cmd.optsWithGlobals<RehearseOptions>(), ...options };
      const rows = wholeNumber('--rows', o.rows, 1, 10_000_000);
      const seed = wholeNumber('--seed', o.seed, 0, 2 ** 31 - 1);
      const { spec, text } = readChangeFile(file);
      const schema = await schemaFor(file, spec, o.schema);
      await preflight(spec, text, schema);
      const out = outputOf(o);
      const url = o.databaseUrl ?? process.env.DATABASE_URL;
      const scratch = await createScratchDatabase({ ...(url ? { url } : {}), keep: !!o.keep });
      // On Ctrl-C the scratch database goes first; the rehearsal then fails against a closed database,
      // and nothing else may exit before the cleanup does (exit 130, as shells expect).
      let interrupted = false;
      const forever = () => new Promise<never>(() => {});
      const onSignal = (signal: NodeJS.Signals) => {
        interrupted = true;
        out.err(`\nswitchback: ${signal}: removing the scratch database ${scratch.where}`);
        void scratch.dispose().finally(() => process.exit(130));
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const progress = o.json ? undefined : new Progress(out, 'rehearse');
      let result: RehearsalResult;
      try {
        if (!o.json) out.err(`Rehearsing ${spec.id} on ${scratch.db.kind === 'pglite' ? 'PGlite' : 'the server'} (${scratch.where}), ${rows.toLocaleString('en-US')} rows per table, seed ${seed}`);
        result = await rehearse({
          db: scratch.db,
          schema,
          change: spec,
          rows,
          seed,
          actor: actorOf(o),
          returnToStart: !!o.returnToStart,
          onEvent: (e) => {
            if (!progress) return;
            if (e.type === 'loading') progress.update(0, 1, e.message);
            else if (e.type === 'edge') progress.update(e.index, e.total, `${e.phase} ${e.edge.direction}`);
            else if (e.type === 'edge-done') progress.update(e.index + 1, e.total, `${e.edge.phaseId} ${e.edge.direction}: ${e.edge.outcome}${e.failures ? `, ${e.failures} failed check(s)` : ''}`);
          },
        });
      } catch (e) {
        if (interrupted) return forever();
        if (e instanceof PlanProblemsError) throw new ChangeFileError(e.problems.map((p) => problemAt(text, spec.file, p.field, p.message)));
        throw e;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await scratch.dispose();
      }
      if (interrupted) return forever();
      progress?.finish(`${result.edges.length} transitions in ${result.seconds}s`);
      if (o.json) out.out(JSON.stringify(result, null, 2));
      else renderRehearsal(out, result, o.keep ? scratch.where : undefined);
      process.exitCode = result.ok ? 0 : 1;
    });
}

function wholeNumber(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new SwitchbackError(`${flag} must be a whole number from ${min} to ${max} (got "${value}").`);
  return n;
}

/**
 * The schema files to load: --schema, or the migrations beside the change,
 * up to the newest one the change still plans against.
 */
async function schemaFor(changeFile: string, spec: ChangeSpec, schema: string | undefined): Promise<{ file: string; sql: string }[]> {
  if (schema) return schemaFiles(schema, '--schema').map((f) => ({ file: f, sql: fs.readFileSync(f, 'utf8') }));
  const dir = path.join(path.dirname(path.dirname(path.resolve(changeFile))), 'migrations');
  if (!fs.existsSync(dir)) throw new SwitchbackError(`No schema to rehearse against: pass --schema FILE_OR_DIR (the SQL that creates the tables ${spec.id} changes), or keep migrations in ${path.relative(process.cwd(), dir) || dir}.`);
  const files = schemaFiles(dir, 'migrations');
  await loadSqlParser();
  const parsed: SqlFile[] = [];
  let usable = 0;
  for (const f of files) {
    const r = parseSql(f, fs.readFileSync(f, 'utf8'));
    if (!r.ok) throw new SwitchbackError(`${f}:${r.error.line}:${r.error.column}: ${r.error.message}. Fix the migration, or pass the schema with --schema.`);
    parsed.push(r.file);
    const planned = planChange(spec, buildSchema(parsed));
    if (planned.ok) usable = parsed.length;
  }
  // None plans: all of them, so the preflight reports the change's problems against the whole history.
  return files.slice(0, usable || files.length).map((f) => ({ file: f, sql: fs.readFileSync(f, 'utf8') }));
}

/** Plan against the schema files without a database, so a bad change fails at once with file, line and field. */
async function preflight(spec: ChangeSpec, text: string, files: { file: string; sql: string }[]): Promise<void> {
  await loadSqlParser();
  const parsed: SqlFile[] = [];
  for (const f of files) {
    const r = parseSql(f.file, f.sql);
    if (!r.ok) throw new SwitchbackError(`${f.file}:${r.error.line}:${r.error.column}: ${r.error.message}. Fix the SQL, or pass the schema the change applies to with --schema.`);
    parsed.push(r.file);
  }
  const planned = planChange(spec, buildSchema(parsed));
  if (!planned.ok) throw new ChangeFileError(planned.problems.map((p) => problemAt(text, spec.file, p.field, p.message)));
}
