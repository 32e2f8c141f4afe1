import { describe, expect, it } from 'vitest';
import { changeOf, mustPlan, planOf } from '../../test/intent-test-kit.js';
import { col, seedChange, seedSchema } from '../../test/seed-fixture.js';
import { allSteps, MOVE_COLUMNS_PHASES } from '../plan/plan.js';
import { renderPlanMarkdown } from '../plan/render-plan-markdown.js';
import { renderPlanText } from '../plan/render-plan-text.js';
import type { SchemaModel } from '../schema/schema-model.js';
import { planMoveColumns } from './move-columns-intent.js';

const seedMerge = (params: Record<string, unknown> = {}, sync: 'trigger' | 'app' = 'trigger') =>
  changeOf(
    'merge-tables',
    { from: { table: 'support_contract', join: 'customer_id' }, into: { table: 'support_customer', key: 'id', tenant: 'tenant' }, drop: ['start_date'], ...params },
    { id: '0001-contract-into-customer', title: 'Merge the contract into the customer', sync },
  );

describe('merge-tables plan', () => {
  it('is the seed move when the seed drops start_date: same phases, steps and SQL as move-columns', () => {
    const merged = mustPlan(seedMerge());
    const moved = planMoveColumns(seedChange('trigger', { to: { table: 'support_customer', key: 'id', tenant: 'tenant' } }) as never, seedSchema());
    if (!moved.ok) throw new Error('seed move does not plan');
    expect(merged.phases.map((p) => p.id)).toEqual([...MOVE_COLUMNS_PHASES]);
    expect(merged.phases).toEqual(moved.plan.phases);
    expect(merged.intent).toBe('merge-tables');
  });

  it('merges every column of the source but its key and join unless dropped', () => {
    const expand = mustPlan(seedMerge({ drop: [] })).phases[0]!.forward[0] as { sql: string };
    expect(expand.sql).toContain('"start_date" date');
    expect(expand.sql).toContain('"tier" text');
    expect(expand.sql).not.toMatch(/"customer_id"|"id"/);
  });

  it('says which values survive only in the archive, and draws the source as gone afterwards', () => {
    const plan = mustPlan(seedMerge());
    expect(plan.notes[0]).toBe('start_date of support_contract is not merged: after contract their values live only in switchback_archive__0001-contract-into-customer.support_contract.');
    expect(plan.shapes.after.map((t) => t.table)).toEqual(['support_customer']);
    expect(plan.phases[5]!.forward.map((s) => s.id)).toContain('contract.forward.archive');
  });

  it.each(['trigger', 'app'] as const)('plans with unique step ids and round-trips as JSON (sync: %s)', (sync) => {
    const plan = mustPlan(seedMerge({}, sync));
    const ids = allSteps(plan).map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('matches the golden files', async () => {
    const plan = mustPlan(seedMerge({ soak: { readSwitch: '1d' }, retention: '21d' }));
    await expect(renderPlanText(plan, { verbose: true })).toMatchFileSnapshot('./__golden__/merge-tables.txt');
    await expect(renderPlanMarkdown(plan)).toMatchFileSnapshot('./__golden__/merge-tables.md');
  });
});

describe('merge-tables problems', () => {
  const cases: [string, Record<string, unknown>, (s: SchemaModel) => void, { code: string; field: string; message: RegExp }][] = [
    ['a missing source table', { from: { table: 'support_contracts', join: 'customer_id' } }, () => {}, { code: 'table-not-found', field: 'params.from.table', message: /table "support_contracts" does not exist/ }],
    ['a missing target table', { into: { table: 'customer' } }, () => {}, { code: 'table-not-found', field: 'params.into.table', message: /table "customer" does not exist/ }],
    ['a missing target key', { into: { table: 'support_customer', key: 'uid' } }, () => {}, { code: 'column-not-found', field: 'params.into.key', message: /column "uid" does not exist in support_customer/ }],
    ['a missing join column', { from: { table: 'support_contract', join: 'customer' } }, () => {}, { code: 'column-not-found', field: 'params.from.join', message: /column "customer" does not exist in support_contract/ }],
    ['a dropped column that does not exist', { drop: ['start'] }, () => {}, { code: 'column-not-found', field: 'params.drop[0]', message: /column "start" does not exist in support_contract .*Remove it from drop/ }],
    ['dropping the join', { drop: ['customer_id'] }, () => {}, { code: 'invalid-params', field: 'params.drop[0]', message: /join or key column/ }],
    ['nothing left to merge', { drop: ['start_date', 'tier', 'end_date'] }, () => {}, { code: 'invalid-params', field: 'params.drop', message: /use the drop-table intent/ }],
    ['a column the target has with another type', {}, (s) => s.tables.support_customer!.columns.push(col('tier', 'integer')), { code: 'column-conflict', field: 'params.from.table', message: /already has a column "tier" of type integer.*list the column of support_contract under drop/ }],
    ['a target without a primary key', {}, (s) => (s.tables.support_customer!.primaryKey = []), { code: 'unsupported-key', field: 'params.into.table', message: /no primary key/ }],
  ];
  it.each(cases)('reports %s at its field, with a fix', (_name, params, mutate, expected) => {
    const schema = seedSchema();
    mutate(schema);
    const r = planOf(seedMerge({ into: { table: 'support_customer' }, ...params }), schema);
    expect(r.ok).toBe(false);
    const problem = r.ok ? undefined : r.problems[0];
    expect(problem).toMatchObject({ code: expected.code, field: expected.field });
    expect(problem?.message).toMatch(expected.message);
  });

  it('rejects a column listed twice in drop before planning', () => {
    expect(() => seedMerge({ drop: ['tier', 'tier'] })).toThrow(/listed twice/);
  });
});
