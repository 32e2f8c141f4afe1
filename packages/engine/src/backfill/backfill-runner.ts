import type { BackfillSpec } from '@switchback/core';
import type { Db, Queryable } from '../db/db.js';
import { getCheckpoint, saveCheckpoint, type Checkpoint } from '../ledger/ledger-store.js';
import { withLockRetry, type RetryPolicy } from '../executor/run-sql-step.js';

export const DEFAULT_MAX_BATCH_SIZE = 50_000;

/**
 * A batch must cost in proportion to its rows, not to the table. Left alone,
 * the planner joins a batch of a few thousand source rows to the target by
 * hashing a sequential scan of the whole target (it prices thousands of index
 * probes above one scan), so every batch re-reads the table and the batch
 * time jumps from milliseconds to the length of a full scan the moment the
 * batch grows past the crossover. Steering away from sequential scans, hash
 * and merge joins (penalties, not bans) makes it probe the target's key index
 * once per row; where no index serves the join it still falls back to the
 * planner's own choice, because every alternative then carries the penalty.
 * https://www.postgresql.org/docs/current/runtime-config-query.html
 */
const INDEX_DRIVEN_BATCH = `SET LOCAL enable_seqscan = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off`;

export interface BackfillOptions {
  batchSize: number;
  /** Batches grow or shrink to take about this long (0 = fixed size). */
  targetBatchMs: number;
  pauseMs: number;
  maxBatchSize?: number;
  retry: RetryPolicy;
  onProgress?: (p: BackfillProgress) => void;
  /** Test hook: called after each committed batch. */
  afterBatch?: (batch: number) => void | Promise<void>;
}

export interface BackfillProgress {
  rowsVisited: number;
  rowsChanged: number;
  total: number;
  batches: number;
  batchSize: number;
  rowsPerSecond: number;
  etaMs: number | null;
  lastBatchMs: number;
  done: boolean;
}

export interface BackfillResult extends Checkpoint {
  maxBatchMs: number;
  resumedFrom: string | null;
  seconds: number;
}

/**
 * Copies rows in key ranges (keyset pagination, never OFFSET). Each batch
 * commits together with its checkpoint, so a killed backfill resumes at the
 * first range not yet done and no range is applied twice.
 */
export async function runBackfill(db: Db, spec: BackfillSpec, at: { phaseRun: number; step: string }, o: BackfillOptions): Promise<BackfillResult> {
  const started = Date.now();
  const saved = await getCheckpoint(db, at.phaseRun, at.step);
  const state: Checkpoint = saved ?? { last_key: null, rows_visited: 0, rows_changed: 0, batches: 0 };
  const resumedFrom = saved?.last_key ?? null;
  const total = Math.max(Number((await db.query<{ n: number }>(spec.countSql)).rows[0]?.n ?? 0), state.rows_visited);
  const max = o.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
  let size = Math.min(o.batchSize, max);
  let maxBatchMs = 0;
  const sessionStart = { at: Date.now(), rows: state.rows_visited };

  for (;;) {
    const t0 = Date.now();
    const range = await nextRange(db, spec, state.last_key, size);
    if (!range) break;
    await withLockRetry(db, at.step, o.retry, async (tx) => {
      // The backfill is the sync here: the sync triggers need not echo it.
      await tx.exec(`SET LOCAL switchback.syncing = 'on'; ${INDEX_DRIVEN_BATCH}`);
      const changed = await tx.query(spec.batchSql, [range.lo, range.hi]);
      state.last_key = range.hi;
      state.rows_visited += range.n;
      state.rows_changed += changed.rowCount || changed.rows.length;
      state.batches += 1;
      await saveCheckpoint(tx, at.phaseRun, at.step, state);
    });
    const ms = Date.now() - t0;
    maxBatchMs = Math.max(maxBatchMs, ms);
    if (o.targetBatchMs > 0) size = adapt(size, ms, o.targetBatchMs, max);
    const elapsed = (Date.now() - sessionStart.at) / 1000;
    const rate = elapsed > 0 ? (state.rows_visited - sessionStart.rows) / elapsed : 0;
    o.onProgress?.({
      rowsVisited: state.rows_visited,
      rowsChanged: state.rows_changed,
      total: Math.max(total, state.rows_visited),
      batches: state.batches,
      batchSize: size,
      rowsPerSecond: rate,
      etaMs: rate > 0 ? Math.max(0, ((total - state.rows_visited) / rate) * 1000) : null,
      lastBatchMs: ms,
      done: false,
    });
    await o.afterBatch?.(state.batches);
    if (o.pauseMs > 0) await new Promise((r) => setTimeout(r, o.pauseMs));
  }
  o.onProgress?.({ ...state, rowsVisited: state.rows_visited, rowsChanged: state.rows_changed, total: state.rows_visited, batchSize: size, rowsPerSecond: 0, etaMs: 0, lastBatchMs: 0, done: true });
  return { ...state, maxBatchMs, resumedFrom, seconds: (Date.now() - started) / 1000 };
}

async function nextRange(db: Queryable, spec: { boundSql: string; firstBoundSql: string }, last: string | null, size: number) {
  const { rows } = last === null ? await db.query<{ lo: string | null; hi: string | null; n: number }>(spec.firstBoundSql, [size]) : await db.query<{ lo: string | null; hi: string | null; n: number }>(spec.boundSql, [last, size]);
  const r = rows[0];
  return r && r.hi !== null && r.lo !== null ? { lo: r.lo, hi: r.hi, n: Number(r.n ?? size) } : undefined;
}

/** Aim each batch at the target duration; never change by more than 2× at once. */
function adapt(size: number, ms: number, targetMs: number, max: number): number {
  const ratio = Math.min(2, Math.max(0.5, targetMs / Math.max(ms, 1)));
  return Math.max(1, Math.min(max, Math.round(size * ratio)));
}

export { nextRange };
