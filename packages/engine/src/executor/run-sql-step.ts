import type { Db, Queryable } from '../db/db.js';
import { errorCode, PgCode } from '../db/db.js';
import { LockTimeoutError } from '../errors.js';

export interface RetryPolicy {
  lockTimeoutMs: number;
  retries: number;
  /** First backoff; doubles each attempt, capped, with full jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (attempt: number, waitMs: number, error: string) => void | Promise<void>;
}

export const DEFAULT_BASE_DELAY_MS = 200;
export const DEFAULT_MAX_DELAY_MS = 10_000;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Full-jitter exponential backoff: a random wait in [0, min(cap, base·2^attempt)]. */
export function backoffDelay(attempt: number, policy: RetryPolicy): number {
  const cap = Math.min(policy.maxDelayMs ?? DEFAULT_MAX_DELAY_MS, (policy.baseDelayMs ?? DEFAULT_BASE_DELAY_MS) * 2 ** attempt);
  return Math.round((policy.random ?? Math.random)() * cap);
}

/** Errors worth retrying: the lock did not come in time, or a deadlock/serialization victim. */
export function isRetryable(e: unknown): boolean {
  const code = errorCode(e);
  return code === PgCode.lockNotAvailable || code === PgCode.deadlock || code === PgCode.serializationFailure;
}

/**
 * In a deadlock, the backend whose deadlock_timeout runs out first finds the
 * cycle and is the one aborted. A step waits with a shorter one than the
 * application's (1 s by default), so when its lock order crosses a request's
 * (the app inserts a customer, then a ticket, while ADD FOREIGN KEY locks
 * ticket, then customer) the step gives way and is retried, not the request.
 * Setting it needs superuser or `GRANT SET ON PARAMETER deadlock_timeout`;
 * without either the server's own value stays (lock_timeout still bounds the wait).
 * https://www.postgresql.org/docs/current/runtime-config-locks.html#GUC-DEADLOCK-TIMEOUT
 */
export const STEP_DEADLOCK_TIMEOUT_MS = 100;
const GIVE_WAY_IN_DEADLOCKS = `DO $$ BEGIN PERFORM set_config('deadlock_timeout', '${STEP_DEADLOCK_TIMEOUT_MS}ms', true); EXCEPTION WHEN insufficient_privilege THEN NULL; END $$`;

/**
 * Run `work` in a transaction with `SET LOCAL lock_timeout`, so a statement
 * that needs a strong lock gives up instead of queueing every other query
 * behind it; retry with backoff and jitter. `work` records its own ledger
 * entries inside the same transaction, so a step either happened and is
 * recorded, or neither. https://www.postgresql.org/docs/current/explicit-locking.html
 */
export async function withLockRetry<T>(db: Db, stepId: string, policy: RetryPolicy, work: (tx: Queryable) => Promise<T>): Promise<T> {
  const wait = policy.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction(async (tx) => {
        await tx.exec(`SET LOCAL lock_timeout = '${Math.max(1, Math.round(policy.lockTimeoutMs))}ms'`);
        await tx.exec(GIVE_WAY_IN_DEADLOCKS);
        return work(tx);
      });
    } catch (e) {
      if (!isRetryable(e)) throw e;
      if (attempt >= policy.retries) throw new LockTimeoutError(stepId, attempt + 1, await longestTransactions(db));
      const delay = backoffDelay(attempt, policy);
      await policy.onRetry?.(attempt + 1, delay, e instanceof Error ? e.message : String(e));
      await wait(delay);
    }
  }
}

/** The oldest open transactions of other sessions: the usual suspects when a lock does not come. */
async function longestTransactions(db: Db): Promise<string[]> {
  if (db.kind !== 'postgres') return [];
  try {
    const { rows } = await db.query<{ pid: number; state: string; secs: number; query: string }>(
      `SELECT pid, state, round(extract(epoch FROM now() - xact_start))::int AS secs, left(query, 120) AS query
         FROM pg_stat_activity
        WHERE pid <> pg_backend_pid() AND xact_start IS NOT NULL AND datname = current_database()
        ORDER BY xact_start LIMIT 3`,
    );
    return rows.map((r) => `pid ${r.pid} (${r.state}, ${r.secs}s): ${r.query.replace(/\s+/g, ' ')}`);
  } catch {
    return [];
  }
}

/**
 * Run statements that cannot be in a transaction block, one at a time on one
 * pinned connection with a session lock_timeout. CREATE INDEX CONCURRENTLY
 * waits for its lock and then for every older transaction; under the timeout
 * it gives up instead of holding writers back, leaving an invalid index the
 * next attempt drops first, so the whole list is retried from the top.
 * https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
 */
export async function runConcurrent(db: Db, stepId: string, statements: string[], policy: RetryPolicy): Promise<void> {
  const wait = policy.sleep ?? sleep;
  for (let attempt = 0; ; attempt++) {
    try {
      await db.session(async (s) => {
        await s.exec(`SET lock_timeout = '${Math.max(1, Math.round(policy.lockTimeoutMs))}ms'`);
        try {
          for (const statement of statements) await s.exec(statement);
        } finally {
          await s.exec('RESET lock_timeout');
        }
      });
      return;
    } catch (e) {
      if (!isRetryable(e)) throw e;
      if (attempt >= policy.retries) throw new LockTimeoutError(stepId, attempt + 1, await longestTransactions(db));
      const delay = backoffDelay(attempt, policy);
      await policy.onRetry?.(attempt + 1, delay, e instanceof Error ? e.message : String(e));
      await wait(delay);
    }
  }
}
