import { describe, expect, it } from 'vitest';
import { changeOf, mustPlan, planOf } from '../../test/intent-test-kit.js';
import { col, seedSchema } from '../../test/seed-fixture.js';
import { allSteps, MOVE_COLUMNS_PHASES } from '../plan/plan.js';
import { renderPlanMarkdown } from '../plan/render-plan-markdown.js';
import { renderPlanText } from '../plan/render-plan-text.js';
import type { SchemaModel } from '../schema/schema-model.js';

const extract = (params: Record<string, unknown> = {}, sync: 'trigger' | 'app' = 'trigger') =>
  changeOf('extract-columns', { from: { table: 'support_customer' }, into: { table: 'customer_address' }, columns: ['address'], ...params }, { id: '0005-extract-address', title: 'Extract the customer address', sync });

describe('extract-columns plan', () => {
  it('has the six phases and creates the new table keyed by a foreign key to the old one', () => {
    const plan = mustPlan(extract());
    expect(plan.phases.map((p) => p.id)).toEqual([...MOVE_COLUMNS_PHASES]);
    expect((plan.phases[0]!.forward[0] as { sql: string }).sql).toBe('CREATE TABLE IF NOT EXISTS "customer_address" (\n  "customer_id" bigint PRIMARY KEY REFERENCES "support_customer" ("id") ON DELETE CASCADE,\n  "address" text\n);');
    expect(plan.flags.map((f) => f.name)).toEqual(['ReadFromCustomerAddress']);
  });

  it('syncs old → new with an upserting trigger on the old table, and new → old from cut-off on', () => {
    const plan = mustPlan(extract());
    const dual = (plan.phases[1]!.forward[0] as { sql: string }).sql;
    expect(dual).toContain('AFTER INSERT OR UPDATE OF "address" ON "support_customer"');
    expect(dual).toContain('INSERT INTO "customer_address" ("customer_id", "address")');
    // A customer without an address gets no row: the new version's upsert creates it when it writes one.
    expect(dual).toContain('IF NOT FOUND AND ROW(NEW."address") IS DISTINCT FROM ROW(NULL)');
    expect(dual).toContain('CREATE TRIGGER "0005-extract-address__to_new"');
    expect((plan.phases[4]!.forward[0] as { sql: string }).sql).toContain('CREATE TRIGGER "0005-extract-address__to_old" AFTER INSERT OR UPDATE OR DELETE ON "customer_address"');
  });

  it('tells the new version to write the new table with an upsert on its key from cut-off on', () => {
    const cutOff = mustPlan(extract({ columns: ['company_name', 'address'] })).phases[4]!;
    expect(cutOff.app.map((a) => a.side)).toEqual(['write']);
    expect(cutOff.app[0]!.sketch).toContain('INSERT INTO customer_address (customer_id, company_name, address) VALUES ($1, $2, $3)\n  ON CONFLICT (customer_id) DO UPDATE SET company_name = EXCLUDED.company_name, address = EXCLUDED.address');
    expect(cutOff.app[0]!.summary).toMatch(/always as an upsert on customer_id: a support_customer row whose company_name, address are all NULL has no customer_address row yet/);
  });

  it('makes extracted NOT NULL columns optional in expand, and restores NOT NULL only when no row is NULL', () => {
    const expand = mustPlan(extract({ columns: ['company_name', 'address'] })).phases[0]!;
    expect(expand.forward.map((s) => s.id)).toEqual(['expand.forward.create-table', 'expand.forward.drop-not-null']);
    expect((expand.forward[1] as { sql: string }).sql).toBe('ALTER TABLE "support_customer"\n  ALTER COLUMN "company_name" DROP NOT NULL;');
    expect((expand.backward[1] as { sql: string }).sql).toContain('IF NOT EXISTS (SELECT 1 FROM "support_customer" WHERE "company_name" IS NULL)');
  });

  it('archives and drops the old columns in contract; going back restores them from the new table', () => {
    const contract = mustPlan(extract()).phases[5]!;
    expect((contract.forward[1] as { sql: string }).sql).toContain('ALTER TABLE "support_customer"\n  DROP COLUMN IF EXISTS "address";');
    expect(contract.backward.map((s) => s.id)).toEqual(['contract.backward.restore-ReadFromCustomerAddress', 'contract.backward.restore-columns', 'contract.backward.recreate-triggers', 'contract.backward.catch-up', 'contract.backward.drop-archive']);
    const ids = allSteps(mustPlan(extract())).map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('plans again after expand created the table', () => {
    const schema = seedSchema();
    schema.tables.customer_address = { name: 'customer_address', schema: 'public', primaryKey: ['customer_id'], columns: [col('customer_id', 'bigint', false), col('address', 'text')] };
    expect(planOf(extract(), schema).ok).toBe(true);
  });

  it('matches the golden files', async () => {
    const plan = mustPlan(extract({ columns: ['company_name', 'address'], oldVersions: { app: 'support-desk', versions: ['1'] } }));
    await expect(renderPlanText(plan, { verbose: true })).toMatchFileSnapshot('./__golden__/extract-columns.txt');
    await expect(renderPlanMarkdown(plan)).toMatchFileSnapshot('./__golden__/extract-columns.md');
  });
});

describe('extract-columns problems', () => {
  const cases: [string, Record<string, unknown>, (s: SchemaModel) => void, { code: string; field: string; message: RegExp }][] = [
    ['a missing table', { from: { table: 'customer' } }, () => {}, { code: 'table-not-found', field: 'params.from.table', message: /table "customer" does not exist/ }],
    ['a missing column', { columns: ['adress'] }, () => {}, { code: 'column-not-found', field: 'params.columns[0]', message: /column "adress" does not exist in support_customer/ }],
    ['the key', { columns: ['id'] }, () => {}, { code: 'invalid-params', field: 'params.columns[0]', message: /is the key of support_customer/ }],
    ['a missing key column', { from: { table: 'support_customer', key: 'uid' } }, () => {}, { code: 'column-not-found', field: 'params.from.key', message: /column "uid" does not exist/ }],
    ['a table that already exists', { into: { table: 'support_contract' } }, () => {}, { code: 'already-exists', field: 'params.into.table', message: /table "support_contract" already exists/ }],
    ['a composite key', {}, (s) => (s.tables.support_customer!.primaryKey = ['id', 'tenant']), { code: 'unsupported-key', field: 'params.from.table', message: /composite primary key/ }],
    ['a key that is also extracted', { into: { table: 'customer_address', key: 'address' } }, () => {}, { code: 'column-conflict', field: 'params.into.key', message: /also one of the extracted columns/ }],
  ];
  it.each(cases)('reports %s at its field', (_name, params, mutate, expected) => {
    const schema = seedSchema();
    mutate(schema);
    const r = planOf(extract(params), schema);
    const problem = r.ok ? undefined : r.problems[0];
    expect(problem).toMatchObject({ code: expected.code, field: expected.field });
    expect(problem?.message).toMatch(expected.message);
  });

  it('refuses sync: app (the shapes are kept in step by triggers)', () => {
    const r = planOf(extract({}, 'app'));
    expect(r.ok ? [] : r.problems.map((p) => p.field)).toEqual(['sync']);
  });
});
