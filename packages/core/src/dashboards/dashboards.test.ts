import { describe, expect, it } from 'vitest';
import { seedPlan } from '../../test/seed-fixture.js';
import { dashboardsFor } from './dashboards.js';

describe('dashboardsFor', () => {
  const plan = seedPlan();
  const d = dashboardsFor(plan);

  it('derives the parity query from the plan and names the change and its read flag', () => {
    expect(d.sql.map((q) => q.id)).toEqual(['parity', 'mismatches', 'mismatch-rate', 'rollout', 'error-rate', 'latency', 'backfill', 'versions']);
    expect(d.sql[0]!.query).toContain('support_contract');
    expect(d.sql.find((q) => q.id === 'rollout')!.query).toContain("name = 'ReadContractDetailsFromCustomer'");
    expect(d.promql.find((q) => q.id === 'error-rate')!.query).toContain('change="0001-contract-into-customer"');
  });

  it('quotes what it embeds', () => {
    const odd = dashboardsFor({ ...plan, change: `it's"odd` });
    expect(odd.sql.find((q) => q.id === 'error-rate')!.query).toContain(`change_id = 'it''s"odd'`);
    expect(odd.promql[0]!.query).toContain('change="it\'s\\"odd"');
  });

  it('is an importable Grafana dashboard: data source inputs, one panel per query, Grafana time macros', () => {
    const g = JSON.parse(JSON.stringify(d.grafana)) as { __inputs: { name: string }[]; panels: { targets: { rawSql?: string; expr?: string }[]; gridPos: { x: number; y: number } }[] };
    expect(g.__inputs.map((i) => i.name)).toEqual(['DS_POSTGRES', 'DS_PROMETHEUS']);
    expect(g.panels).toHaveLength(d.sql.length + d.promql.length);
    expect(g.panels.find((p) => p.targets[0]!.rawSql?.includes('shadow_mismatches'))!.targets[0]!.rawSql).toContain('$__timeFilter(at)');
    expect(new Set(g.panels.map((p) => `${p.gridPos.x},${p.gridPos.y}`)).size).toBe(g.panels.length);
  });
});
