/**
 * SDK benchmark, on a database of its own on the PostgreSQL server at
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), or in
 * an in-memory PGlite when the server does not answer. Four figures:
 *
 * 1. flag_evals_per_s: FlagClient.isEnabled on a 25% rollout with one
 *    targeting rule, loaded from switchback.flags, over 65,536 distinct keys
 *    (bench/sdk-eval.js); unleash_ratio: the same over unleash-client's
 *    rate for the same flag, bootstrapped offline, in the same process.
 * 2. propagation_p99_ms: from the start of `updateFlag` (the engine's flag
 *    change: a transaction that ends with NOTIFY) to each of 20 FlagClients,
 *    each listening on its own connection, holding the new version.
 * 3. shadow_overhead_pct: mean latency of a primary-key read through
 *    Migration.read in the shadow stage, comparing 1 read in 100 (both sides
 *    run, results compared off the request's path), over the same read
 *    called directly: the median of per-round ratios over many rounds of
 *    alternating blocks, printed with its spread and the noise floor of two
 *    identical arms (bench/sdk-shadow.js).
 *
 * Prints one `name=value` line per figure (`#` lines are context) and ends with
 *   RESULT flag_evals_per_s=N unleash_ratio=R propagation_p99_ms=P shadow_overhead_pct=O
 * Run alone with `node bench/sdk.js` (after `npm run build`), or as part of
 * `npm run bench`. Environment: BENCH_SDK_ROUNDS (7), BENCH_SDK_CHANGES (50),
 * BENCH_SDK_CLIENTS (20), BENCH_SDK_PGLITE=1 (skip the server).
 * Exit code 1 when the benchmark fails.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrateLedger, PgDb, PgliteDb, redactUrl, updateFlag, writeFlag } from '@switchback/engine';
import { FlagClient, pgListener, pgliteListener } from '@switchback/sdk';
import { EVAL_FLAG, EVAL_ROLLOUT_PERCENT, EVAL_RULES, runEvalBench } from './sdk-eval.js';
import { runShadowBench } from './sdk-shadow.js';
import { latencySummary, ms } from './stats.js';

const ADMIN_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const ROUNDS = Number(process.env.BENCH_SDK_ROUNDS ?? 7);
const CHANGES = Number(process.env.BENCH_SDK_CHANGES ?? 50);
const CLIENTS = Number(process.env.BENCH_SDK_CLIENTS ?? 20);
const TARGETS = { evalsPerS: 5_000_000, unleashRatio: 10, propagationP99Ms: 200, shadowOverheadPct: 5 };
const PROPAGATION_FLAG = 'BenchPropagation';
/** A change that does not reach every client within this long counts as lost. */
const PROPAGATION_TIMEOUT_MS = 5_000;
const NO_POLL = { pollMs: 3_600_000 };

const sleep = (t) => new Promise((r) => setTimeout(r, t));
const quoteIdent = (name) => `"${name.replace(/"/g, '""')}"`;

/** The database: a fresh one on the server, or PGlite. `close()` undoes everything it made. */
async function openTarget(print) {
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3_000, application_name: 'switchback-bench' });
  let reachable = process.env.BENCH_SDK_PGLITE !== '1';
  if (reachable) {
    try {
      await admin.connect();
    } catch (e) {
      reachable = false;
      print(`# PostgreSQL at ${redactUrl(ADMIN_URL)} does not answer (${e.message}): running on PGlite in memory`);
    }
  }
  if (!reachable) {
    const db = await PgliteDb.open();
    return {
      kind: 'pglite',
      db,
      sql: () => db,
      listen: () => pgliteListener(db.pg),
      close: () => db.close(),
    };
  }
  const name = `switchback_bench_sdk_${crypto.randomBytes(4).toString('hex')}`;
  const version = (await admin.query(`SELECT current_setting('server_version') AS v`)).rows[0].v;
  print(`# PostgreSQL ${version} at ${redactUrl(ADMIN_URL)}, database ${name}`);
  await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  const db = new PgDb(url, { max: 2, applicationName: 'switchback-bench' });
  const pools = new Set();
  const connect = { connectionString: url, application_name: 'switchback-bench' };
  return {
    kind: 'postgres',
    db,
    /** A pool of the caller's own, as each app instance has. */
    sql: (max = 1) => {
      const pool = new pg.Pool({ ...connect, max });
      // An idle connection the server closes would otherwise be an unhandled 'error' event; the next query reconnects.
      pool.on('error', (e) => print(`# idle connection lost: ${e.message}`));
      pools.add(pool);
      return pool;
    },
    listen: () => pgListener(() => new pg.Client(connect)),
    async close() {
      for (const pool of pools) await pool.end().catch(() => {});
      await db.close().catch(() => {});
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      } catch (e) {
        console.error(`bench: could not drop ${name}: ${e.message}; drop it by hand.`);
      } finally {
        await admin.end().catch(() => {});
      }
    },
  };
}

/**
 * `changes` flag changes through `updateFlag`, one after another, each
 * awaited at every client: the latency from the call to each client holding
 * the new version, in milliseconds (lost ones as Infinity).
 */
async function propagation(target, print) {
  const { db } = target;
  await db.transaction((tx) => writeFlag(tx, PROPAGATION_FLAG, { enabled: true, rolloutBps: 0 }, { change: null, actor: 'bench' }));
  const clients = [];
  let pending;
  try {
    for (let i = 0; i < CLIENTS; i++) {
      const client = await FlagClient.start(target.sql(), { ...NO_POLL, listen: target.listen(), onError: (e) => print(`# client ${i}: ${e.message}`) });
      client.subscribe({
        onChange: () => {
          const p = pending;
          const version = client.snapshot.flags.get(PROPAGATION_FLAG)?.version ?? 0;
          if (p === undefined || p.seen.has(i) || version < p.version) return;
          p.seen.set(i, performance.now() - p.t0);
          if (p.seen.size === CLIENTS) p.done();
        },
      });
      clients.push(client);
    }
    await sleep(300); // the listeners' catch-up reloads
    const latencies = [];
    let lost = 0;
    for (let c = 0; c < CHANGES; c++) {
      const version = Number((await db.query('SELECT version FROM switchback.flags WHERE name = $1', [PROPAGATION_FLAG])).rows[0].version) + 1;
      let done;
      const all = new Promise((r) => (done = r));
      pending = { version, seen: new Map(), done, t0: performance.now() };
      await updateFlag(db, PROPAGATION_FLAG, { percent: c % 2 === 0 ? 10 : 20 }, 'bench');
      await Promise.race([all, sleep(PROPAGATION_TIMEOUT_MS)]);
      for (let i = 0; i < CLIENTS; i++) {
        const t = pending.seen.get(i);
        if (t === undefined) lost++;
        latencies.push(t ?? Infinity);
      }
      pending = undefined;
      await sleep(20 + Math.random() * 30);
    }
    return { latencies, lost };
  } finally {
    pending = undefined;
    for (const client of clients) await client.close();
  }
}

/** The target of the running benchmark, for {@link abortSdkBench}. */
let active;

/** On a signal: closes connections and drops the bench database, if a run is under way. */
export async function abortSdkBench() {
  const target = active;
  active = undefined;
  await target?.close();
}

export async function runSdkBench(print = console.log) {
  if (!(ROUNDS >= 1 && CHANGES >= 1 && CLIENTS >= 1)) throw new Error('BENCH_SDK_ROUNDS, BENCH_SDK_CHANGES and BENCH_SDK_CLIENTS must be positive numbers');
  const target = await openTarget(print);
  active = target;
  let flags;
  try {
    print(`# sdk benchmark on ${target.kind === 'postgres' ? 'PostgreSQL' : 'PGlite'}, ${os.cpus().length} cores, Node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    const { db } = target;
    await migrateLedger(db);
    await db.transaction(async (tx) => {
      await writeFlag(tx, EVAL_FLAG, { enabled: true, rolloutBps: EVAL_ROLLOUT_PERCENT * 100 }, { change: null, actor: 'bench' });
      await tx.query('UPDATE switchback.flags SET rules = $2::jsonb WHERE name = $1', [EVAL_FLAG, JSON.stringify(EVAL_RULES)]);
    });

    flags = await FlagClient.start(target.sql(), NO_POLL);
    if (flags.snapshot.flags.get(EVAL_FLAG)?.rules?.rules?.length !== 1) throw new Error(`${EVAL_FLAG} did not load with its targeting rule`);
    print(`# evaluation: ${ROUNDS} rounds each, alternating, after a warm-up round`);
    const evals = await runEvalBench(flags, print, { rounds: ROUNDS, oursPerRound: 5_000_000, unleashPerRound: 250_000 });

    print(`# propagation: ${CHANGES} changes to ${CLIENTS} clients, each listening on its own connection`);
    const prop = await propagation(target, print);
    const p = latencySummary(prop.latencies);
    print(`propagation_samples=${p.ops}`);
    print(`propagation_lost=${prop.lost}`);
    print(`propagation_p50_ms=${ms(p.p50)}`);
    print(`propagation_p99_ms=${ms(p.p99)}`);
    print(`propagation_max_ms=${ms(p.max)}`);

    print(`# load average before the shadow read: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    const shadow = await runShadowBench(target, flags, print, { rounds: ROUNDS * 20 });

    print(`target_flag_evals_met=${evals.ours >= TARGETS.evalsPerS ? 'yes' : 'no'}`);
    print(`target_unleash_ratio_met=${evals.ratio >= TARGETS.unleashRatio ? 'yes' : 'no'}`);
    print(`target_propagation_p99_met=${p.p99 < TARGETS.propagationP99Ms ? 'yes' : 'no'}`);
    print(`target_shadow_overhead_met=${shadow.overheadPct < TARGETS.shadowOverheadPct ? 'yes' : 'no'}`);
    print(`RESULT flag_evals_per_s=${Math.round(evals.ours)} unleash_ratio=${evals.ratio.toFixed(1)} propagation_p99_ms=${ms(p.p99)} shadow_overhead_pct=${shadow.overheadPct.toFixed(2)}`);
  } finally {
    await flags?.close().catch(() => {});
    if (active === target) await abortSdkBench();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      console.error(`bench: ${signal}: stopping and dropping the bench database`);
      abortSdkBench().finally(() => process.exit(130));
    });
  }
  try {
    await runSdkBench();
  } catch (e) {
    console.error(`bench: sdk benchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  }
}
