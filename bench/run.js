/**
 * Backfill benchmark on a real PostgreSQL server: 1,000,000 rows' tier and
 * end_date moved from support_contract onto support_customer by
 *   A. one `UPDATE ... FROM` statement (the naive migration), and
 *   B. Switchback's batched backfill (the plan's backfill step, runBackfill),
 * each on a byte-identical copy of the same data, while a concurrent writer
 * (the app changing contract details of random customers) sends the same
 * fixed request rate through a small pool of its own connections. Prints
 * one `name=value` line per figure (`#` lines are context) and ends with
 *   RESULT backfill_throughput_ratio=R writer_p99_ms=X single_update_writer_p99_ms=Y max_batch_ms=Z
 *
 * Environment: DATABASE_URL (a database to connect to for CREATE DATABASE;
 * default postgres://postgres@127.0.0.1:5432/postgres), BENCH_ROWS (1000000),
 * BENCH_ORDER (ABBAAB: contenders in that order, each letter one timed run;
 * a contender's rows/s is the median of its runs, which shrugs off one run
 * disturbed by other load on the machine),
 * BENCH_WRITER_RATE (200: the writer's requests per second),
 * BENCH_WRITER_CONNECTIONS (4: the writer's pool).
 * Exit codes: 0 ran (targets met or not: see the target_* lines),
 * 1 the benchmark failed, 2 the server is unreachable.
 *
 * Before it, the check benchmark (bench/check.js: `switchback check` on a
 * generated 10,000-statement migration, no database needed) runs and prints
 *   RESULT check_10k_statements_s=S squawk_ratio=R
 * so it reports even when the server is down. If it fails, the backfill
 * benchmark still runs and the exit code is 1. BENCH_SKIP_CHECK=1 skips it.
 *
 * Then the SDK benchmark (bench/sdk.js: flag evaluation against
 * unleash-client, propagation to 20 listening clients, shadow-read overhead;
 * on the server, or on PGlite when it is down) prints
 *   RESULT flag_evals_per_s=N unleash_ratio=R propagation_p99_ms=P shadow_overhead_pct=O
 * with the same failure rule. BENCH_SKIP_SDK=1 skips it.
 *
 * Then the rehearsal benchmark (bench/rehearse.js: `switchback rehearse` of
 * the seed change, 100,000 rows on PGlite) prints RESULT rehearse_seed_s=S;
 * BENCH_SKIP_REHEARSE=1 skips it.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { PgDb, redactUrl } from '@switchback/engine';
import { TIERS } from '@switchback/example-support-desk';
import { buildFixture, parityCountSql, tables } from './bench-fixture.js';
import { runCheckBench } from './check.js';
import { abortSdkBench, runSdkBench } from './sdk.js';
import { runRehearseBench } from './rehearse.js';
import { singleUpdate, switchbackBackfill } from './contenders.js';
import { int, latencySummary, median, ms } from './stats.js';
import { now, startWriter } from './writer.js';

const ADMIN_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const ORDER = (process.env.BENCH_ORDER ?? 'ABBAAB').toUpperCase();
const WRITER_RATE = Number(process.env.BENCH_WRITER_RATE ?? 200);
const WRITER_CONNECTIONS = Number(process.env.BENCH_WRITER_CONNECTIONS ?? 4);
/** The writer runs this long before the contender starts; its requests then show the latency of an otherwise idle server. */
const IDLE_MS = 1_500;
const TARGETS = { ratio: 0.7, writerP99Ms: 50, maxBatchMs: 250 };

const NAMES = { A: 'single_update', B: 'backfill' };
const print = (line) => console.log(line);
const sleep = (t) => new Promise((r) => setTimeout(r, t));
const quoteIdent = (name) => `"${name.replace(/"/g, '""')}"`;

function urlFor(database) {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Everything to undo, whatever happens: writer threads, pools, databases. */
const owned = { writers: new Set(), pools: new Set(), databases: [] };

/** Idempotent: a signal and a failing run may both ask for it. */
let cleaning;
const cleanup = () => (cleaning ??= undo());

async function undo() {
  for (const w of owned.writers) await w.kill().catch(() => {});
  for (const p of owned.pools) await p.close().catch(() => {});
  owned.writers.clear();
  owned.pools.clear();
  if (!owned.databases.length) return;
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
    // Clones first, the template last.
    for (const name of owned.databases.reverse()) await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    owned.databases = [];
  } catch (e) {
    console.error(`bench: could not drop ${owned.databases.join(', ')}: ${e.message}; drop them by hand.`);
  } finally {
    await admin.end().catch(() => {});
  }
}

function openDb(name) {
  const db = new PgDb(urlFor(name), { max: 2, applicationName: 'switchback-bench' });
  owned.pools.add(db);
  return db;
}

async function closeDb(db) {
  owned.pools.delete(db);
  await db.close();
}

async function main() {
  if (!/^[AB]+$/.test(ORDER) || !ORDER.includes('A') || !ORDER.includes('B')) throw new Error(`BENCH_ORDER must use both A and B, e.g. ABBA (got ${ORDER})`);
  if (!(ROWS >= 1_000)) throw new Error(`BENCH_ROWS must be at least 1000 (got ${process.env.BENCH_ROWS})`);

  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5_000, application_name: 'switchback-bench' });
  try {
    await admin.connect();
  } catch (e) {
    console.error(`bench: cannot reach PostgreSQL at ${redactUrl(ADMIN_URL)} (${e.message}). Start the server or set DATABASE_URL.`);
    process.exit(2);
  }
  try {
    const { v: version, num } = (await admin.query(`SELECT current_setting('server_version') AS v, current_setting('server_version_num')::int AS num`)).rows[0];
    // A file copy clones in a second or two; before PostgreSQL 15 it is the only strategy there is.
    const strategy = num >= 150000 ? ' STRATEGY FILE_COPY' : '';
    print(`# backfill benchmark: PostgreSQL ${version}, ${os.cpus().length} cores, ${ROWS} rows, order ${ORDER}, writer ${WRITER_RATE} requests/s over ${WRITER_CONNECTIONS} connections`);

    const base = `switchback_bench_${crypto.randomBytes(4).toString('hex')}`;
    owned.databases.push(base);
    await admin.query(`CREATE DATABASE ${quoteIdent(base)}`);
    const seedDb = openDb(base);
    const fx = await buildFixture(seedDb, ROWS, print);
    await closeDb(seedDb);
    const s = fx.change.execution;
    print(`# backfill settings (from the change file): batchSize=${s.batchSize} targetBatchTime=${s.targetBatchTime}ms batchPause=${s.batchPause}ms lockTimeout=${s.lockTimeout}ms`);

    const runs = [];
    for (const [i, who] of [...ORDER].entries()) {
      const name = `${base}_${i + 1}`;
      owned.databases.push(name);
      await admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(base)}${strategy}`);
      const run = await measure(name, who, fx, i + 1);
      await admin.query(`DROP DATABASE ${quoteIdent(name)} WITH (FORCE)`);
      owned.databases = owned.databases.filter((d) => d !== name);
      runs.push(run);
    }
    report(runs);
  } finally {
    await admin.end().catch(() => {});
  }
}

/** One timed run of contender `who` on database `name`, with the writer going. */
async function measure(name, who, fx, n) {
  print(`# run ${n}: ${NAMES[who]}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const db = openDb(name);
  // The copy was just written, so the OS cache holds it for every run alike; read both tables once more anyway.
  await db.query(`SELECT count(*) FROM ${tables.customer}`);
  await db.query(`SELECT count(*) FROM ${tables.contract}`);
  await db.exec('CHECKPOINT').catch(() => print('# CHECKPOINT not permitted for this role; runs start with whatever WAL is pending'));

  const writer = await startWriter({ url: urlFor(name), contractTable: tables.contract, rows: ROWS, rate: WRITER_RATE, connections: WRITER_CONNECTIONS, tiers: [...TIERS] });
  owned.writers.add(writer);
  await sleep(IDLE_MS);
  const from = now();
  const result = who === 'A' ? await singleUpdate(db) : await switchbackBackfill(db, fx.backfillStep, fx.change);
  const to = now();
  const w = await writer.stop();
  owned.writers.delete(writer);
  const mismatches = Number((await db.query(parityCountSql)).rows[0].n);
  await closeDb(db);

  // Requests scheduled while the contender ran; the idle ones skip the writer's first 300 ms (connections warming up).
  const during = [];
  const duringService = [];
  const idle = [];
  w.scheduled.forEach((t, k) => {
    if (t >= from && t <= to) {
      during.push(w.latencies[k]);
      duringService.push(w.service[k]);
    } else if (t < from && t >= from - IDLE_MS + 300) idle.push(w.latencies[k]);
  });
  const run = { who, n, ...result, mismatches, during, duringService, idle, writerErrors: w.errors };
  const p = `${NAMES[who]}_run${n}`;
  const lat = latencySummary(during);
  print(`${p}_seconds=${result.seconds.toFixed(2)}`);
  print(`${p}_rows=${result.rows}`);
  print(`${p}_rows_per_s=${int(result.rows / result.seconds)}`);
  if (who === 'B') {
    print(`${p}_batches=${result.batches}`);
    print(`${p}_max_batch_ms=${result.maxBatchMs}`);
    print(`${p}_final_batch_size=${result.finalBatchSize}`);
  }
  print(`${p}_writer_requests=${lat.ops}`);
  print(`${p}_writer_p50_ms=${ms(lat.p50)}`);
  print(`${p}_writer_p99_ms=${ms(lat.p99)}`);
  print(`${p}_writer_max_ms=${ms(lat.max)}`);
  print(`${p}_writer_statement_p99_ms=${ms(latencySummary(duringService).p99)}`);
  print(`${p}_writer_errors=${w.errors.length}`);
  print(`${p}_parity_mismatches=${mismatches}`);
  for (const e of w.errors.slice(0, 3)) print(`# writer error: ${e}`);
  return run;
}

function report(runs) {
  const of = (who) => runs.filter((r) => r.who === who);
  const rate = (rs) => median(rs.map((r) => r.rows / r.seconds));
  const pooledRate = (rs) => rs.reduce((a, r) => a + r.rows, 0) / rs.reduce((a, r) => a + r.seconds, 0);
  const A = of('A');
  const B = of('B');
  const aRate = rate(A);
  const bRate = rate(B);
  const ratio = bRate / aRate;
  const aw = latencySummary(A.flatMap((r) => r.during));
  const bw = latencySummary(B.flatMap((r) => r.during));
  const idle = latencySummary(runs.flatMap((r) => r.idle));
  const batches = latencySummary(B.flatMap((r) => r.batchMs));
  const maxBatch = Math.max(...B.map((r) => r.maxBatchMs));

  print(`single_update_rows_per_s=${int(aRate)}`);
  print(`backfill_rows_per_s=${int(bRate)}`);
  print(`backfill_throughput_ratio=${ratio.toFixed(2)}`);
  print(`backfill_throughput_ratio_pooled=${(pooledRate(B) / pooledRate(A)).toFixed(2)}`);
  print(`writer_idle_p50_ms=${ms(idle.p50)}`);
  print(`writer_idle_p99_ms=${ms(idle.p99)}`);
  print(`single_update_writer_requests=${aw.ops}`);
  print(`single_update_writer_p50_ms=${ms(aw.p50)}`);
  print(`single_update_writer_p99_ms=${ms(aw.p99)}`);
  print(`single_update_writer_max_ms=${ms(aw.max)}`);
  print(`single_update_writer_statement_p99_ms=${ms(latencySummary(A.flatMap((r) => r.duringService)).p99)}`);
  print(`writer_requests=${bw.ops}`);
  print(`writer_p50_ms=${ms(bw.p50)}`);
  print(`writer_p99_ms=${ms(bw.p99)}`);
  print(`writer_max_ms=${ms(bw.max)}`);
  print(`writer_statement_p99_ms=${ms(latencySummary(B.flatMap((r) => r.duringService)).p99)}`);
  print(`backfill_batches=${B.reduce((a, r) => a + r.batches, 0)}`);
  print(`backfill_batch_p50_ms=${ms(batches.p50)}`);
  print(`backfill_batch_p99_ms=${ms(batches.p99)}`);
  print(`max_batch_ms=${maxBatch}`);
  print(`single_update_parity_mismatches=${A.reduce((a, r) => a + r.mismatches, 0)}`);
  print(`backfill_parity_mismatches=${B.reduce((a, r) => a + r.mismatches, 0)}`);
  print(`target_ratio_met=${ratio >= TARGETS.ratio ? 'yes' : 'no'}`);
  print(`target_writer_p99_met=${bw.p99 < TARGETS.writerP99Ms ? 'yes' : 'no'}`);
  print(`target_max_batch_met=${maxBatch <= TARGETS.maxBatchMs ? 'yes' : 'no'}`);
  print(`RESULT backfill_throughput_ratio=${ratio.toFixed(2)} writer_p99_ms=${ms(bw.p99)} single_update_writer_p99_ms=${ms(aw.p99)} max_batch_ms=${maxBatch}`);
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`bench: ${signal}: stopping and dropping the bench databases`);
    Promise.all([cleanup(), abortSdkBench()]).finally(() => process.exit(130));
  });
}

let checkFailed = false;
if (process.env.BENCH_SKIP_CHECK !== '1') {
  try {
    await runCheckBench(print);
  } catch (e) {
    checkFailed = true;
    console.error(`bench: check benchmark failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

let sdkFailed = false;
if (process.env.BENCH_SKIP_SDK !== '1') {
  try {
    await runSdkBench(print);
  } catch (e) {
    sdkFailed = true;
    console.error(`bench: sdk benchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
}

let rehearseFailed = false;
if (process.env.BENCH_SKIP_REHEARSE !== '1') {
  try {
    await runRehearseBench(print);
  } catch (e) {
    rehearseFailed = true;
    console.error(`bench: rehearse benchmark failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

try {
  await main();
  await cleanup();
  if (checkFailed || sdkFailed || rehearseFailed) process.exit(1);
} catch (e) {
  // Interrupted: the signal handler is cleaning up and will exit.
  if (interrupted) await new Promise(() => {});
  console.error(`bench: failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  await cleanup();
  process.exit(1);
}
