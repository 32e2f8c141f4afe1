import { describe, expect, it } from 'vitest';
import { changeOf, mustPlan, planOf } from '../../test/intent-test-kit.js';
import { col, seedSchema } from '../../test/seed-fixture.js';
import { allSteps, MOVE_COLUMNS_PHASES } from '../plan/plan.js';
import { renderPlanMarkdown } from '../plan/render-plan-markdown.js';
import { renderPlanText } from '../plan/render-plan-text.js';
import type { SchemaModel } from '../schema/schema-model.js';

function enumSchema(): SchemaModel {
  const s = seedSchema();
  s.tables.support_contract!.columns = s.tables.support_contract!.columns.map((c) => (c.name === 'tier' ? col('tier', 'tier_level', false) : c));
  s.enums = { tier_level: ['bronze', 'silver', 'gold', 'platinum'] };
  return s;
}
const replace = (params: Record<string, unknown> = {}) =>
  changeOf('replace-enum-with-lookup', { table: 'support_contract', column: 'tier', lookup: { table: 'contract_tier' }, ...params }, { id: '0007-tier-lookup', title: 'Contract tiers in a lookup table' });

describe('replace-enum-with-lookup plan', () => {
  it('has the six phases: lookup and NOT VALID foreign key, trigger, backfill then VALIDATE, read-switch, cut-off, drop', () => {
    const plan = mustPlan(replace(), enumSchema());
    expect(plan.phases.map((p) => p.id)).toEqual([...MOVE_COLUMNS_PHASES]);
    const expand = plan.phases[0]!.forward.map((s) => (s as { sql: string }).sql).join('\n');
    expect(expand).toContain(`WHERE e.enumtypid = 'tier_level'::regtype ORDER BY e.enumsortorder`);
    expect(expand).toContain('FOREIGN KEY ("tier_id") REFERENCES "contract_tier" ("id") NOT VALID;');
    expect(expand).toContain('ALTER COLUMN "tier" DROP NOT NULL');
    expect(plan.phases[2]!.forward.map((s) => s.id)).toEqual(['backfill.forward.copy', 'backfill.forward.validate-fk']);
    expect(plan.flags.map((f) => f.name)).toEqual(['ReadTierFromLookup']);
  });

  it('syncs both columns of a row with one BEFORE trigger, adding labels the lookup lacks', () => {
    const sql = (mustPlan(replace(), enumSchema()).phases[1]!.forward[0] as { sql: string }).sql;
    expect(sql).toContain('BEFORE INSERT OR UPDATE OF "tier", "tier_id" ON "support_contract"');
    expect(sql).toContain('INSERT INTO "contract_tier" ("name") VALUES (NEW."tier"::text) ON CONFLICT ("name") DO NOTHING;');
  });

  it('drops the enum type in contract only when unused, and recreates it from the lookup going back', () => {
    const contract = mustPlan(replace(), enumSchema()).phases[5]!;
    expect((contract.forward[1] as { sql: string }).sql).toContain('EXCEPTION WHEN dependent_objects_still_exist');
    expect((contract.backward[1] as { sql: string }).sql).toContain(`IF to_regtype('tier_level') IS NULL THEN`);
    const ids = allSteps(mustPlan(replace(), enumSchema())).map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('notes when the enum labels are not known to the schema', () => {
    const s = enumSchema();
    delete s.enums;
    expect(mustPlan(replace(), s).notes.join(' ')).toContain('filled from pg_enum when expand runs');
  });

  it('matches the golden files', async () => {
    const plan = mustPlan(replace({ oldVersions: { app: 'support-desk', versions: ['1'] } }), enumSchema());
    await expect(renderPlanText(plan, { verbose: true })).toMatchFileSnapshot('./__golden__/replace-enum-with-lookup.txt');
    await expect(renderPlanMarkdown(plan)).toMatchFileSnapshot('./__golden__/replace-enum-with-lookup.md');
  });
});

describe('replace-enum-with-lookup problems', () => {
  const cases: [string, Record<string, unknown>, (s: SchemaModel) => void, { code: string; field: string; message: RegExp }][] = [
    ['a missing table', { table: 'contract' }, () => {}, { code: 'table-not-found', field: 'params.table', message: /table "contract" does not exist/ }],
    ['a missing column', { column: 'level' }, () => {}, { code: 'column-not-found', field: 'params.column', message: /column "level" does not exist in support_contract/ }],
    ['a column that is not an enum', { column: 'end_date' }, () => {}, { code: 'invalid-params', field: 'params.column', message: /is of type date, not an enum \(enums: tier_level\)/ }],
    ['a foreign-key column that exists', { fk: 'customer_id' }, () => {}, { code: 'column-conflict', field: 'params.fk', message: /already has a column "customer_id"/ }],
    ['a lookup table that exists', { lookup: { table: 'support_customer' } }, () => {}, { code: 'already-exists', field: 'params.lookup.table', message: /already exists/ }],
  ];
  it.each(cases)('reports %s at its field', (_name, params, mutate, expected) => {
    const schema = enumSchema();
    mutate(schema);
    const r = planOf(replace(params), schema);
    const problem = r.ok ? undefined : r.problems[0];
    expect(problem).toMatchObject({ code: expected.code, field: expected.field });
    expect(problem?.message).toMatch(expected.message);
  });
});
