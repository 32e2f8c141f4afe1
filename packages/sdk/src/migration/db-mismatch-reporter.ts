import type { SqlClient } from '../sql-client.js';
import { topLevelDiff, type Mismatch, type MismatchReporter } from './mismatch-reporter.js';

/** Mismatches buffered before a flush is started regardless of the timer. */
export const DEFAULT_MISMATCH_BATCH_SIZE = 100;
/** Longest a reported mismatch waits in the buffer. */
export const DEFAULT_MISMATCH_FLUSH_MS = 500;

/** Settings for {@link DbMismatchReporter}. */
export interface DbMismatchReporterOptions {
  batchSize?: number;
  flushMs?: number;
  /** Told about a failed insert; that batch is dropped (the Migration counters still hold the count). */
  onError?: (error: unknown) => void;
}

// One parameter for the whole batch: the rows travel as a JSON array, so the
// statement text is the same whatever the batch size.
const INSERT = `
INSERT INTO switchback.shadow_mismatches (flag, change_id, key, tenant, old_value, new_value, diff, app_version, at)
SELECT r->>'flag', r->>'changeId', r->>'key', r->>'tenant', r->'oldValue', r->'newValue', r->'diff',
       r->>'appVersion', (r->>'at')::timestamptz
FROM jsonb_array_elements($1::jsonb) AS r`;

const replacer = (_key: string, value: unknown): unknown =>
  typeof value === 'bigint' ? value.toString() : value;

/** One row as JSON; bigints become strings, and values JSON cannot hold (cycles) become null. */
function rowJson(m: Mismatch): string {
  try {
    return JSON.stringify({ ...m, diff: topLevelDiff(m.oldValue, m.newValue) }, replacer);
  } catch {
    return JSON.stringify({ ...m, oldValue: null, newValue: null, diff: null }, replacer);
  }
}

/**
 * Writes mismatches to `switchback.shadow_mismatches` in batches, where the
 * watcher reads them as parity evidence. Each row carries a `diff` of the
 * differing top-level fields.
 *
 * @example
 * const reporter = new DbMismatchReporter(pool);
 * const migration = new Migration({ flags, reporter, ... });
 * // on shutdown:
 * await reporter.close();
 */
export class DbMismatchReporter implements MismatchReporter {
  private buffer: Mismatch[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inserts = new Set<Promise<void>>();
  private closed = false;
  private readonly batchSize: number;
  private readonly flushMs: number;
  private readonly onError: (error: unknown) => void;

  constructor(
    private readonly db: SqlClient,
    opts: DbMismatchReporterOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? DEFAULT_MISMATCH_BATCH_SIZE;
    this.flushMs = opts.flushMs ?? DEFAULT_MISMATCH_FLUSH_MS;
    this.onError = opts.onError ?? (() => {});
  }

  /** Buffers a mismatch; a full buffer starts a flush, otherwise the timer does. Ignored after close. */
  report(mismatch: Mismatch): void {
    if (this.closed) return;
    this.buffer.push(mismatch);
    if (this.buffer.length >= this.batchSize) {
      void this.flush();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Inserts everything buffered so far and waits for every insert in progress. Never rejects. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length > 0) {
      const batch = this.buffer;
      this.buffer = [];
      const insert = this.insert(batch);
      this.inserts.add(insert);
      void insert.finally(() => this.inserts.delete(insert));
    }
    await Promise.all(this.inserts);
  }

  /** Flushes and stops accepting mismatches. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private async insert(batch: Mismatch[]): Promise<void> {
    try {
      await this.db.query(INSERT, [`[${batch.map(rowJson).join(',')}]`]);
    } catch (error) {
      try {
        this.onError(error);
      } catch {
        // A throwing onError must not become an unhandled rejection.
      }
    }
  }
}
