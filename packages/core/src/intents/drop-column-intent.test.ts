import { describe, expect, it } from 'vitest';
import { changeOf, mustPlan, planOf } from '../../test/intent-test-kit.js';
import { seedSchema } from '../../test/seed-fixture.js';
import { allSteps } from '../plan/plan.js';
import { renderPlanMarkdown } from '../plan/render-plan-markdown.js';
import { renderPlanText } from '../plan/render-plan-text.js';
import type { SchemaModel } from '../schema/schema-model.js';

const drop = (params: Record<string, unknown> = {}) => changeOf('drop-column', { table: 'support_customer', column: 'address', ...params }, { id: '0003-drop-customer-address', title: 'Drop the customer address' });

describe('drop-column plan', () => {
  it('stops reads, then writes, then archives and drops; a nullable column needs no expand', () => {
    const plan = mustPlan(drop());
    expect(plan.phases.map((p) => p.id)).toEqual(['read-switch', 'cut-off', 'contract']);
    expect(plan.flags).toEqual([{ name: 'StopReadingSupportCustomerAddress', purpose: 'stop reading support_customer.address' }]);
    expect(plan.phases[0]!.rollout).toEqual({ flag: 'StopReadingSupportCustomerAddress', steps: [1, 10, 50, 100] });
  });

  it('makes a NOT NULL column without a default optional first, and puts NOT NULL back only when no row is NULL', () => {
    const plan = mustPlan(drop({ column: 'company_name' }));
    expect(plan.phases.map((p) => p.id)).toEqual(['expand', 'read-switch', 'cut-off', 'contract']);
    expect(plan.phases[0]!.forward[0]).toMatchObject({ kind: 'sql', sql: 'ALTER TABLE "support_customer" ALTER COLUMN "company_name" DROP NOT NULL;' });
    expect((plan.phases[0]!.backward[0] as { sql: string }).sql).toMatch(/IF NOT EXISTS \(SELECT 1 FROM "support_customer" WHERE "company_name" IS NULL\) THEN\s+ALTER TABLE "support_customer" ALTER COLUMN "company_name" SET NOT NULL/);
    expect(plan.notes.join(' ')).toContain('NOT NULL without a default');
  });

  it('archives before dropping in one step, and restores from the archive with a checksum going back', () => {
    const contract = mustPlan(drop()).phases.at(-1)!;
    const sql = (contract.forward[0] as { sql: string }).sql;
    expect(sql.indexOf('CREATE TABLE "switchback_archive__0003-drop-customer-address"."support_customer" AS SELECT "id", "address"')).toBeLessThan(sql.indexOf('DROP COLUMN IF EXISTS "address"'));
    expect(contract.backward.map((s) => s.kind)).toEqual(['flag', 'sql', 'backfill']);
    const restore = contract.backward[2]!;
    expect(restore.kind === 'backfill' && restore.backfill.verification?.kind).toBe('range-checksum');
  });

  it('restores the default going back, and gates contract on retention and the old versions', () => {
    const schema = seedSchema();
    const plan = mustPlan(drop({ column: 'tenant', retention: '30d', oldVersions: { app: 'support-desk', versions: ['1'] } }), schema);
    const contract = plan.phases.at(-1)!;
    expect((contract.backward[1] as { sql: string }).sql).toContain(`ALTER COLUMN "tenant" SET DEFAULT 'default'::text;`);
    expect(contract.gates).toMatchObject([{ id: 'retention', kind: 'soak', phase: 'cut-off', seconds: 30 * 86400 }, { id: 'old-versions-gone', kind: 'app-versions' }]);
    expect(plan.notes).toEqual([]);
  });

  it('has unique step ids and round-trips as JSON', () => {
    const plan = mustPlan(drop({ column: 'company_name' }));
    const ids = allSteps(plan).map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('matches the golden files', async () => {
    const plan = mustPlan(drop({ column: 'company_name', soak: { readSwitch: '1d' }, oldVersions: { app: 'support-desk', versions: ['1'] } }));
    await expect(renderPlanText(plan, { verbose: true })).toMatchFileSnapshot('./__golden__/drop-column.txt');
    await expect(renderPlanMarkdown(plan)).toMatchFileSnapshot('./__golden__/drop-column.md');
  });
});

describe('drop-column problems', () => {
  const cases: [string, Record<string, unknown>, (s: SchemaModel) => void, { code: string; field: string; message: RegExp }][] = [
    ['a missing table', { table: 'customer' }, () => {}, { code: 'table-not-found', field: 'params.table', message: /table "customer" does not exist .*support_contract, support_customer/ }],
    ['a missing column', { column: 'adress' }, () => {}, { code: 'column-not-found', field: 'params.column', message: /column "adress" does not exist in support_customer \(columns: id, tenant, contact_name, company_name, address\)/ }],
    ['the key', { column: 'id' }, () => {}, { code: 'invalid-params', field: 'params.column', message: /part of the primary key/ }],
    ['a table without a single-column key', {}, (s) => (s.tables.support_customer!.primaryKey = []), { code: 'unsupported-key', field: 'params.table', message: /no primary key.*Add a single-column primary key first/ }],
  ];
  it.each(cases)('reports %s at its field', (_name, params, mutate, expected) => {
    const schema = seedSchema();
    mutate(schema);
    const r = planOf(drop(params), schema);
    const problem = r.ok ? undefined : r.problems[0];
    expect(problem).toMatchObject({ code: expected.code, field: expected.field });
    expect(problem?.message).toMatch(expected.message);
  });

  it.each([
    [{ flag: 'stop_reading' }, /PascalCase/],
    [{ rollout: [50, 10] }, /must increase/],
    [{ column: 'bad name' }, /plain SQL name/],
  ])('rejects bad params %j before planning', (params, message) => {
    expect(() => drop(params)).toThrow(message);
  });
});
