/**
 * What 1% shadow sampling adds to a read: a primary-key SELECT of a
 * customer's contract details over a pg.Pool, called directly (the baseline)
 * and through Migration.read in the shadow stage (read-switch applied, read
 * flag off), which returns the old shape and, for 1 read in 100, also reads
 * the new shape and compares (off the request's path). Both arms use the same
 * pool (2 connections: one for the returned read, one for a compared read's
 * other side).
 *
 * Each round runs three blocks of BLOCK reads on the same customers: direct,
 * through the helper, and direct again, in one of the six orders in turn, so
 * all three see the same load. A round's figure is its helper mean over its
 * direct mean (both capped, see below), minus 1; the result is the median
 * over rounds, printed with a 95% confidence interval for that median and the
 * quartiles and extremes of the per-round figures. The second direct block,
 * taken as a third arm against the first, gives the same figures for two
 * identical arms: the method's noise floor, printed beside them.
 *
 * In the means, a read slower than CAP_FACTOR times the direct median
 * counts as that bound: on a loaded machine such reads are mostly the process
 * waiting for a core (a few ms, at random, to any arm), and one of them would
 * outweigh hundreds of 60 µs reads. Capped rather than dropped, an arm that
 * is slow more often still pays for it (the read after a compared one, whose
 * other side still runs, is often slower). How many reads were capped per arm
 * is printed, and so is the pooled figure without any cap.
 */
import { Migration } from '@switchback/sdk';
import { median, percentile } from './stats.js';

const ROWS = 10_000;
const SAMPLE_EVERY = 100;
/** Reads per block: a multiple of SAMPLE_EVERY, so every helper block holds the same number of compared reads. */
const BLOCK = 3 * SAMPLE_EVERY;
const CAP_FACTOR = 5;
const POOL_SIZE = 2;
const CHANGE = 'bench-shadow-read';
const READ_FLAG = 'BenchReadFromCustomer';
const DUAL_WRITE_FLAG = 'BenchDualWriteCustomer';
const ARMS = ['direct', 'helper', 'again'];
const ORDERS = [[0, 1, 2], [1, 2, 0], [2, 0, 1], [0, 2, 1], [2, 1, 0], [1, 0, 2]].map((o) => o.map((i) => ARMS[i]));

const SETUP = `
CREATE TABLE bench_contract (customer_id integer PRIMARY KEY, tier text NOT NULL, end_date date);
CREATE TABLE bench_customer (id integer PRIMARY KEY, name text NOT NULL, tier text, end_date date);
INSERT INTO bench_contract SELECT i, (ARRAY['free', 'pro', 'enterprise'])[1 + i % 3], DATE '2027-01-01' + i % 365 FROM generate_series(1, ${ROWS}) i;
INSERT INTO bench_customer SELECT customer_id, 'customer ' || customer_id, tier, end_date FROM bench_contract;
ANALYZE bench_contract;
ANALYZE bench_customer;
INSERT INTO switchback.changes (id, intent, title, sync, spec, plan, plan_hash, applied_phase)
  VALUES ('${CHANGE}', 'move-columns', 'bench: contract details onto the customer', 'app', '{}', '{}', 'bench', 'read-switch');
INSERT INTO switchback.flags (name, enabled, rollout_bps, change_id) VALUES ('${READ_FLAG}', true, 0, '${CHANGE}'), ('${DUAL_WRITE_FLAG}', true, 10000, '${CHANGE}');`;

/** BLOCK reads of customers from `offset` on (spread over the table): each read's milliseconds. */
async function block(read, offset) {
  const times = new Float64Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) {
    const t0 = performance.now();
    await read(1 + ((offset + i) * 7_919) % ROWS);
    times[i] = performance.now() - t0;
  }
  return times;
}

/** Round `r`: one block per arm, in the round's order, on the same customers. */
async function round(reads, r) {
  const result = {};
  for (const arm of ORDERS[r % ORDERS.length]) result[arm] = await block(reads[arm], r * BLOCK);
  return result;
}

const pct = (ratio) => ((ratio - 1) * 100).toFixed(2);

/**
 * A distribution-free 95% confidence interval for the median of ascending
 * `sorted`: the order statistics n/2 ± 0.98·√n (the normal approximation to
 * the binomial), so it holds whatever the shape of the per-round figures.
 */
function medianInterval(sorted) {
  const n = sorted.length;
  const half = 0.98 * Math.sqrt(n);
  return [sorted[Math.max(0, Math.floor(n / 2 - half) - 1)], sorted[Math.min(n - 1, Math.ceil(n / 2 + half) - 1)]];
}

/** The mean of `xs` with every value above `bound` counted as `bound`. */
function cappedMean(xs, bound) {
  let sum = 0;
  for (const x of xs) sum += Math.min(x, bound);
  return sum / xs.length;
}

/** The per-round figures of `arm` (its capped mean over the direct one), ascending. */
const perRound = (rounds, arm, bound) => Float64Array.from(rounds, (r) => cappedMean(r[arm], bound) / cappedMean(r.direct, bound)).sort();

export async function runShadowBench(target, flags, print, { rounds }) {
  await target.db.exec(SETUP);
  await flags.refresh();
  const sql = target.sql(POOL_SIZE);
  const oldRead = async (id) => (await sql.query('SELECT tier, end_date::text AS end_date FROM bench_contract WHERE customer_id = $1', [id])).rows[0];
  const newRead = async (id) => (await sql.query('SELECT tier, end_date::text AS end_date FROM bench_customer WHERE id = $1', [id])).rows[0];
  const migration = new Migration({ flags, change: CHANGE, sync: 'app', readFlag: READ_FLAG, dualWriteFlag: DUAL_WRITE_FLAG, sampleEvery: SAMPLE_EVERY });
  if (migration.stage({ key: '1' }) !== 'shadow') throw new Error(`the helper is in stage ${migration.stage({ key: '1' })}, not shadow`);
  const reads = {
    direct: oldRead,
    helper: (id) => migration.read({ key: String(id) }, { old: () => oldRead(id), new: () => newRead(id) }),
    again: oldRead,
  };

  print(`# shadow read: ${rounds} rounds of 3 blocks of ${BLOCK} primary-key reads (direct, through the helper, direct again; order rotating), comparing 1 in ${SAMPLE_EVERY}, one pg.Pool of ${POOL_SIZE}`);
  for (let w = 0; w < ORDERS.length; w++) await round(reads, w); // warm-up: connections, plans, JIT
  const measured = [];
  for (let r = 0; r < rounds; r++) measured.push(await round(reads, r));
  await migration.settled();
  const c = migration.counters();
  if (c.mismatches !== 0 || c.newSideErrors !== 0) throw new Error(`the shadow reads disagreed or failed: ${c.mismatches} mismatches, ${c.newSideErrors} errors`);
  const helperBlocks = rounds + ORDERS.length;
  if (c.shadowCompares + c.comparesSkipped !== helperBlocks * (BLOCK / SAMPLE_EVERY)) throw new Error(`expected ${BLOCK / SAMPLE_EVERY} sampled reads per helper block, got ${c.shadowCompares + c.comparesSkipped} over ${helperBlocks} blocks`);

  const all = Object.fromEntries(ARMS.map((arm) => [arm, measured.flatMap((r) => [...r[arm]])]));
  const bound = CAP_FACTOR * median(all.direct);
  const helper = perRound(measured, 'helper', bound);
  const again = perRound(measured, 'again', bound);
  const overheadPct = (percentile(helper, 50) - 1) * 100;
  const spread = (name, ratios) => {
    const [lo, hi] = medianInterval(ratios);
    print(`${name}_median_ci95_pct=${pct(lo)} ${pct(hi)}`);
    print(`${name}_rounds_pct=p25 ${pct(percentile(ratios, 25))} p75 ${pct(percentile(ratios, 75))} min ${pct(ratios[0])} max ${pct(ratios[ratios.length - 1])}`);
  };

  print(`shadow_reads=${c.reads}`);
  print(`shadow_compares=${c.shadowCompares}`);
  print(`shadow_compares_skipped=${c.comparesSkipped}`);
  print(`read_direct_p50_ms=${median(all.direct).toFixed(4)}`);
  print(`read_helper_p50_ms=${median(all.helper).toFixed(4)}`);
  print(`read_cap_ms=${bound.toFixed(3)}`);
  print(`reads_capped=${ARMS.map((arm) => `${arm} ${all[arm].filter((t) => t > bound).length}`).join(' ')} (of ${all.direct.length} each)`);
  print(`shadow_overhead_pooled_pct=${pct(cappedMean(all.helper, bound) / cappedMean(all.direct, bound))}`);
  print(`shadow_overhead_pooled_uncapped_pct=${pct(cappedMean(all.helper, Infinity) / cappedMean(all.direct, Infinity))}`);
  print(`noise_floor_pct=${pct(percentile(again, 50))}`);
  spread('noise_floor', again);
  spread('shadow_overhead', helper);
  print(`shadow_overhead_pct=${overheadPct.toFixed(2)}`);
  return { overheadPct };
}
