/**
 * The PromQL `switchback dashboards` prints must name the series the SDK
 * really exports: feed one event of each kind through the SDK's Prometheus
 * hooks and check every metric and label the queries use against what the
 * registry then holds.
 */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { dashboardsFor } from '@switchback/core';
import { prometheusMetrics } from '../../sdk/src/prometheus/index.js';
import { seedPlan } from '../../core/test/seed-fixture.js';

/** Every series name the SDK exports, with the label names it carries. */
async function exportedSeries(): Promise<Map<string, Set<string>>> {
  const registry = new Registry();
  const m = prometheusMetrics(registry);
  m.flags.onEvaluation?.({ flag: 'F', reason: 'rollout', value: true } as never);
  m.flags.onRefresh?.('ok');
  for (const side of ['old', 'new'] as const) for (const op of ['read', 'write'] as const) m.migration.onRead?.({ change: 'c', op, side, durationMs: 3, outcome: 'error' });
  m.migration.onCompare?.({ change: 'c', flag: 'F', equal: false });
  m.onDrop({ flag: 'F' } as never);
  const series = new Map<string, Set<string>>();
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const v of metric.values) {
      const name = (v as { metricName?: string }).metricName ?? metric.name;
      const labels = series.get(name) ?? new Set<string>();
      for (const l of Object.keys(v.labels)) labels.add(l);
      series.set(name, labels);
    }
  }
  return series;
}

/** The series a PromQL query reads, with the labels it selects or groups by. */
function used(query: string): { metric: string; labels: string[] }[] {
  const groups = [...query.matchAll(/\bby \(([^)]*)\)/g)].flatMap((g) => g[1]!.split(',').map((s) => s.trim()));
  return [...query.matchAll(/\b(switchback_[a-z_]+)(\{([^}]*)\})?/g)].map((m) => ({
    metric: m[1]!,
    labels: [...(m[3] ?? '').matchAll(/([a-z_]+)\s*(=~|!=|!~|=)/g)].map((l) => l[1]!).concat(groups),
  }));
}

describe('the dashboards\' PromQL and the SDK\'s Prometheus metrics', () => {
  it('every metric and label a query names is one the SDK exports', async () => {
    const series = await exportedSeries();
    expect(series.has('switchback_migration_side_duration_seconds_bucket')).toBe(true);
    const { promql } = dashboardsFor(seedPlan());
    const problems: string[] = [];
    for (const q of promql) {
      const refs = used(q.query);
      expect(refs.length, q.id).toBeGreaterThan(0);
      for (const r of refs) {
        const labels = series.get(r.metric);
        if (!labels) problems.push(`${q.id}: ${r.metric} is not exported (exported: ${[...series.keys()].join(', ')})`);
        else for (const l of r.labels) if (!labels.has(l)) problems.push(`${q.id}: ${r.metric} has no label ${l} (it has ${[...labels].join(', ')})`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the check catches a renamed metric or label', async () => {
    const series = await exportedSeries();
    const refs = used('sum by (side) (rate(switchback_migration_side_errors_total{change="c",tier="x"}[5m])) / sum(rate(switchback_side_calls_total[5m]))');
    expect(refs.map((r) => [r.metric, series.has(r.metric), r.labels.filter((l) => !series.get(r.metric)?.has(l))])).toEqual([
      ['switchback_migration_side_errors_total', true, ['tier']],
      ['switchback_side_calls_total', false, ['side']],
    ]);
  });
});
