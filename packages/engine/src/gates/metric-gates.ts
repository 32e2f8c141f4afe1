import type { ErrorRateGate, LatencyGate, MetricSource, MismatchRateGate, TrafficGate } from '@switchback/core';
import type { Queryable } from '../db/db.js';
import { gateWindow, type GateWindow } from './gate-window.js';
import { histogramQuantile, mergeHistograms } from './latency-histogram.js';
import { promQueryNumber, promString, PrometheusQueryError, safeUrl } from './prometheus-client.js';
import type { Verdict } from './verdict.js';

type MetricGate = MismatchRateGate | ErrorRateGate | LatencyGate | TrafficGate;

export interface MetricContext {
  change: string;
  now: Date;
  prometheusUrl?: string;
}

interface Calls {
  calls: number;
  errors: number;
  /** Latency quantile in ms, when asked for. */
  quantileMs?: number;
  /** Where the numbers came from, for the evidence. */
  from: Record<string, unknown>;
}

const SIDES = ['old', 'new'] as const;
const OPS = ['read', 'write'] as const;

/** Evaluate a traffic-based gate; too little traffic is inconclusive, never healthy. */
export async function evaluateMetricGate(db: Queryable, g: MetricGate, ctx: MetricContext): Promise<Verdict> {
  const w = await gateWindow(db, ctx.change, ctx.now, g.windowSeconds);
  const source: MetricSource = g.source ?? 'database';
  const span = `in the last ${Math.round(w.seconds)}s`;
  const evidence: Record<string, unknown> = { source, window: { from: w.from.toISOString(), to: w.to.toISOString(), seconds: Math.round(w.seconds) }, stateSince: w.stateSince?.toISOString() ?? null };
  if (w.seconds <= 0) return { verdict: 'inconclusive', detail: `no time has passed since the change entered its current state`, evidence };
  try {
    if (g.kind === 'shadow-mismatch-rate') {
      const m = source === 'prometheus' ? await promCompares(g, ctx, w) : await dbCompares(db, g, w);
      Object.assign(evidence, m.from, { compares: m.compares, mismatches: m.mismatches });
      if (m.compares < g.minCompares) return { verdict: 'inconclusive', detail: `only ${m.compares} shadow comparisons ${span} (${m.mismatches} differed); needs ≥ ${g.minCompares} to judge`, evidence };
      const rate = m.mismatches / m.compares;
      evidence.rate = rate;
      return { verdict: rate <= g.maxRate ? 'pass' : 'fail', detail: `${m.mismatches}/${m.compares} shadow comparisons differed ${span} (${pct(rate)}, max ${pct(g.maxRate)})`, evidence };
    }
    const sides = g.kind === 'min-traffic' && !g.side ? [...SIDES] : [g.side!];
    const ops = g.op ? [g.op] : [...OPS];
    const what = `${g.op ?? 'call'}s to the ${sides.length === 2 ? 'old and new' : sides[0]} side`;
    const c = source === 'prometheus' ? await promCalls(ctx, sides, ops, w, g.kind === 'latency' ? g.quantile : undefined) : await dbCalls(db, ctx.change, sides, ops, w, g.kind === 'latency' ? g.quantile : undefined);
    Object.assign(evidence, c.from, { calls: c.calls, errors: c.errors });
    if (c.calls < g.minCalls) return { verdict: 'inconclusive', detail: `only ${c.calls} ${what} ${span}; needs ≥ ${g.minCalls} to judge`, evidence };
    if (g.kind === 'min-traffic') return { verdict: 'pass', detail: `${c.calls} ${what} ${span} (≥ ${g.minCalls})`, evidence };
    if (g.kind === 'error-rate') {
      const rate = c.errors / c.calls;
      evidence.rate = rate;
      return { verdict: rate <= g.maxRate ? 'pass' : 'fail', detail: `${c.errors}/${c.calls} ${what} failed ${span} (${pct(rate)}, max ${pct(g.maxRate)})`, evidence };
    }
    const q = c.quantileMs;
    evidence.quantileMs = q ?? null;
    if (q === undefined) return { verdict: 'inconclusive', detail: `no latency histogram for ${what} ${span}`, evidence };
    return { verdict: q <= g.maxMs ? 'pass' : 'fail', detail: `p${Math.round(g.quantile * 100)} of ${c.calls} ${what} is ${q.toFixed(1)}ms ${span} (max ${g.maxMs}ms)`, evidence };
  } catch (e) {
    if (e instanceof PrometheusQueryError || e instanceof MissingPrometheusError) return { verdict: 'inconclusive', detail: e.message, evidence: { ...evidence, error: e.message } };
    throw e;
  }
}

class MissingPrometheusError extends Error {
  constructor() {
    super('the gate reads Prometheus, but no Prometheus URL is configured (--prometheus-url or SWITCHBACK_PROMETHEUS_URL)');
  }
}

function pct(r: number): string {
  return `${(r * 100).toFixed(r < 0.001 && r > 0 ? 3 : 2)}%`;
}

async function dbCompares(db: Queryable, g: MismatchRateGate, w: GateWindow): Promise<{ compares: number; mismatches: number; from: Record<string, unknown> }> {
  const { rows } = await db.query<{ compares: number; mismatches: number; samples: number }>(
    // The counts table has the denominator; the samples table is rate-limited, so it is only a floor.
    `SELECT coalesce((SELECT sum(compares) FROM switchback.shadow_compares WHERE flag = $1 AND window_start >= $2 AND window_start <= $3), 0)::float8 AS compares,
            coalesce((SELECT sum(mismatches) FROM switchback.shadow_compares WHERE flag = $1 AND window_start >= $2 AND window_start <= $3), 0)::float8 AS mismatches,
            (SELECT count(*) FROM switchback.shadow_mismatches WHERE flag = $1 AND at >= $2 AND at <= $3)::float8 AS samples`,
    [g.flag, w.from, w.to],
  );
  const r = rows[0]!;
  const mismatches = Math.max(r.mismatches, r.samples);
  return { compares: Math.max(r.compares, mismatches), mismatches, from: { mismatchSamples: r.samples } };
}

async function dbCalls(db: Queryable, change: string, sides: string[], ops: string[], w: GateWindow, quantile?: number): Promise<Calls> {
  const { rows } = await db.query<{ calls: number; errors: number; max_ms: number; le_ms: number[]; le_counts: (number | string)[] }>(
    `SELECT calls::float8 AS calls, errors::float8 AS errors, max_ms, le_ms, le_counts FROM switchback.side_metrics
      WHERE change_id = $1 AND side = ANY($2::text[]) AND op = ANY($3::text[]) AND window_start >= $4 AND window_start <= $5`,
    [change, sides, ops, w.from, w.to],
  );
  const calls = rows.reduce((n, r) => n + r.calls, 0);
  const errors = rows.reduce((n, r) => n + r.errors, 0);
  const from = { metricRows: rows.length };
  if (quantile === undefined) return { calls, errors, from };
  const { merged, skippedCalls } = mergeHistograms(rows.map((r) => ({ bounds: r.le_ms, counts: r.le_counts.map(Number), calls: r.calls, maxMs: r.max_ms })));
  const q = merged ? histogramQuantile(merged, quantile) : undefined;
  return { calls, errors, from: { ...from, callsWithOtherBuckets: skippedCalls }, ...(q === undefined ? {} : { quantileMs: q }) };
}

function selector(ctx: MetricContext, sides: string[], ops: string[]): string {
  return `change=${promString(ctx.change)},side=~${promString(sides.join('|'))},op=~${promString(ops.join('|'))}`;
}

async function prom(ctx: MetricContext, query: string): Promise<number | undefined> {
  if (!ctx.prometheusUrl) throw new MissingPrometheusError();
  return promQueryNumber(ctx.prometheusUrl, query, ctx.now);
}

async function promCalls(ctx: MetricContext, sides: string[], ops: string[], w: GateWindow, quantile?: number): Promise<Calls> {
  const range = `[${Math.max(1, Math.round(w.seconds))}s]`;
  const sel = selector(ctx, sides, ops);
  const queries = {
    calls: `sum(increase(switchback_migration_side_duration_seconds_count{${sel}}${range}))`,
    errors: `sum(increase(switchback_migration_side_errors_total{${sel}}${range}))`,
    ...(quantile === undefined ? {} : { quantile: `histogram_quantile(${quantile}, sum by (le) (increase(switchback_migration_side_duration_seconds_bucket{${sel}}${range}))) * 1000` }),
  };
  const calls = Math.round((await prom(ctx, queries.calls)) ?? 0);
  const errors = Math.round((await prom(ctx, queries.errors)) ?? 0);
  const q = queries.quantile ? await prom(ctx, queries.quantile) : undefined;
  return { calls, errors, from: { prometheus: safeUrl(ctx.prometheusUrl!), queries }, ...(q === undefined ? {} : { quantileMs: q }) };
}

async function promCompares(g: MismatchRateGate, ctx: MetricContext, w: GateWindow): Promise<{ compares: number; mismatches: number; from: Record<string, unknown> }> {
  const range = `[${Math.max(1, Math.round(w.seconds))}s]`;
  const sel = `change=${promString(ctx.change)}`;
  const queries = { compares: `sum(increase(switchback_shadow_compares_total{${sel}}${range}))`, mismatches: `sum(increase(switchback_shadow_mismatches_total{${sel}}${range}))` };
  const compares = Math.round((await prom(ctx, queries.compares)) ?? 0);
  const mismatches = Math.round((await prom(ctx, queries.mismatches)) ?? 0);
  return { compares, mismatches, from: { prometheus: safeUrl(ctx.prometheusUrl!), queries } };
}
