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

  it('has the shape the Grafana import expects: inputs for every data source, panels with datasource, targets and a non-overlapping gridPos', () => {
    for (const p of [plan, { ...plan, change: `it's"odd` }]) expect(grafanaProblems(dashboardsFor(p).grafana)).toEqual([]);
    // The checker itself catches what Grafana rejects.
    const broken = JSON.parse(JSON.stringify(d.grafana)) as { panels: Record<string, unknown>[]; uid: string };
    broken.uid = 'has space';
    broken.panels[1]!.gridPos = broken.panels[0]!.gridPos;
    broken.panels[2]!.datasource = { type: 'prometheus', uid: '${DS_NOPE}' };
    delete broken.panels[3]!.targets;
    expect(grafanaProblems(broken)).toEqual([
      'uid "has space" must be at most 40 letters, digits, - or _',
      'panel 2 overlaps panel 1',
      'panel 3: datasource ${DS_NOPE} is not one of the __inputs',
      'panel 4: needs targets, each with a refId',
    ]);
  });

  it('is an importable Grafana dashboard: data source inputs, one panel per query, Grafana time macros', () => {
    const g = JSON.parse(JSON.stringify(d.grafana)) as { __inputs: { name: string }[]; panels: { targets: { rawSql?: string; expr?: string }[]; gridPos: { x: number; y: number } }[] };
    expect(g.__inputs.map((i) => i.name)).toEqual(['DS_POSTGRES', 'DS_PROMETHEUS']);
    expect(g.panels).toHaveLength(d.sql.length + d.promql.length);
    expect(g.panels.find((p) => p.targets[0]!.rawSql?.includes('shadow_mismatches'))!.targets[0]!.rawSql).toContain('$__timeFilter(at)');
    expect(new Set(g.panels.map((p) => `${p.gridPos.x},${p.gridPos.y}`)).size).toBe(g.panels.length);
  });
});

type Json = Record<string, unknown>;

/** What Grafana's dashboard import (UI and /api/dashboards/import) needs of an exported dashboard. */
function grafanaProblems(g: Json): string[] {
  const out: string[] = [];
  const inputs = new Map(((g.__inputs as Json[] | undefined) ?? []).map((i) => [`\${${String(i.name)}}`, i]));
  const required = new Set(((g.__requires as Json[] | undefined) ?? []).map((r) => `${String(r.type)}:${String(r.id)}`));
  if (typeof g.title !== 'string' || !g.title) out.push('needs a title');
  if (typeof g.uid !== 'string' || !/^[A-Za-z0-9_-]{1,40}$/.test(g.uid)) out.push(`uid "${String(g.uid)}" must be at most 40 letters, digits, - or _`);
  if (typeof g.schemaVersion !== 'number' || g.schemaVersion < 36) out.push('schemaVersion must be 36 or later (data sources as {type, uid})');
  if ('id' in g && g.id !== null) out.push('id must be null so Grafana assigns one');
  for (const i of inputs.values()) {
    if (i.type !== 'datasource' || typeof i.pluginId !== 'string' || typeof i.label !== 'string') out.push(`input ${String(i.name)} needs type datasource, pluginId and label`);
    else if (!required.has(`datasource:${i.pluginId}`)) out.push(`input ${String(i.name)}: plugin ${i.pluginId} is not in __requires`);
  }
  const panels = (g.panels as Json[] | undefined) ?? [];
  if (!panels.length) out.push('needs panels');
  const boxes: { id: unknown; x: number; y: number; w: number; h: number }[] = [];
  const ids = new Set<unknown>();
  for (const p of panels) {
    const name = `panel ${String(p.id)}`;
    if (!Number.isInteger(p.id) || ids.has(p.id)) out.push(`${name}: id must be a unique integer`);
    ids.add(p.id);
    if (typeof p.type !== 'string' || !required.has(`panel:${p.type}`)) out.push(`${name}: panel type ${String(p.type)} is not in __requires`);
    const ds = p.datasource as Json | undefined;
    const input = inputs.get(String(ds?.uid));
    if (!input) out.push(`${name}: datasource ${String(ds?.uid)} is not one of the __inputs`);
    else if (input.pluginId !== ds!.type) out.push(`${name}: datasource type ${String(ds!.type)} differs from the input's plugin ${String(input.pluginId)}`);
    const targets = p.targets as Json[] | undefined;
    if (!targets?.length || targets.some((t) => typeof t.refId !== 'string')) out.push(`${name}: needs targets, each with a refId`);
    else if (targets.some((t) => !(t.rawSql ?? t.expr))) out.push(`${name}: a target has no query`);
    const gp = p.gridPos as Json | undefined;
    const [x, y, w, h] = [gp?.x, gp?.y, gp?.w, gp?.h].map(Number) as [number, number, number, number];
    if (![x, y, w, h].every(Number.isInteger) || w < 1 || h < 1 || x < 0 || y < 0 || x + w > 24) out.push(`${name}: gridPos must be integers within 24 columns`);
    const hit = boxes.find((b) => x < b.x + b.w && b.x < x + w && y < b.y + b.h && b.y < y + h);
    if (hit) out.push(`${name} overlaps panel ${String(hit.id)}`);
    boxes.push({ id: p.id, x, y, w, h });
  }
  return out;
}
