/**
 * The concurrent writer: the support desk app (version 1) changing the
 * contract details of random customers, one autocommit statement at a time,
 * with a short think time between statements. Runs in its own thread and on
 * its own connection so the contender's work in the main thread cannot delay
 * its timer or its measurements.
 *
 * Protocol: posts { type: 'ready' } once connected; on { type: 'stop' } it
 * finishes the statement in flight and posts { type: 'done', starts, latencies, errors }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import pg from 'pg';

const { url, contractTable, rows, pauseMs, tiers } = workerData;
const client = new pg.Client({ connectionString: url, application_name: 'switchback-bench-writer' });
client.on('error', () => {});

let running = true;
const starts = [];
const latencies = [];
const errors = [];
parentPort.on('message', (m) => {
  if (m.type === 'stop') running = false;
});

const sleep = (t) => new Promise((r) => setTimeout(r, t));
const sql = `UPDATE ${contractTable} SET tier = $2, end_date = $3 WHERE customer_id = $1`;

try {
  await client.connect();
  parentPort.postMessage({ type: 'ready' });
  let seq = 0;
  while (running) {
    seq++;
    const id = 1 + Math.floor(Math.random() * rows);
    const tier = tiers[Math.floor(Math.random() * tiers.length)];
    const endDate = `2029-${String(1 + (seq % 12)).padStart(2, '0')}-${String(1 + (seq % 28)).padStart(2, '0')}`;
    const t0 = performance.now();
    try {
      await client.query({ text: sql, values: [id, tier, endDate], name: 'bench-writer' });
      latencies.push(performance.now() - t0);
      starts.push(performance.timeOrigin + t0);
    } catch (e) {
      errors.push(e instanceof Error ? e.message : String(e));
    }
    if (pauseMs > 0) await sleep(pauseMs);
  }
} catch (e) {
  errors.push(`writer connection failed: ${e instanceof Error ? e.message : String(e)}`);
} finally {
  await client.end().catch(() => {});
  parentPort.postMessage({ type: 'done', starts, latencies, errors });
}
