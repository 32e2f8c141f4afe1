/**
 * The concurrent writer: the support desk app (version 1) changing the
 * contract details of random customers, one autocommit statement per
 * request. Requests arrive on a fixed schedule (`rate` per second, open loop)
 * and are served by a small pool of `connections`, the way an application's
 * request handlers share a connection pool. A request's latency runs from its
 * scheduled arrival to its commit, so time spent queued behind blocked
 * connections counts: a writer that only timed the statements it managed to
 * send would report a 10-second stall as one slow sample among hundreds of
 * fast ones (coordinated omission).
 *
 * Runs in its own thread so the contender's work in the main thread cannot
 * delay its timers or its clock readings.
 *
 * Protocol: posts { type: 'ready' } once connected; on { type: 'stop', at }
 * it serves every request scheduled before `at` (none is dropped, however
 * late) and posts { type: 'done', scheduled, latencies, service, errors }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import pg from 'pg';

const { url, contractTable, rows, rate, connections, tiers } = workerData;
const now = () => performance.timeOrigin + performance.now();
const sleep = (t) => new Promise((r) => setTimeout(r, t));
const sql = `UPDATE ${contractTable} SET tier = $2, end_date = $3 WHERE customer_id = $1`;

let stopAt = Infinity;
parentPort.on('message', (m) => {
  if (m.type === 'stop') stopAt = m.at;
});

const scheduled = [];
const latencies = [];
const service = [];
const errors = [];
const clients = Array.from({ length: connections }, () => new pg.Client({ connectionString: url, application_name: 'switchback-bench-writer' }));
for (const c of clients) c.on('error', () => {});

let next = 0;
let t0 = 0;

/** One connection: take the next request in schedule order, wait for its arrival, serve it. */
async function serve(client) {
  for (;;) {
    const k = next++;
    const due = t0 + (k * 1000) / rate;
    if (due >= stopAt) return;
    const wait = due - now();
    if (wait > 0) {
      await sleep(wait);
      // A stop that came while waiting: requests due after it are not part of the run.
      if (due >= stopAt) return;
    }
    const id = 1 + Math.floor(Math.random() * rows);
    const tier = tiers[k % tiers.length];
    const endDate = `2029-${String(1 + (k % 12)).padStart(2, '0')}-${String(1 + (k % 28)).padStart(2, '0')}`;
    const sent = now();
    try {
      await client.query({ text: sql, values: [id, tier, endDate], name: 'bench-writer' });
      const done = now();
      scheduled.push(due);
      // From arrival; a timer that fired a fraction of a millisecond early counts from the send.
      latencies.push(done - Math.min(due, sent));
      service.push(done - sent);
    } catch (e) {
      errors.push(e instanceof Error ? e.message : String(e));
    }
  }
}

try {
  await Promise.all(clients.map((c) => c.connect()));
  parentPort.postMessage({ type: 'ready' });
  t0 = now();
  await Promise.all(clients.map(serve));
} catch (e) {
  errors.push(`writer failed: ${e instanceof Error ? e.message : String(e)}`);
} finally {
  await Promise.all(clients.map((c) => c.end().catch(() => {})));
  parentPort.postMessage({ type: 'done', scheduled, latencies, service, errors });
}
