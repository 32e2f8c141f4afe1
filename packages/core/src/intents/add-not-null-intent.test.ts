import { describe, expect, it } from 'vitest';
import { changeOf, exampleChange, expectWellFormed, firstProblem, mustPlan, stepSql } from '../../test/intent-test-kit.js';
import { ticketSchema } from '../../test/ticket-fixture.js';
import { renderPlanMarkdown } from '../plan/render-plan-markdown.js';
import { renderPlanText } from '../plan/render-plan-text.js';
import type { SchemaModel } from '../schema/schema-model.js';

const plan = (params: Record<string, unknown> = {}, schema = ticketSchema()) => mustPlan(changeOf('add-not-null', { table: 'support_ticket', column: 'customer_id', ...params }), schema);

describe('add-not-null plan', () => {
  it('renders the example change as the golden files', async () => {
    const p = mustPlan(exampleChange('examples/changes/0005-require-ticket-customer.yaml'), ticketSchema());
    await expect(renderPlanText(p, { verbose: true })).toMatchFileSnapshot('./__golden__/add-not-null.txt');
    await expect(renderPlanMarkdown(p)).toMatchFileSnapshot('./__golden__/add-not-null.md');
  });

  it('adds the check NOT VALID at expand, validates it apart, and proves SET NOT NULL by it', () => {
    const p = plan({ fill: '0' });
    expectWellFormed(p);
    expect(p.phases.map((x) => x.id)).toEqual(['expand', 'backfill', 'contract']);
    expect(stepSql(p, 'expand.forward.add-check')).toContain('CHECK ("customer_id" IS NOT NULL) NOT VALID;');
    expect(p.phases[2]!.forward.map((s) => [s.id, s.kind === 'sql' && s.ddl])).toEqual([['contract.forward.validate', false], ['contract.forward.set-not-null', true]]);
    expect(stepSql(p, 'contract.forward.set-not-null')).toMatch(/SET NOT NULL;\n.*DROP CONSTRAINT IF EXISTS "support_ticket_customer_id_not_null";/);
    expect(p.phases[2]!.gates.map((g) => g.id)).toEqual(['no-nulls']);
  });

  it('fills only NULL rows, in key ranges, with the expression given', () => {
    const step = plan({ fill: "'none'" }).phases[1]!.forward[0]!;
    expect(step.kind === 'backfill' && step.backfill.batchSql).toBe(`UPDATE "support_ticket" SET "customer_id" = 'none' WHERE "id" BETWEEN $1::integer AND $2::integer AND "customer_id" IS NULL`);
  });

  it('has no backfill phase without a fill, and says the gate will list the NULLs', () => {
    const p = plan();
    expect(p.phases.map((x) => x.id)).toEqual(['expand', 'contract']);
    expect(p.notes.join(' ')).toContain('no-nulls lists them');
  });

  it('sets a default at expand and restores the previous one going back', () => {
    const p = plan({ column: 'subject', default: "''" });
    expect(stepSql(p, 'expand.forward.add-check')).toContain(`ALTER COLUMN "subject" SET DEFAULT '';`);
    expect(stepSql(p, 'expand.backward.drop-check')).toContain('ALTER COLUMN "subject" DROP DEFAULT;');
  });
});

describe('add-not-null problems', () => {
  const cases: [string, Record<string, unknown>, (s: SchemaModel) => void, { code: string; field: string; message: RegExp }][] = [
    ['a missing table', { table: 'ticket' }, () => {}, { code: 'table-not-found', field: 'params.table', message: /table "ticket" does not exist/ }],
    ['a missing column', { column: 'customer' }, () => {}, { code: 'column-not-found', field: 'params.column', message: /column "customer" does not exist in support_ticket/ }],
    ['a column already NOT NULL', { column: 'priority' }, () => {}, { code: 'invalid-params', field: 'params.column', message: /already NOT NULL/ }],
    ['a fill without a single-column key', { fill: '0' }, (s) => (s.tables.support_ticket!.primaryKey = []), { code: 'unsupported-key', field: 'params.fill', message: /no primary key/ }],
  ];
  it.each(cases)('reports %s with the field and a fix', (_name, params, mutate, expected) => {
    const schema = ticketSchema();
    mutate(schema);
    const problem = firstProblem(changeOf('add-not-null', { table: 'support_ticket', column: 'customer_id', ...params }), schema);
    expect(problem).toMatchObject({ code: expected.code, field: expected.field });
    expect(problem?.message).toMatch(expected.message);
  });

  it('rejects a fill that is more than one expression when the file is read', () => {
    expect(() => changeOf('add-not-null', { table: 't', column: 'c', fill: '0; DROP TABLE t' })).toThrow(/params\.fill.*one SQL expression/);
  });
});
