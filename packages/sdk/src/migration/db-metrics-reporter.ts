import { randomUUID } from 'node:crypto';
import type { SqlClient } from '../sql-client.js';
import { BatchFlusher } from './batch-flusher.js';
import type { Side } from './migration-hooks.js';
import type { MetricsReporter } from './metrics-reporter.js';

/** Length of an aggregation window, and the longest recorded data waits before it is written. */
export const DEFAULT_METRICS_FLUSH_MS = 10_000;
/**
 * Upper bounds (ms) of the latency buckets: the Prometheus adapter's buckets,
 * with one below a millisecond for in-process databases and three above 2.5 s.
 */
export const DEFAULT_LATENCY_BOUNDS_MS: readonly number[] = [0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000];
/** Most series (change × op × side × window, or flag × window) held in memory; data for more is dropped and counted. */
export const DEFAULT_METRICS_MAX_SERIES = 1000;

/** Settings for {@link DbMetricsReporter}. */
export interface DbMetricsReporterOptions {
  /** Window length and flush delay in ms, at most an hour (default {@link DEFAULT_METRICS_FLUSH_MS}). */
  flushMs?: number;
  /** Names this process in the rows (default a random UUID; pass the heartbeat's `instanceId` to match them up). */
  instanceId?: string;
  appVersion?: string;
  /** Increasing upper bounds of the latency buckets in ms (default {@link DEFAULT_LATENCY_BOUNDS_MS}). */
  latencyBoundsMs?: readonly number[];
  /** Memory bound (default {@link DEFAULT_METRICS_MAX_SERIES}). */
  maxSeries?: number;
  /** Told about a failed write; its numbers are dropped and counted in {@link DbMetricsReporter.dropped}. */
  onError?: (error: unknown) => void;
  /** Milliseconds clock that places calls in windows (tests). */
  now?: () => number;
}

/** Bad reporter settings, named by option. */
export class InvalidMetricsOptionsError extends Error {
  constructor(
    readonly option: string,
    detail: string,
  ) {
    super(`DbMetricsReporter option ${option} ${detail}`);
    this.name = 'InvalidMetricsOptionsError';
  }
}

/** What was not written: over the memory bound, or in a batch the database refused. */
export interface DroppedMetrics {
  calls: number;
  compares: number;
  /** Writes that failed. */
  failedWrites: number;
}

interface SideSeries {
  change: string;
  op: 'read' | 'write';
  side: Side;
  at: number;
  calls: number;
  errors: number;
  totalMs: number;
  maxMs: number;
  counts: number[];
}

interface CompareSeries {
  flag: string;
  change: string;
  at: number;
  compares: number;
  mismatches: number;
}

// One statement, one round trip: both tables from two JSON arrays. A window
// written twice (a flush in its middle, then stop()) adds up; le_counts add
// element-wise while the bounds agree, and are cleared when they do not, so a
// histogram never claims calls it did not count.
const UPSERT = `
WITH sides AS (
  INSERT INTO switchback.side_metrics AS m (change_id, instance_id, app_version, op, side, window_start, calls, errors, total_ms, max_ms, le_ms, le_counts)
  SELECT r.change, $3, $4, r.op, r.side, r.at, r.calls, r.errors, r.total_ms, r.max_ms, $5::float8[], r.counts
    FROM jsonb_to_recordset($1::jsonb) AS r(change text, op text, side text, at timestamptz, calls bigint, errors bigint, total_ms float8, max_ms float8, counts bigint[])
  ON CONFLICT (change_id, instance_id, op, side, window_start) DO UPDATE SET
    app_version = EXCLUDED.app_version,
    calls = m.calls + EXCLUDED.calls,
    errors = m.errors + EXCLUDED.errors,
    total_ms = m.total_ms + EXCLUDED.total_ms,
    max_ms = greatest(m.max_ms, EXCLUDED.max_ms),
    le_ms = CASE WHEN m.le_ms = EXCLUDED.le_ms THEN m.le_ms ELSE '{}' END,
    le_counts = CASE WHEN m.le_ms = EXCLUDED.le_ms
      THEN ARRAY(SELECT a + b FROM unnest(m.le_counts, EXCLUDED.le_counts) WITH ORDINALITY AS u(a, b, i) ORDER BY i)
      ELSE '{}' END
), compares AS (
  INSERT INTO switchback.shadow_compares AS c (flag, change_id, instance_id, window_start, compares, mismatches)
  SELECT r.flag, r.change, $3, r.at, r.compares, r.mismatches
    FROM jsonb_to_recordset($2::jsonb) AS r(flag text, change text, at timestamptz, compares bigint, mismatches bigint)
  ON CONFLICT (flag, instance_id, window_start) DO UPDATE SET
    compares = c.compares + EXCLUDED.compares,
    mismatches = c.mismatches + EXCLUDED.mismatches
)
SELECT 1`;

function checkBounds(bounds: readonly number[]): number[] {
  if (bounds.length === 0 || bounds.length > 64) throw new InvalidMetricsOptionsError('latencyBoundsMs', `needs 1 to 64 bounds (got ${bounds.length})`);
  bounds.forEach((b, i) => {
    if (!Number.isFinite(b) || b <= 0 || (i > 0 && b <= bounds[i - 1]!)) {
      throw new InvalidMetricsOptionsError('latencyBoundsMs', `must be positive and strictly increasing (got ${b} at index ${i}); e.g. [1, 5, 25, 100, 500]`);
    }
  });
  return [...bounds];
}

/** Longest window: a timer cannot wait longer than 2^31 - 1 ms, and the gates look at minutes. */
const MAX_FLUSH_MS = 3_600_000;

function positiveInt(option: string, value: number | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1 || v > max) throw new InvalidMetricsOptionsError(option, `must be an integer from 1 to ${max} (got ${v})`);
  return v;
}

/**
 * Aggregates a {@link Migration}'s side calls (count, errors, latency
 * histogram per change, operation, side and window) and shadow comparisons
 * (per read flag and window) in memory, and writes them to
 * `switchback.side_metrics` and `switchback.shadow_compares` in one small
 * statement per flush: the numbers the watcher's error-rate, latency,
 * min-traffic and shadow-mismatch-rate gates read.
 *
 * Recording never waits and never throws. At most one write is in flight;
 * data beyond `maxSeries` series, or in a write the database refused, is
 * dropped and counted (`dropped`), never retried, so memory stays bounded
 * while the database is away.
 *
 * @example
 * const metrics = new DbMetricsReporter(pool, { appVersion: '2' });
 * const migration = new Migration({ flags, metrics, ... });
 * // on shutdown:
 * await metrics.stop();
 */
export class DbMetricsReporter implements MetricsReporter {
  private sides = new Map<string, SideSeries>();
  private compares = new Map<string, CompareSeries>();
  private readonly flusher: BatchFlusher;
  private readonly windowMs: number;
  private readonly bounds: number[];
  private readonly boundsParam: string;
  private readonly maxSeries: number;
  private readonly now: () => number;
  private readonly drops: DroppedMetrics = { calls: 0, compares: 0, failedWrites: 0 };
  private stopped = false;
  /** Written as `instance_id` in every row. */
  readonly instanceId: string;
  private readonly appVersion: string | null;

  constructor(
    private readonly db: SqlClient,
    opts: DbMetricsReporterOptions = {},
  ) {
    this.windowMs = positiveInt('flushMs', opts.flushMs, DEFAULT_METRICS_FLUSH_MS, MAX_FLUSH_MS);
    this.maxSeries = positiveInt('maxSeries', opts.maxSeries, DEFAULT_METRICS_MAX_SERIES);
    this.bounds = checkBounds(opts.latencyBoundsMs ?? DEFAULT_LATENCY_BOUNDS_MS);
    this.boundsParam = `{${this.bounds.join(',')}}`;
    this.now = opts.now ?? Date.now;
    this.instanceId = opts.instanceId ?? randomUUID();
    this.appVersion = opts.appVersion ?? null;
    const onError = opts.onError ?? (() => {});
    this.flusher = new BatchFlusher({ delayMs: this.windowMs, onError, take: () => this.take(), maxInFlight: 1 });
  }

  /** What was dropped so far (a copy). */
  get dropped(): DroppedMetrics {
    return { ...this.drops };
  }

  /** Series buffered for the next write. */
  get buffered(): number {
    return this.sides.size + this.compares.size;
  }

  recordCall(change: string, op: 'read' | 'write', side: Side, durationMs: number, ok: boolean): void {
    if (this.stopped) return;
    const at = this.windowOf();
    const key = `${change}\u0000${op}\u0000${side}\u0000${at}`;
    let s = this.sides.get(key);
    if (s === undefined) {
      if (this.buffered >= this.maxSeries) {
        this.drops.calls++;
        return;
      }
      s = { change, op, side, at, calls: 0, errors: 0, totalMs: 0, maxMs: 0, counts: new Array<number>(this.bounds.length).fill(0) };
      this.sides.set(key, s);
    }
    const ms = Number.isFinite(durationMs) && durationMs > 0 ? durationMs : 0;
    s.calls++;
    if (!ok) s.errors++;
    s.totalMs += ms;
    if (ms > s.maxMs) s.maxMs = ms;
    // counts[i]: more than bounds[i-1], at most bounds[i]; beyond the last bound is calls - sum(counts).
    const b = this.bounds;
    for (let i = 0; i < b.length; i++) {
      if (ms <= b[i]!) {
        s.counts[i]!++;
        break;
      }
    }
    this.flusher.schedule();
  }

  recordCompare(flag: string, change: string, equal: boolean): void {
    if (this.stopped) return;
    const at = this.windowOf();
    const key = `${flag}\u0000${at}`;
    let c = this.compares.get(key);
    if (c === undefined) {
      if (this.buffered >= this.maxSeries) {
        this.drops.compares++;
        return;
      }
      c = { flag, change, at, compares: 0, mismatches: 0 };
      this.compares.set(key, c);
    }
    c.compares++;
    if (!equal) c.mismatches++;
    this.flusher.schedule();
  }

  /** Writes everything recorded so far and waits for it. Never rejects. */
  flush(): Promise<void> {
    return this.flusher.flush();
  }

  /** Stops recording and writes what is left. Never rejects. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.flusher.flush();
  }

  private windowOf(): number {
    const t = this.now();
    return t - (((t % this.windowMs) + this.windowMs) % this.windowMs);
  }

  /** The write of everything buffered, or undefined when nothing is. */
  private take(): (() => Promise<unknown>) | undefined {
    if (this.buffered === 0) return undefined;
    const sides = [...this.sides.values()];
    const compares = [...this.compares.values()];
    this.sides = new Map();
    this.compares = new Map();
    const iso = (ms: number) => new Date(ms).toISOString();
    const sideRows = JSON.stringify(sides.map((s) => ({ change: s.change, op: s.op, side: s.side, at: iso(s.at), calls: s.calls, errors: s.errors, total_ms: s.totalMs, max_ms: s.maxMs, counts: s.counts })));
    const compareRows = JSON.stringify(compares.map((c) => ({ flag: c.flag, change: c.change, at: iso(c.at), compares: c.compares, mismatches: c.mismatches })));
    return async () => {
      try {
        await this.db.query(UPSERT, [sideRows, compareRows, this.instanceId, this.appVersion, this.boundsParam]);
      } catch (error) {
        this.drops.failedWrites++;
        this.drops.calls += sides.reduce((n, s) => n + s.calls, 0);
        this.drops.compares += compares.reduce((n, c) => n + c.compares, 0);
        throw error;
      }
    };
  }
}
