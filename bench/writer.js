import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';

/** Wall-clock milliseconds comparable across threads. */
export const now = () => performance.timeOrigin + performance.now();

/**
 * Start the concurrent writer (bench/writer-worker.js) and wait until it is
 * connected. `stop()` ends the schedule now, waits for every request already
 * due, and resolves with each request's scheduled arrival (`now()` clock),
 * latency from arrival and statement time alone, in ms, and the errors.
 */
export async function startWriter({ url, contractTable, rows, rate, connections, tiers }) {
  const worker = new Worker(new URL('./writer-worker.js', import.meta.url), { workerData: { url, contractTable, rows, rate, connections, tiers } });
  const done = new Promise((resolve, reject) => {
    worker.on('message', (m) => m.type === 'done' && resolve(m));
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`the writer thread exited (code ${code}) before reporting`)));
  });
  await new Promise((resolve, reject) => {
    worker.on('message', (m) => (m.type === 'ready' ? resolve() : m.type === 'done' && reject(new Error(m.errors.join('; ') || 'the writer stopped before it was ready'))));
    done.catch(reject);
  });
  return {
    async stop() {
      worker.postMessage({ type: 'stop', at: now() });
      const m = await done;
      await worker.terminate();
      return { scheduled: m.scheduled, latencies: m.latencies, service: m.service, errors: m.errors };
    },
    kill: () => worker.terminate(),
  };
}
