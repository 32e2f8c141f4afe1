/**
 * What 1% shadow sampling adds to a read: a primary-key SELECT of a
 * customer's contract details, called directly (the baseline) and through
 * Migration.read in the shadow stage (read-switch applied, read flag off),
 * which returns the old shape and, for 1 read in 100, also reads the new
 * shape at the same time and compares. The two alternate in slices of 100
 * reads (so each slice through the helper holds exactly one compared read),
 * which exposes both to the same load on a busy machine.
 *
 * The figure is the mean latency through the helper over the direct mean,
 * minus 1, after setting aside on both sides the reads slower than
 * STALL_FACTOR times the direct median: on a loaded machine those are the
 * process waiting for a core (a few ms, at random, to either side), and a
 * handful of them outweigh thousands of 60 µs reads. A compared read runs
 * its two queries at once and stays far below that bound, so the sampling's
 * cost is kept. The stalls set aside are counted per side, and the mean
 * without setting anything aside is printed too.
 */
import { Migration } from '@switchback/sdk';
import { median } from './stats.js';

const ROWS = 10_000;
const SAMPLE_EVERY = 100;
const READS_PER_SLICE = SAMPLE_EVERY;
const PAIRS = 10;
const STALL_FACTOR = 20;
const CHANGE = 'bench-shadow-read';
const READ_FLAG = 'BenchReadFromCustomer';
const DUAL_WRITE_FLAG = 'BenchDualWriteCustomer';

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

/**
 * Reads one slice of customers from `offset` on (spread over the table),
 * pushing each read's milliseconds to `into`, or, for the first read (the one
 * the helper compares: its counter is at a multiple of 100 there), to `first`.
 */
async function slice(read, offset, into, first = into) {
  for (let i = 0; i < READS_PER_SLICE; i++) {
    const t0 = performance.now();
    await read(1 + ((offset + i) * 7_919) % ROWS);
    (i === 0 ? first : into).push(performance.now() - t0);
  }
}

/** One round: PAIRS alternating pairs of slices (direct, through the helper) on the same customers. */
async function round(direct, helped, r, into) {
  for (let p = 0; p < PAIRS; p++) {
    const offset = (r * PAIRS + p) * READS_PER_SLICE;
    if ((r + p) % 2 === 0) {
      await slice(direct, offset, into.direct);
      await slice(helped, offset, into.helped, into.compared);
    } else {
      await slice(helped, offset, into.helped, into.compared);
      await slice(direct, offset, into.direct);
    }
  }
}

const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const mean = (xs) => sum(xs) / xs.length;

export async function runShadowBench(target, flags, print, { rounds }) {
  await target.db.exec(SETUP);
  await flags.refresh();
  // Two connections, so a compared read runs both sides at once, as an app's pool would.
  const sql = target.sql(2);
  const oldRead = async (id) => (await sql.query('SELECT tier, end_date::text AS end_date FROM bench_contract WHERE customer_id = $1', [id])).rows[0];
  const newRead = async (id) => (await sql.query('SELECT tier, end_date::text AS end_date FROM bench_customer WHERE id = $1', [id])).rows[0];
  const migration = new Migration({ flags, change: CHANGE, sync: 'app', readFlag: READ_FLAG, dualWriteFlag: DUAL_WRITE_FLAG, sampleEvery: SAMPLE_EVERY });
  if (migration.stage({ key: '1' }) !== 'shadow') throw new Error(`the helper is in stage ${migration.stage({ key: '1' })}, not shadow`);
  const direct = (id) => oldRead(id);
  const helped = (id) => migration.read({ key: String(id) }, { old: () => oldRead(id), new: () => newRead(id) });

  print(`# shadow read: ${rounds} rounds of ${PAIRS} pairs of ${READS_PER_SLICE} primary-key reads (direct, through the helper), comparing 1 in ${SAMPLE_EVERY}`);
  await round(direct, helped, 0, { direct: [], helped: [], compared: [] }); // warm-up
  const reads = { direct: [], helped: [], compared: [] };
  for (let r = 1; r <= rounds; r++) await round(direct, helped, r, reads);
  const c = migration.counters();
  if (c.mismatches !== 0 || c.newSideErrors !== 0) throw new Error(`the shadow reads disagreed or failed: ${c.mismatches} mismatches, ${c.newSideErrors} errors`);
  // The warm-up round compared PAIRS reads too.
  if (c.shadowCompares !== reads.compared.length + PAIRS) throw new Error(`expected one compared read per slice of ${READS_PER_SLICE}, got ${c.shadowCompares} for ${reads.compared.length + PAIRS} slices`);
  const bound = STALL_FACTOR * median(reads.direct);
  const keep = (xs) => xs.filter((t) => t <= bound);
  const kept = { direct: keep(reads.direct), helped: keep(reads.helped), compared: keep(reads.compared) };
  const helperAll = [...kept.helped, ...kept.compared];
  const overheadPct = (mean(helperAll) / mean(kept.direct) - 1) * 100;
  print(`shadow_reads=${c.reads}`);
  print(`shadow_compares=${c.shadowCompares}`);
  print(`read_direct_p50_ms=${median(reads.direct).toFixed(4)}`);
  print(`read_helper_p50_ms=${median(reads.helped).toFixed(4)}`);
  print(`read_stall_bound_ms=${bound.toFixed(3)}`);
  print(`read_direct_stalls=${reads.direct.length - kept.direct.length}`);
  print(`read_helper_stalls=${reads.helped.length + reads.compared.length - helperAll.length}`);
  print(`read_direct_mean_ms=${mean(kept.direct).toFixed(4)}`);
  print(`read_helper_mean_ms=${mean(helperAll).toFixed(4)}`);
  print(`read_helper_uncompared_mean_ms=${mean(kept.helped).toFixed(4)}`);
  print(`read_helper_compared_mean_ms=${mean(kept.compared).toFixed(4)}`);
  print(`shadow_overhead_with_stalls_pct=${((mean([...reads.helped, ...reads.compared]) / mean(reads.direct) - 1) * 100).toFixed(2)}`);
  print(`shadow_overhead_pct=${overheadPct.toFixed(2)}`);
  return { overheadPct };
}
