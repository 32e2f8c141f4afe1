/**
 * The seed change (support_contract.tier/end_date → support_customer) as a
 * change file for one schema, and assertions that read like the spec, for
 * the engine's integration tests in packages/engine/test/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseChangeFile, type ChangeSpec } from '@switchback/core';
import type { Db, Queryable } from '@switchback/engine';
import { schemaSql, seedSql, tables, type Workload } from '@switchback/example-support-desk';

/** Seeded, so workloads pick the same operations every run. */
export { seededRandom } from '@switchback/core';

/** The built CLI; tests that spawn it need `npx tsc -b` first. */
export const CLI_BIN = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));

export interface ExampleChangeOptions {
  id: string;
  schema: string;
  sync: 'trigger' | 'app';
  /** Change-file `execution:` values, written as YAML scalars (`200`, `20ms`). */
  execution?: Partial<Record<'lockTimeout' | 'lockRetries' | 'batchSize' | 'batchPause' | 'targetBatchTime', string | number>>;
  /** Add the old-versions gate (support-desk version 1 must be gone). */
  oldVersions?: boolean;
}

export const DUAL_WRITE_FLAG = 'DualWriteContractDetails';
export const READ_FLAG = 'ReadContractDetailsFromCustomer';

/** The example change file, pointed at `schema`, with soak and retention compressed to nothing. */
export function exampleChangeYaml(o: ExampleChangeOptions): string {
  const execution = { lockTimeout: '2s', lockRetries: 10, batchSize: 1000, targetBatchTime: '100ms', batchPause: 0, ...o.execution };
  return `version: 1
id: ${o.id}
title: Move contract tier and end date onto the customer (${o.schema})
intent: move-columns
sync: ${o.sync}
params:
  from: { table: ${o.schema}.support_contract, join: customer_id }
  to: { table: ${o.schema}.support_customer, key: id, tenant: tenant }
  columns: [tier, end_date]
  retire: table
  flags: { dualWrite: ${DUAL_WRITE_FLAG}, readSwitch: ${READ_FLAG} }
  rollout: [1, 10, 50, 100]
  soak: { readSwitch: 0, cutOff: 0 }
  retention: 0
${o.oldVersions ? '  oldVersions: { app: support-desk, versions: ["1"], within: 1m }\n' : ''}execution:
${Object.entries(execution)
  .map(([k, v]) => `  ${k}: ${v}`)
  .join('\n')}
`;
}

/** The change as the engine takes it (parsed from the same YAML the CLI reads). */
export function exampleChange(o: ExampleChangeOptions): ChangeSpec {
  const parsed = parseChangeFile(exampleChangeYaml(o), `changes/${o.id}.yaml`);
  if (!parsed.ok) throw new Error(`test change file is invalid: ${parsed.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  return parsed.change;
}

/** Write the change file into a fresh temporary directory; returns its path. */
export function writeChangeFile(o: ExampleChangeOptions): { file: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchback-change-'));
  const file = path.join(dir, `${o.id}.yaml`);
  fs.writeFileSync(file, exampleChangeYaml(o));
  return { file, dir };
}

/** The example tables in `schema`, with `rows` customers each holding one contract. */
export async function loadExample(db: Db, schema: string, rows: number): Promise<void> {
  await db.exec(schemaSql(schema));
  await db.exec(seedSql(schema, rows));
}

/** Customers whose tier/end_date differ from their contract's (the old shape). */
export async function parityMismatches(db: Queryable, schema: string): Promise<{ id: number; old: string | null; new: string | null }[]> {
  const t = tables(schema);
  const { rows } = await db.query<{ id: number; old: string | null; new: string | null }>(
    `SELECT c.id::int8 AS id, ROW(k.tier, k.end_date)::text AS old, ROW(c.tier, c.end_date)::text AS new
       FROM ${t.customer} c LEFT JOIN ${t.contract} k ON k.customer_id = c.id
      WHERE ROW(c.tier, c.end_date) IS DISTINCT FROM ROW(k.tier, k.end_date) ORDER BY c.id LIMIT 20`,
  );
  return rows;
}

/** Old and new shape agree on every customer (the samples come back when they do not). */
export async function parityHolds(db: Queryable, schema: string): Promise<boolean> {
  return (await parityMismatches(db, schema)).length === 0;
}

async function columnNames(db: Queryable, schema: string, table: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
    [schema, table],
  );
  return rows.map((r) => r.name);
}

export async function columnsAbsent(db: Queryable, schema: string, table: string, columns: string[]): Promise<boolean> {
  const have = await columnNames(db, schema, table);
  return columns.every((c) => !have.includes(c));
}

export async function columnsPresent(db: Queryable, schema: string, table: string, columns: string[]): Promise<boolean> {
  const have = await columnNames(db, schema, table);
  return columns.every((c) => have.includes(c));
}

export async function tableExists(db: Queryable, schema: string, table: string): Promise<boolean> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2`, [schema, table]);
  return rows[0]!.n > 0;
}

/**
 * The last committed write of every workload (later workloads win, so pass
 * them in the order they ran), compared with the database through `shape`:
 * `old` = support_contract joined, `new` = support_customer's own columns.
 * Returns one line per write the database does not hold.
 */
export async function lostWrites(db: Queryable, schema: string, workloads: Workload[], shape: 'old' | 'new'): Promise<string[]> {
  const expected = new Map<number, { tier: string | null; endDate: string | null }>();
  for (const w of workloads) for (const [id, v] of w.expected) expected.set(id, v);
  const t = tables(schema);
  const sql =
    shape === 'new'
      ? `SELECT id::int8 AS id, tier, to_char(end_date, 'YYYY-MM-DD') AS end_date FROM ${t.customer} WHERE id = ANY($1::int8[])`
      : `SELECT c.id::int8 AS id, k.tier, to_char(k.end_date, 'YYYY-MM-DD') AS end_date FROM ${t.customer} c LEFT JOIN ${t.contract} k ON k.customer_id = c.id WHERE c.id = ANY($1::int8[])`;
  const { rows } = await db.query<{ id: number; tier: string | null; end_date: string | null }>(sql, [[...expected.keys()]]);
  const have = new Map(rows.map((r) => [Number(r.id), r]));
  const lost: string[] = [];
  for (const [id, want] of expected) {
    const got = have.get(id);
    if (!got || got.tier !== want.tier || got.end_date !== want.endDate) lost.push(`customer ${id}: committed ${want.tier}/${want.endDate}, ${shape} shape holds ${got ? `${got.tier}/${got.end_date}` : 'no row'}`);
  }
  return lost;
}

/** Step-succeeded ledger events of a change, counted per step id (e.g. `backfill.forward.copy` → 1). */
export async function stepSucceededCounts(db: Queryable, change: string): Promise<Record<string, number>> {
  const { rows } = await db.query<{ step: string; n: number }>(
    `SELECT evidence->>'step' AS step, count(*)::int AS n FROM switchback.events
      WHERE change_id = $1 AND action LIKE 'step.%' AND action <> 'step.lock-retry' AND outcome = 'succeeded'
      GROUP BY 1 ORDER BY 1`,
    [change],
  );
  return Object.fromEntries(rows.map((r) => [r.step, r.n]));
}

/** Every step_runs row of a change with its phase run, in order. */
export async function stepRuns(db: Queryable, change: string): Promise<{ phase: string; direction: string; status: string; step: string; runId: number }[]> {
  const { rows } = await db.query<{ phase: string; direction: string; status: string; step: string; run_id: number }>(
    `SELECT r.phase, r.direction, r.status, s.step_id AS step, r.id::int8 AS run_id
       FROM switchback.step_runs s JOIN switchback.phase_runs r ON r.id = s.phase_run_id
      WHERE r.change_id = $1 ORDER BY s.finished_at, s.step_id`,
    [change],
  );
  return rows.map((r) => ({ phase: r.phase, direction: r.direction, status: r.status, step: r.step, runId: Number(r.run_id) }));
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false | null>, o: { timeoutMs?: number; everyMs?: number } = {}): Promise<T> {
  const until = Date.now() + (o.timeoutMs ?? 15_000);
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, o.everyMs ?? 10));
  }
}

export interface CliRun {
  pid: number;
  /** stdout + stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal that ended it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * Start the built CLI as a child process. With `dataDir` the child gets no
 * DATABASE_URL, so it opens that PGlite directory.
 */
export function startCli(args: string[], target: { url?: string; dataDir?: string }, extraEnv: NodeJS.ProcessEnv = {}): CliRun {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', SWITCHBACK_ACTOR: 'cli-child', ...extraEnv };
  delete env.DATABASE_URL;
  const where = target.url ? ['--database-url', target.url] : ['--data-dir', target.dataDir!];
  const child = spawn(process.execPath, [CLI_BIN, ...where, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { pid: child.pid!, output: () => out, exited, kill: (s) => child.kill(s) };
}

/** Run the CLI to the end. */
export async function runCli(args: string[], target: { url?: string; dataDir?: string }): Promise<{ code: number | null; output: string }> {
  const run = startCli(args, target);
  const { code } = await run.exited;
  return { code, output: run.output() };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
