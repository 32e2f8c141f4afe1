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

/**
 * A batch's commit need not wait for its WAL to reach disk: the checkpoint
 * commits in the same transaction, so a server crash can only lose the last
 * batches together with their checkpoints (WAL is replayed in order), and the
 * backfill redoes exactly those ranges. Anything that commits synchronously
 * afterwards (the executor's own ledger writes) flushes them anyway. The
 * batch's row locks are released without waiting for the flush, too.
 * https://www.postgresql.org/docs/current/wal-async-commit.html
 */
const ASYNC_COMMIT = `SET LOCAL synchronous_commit = off`;

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
  let rowsPerMs: number | undefined;
  let maxBatchMs = 0;
  const sessionStart = { at: Date.now(), rows: state.rows_visited };

  for (;;) {
    const t0 = Date.now();
    const range = await nextRange(db, spec, state.last_key, size);
    if (!range) break;
    await withLockRetry(db, at.step, o.retry, async (tx) => {
      // The backfill is the sync here: the sync triggers need not echo it.
      await tx.exec(`SET LOCAL switchback.syncing = 'on'; ${INDEX_DRIVEN_BATCH}; ${ASYNC_COMMIT}`);
      const changed = await tx.query(spec.batchSql, [range.lo, range.hi]);
      state.last_key = range.hi;
      state.rows_visited += range.n;
      state.rows_changed += changed.rowCount || changed.rows.length;
      state.batches += 1;
      await saveCheckpoint(tx, at.phaseRun, at.step, state);
    });
    const ms = Date.now() - t0;
    maxBatchMs = Math.max(maxBatchMs, ms);
    if (o.targetBatchMs > 0) ({ size, rowsPerMs } = adapt(size, range.n, ms, rowsPerMs, o.targetBatchMs, max));
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

/**
 * Aim the next batch at the target duration from the rate of recent batches.
 * A slow batch counts at once (the next one must not run long as well); a
 * fast one only half, so one lucky batch does not double the next into a
 * long one. Grow at most 1.5× and shrink at most 2× at once.
 */
function adapt(size: number, rows: number, ms: number, rowsPerMs: number | undefined, targetMs: number, max: number): { size: number; rowsPerMs: number } {
  const observed = rows / Math.max(ms, 1);
  const rate = rowsPerMs === undefined || observed < rowsPerMs ? observed : (rowsPerMs + observed) / 2;
  const next = Math.min(size * 1.5, Math.max(size / 2, rate * targetMs));
  return { size: Math.max(1, Math.min(max, Math.round(next))), rowsPerMs: rate };
}

export { nextRange };
