import { describe, expect, it } from 'vitest';
import { changeOf, exampleChange, expectWellFormed, firstProblem, mustPlan, stepSql } from '../../test/intent-test-kit.js';
import { ticketSchema } from '../../test/ticket-fixture.js';
import { renderPlanMarkdown } from '../plan/render-plan-markdown.js';
import { renderPlanText } from '../plan/render-plan-text.js';
import type { SchemaModel } from '../schema/schema-model.js';

const plan = (params: Record<string, unknown> = {}) => mustPlan(changeOf('add-unique', { table: 'support_customer', columns: ['email'], ...params }), ticketSchema());

describe('add-unique plan', () => {
  it('renders the example change as the golden files', async () => {
    const p = mustPlan(exampleChange('examples/changes/0007-unique-customer-email.yaml'), ticketSchema());
    await expect(renderPlanText(p, { verbose: true })).toMatchFileSnapshot('./__golden__/add-unique.txt');
    await expect(renderPlanMarkdown(p)).toMatchFileSnapshot('./__golden__/add-unique.md');
  });

  it('builds the unique index concurrently behind the duplicates gate, then attaches it as the constraint', () => {
    const p = plan();
    expectWellFormed(p);
    expect(p.phases[0]!.gates.map((g) => g.id)).toEqual(['no-duplicates']);
    expect(stepSql(p, 'expand.forward.build-index')).toBe('DROP INDEX CONCURRENTLY IF EXISTS "support_customer_email_key";\nCREATE UNIQUE INDEX CONCURRENTLY "support_customer_email_key" ON "support_customer" ("email");');
    expect(stepSql(p, 'contract.forward.add-constraint')).toBe('ALTER TABLE "support_customer" ADD CONSTRAINT "support_customer_email_key" UNIQUE USING INDEX "support_customer_email_key";');
    expect(p.phases[1]!.backward.map((s) => s.kind)).toEqual(['sql', 'concurrent']);
  });

  it('qualifies the index with the table schema where DROP INDEX needs it', () => {
    const schema = ticketSchema();
    schema.tables['crm.account'] = { ...schema.tables.support_customer!, name: 'crm.account', schema: 'crm' };
    const p = mustPlan(changeOf('add-unique', { table: 'crm.account', columns: ['tenant', 'email'] }), schema);
    expect(stepSql(p, 'expand.backward.drop-index')).toBe('DROP INDEX CONCURRENTLY IF EXISTS "crm"."account_tenant_email_key";');
  });
});

describe('add-unique problems', () => {
  const cases: [string, Record<string, unknown>, (s: SchemaModel) => void, { code: string; field: string; message: RegExp }][] = [
    ['a missing column', { columns: ['mail'] }, () => {}, { code: 'column-not-found', field: 'params.columns[0]', message: /column "mail" does not exist/ }],
    ['the primary key', { columns: ['id'] }, () => {}, { code: 'already-exists', field: 'params.columns', message: /primary key/ }],
    ['an existing unique index', {}, (s) => (s.indexes!.email = { name: 'email', table: 'support_customer', columns: ['email'], unique: true }), { code: 'already-exists', field: 'params.columns', message: /email already indexes support_customer \(email\)/ }],
    ['a name taken', { name: 'support_ticket_priority' }, () => {}, { code: 'column-conflict', field: 'params.name', message: /an index named support_ticket_priority already exists/ }],
  ];
  it.each(cases)('reports %s with the field and a fix', (_name, params, mutate, expected) => {
    const schema = ticketSchema();
    mutate(schema);
    const problem = firstProblem(changeOf('add-unique', { table: 'support_customer', columns: ['email'], ...params }), schema);
    expect(problem).toMatchObject({ code: expected.code, field: expected.field });
    expect(problem?.message).toMatch(expected.message);
  });

  it('rejects a column listed twice when the file is read', () => {
    expect(() => changeOf('add-unique', { table: 't', columns: ['a', 'a'] })).toThrow(/listed twice/);
  });
});
