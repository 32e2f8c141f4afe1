import { describe, expect, it } from 'vitest';
import { changeOf, mustPlan, planOf } from '../../test/intent-test-kit.js';
import { seedSchema } from '../../test/seed-fixture.js';
import { allSteps, MOVE_COLUMNS_PHASES } from '../plan/plan.js';
import { renderPlanMarkdown } from '../plan/render-plan-markdown.js';
import { renderPlanText } from '../plan/render-plan-text.js';
import type { SchemaModel } from '../schema/schema-model.js';

const split = (params: Record<string, unknown> = {}, sync: 'trigger' | 'app' = 'trigger') =>
  changeOf('split-table', { table: 'support_contract', into: 'platinum_contract', where: "tier = 'platinum'", ...params }, { id: '0006-split-platinum', title: 'Platinum contracts in their own table', sync });

describe('split-table plan', () => {
  it('has the six phases: create like the table, sync, copy, read-switch, write the new table, delete the moved rows', () => {
    const plan = mustPlan(split());
    expect(plan.phases.map((p) => p.id)).toEqual([...MOVE_COLUMNS_PHASES]);
    const create = (plan.phases[0]!.forward[0] as { sql: string }).sql;
    expect(create).toMatch(/^CREATE TABLE IF NOT EXISTS "platinum_contract" \(LIKE "support_contract" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES\);\n/);
    // The new table gets the source's foreign keys (LIKE does not copy them), added while it is empty.
    expect(create).toContain(`WHERE conrelid = '"support_contract"'::regclass AND contype = 'f'`);
    expect(create).toContain(`EXECUTE format('ALTER TABLE "platinum_contract" ADD CONSTRAINT %I %s', k.name, k.def)`);
    expect(plan.flags.map((f) => f.name)).toEqual(['ReadPlatinumContractFromOwnTable']);
    expect(plan.phases[5]!.forward.map((s) => s.kind)).toEqual(['sql', 'sql', 'sql', 'backfill', 'sql', 'flag']);
    const del = plan.phases[5]!.forward[3]!;
    expect(del.kind === 'backfill' && del.backfill.batchSql).toBe(`DELETE FROM "support_contract" WHERE "id" BETWEEN $1::bigint AND $2::bigint AND (tier = 'platinum')`);
  });

  it('holds the new table to the predicate: a CHECK added NOT VALID with the table, validated apart, gone with the table on the way back', () => {
    const plan = mustPlan(split());
    const [create, validate] = plan.phases[0]!.forward as { sql: string; ddl: boolean }[];
    expect(create!.sql).toContain(`ALTER TABLE "platinum_contract" ADD CONSTRAINT "platinum_contract_where_check" CHECK ((tier = 'platinum') IS TRUE) NOT VALID;`);
    expect(validate).toMatchObject({ sql: 'ALTER TABLE "platinum_contract" VALIDATE CONSTRAINT "platinum_contract_where_check";', ddl: false });
    expect(plan.phases[0]!.verify.map((v) => v.id)).toEqual(['columns-exist', 'check-valid']);
    expect((plan.phases[0]!.backward[0] as { sql: string }).sql).toBe('DROP TABLE IF EXISTS "platinum_contract";');
  });

  it('holds the source to the other rows from contract: a CHECK added NOT VALID before the moved rows are deleted, validated after, dropped first on the way back', () => {
    const contract = mustPlan(split()).phases[5]!;
    // Between the triggers: after the copy into support_contract goes (the CHECK would refuse its copies), before the copy out of it.
    expect(contract.forward.map((s) => s.id)).toEqual(['contract.forward.drop-trigger-to-old', 'contract.forward.add-rest-check', 'contract.forward.drop-trigger-to-new', 'contract.forward.delete-moved', 'contract.forward.validate-rest-check', 'contract.forward.remove-ReadPlatinumContractFromOwnTable']);
    expect((contract.forward[1] as { sql: string }).sql).toContain(`ALTER TABLE "support_contract" ADD CONSTRAINT "support_contract_not_where_check" CHECK ((tier = 'platinum') IS NOT TRUE) NOT VALID;`);
    expect(contract.forward[4]).toMatchObject({ sql: 'ALTER TABLE "support_contract" VALIDATE CONSTRAINT "support_contract_not_where_check";', ddl: false });
    expect(contract.backward.map((s) => s.id)).toEqual(['contract.backward.restore-ReadPlatinumContractFromOwnTable', 'contract.backward.drop-rest-check', 'contract.backward.recreate-triggers', 'contract.backward.copy-back']);
    expect(contract.verify.map((v) => v.id)).toEqual(['moved-rows-gone', 'rest-check-valid']);
  });

  it('empties the new table when dual-write is undone: without the trigger its rows would go stale', () => {
    const back = mustPlan(split()).phases[1]!.backward[0] as { sql: string };
    expect(back.sql).toMatch(/DROP TRIGGER IF EXISTS [^\n]+\n[^\n]+\nTRUNCATE "platinum_contract";$/);
  });

  it('evaluates the predicate on the trigger row by its column names', () => {
    const sql = (mustPlan(split()).phases[1]!.forward[0] as { sql: string }).sql;
    expect(sql).toContain(`EXISTS (SELECT 1 FROM (SELECT (NEW).*) AS r WHERE (tier = 'platinum'))`);
    expect(sql).toContain('ON CONFLICT ("id") DO UPDATE SET');
  });

  it('copies the rows back on the way back from contract, with a checksum, and has unique step ids', () => {
    const plan = mustPlan(split());
    const back = plan.phases[5]!.backward.at(-1)!;
    expect(back.kind === 'backfill' && back.backfill.verification?.kind).toBe('range-checksum');
    const ids = allSteps(plan).map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('matches the golden files', async () => {
    const plan = mustPlan(split({ oldVersions: { app: 'support-desk', versions: ['1'] } }));
    await expect(renderPlanText(plan, { verbose: true })).toMatchFileSnapshot('./__golden__/split-table.txt');
    await expect(renderPlanMarkdown(plan)).toMatchFileSnapshot('./__golden__/split-table.md');
  });
});

describe('split-table problems', () => {
  const cases: [string, Record<string, unknown>, (s: SchemaModel) => void, { code: string; field: string; message: RegExp }][] = [
    ['a missing table', { table: 'contract' }, () => {}, { code: 'table-not-found', field: 'params.table', message: /table "contract" does not exist/ }],
    ['a predicate naming another column', { where: "level = 'platinum' AND tier IS NOT NULL" }, () => {}, { code: 'column-not-found', field: 'params.where', message: /names "level", which is not a column of support_contract/ }],
    ['an existing table of another shape', { into: 'support_customer' }, () => {}, { code: 'already-exists', field: 'params.into', message: /already exists with other columns/ }],
    ['no primary key', {}, (s) => (s.tables.support_contract!.primaryKey = []), { code: 'unsupported-key', field: 'params.table', message: /no primary key/ }],
  ];
  it.each(cases)('reports %s at its field', (_name, params, mutate, expected) => {
    const schema = seedSchema();
    mutate(schema);
    const r = planOf(split(params), schema);
    const problem = r.ok ? undefined : r.problems[0];
    expect(problem).toMatchObject({ code: expected.code, field: expected.field });
    expect(problem?.message).toMatch(expected.message);
  });

  it.each([
    ["tier = 'platinum' AND end_date > current_date - interval '30 days'"],
    ["lower(tier) IN ('platinum', 'gold') OR end_date IS NULL"],
    ['"tier" IS NOT DISTINCT FROM \'x\''],
  ])('accepts predicates over the columns: %s', (where) => {
    expect(planOf(split({ where })).ok).toBe(true);
  });

  it.each([["tier = 'x'; DROP TABLE support_customer"], ["tier = 'x' -- comment"]])('rejects a predicate that is more than one expression: %s', (where) => {
    expect(() => split({ where })).toThrow(/one boolean expression/);
  });

  it('refuses sync: app', () => {
    const r = planOf(split({}, 'app'));
    expect(r.ok ? [] : r.problems.map((p) => p.field)).toEqual(['sync']);
  });
});
