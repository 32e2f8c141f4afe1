import { Counter, Histogram, register as globalRegistry, type Registry } from 'prom-client';
import type { FlagHooks } from '../flags/flag-hooks.js';
import type { MigrationHooks, SideEvent } from '../migration/migration-hooks.js';
import type { Mismatch } from '../migration/mismatch-reporter.js';

/** Settings for {@link prometheusMetrics}. */
export interface PrometheusMetricsOptions {
  /** Prepended to every metric name (default 'switchback_'). */
  prefix?: string;
  /** Histogram buckets for side latency, in seconds. */
  latencyBuckets?: number[];
}

/** Hooks to pass to the SDK's pieces; each one feeds the Prometheus metrics. */
export interface PrometheusMetrics {
  /** For `FlagClient.start(db, { hooks })`. */
  flags: FlagHooks;
  /** For `new Migration({ ..., hooks })`. */
  migration: MigrationHooks;
  /** For `new DbMismatchReporter(db, { onDrop })`. */
  onDrop: (mismatch: Mismatch) => void;
}

const DEFAULT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * Registers the SDK's metrics on `registry` (the prom-client default registry
 * if omitted) and returns the hooks that feed them:
 * - `switchback_flag_evaluations_total{flag,reason,value}`
 * - `switchback_flag_refreshes_total{outcome}`
 * - `switchback_shadow_compares_total{change}`, `switchback_shadow_mismatches_total{change}`
 * - `switchback_migration_side_errors_total{change,op,side}`
 * - `switchback_migration_side_duration_seconds{change,op,side,outcome}` (histogram)
 * - `switchback_mismatch_reports_dropped_total{flag}` (rate limit)
 *
 * @example
 * import { prometheusMetrics } from '@switchback/sdk/prometheus';
 * const metrics = prometheusMetrics(registry);
 * const flags = await FlagClient.start(pool, { hooks: metrics.flags });
 * const migration = new Migration({ ..., hooks: metrics.migration, reporter: new DbMismatchReporter(pool, { onDrop: metrics.onDrop }) });
 */
export function prometheusMetrics(registry: Registry = globalRegistry, opts: PrometheusMetricsOptions = {}): PrometheusMetrics {
  const p = opts.prefix ?? 'switchback_';
  const registers = [registry];
  const evaluations = new Counter({
    name: `${p}flag_evaluations_total`, help: 'Flag evaluations, by flag, reason and value.',
    labelNames: ['flag', 'reason', 'value'] as const, registers,
  });
  const refreshes = new Counter({
    name: `${p}flag_refreshes_total`, help: 'Flag snapshot loads, by outcome.', labelNames: ['outcome'] as const, registers,
  });
  const compares = new Counter({
    name: `${p}shadow_compares_total`, help: 'Shadow comparisons of old and new reads.', labelNames: ['change'] as const, registers,
  });
  const mismatches = new Counter({
    name: `${p}shadow_mismatches_total`, help: 'Shadow comparisons that differed.', labelNames: ['change'] as const, registers,
  });
  const sideErrors = new Counter({
    name: `${p}migration_side_errors_total`, help: 'Failed reads and writes, by change, operation and side.',
    labelNames: ['change', 'op', 'side'] as const, registers,
  });
  const sideLatency = new Histogram({
    name: `${p}migration_side_duration_seconds`, help: 'Latency of reads and writes, by change, operation, side and outcome.',
    labelNames: ['change', 'op', 'side', 'outcome'] as const, buckets: opts.latencyBuckets ?? DEFAULT_BUCKETS, registers,
  });
  const dropped = new Counter({
    name: `${p}mismatch_reports_dropped_total`, help: 'Mismatches not written because of the rate limit.',
    labelNames: ['flag'] as const, registers,
  });
  const side = (e: SideEvent): void => {
    sideLatency.observe({ change: e.change, op: e.op, side: e.side, outcome: e.outcome }, e.durationMs / 1000);
    if (e.outcome === 'error') sideErrors.inc({ change: e.change, op: e.op, side: e.side });
  };
  return {
    flags: {
      onEvaluation: (e) => evaluations.inc({ flag: e.flag, reason: e.reason, value: String(e.value) }),
      onRefresh: (outcome) => refreshes.inc({ outcome }),
    },
    migration: {
      onRead: side,
      onWrite: side,
      onCompare: (e) => {
        compares.inc({ change: e.change });
        if (!e.equal) mismatches.inc({ change: e.change });
      },
    },
    onDrop: (m) => dropped.inc({ flag: m.flag }),
  };
}
