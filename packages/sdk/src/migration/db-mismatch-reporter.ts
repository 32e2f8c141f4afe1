import type { SqlClient } from '../sql-client.js';
import { BatchFlusher } from './batch-flusher.js';
import { topLevelDiff, type Mismatch, type MismatchReporter } from './mismatch-reporter.js';
import { TokenBucket } from './token-bucket.js';

/** Mismatches buffered before a flush is started regardless of the timer. */
export const DEFAULT_MISMATCH_BATCH_SIZE = 100;
/** Longest a reported mismatch waits in the buffer. */
export const DEFAULT_MISMATCH_FLUSH_MS = 500;
/** Most mismatches written per second unless told otherwise; the rest are counted and dropped. */
export const DEFAULT_MISMATCH_MAX_PER_SECOND = 100;
/** Longest JSON kept for each of a mismatch's old value, new value and diff. */
export const DEFAULT_MISMATCH_MAX_VALUE_CHARS = 4096;

/** Settings for {@link DbMismatchReporter}. */
export interface DbMismatchReporterOptions {
  batchSize?: number;
  flushMs?: number;
  /** Told about a failed insert; that batch is dropped (the Migration counters still hold the count). */
  onError?: (error: unknown) => void;
  /** Rate limit: at most this many mismatches per second are kept (token bucket, default {@link DEFAULT_MISMATCH_MAX_PER_SECOND}). */
  maxPerSecond?: number;
  /** Told about each mismatch dropped by the rate limit (e.g. to count it in metrics). */
  onDrop?: (mismatch: Mismatch) => void;
  /** Values (and diffs) whose JSON is longer are stored as `{ truncated: true, chars }` (default {@link DEFAULT_MISMATCH_MAX_VALUE_CHARS}). */
  maxValueChars?: number;
  /** Milliseconds clock for the rate limit (tests). */
  now?: () => number;
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

/** A value as JSON, or a `{ "truncated": true, "chars": n }` marker when its JSON is longer than `max`. */
function capped(value: unknown, max: number): string {
  const json = JSON.stringify(value, replacer) ?? 'null';
  return json.length <= max ? json : JSON.stringify({ truncated: true, chars: json.length });
}

/**
 * One row as JSON; bigints become strings, values over `max` characters of
 * JSON are replaced by a marker (the row stays small), and values JSON cannot
 * hold (cycles) become null.
 */
function rowJson(m: Mismatch, max: number): string {
  const { oldValue, newValue, ...rest } = m;
  try {
    const values = [capped(oldValue, max), capped(newValue, max), capped(topLevelDiff(oldValue, newValue), max)];
    const head = JSON.stringify(rest, replacer).slice(0, -1);
    return `${head}${head.length > 1 ? ',' : ''}"oldValue":${values[0]},"newValue":${values[1]},"diff":${values[2]}}`;
  } catch {
    return JSON.stringify({ ...rest, oldValue: null, newValue: null, diff: null }, replacer);
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
  private readonly flusher: BatchFlusher;
  private closed = false;
  private readonly batchSize: number;
  private readonly limit: TokenBucket;
  private readonly maxValueChars: number;
  private readonly onDrop: (mismatch: Mismatch) => void;
  private droppedCount = 0;

  constructor(
    private readonly db: SqlClient,
    opts: DbMismatchReporterOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? DEFAULT_MISMATCH_BATCH_SIZE;
    this.flusher = new BatchFlusher({ delayMs: opts.flushMs ?? DEFAULT_MISMATCH_FLUSH_MS, onError: opts.onError ?? (() => {}), take: () => this.take() });
    this.onDrop = opts.onDrop ?? (() => {});
    this.maxValueChars = opts.maxValueChars ?? DEFAULT_MISMATCH_MAX_VALUE_CHARS;
    const rate = opts.maxPerSecond ?? DEFAULT_MISMATCH_MAX_PER_SECOND;
    this.limit = new TokenBucket(rate, Math.max(1, rate), opts.now);
  }

  /** Mismatches dropped by the rate limit so far. */
  get dropped(): number {
    return this.droppedCount;
  }

  /**
   * Buffers a mismatch; a full buffer starts a flush, otherwise the timer does.
   * Over the rate limit it is dropped and counted. Ignored after close.
   */
  report(mismatch: Mismatch): void {
    if (this.closed) return;
    if (!this.limit.take()) {
      this.droppedCount++;
      try {
        this.onDrop(mismatch);
      } catch {
        // best effort
      }
      return;
    }
    this.buffer.push(mismatch);
    if (this.buffer.length >= this.batchSize) void this.flusher.flush();
    else this.flusher.schedule();
  }

  /** Inserts everything buffered so far and waits for every insert in progress. Never rejects. */
  flush(): Promise<void> {
    return this.flusher.flush();
  }

  /** Flushes and stops accepting mismatches. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  /** The insert of everything buffered, or undefined when nothing is. */
  private take(): (() => Promise<unknown>) | undefined {
    if (this.buffer.length === 0) return undefined;
    const rows = `[${this.buffer.map((m) => rowJson(m, this.maxValueChars)).join(',')}]`;
    this.buffer = [];
    return () => this.db.query(INSERT, [rows]);
  }
}
