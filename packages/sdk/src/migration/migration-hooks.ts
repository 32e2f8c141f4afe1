import type { MetricsReporter } from './metrics-reporter.js';

/** Which shape a call went to. */
export type Side = 'old' | 'new';

/** One call of one side of a read or write, as reported to {@link MigrationHooks}. */
export interface SideEvent {
  change: string;
  op: 'read' | 'write';
  side: Side;
  /** Wall time of the call in milliseconds. */
  durationMs: number;
  outcome: 'ok' | 'error';
  error?: unknown;
}

/** One shadow comparison, as reported to {@link MigrationHooks}. */
export interface CompareEvent {
  change: string;
  /** The read flag of the change. */
  flag: string;
  equal: boolean;
}

/**
 * Plain callbacks a {@link Migration} calls on every side call and every
 * comparison, e.g. to record OpenTelemetry spans or metrics (see
 * `prometheusMetrics` in `@switchback/sdk/prometheus`). They run on the
 * request path: keep them cheap. A hook that throws is ignored.
 */
export interface MigrationHooks {
  onRead?(event: SideEvent): void;
  onWrite?(event: SideEvent): void;
  onCompare?(event: CompareEvent): void;
  /**
   * Runs around every side call, e.g. to make a tracing span active while it
   * runs (see `openTelemetryHooks`). Must call `call` once and return a promise
   * that settles with it. If it throws or rejects without calling `call`,
   * the side runs anyway; whatever it does, the side's own result is what the
   * migration sees.
   */
  wrapSide?<T>(call: SideCall, run: () => Promise<T>): Promise<T>;
}

/** The side call a {@link MigrationHooks.wrapSide} runs around. */
export interface SideCall {
  change: string;
  op: 'read' | 'write';
  side: Side;
}

/** Calls, errors and latency of one side since the {@link Migration} was created. */
export interface SideCounters {
  calls: number;
  errors: number;
  totalMs: number;
  maxMs: number;
}

/** The outcome of one side call, without throwing. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** The two sides of a read or a write. */
export interface Sides<T> {
  old: () => Promise<T>;
  new: () => Promise<T>;
}

/** Calls a hook, ignoring a throw: observability must not fail a request. */
export function callHook<E>(hook: ((event: E) => void) | undefined, event: E): void {
  if (hook === undefined) return;
  try {
    hook(event);
  } catch {
    // ignored on purpose
  }
}

const zero = (): SideCounters => ({ calls: 0, errors: 0, totalMs: 0, maxMs: 0 });

/** Runs side calls, timing them, counting them per side and reporting them to the hooks. */
export class SideRecorder {
  readonly counters: Record<Side, SideCounters> = { old: zero(), new: zero() };

  constructor(
    private readonly change: string,
    private readonly hooks: MigrationHooks = {},
    private readonly metrics?: MetricsReporter,
  ) {}

  /**
   * Runs the `side` of `sides` and returns its value; its failure (a
   * rejection or a synchronous throw alike) is recorded, then rethrown.
   * Takes the sides object rather than a closure, so a read that is not
   * compared allocates none.
   */
  async call<T>(op: 'read' | 'write', side: Side, sides: Sides<T>): Promise<T> {
    const started = performance.now();
    let value: T;
    try {
      const wrap = this.hooks.wrapSide;
      value = await (wrap !== undefined ? this.wrapped(wrap, op, side, sides) : side === 'old' ? sides.old() : sides.new());
    } catch (error) {
      this.record(op, side, started, false, error);
      throw error;
    }
    this.record(op, side, started, true, undefined);
    return value;
  }

  /** Like {@link call}, with the failure returned as `{ ok: false }` instead of thrown. */
  run<T>(op: 'read' | 'write', side: Side, sides: Sides<T>): Promise<Settled<T>> {
    return this.call(op, side, sides).then(
      (value): Settled<T> => ({ ok: true, value }),
      (error: unknown): Settled<T> => ({ ok: false, error }),
    );
  }

  private record(op: 'read' | 'write', side: Side, started: number, ok: boolean, error: unknown): void {
    const durationMs = performance.now() - started;
    const c = this.counters[side];
    c.calls++;
    c.totalMs += durationMs;
    if (durationMs > c.maxMs) c.maxMs = durationMs;
    if (!ok) c.errors++;
    if (this.metrics !== undefined) {
      try {
        this.metrics.recordCall(this.change, op, side, durationMs, ok);
      } catch {
        // ignored on purpose, like a throwing hook
      }
    }
    const hook = op === 'read' ? this.hooks.onRead : this.hooks.onWrite;
    if (hook === undefined) return;
    const event: SideEvent = { change: this.change, op, side, durationMs, outcome: ok ? 'ok' : 'error' };
    if (!ok) event.error = error;
    callHook(hook.bind(this.hooks), event);
  }

  /** Runs the side through the wrapSide hook, exactly once. */
  private async wrapped<T>(wrap: NonNullable<MigrationHooks['wrapSide']>, op: 'read' | 'write', side: Side, sides: Sides<T>): Promise<T> {
    let inner: Promise<T> | undefined;
    const once = (): Promise<T> => (inner ??= (async () => (side === 'old' ? sides.old() : sides.new()))());
    try {
      await wrap.call(this.hooks, { change: this.change, op, side }, once);
    } catch {
      // The wrapper's own failure is ignored; the side's failure comes from `once()` below.
    }
    return once();
  }

  /** A copy of the per-side counters. */
  snapshot(): Record<Side, SideCounters> {
    return { old: { ...this.counters.old }, new: { ...this.counters.new } };
  }
}
