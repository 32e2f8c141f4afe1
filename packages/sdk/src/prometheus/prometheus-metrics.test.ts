import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FlagClient } from '../flags/flag-client.js';
import { DbMismatchReporter } from '../migration/db-mismatch-reporter.js';
import { Migration } from '../migration/migration.js';
import { prometheusMetrics } from './index.js';

const CHANGE = 'move-contract-details';
const READ = 'ReadContractDetailsFromCustomer';

/** The value of one series, by metric name and labels. */
async function value(registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const series = (metric?.values ?? []).find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x));
  return series?.value;
}

describe('prometheusMetrics', () => {
  it('counts evaluations, refreshes, compares, mismatches, side errors, side latency and dropped reports', async () => {
    const registry = new Registry();
    const metrics = prometheusMetrics(registry);
    let fail = false;
    const flags = await FlagClient.fromSource(
      {
        load: async () => {
          if (fail) throw new Error('down');
          return {
            flags: new Map([[READ, { name: READ, enabled: true, rolloutBps: 0, allowTenants: ['acme'], version: 1 }]]),
            phases: new Map([[CHANGE, 'read-switch']]), loadedAt: new Date(),
          };
        },
      },
      { pollMs: 60_000, hooks: metrics.flags },
    );
    fail = true;
    await flags.refresh();
    const reporter = new DbMismatchReporter({ query: async () => ({ rows: [] }) }, { maxPerSecond: 1, now: () => 0, onDrop: metrics.onDrop });
    const m = new Migration({ flags, change: CHANGE, sync: 'app', readFlag: READ, dualWriteFlag: 'Dual', reporter, hooks: metrics.migration });
    await m.read({ key: 'a', tenant: 'acme' }, { old: async () => 1, new: async () => 2 }); // live, mismatch
    await m.read({ key: 'b', tenant: 'acme' }, { old: async () => 1, new: async () => 3 }); // mismatch, report dropped
    await m.read({ key: 'c' }, { old: async () => 1, new: async () => { throw new Error('x'); } }); // shadow, new fails
    await m.settled();
    await reporter.close();
    await flags.close();

    expect(await value(registry, 'switchback_flag_evaluations_total', { flag: READ, reason: 'allow-list', value: 'true' })).toBe(2);
    expect(await value(registry, 'switchback_flag_evaluations_total', { flag: READ, reason: 'outside-rollout', value: 'false' })).toBe(1);
    expect(await value(registry, 'switchback_flag_refreshes_total', { outcome: 'ok' })).toBe(1);
    expect(await value(registry, 'switchback_flag_refreshes_total', { outcome: 'error' })).toBe(1);
    expect(await value(registry, 'switchback_shadow_compares_total', { change: CHANGE })).toBe(2);
    expect(await value(registry, 'switchback_shadow_mismatches_total', { change: CHANGE })).toBe(2);
    expect(await value(registry, 'switchback_migration_side_errors_total', { change: CHANGE, op: 'read', side: 'new' })).toBe(1);
    expect(await value(registry, 'switchback_mismatch_reports_dropped_total', { flag: READ })).toBe(1);
    const text = await registry.metrics();
    expect(text).toContain('switchback_migration_side_duration_seconds_count{change="move-contract-details",op="read",side="old",outcome="ok"} 3');
    expect(text).toContain('switchback_migration_side_duration_seconds_count{change="move-contract-details",op="read",side="new",outcome="error"} 1');
  });

  it('takes a prefix, so two sets can live in one registry', () => {
    const registry = new Registry();
    prometheusMetrics(registry);
    expect(() => prometheusMetrics(registry, { prefix: 'other_' })).not.toThrow();
  });
});
