import { describe, expect, it } from 'vitest';
import { changeOf, exampleChange, expectWellFormed, firstProblem, mustPlan, stepSql } from '../../test/intent-test-kit.js';
import { ticketSchema } from '../../test/ticket-fixture.js';
import { renderPlanMarkdown } from '../plan/render-plan-markdown.js';
import { renderPlanText } from '../plan/render-plan-text.js';
import type { SchemaModel } from '../schema/schema-model.js';
import { addIndexIntent } from './add-index-intent.js';

const params = { table: 'support_ticket', columns: ['customer_id'] };

describe('add-index plan', () => {
  it('renders the example change as the golden files', async () => {
    const p = mustPlan(exampleChange('examples/changes/0008-index-ticket-customer.yaml'), ticketSchema());
    expectWellFormed(p);
    await expect(renderPlanText(p, { verbose: true })).toMatchFileSnapshot('./__golden__/add-index.txt');
    await expect(renderPlanMarkdown(p)).toMatchFileSnapshot('./__golden__/add-index.md');
  });

  it('is one concurrent build that drops a leftover first, and a concurrent drop going back', () => {
    const p = mustPlan(changeOf('add-index', { ...params, method: 'brin' }), ticketSchema());
    expect(p.phases.map((x) => x.id)).toEqual(['expand']);
    expect(stepSql(p, 'expand.forward.build-index')).toBe('DROP INDEX CONCURRENTLY IF EXISTS "support_ticket_customer_id_idx";\nCREATE INDEX CONCURRENTLY "support_ticket_customer_id_idx" ON "support_ticket" USING brin ("customer_id");');
    expect(stepSql(p, 'expand.backward.drop-index')).toBe('DROP INDEX CONCURRENTLY IF EXISTS "support_ticket_customer_id_idx";');
  });
});

describe('add-index problems', () => {
  const cases: [string, Record<string, unknown>, (s: SchemaModel) => void, { code: string; field: string; message: RegExp }][] = [
    ['a missing table', { table: 'ticket' }, () => {}, { code: 'table-not-found', field: 'params.table', message: /table "ticket" does not exist/ }],
    ['a missing column', { columns: ['customer_id', 'opened'] }, () => {}, { code: 'column-not-found', field: 'params.columns[1]', message: /column "opened" does not exist/ }],
    ['the same index', { columns: ['priority'] }, () => {}, { code: 'already-exists', field: 'params.columns', message: /support_ticket_priority already indexes support_ticket \(priority\)/ }],
    ['a name taken', { name: 'support_ticket_pkey' }, () => {}, { code: 'column-conflict', field: 'params.name', message: /already exists/ }],
  ];
  it.each(cases)('reports %s with the field and a fix', (_name, extra, mutate, expected) => {
    const schema = ticketSchema();
    mutate(schema);
    const problem = firstProblem(changeOf('add-index', { ...params, ...extra }), schema);
    expect(problem).toMatchObject({ code: expected.code, field: expected.field });
    expect(problem?.message).toMatch(expected.message);
  });

  it('plans over an INVALID index of the same name, which the build drops first', () => {
    const schema = ticketSchema();
    schema.indexes!.support_ticket_customer_id_idx = { name: 'support_ticket_customer_id_idx', table: 'support_ticket', columns: ['customer_id'], unique: false, valid: false };
    expect(addIndexIntent.plan(changeOf('add-index', params) as never, schema).ok).toBe(true);
  });

  it('rejects an unknown method when the file is read', () => {
    expect(() => changeOf('add-index', { ...params, method: 'bloom' })).toThrow(/params\.method/);
  });
});
