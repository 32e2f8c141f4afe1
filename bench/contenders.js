/** The two ways to move 1,000,000 rows' tier and end_date onto the customer. */
import { runBackfill } from '@switchback/engine';
import { CHANGE_ID, tables } from './bench-fixture.js';

/** A: the naive migration's one statement, in one transaction. */
export async function singleUpdate(db) {
  const t0 = performance.now();
  const r = await db.query(
    `UPDATE ${tables.customer} c SET tier = k.tier, end_date = k.end_date FROM ${tables.contract} k WHERE k.customer_id = c.id`,
  );
  const seconds = (performance.now() - t0) / 1000;
  return { rows: r.rowCount, seconds };
}

/**
 * B: Switchback's backfill step, as the executor runs it (the change file's
 * batch size, target batch time, pause and lock policy), checkpointing into
 * a phase run of its own.
 */
export async function switchbackBackfill(db, step, change) {
  const run = await db.query(
    `INSERT INTO switchback.phase_runs (change_id, phase, direction, status, actor) VALUES ($1, 'backfill', 'forward', 'running', 'bench') RETURNING id`,
    [CHANGE_ID],
  );
  const phaseRun = Number(run.rows[0].id);
  const s = change.execution;
  const batchMs = [];
  let finalBatchSize = s.batchSize;
  const t0 = performance.now();
  const result = await runBackfill(db, step.backfill, { phaseRun, step: step.id }, {
    batchSize: s.batchSize,
    targetBatchMs: s.targetBatchTime,
    pauseMs: s.batchPause,
    retry: { lockTimeoutMs: s.lockTimeout, retries: s.lockRetries },
    onProgress: (p) => {
      if (!p.done) batchMs.push(p.lastBatchMs);
      finalBatchSize = p.batchSize;
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  await db.query(`UPDATE switchback.phase_runs SET status = 'succeeded', finished_at = now() WHERE id = $1`, [phaseRun]);
  return { rows: result.rows_visited, changed: result.rows_changed, seconds, batches: result.batches, maxBatchMs: result.maxBatchMs, finalBatchSize, batchMs, settings: s };
}
