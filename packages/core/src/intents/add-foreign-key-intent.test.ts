import { describe, expect, it } from 'vitest';
import { changeOf, exampleChange, expectWellFormed, firstProblem, mustPlan, stepSql } from '../../test/intent-test-kit.js';
import { ticketSchema } from '../../test/ticket-fixture.js';
import { renderPlanMarkdown } from '../plan/render-plan-markdown.js';
import { renderPlanText } from '../plan/render-plan-text.js';
import type { SchemaModel } from '../schema/schema-model.js';

const base = { table: 'support_ticket', columns: ['customer_id'], references: { table: 'support_customer' } };
const plan = (params: Record<string, unknown> = {}, schema = ticketSchema()) => mustPlan(changeOf('add-foreign-key', { ...base, ...params }), schema);

describe('add-foreign-key plan', () => {
  it('renders the example change as the golden files', async () => {
    const p = mustPlan(exampleChange('examples/changes/0006-ticket-customer-fkey.yaml'), ticketSchema());
    await expect(renderPlanText(p, { verbose: true })).toMatchFileSnapshot('./__golden__/add-foreign-key.txt');
    await expect(renderPlanMarkdown(p)).toMatchFileSnapshot('./__golden__/add-foreign-key.md');
  });

  it('indexes the referencing column concurrently, adds the key NOT VALID, and validates behind the orphan gate', () => {
    const p = plan();
    expectWellFormed(p);
    expect(p.phases[0]!.forward.map((s) => s.kind)).toEqual(['concurrent', 'sql']);
    expect(stepSql(p, 'expand.forward.add-constraint')).toContain(`FOREIGN KEY ("customer_id")\n  REFERENCES "support_customer" ("id") NOT VALID;`);
    expect(stepSql(p, 'contract.forward.validate')).toBe('ALTER TABLE "support_ticket" VALIDATE CONSTRAINT "support_ticket_customer_id_fkey";');
    expect(p.phases[1]!.gates.map((g) => g.id)).toEqual(['no-orphans']);
    expect(stepSql(p, 'contract.backward.unvalidate')).toMatch(/DROP CONSTRAINT IF EXISTS .*\n.*NOT VALID;$/s);
  });

  it('declares the key it adds as data, so a rehearsal fills and writes rows that hold it before the database checks it', () => {
    expect(plan().constraints).toEqual([{ kind: 'foreign-key', table: 'support_ticket', columns: ['customer_id'], references: { table: 'support_customer', columns: ['id'] } }]);
  });

  it('skips the index when one already leads with the columns, or when asked', () => {
    const schema = ticketSchema();
    schema.indexes!.by_customer = { name: 'by_customer', table: 'support_ticket', columns: ['customer_id', 'opened_at'], unique: false };
    expect(plan({}, schema).phases[0]!.forward.map((s) => s.kind)).toEqual(['sql']);
    expect(plan({ index: false }).phases[0]!.forward.map((s) => s.kind)).toEqual(['sql']);
  });

  it('writes ON DELETE and a custom name', () => {
    expect(stepSql(plan({ onDelete: 'set null', name: 'ticket_customer' }), 'expand.forward.add-constraint')).toMatch(/ADD CONSTRAINT "ticket_customer" .* ON DELETE SET NULL NOT VALID;/s);
  });
});

describe('add-foreign-key problems', () => {
  const cases: [string, Record<string, unknown>, (s: SchemaModel) => void, { code: string; field: string; message: RegExp }][] = [
    ['a missing table', { table: 'ticket' }, () => {}, { code: 'table-not-found', field: 'params.table', message: /table "ticket" does not exist/ }],
    ['a missing referenced table', { references: { table: 'customer' } }, () => {}, { code: 'table-not-found', field: 'params.references.table', message: /table "customer" does not exist/ }],
    ['a missing column', { columns: ['customer'] }, () => {}, { code: 'column-not-found', field: 'params.columns[0]', message: /column "customer" does not exist in support_ticket/ }],
    ['a missing referenced column', { references: { table: 'support_customer', columns: ['uid'] } }, () => {}, { code: 'column-not-found', field: 'params.references.columns[0]', message: /column "uid" does not exist in support_customer/ }],
    ['a count mismatch', { columns: ['customer_id', 'priority'] }, () => {}, { code: 'invalid-params', field: 'params.references.table', message: /2 referencing column\(s\) but 1 referenced/ }],
    ['referenced columns that are not unique', { references: { table: 'support_customer', columns: ['email'] }, columns: ['subject'] }, () => {}, { code: 'invalid-params', field: 'params.references.columns', message: /neither its primary key nor unique.*add-unique/ }],
    ['a type mismatch', { columns: ['priority'] }, () => {}, { code: 'invalid-params', field: 'params.columns[0]', message: /priority is integer but support_customer\.id is bigint/ }],
    ['no primary key to reference', {}, (s) => (s.tables.support_customer!.primaryKey = []), { code: 'unsupported-key', field: 'params.references.table', message: /no primary key/ }],
  ];
  it.each(cases)('reports %s with the field and a fix', (_name, params, mutate, expected) => {
    const schema = ticketSchema();
    mutate(schema);
    const problem = firstProblem(changeOf('add-foreign-key', { ...base, ...params }), schema);
    expect(problem).toMatchObject({ code: expected.code, field: expected.field });
    expect(problem?.message).toMatch(expected.message);
  });
});
