import { SpanKind, SpanStatusCode, type Meter, type Tracer } from '@opentelemetry/api';
import type { FlagHooks } from '../flags/flag-hooks.js';
import type { MigrationHooks, SideEvent } from '../migration/migration-hooks.js';
import type { Mismatch } from '../migration/mismatch-reporter.js';

/** Settings for {@link openTelemetryHooks}. */
export interface OpenTelemetryHooksOptions {
  /** Where the metrics go, e.g. `metrics.getMeter('support-desk')`. */
  meter: Meter;
  /** With a tracer, every side call of a migration read or write runs in a span of its own. */
  tracer?: Tracer;
  /** Prepended to every metric name (default 'switchback.'). */
  prefix?: string;
  /** Histogram boundaries for side latency, in seconds (default {@link DEFAULT_LATENCY_BOUNDARIES_S}). */
  latencyBoundaries?: number[];
}

/** Hooks to pass to the SDK's pieces; each one feeds the OpenTelemetry instruments. */
export interface OpenTelemetryHooks {
  /** For `FlagClient.start(db, { hooks })`. */
  flags: FlagHooks;
  /** For `new Migration({ ..., hooks })`. */
  migration: MigrationHooks;
  /** For `new DbMismatchReporter(db, { onDrop })`. */
  onDrop: (mismatch: Mismatch) => void;
}

/** The Prometheus adapter's buckets, so both report side latency alike. */
export const DEFAULT_LATENCY_BOUNDARIES_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * Creates the SDK's instruments on `meter` and returns the hooks that feed
 * them: the same measurements as `prometheusMetrics` from
 * `@switchback/sdk/prometheus`, named so that OpenTelemetry's Prometheus
 * exporter produces the same series names:
 * - `switchback.flag.evaluations{flag,reason,value}` (counter)
 * - `switchback.flag.refreshes{outcome}` (counter)
 * - `switchback.shadow.compares{change}`, `switchback.shadow.mismatches{change}` (counters)
 * - `switchback.migration.side.errors{change,op,side}` (counter)
 * - `switchback.migration.side.duration{change,op,side,outcome}` (histogram, seconds)
 * - `switchback.mismatch.reports.dropped{flag}` (counter)
 *
 * With `tracer`, each side call runs inside an active span
 * `switchback.migration.read` / `.write` (attributes `switchback.change`,
 * `switchback.side`), so the database spans it makes nest under it; a failed
 * side records the exception and an error status.
 *
 * @example
 * import { metrics, trace } from '@opentelemetry/api';
 * import { openTelemetryHooks } from '@switchback/sdk/opentelemetry';
 * const otel = openTelemetryHooks({ meter: metrics.getMeter('support-desk'), tracer: trace.getTracer('support-desk') });
 * const flags = await FlagClient.start(pool, { hooks: otel.flags });
 * const migration = new Migration({ ..., hooks: otel.migration, reporter: new DbMismatchReporter(pool, { onDrop: otel.onDrop }) });
 */
export function openTelemetryHooks(opts: OpenTelemetryHooksOptions): OpenTelemetryHooks {
  const { meter, tracer } = opts;
  const p = opts.prefix ?? 'switchback.';
  const evaluations = meter.createCounter(`${p}flag.evaluations`, { description: 'Flag evaluations, by flag, reason and value.' });
  const refreshes = meter.createCounter(`${p}flag.refreshes`, { description: 'Flag snapshot loads, by outcome.' });
  const compares = meter.createCounter(`${p}shadow.compares`, { description: 'Shadow comparisons of old and new reads.' });
  const mismatches = meter.createCounter(`${p}shadow.mismatches`, { description: 'Shadow comparisons that differed.' });
  const sideErrors = meter.createCounter(`${p}migration.side.errors`, { description: 'Failed reads and writes, by change, operation and side.' });
  const sideDuration = meter.createHistogram(`${p}migration.side.duration`, {
    description: 'Latency of reads and writes, by change, operation, side and outcome.',
    unit: 's',
    advice: { explicitBucketBoundaries: opts.latencyBoundaries ?? DEFAULT_LATENCY_BOUNDARIES_S },
  });
  const dropped = meter.createCounter(`${p}mismatch.reports.dropped`, { description: 'Mismatches not written because of the rate limit.' });

  const side = (e: SideEvent): void => {
    sideDuration.record(e.durationMs / 1000, { change: e.change, op: e.op, side: e.side, outcome: e.outcome });
    if (e.outcome === 'error') sideErrors.add(1, { change: e.change, op: e.op, side: e.side });
  };
  const migration: MigrationHooks = {
    onRead: side,
    onWrite: side,
    onCompare: (e) => {
      compares.add(1, { change: e.change });
      if (!e.equal) mismatches.add(1, { change: e.change });
    },
  };
  if (tracer !== undefined) {
    migration.wrapSide = (call, run) =>
      tracer.startActiveSpan(
        `switchback.migration.${call.op}`,
        { kind: SpanKind.INTERNAL, attributes: { 'switchback.change': call.change, 'switchback.side': call.side } },
        async (span) => {
          try {
            return await run();
          } catch (error) {
            span.recordException(error instanceof Error ? error : String(error));
            span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
            throw error;
          } finally {
            span.end();
          }
        },
      );
  }
  return {
    flags: {
      onEvaluation: (e) => evaluations.add(1, { flag: e.flag, reason: e.reason, value: String(e.value) }),
      onRefresh: (outcome) => refreshes.add(1, { outcome }),
    },
    migration,
    onDrop: (m) => dropped.add(1, { flag: m.flag }),
  };
}
