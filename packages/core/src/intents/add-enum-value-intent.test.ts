import { describe, expect, it } from 'vitest';
import { changeOf, exampleChange, expectWellFormed, firstProblem, mustPlan, stepSql } from '../../test/intent-test-kit.js';
import { ticketSchema } from '../../test/ticket-fixture.js';
import { renderPlanMarkdown } from '../plan/render-plan-markdown.js';
import { renderPlanText } from '../plan/render-plan-text.js';

const plan = (params: Record<string, unknown> = {}) => mustPlan(changeOf('add-enum-value', { type: 'ticket_status', value: 'escalated', ...params }), ticketSchema());

describe('add-enum-value plan', () => {
  it('renders the example change as the golden files', async () => {
    const p = mustPlan(exampleChange('examples/changes/0009-ticket-status-escalated.yaml'), ticketSchema());
    expectWellFormed(p);
    await expect(renderPlanText(p, { verbose: true })).toMatchFileSnapshot('./__golden__/add-enum-value.txt');
    await expect(renderPlanMarkdown(p)).toMatchFileSnapshot('./__golden__/add-enum-value.md');
  });

  it('adds the value outside a transaction, and going back only proves no row holds it', () => {
    const p = plan({ before: 'closed' });
    expect(p.phases[0]!.forward[0]).toMatchObject({ kind: 'concurrent', statements: [`ALTER TYPE "ticket_status" ADD VALUE IF NOT EXISTS 'escalated' BEFORE 'closed';`] });
    expect(stepSql(p, 'expand.backward.check-unused')).toContain(`IF EXISTS (SELECT 1 FROM "support_ticket" WHERE "status"::text = 'escalated') THEN`);
    expect(stepSql(p, 'expand.backward.check-unused')).not.toMatch(/DELETE|DROP|UPDATE/);
    expect(p.phases[0]!.backout).toContain('cannot be removed');
    expect(p.shapes.after[0]!.columns).toEqual(['open', 'pending', 'escalated', 'closed']);
  });
});

describe('add-enum-value problems', () => {
  it.each([
    ['an unknown type', { type: 'status' }, { code: 'type-not-found', field: 'params.type', message: /enum type "status" does not exist .*\(enum types: ticket_status\)/ }],
    ['a value already there', { value: 'pending' }, { code: 'already-exists', field: 'params.value', message: /already has the value 'pending'/ }],
    ['an unknown anchor', { after: 'waiting' }, { code: 'invalid-params', field: 'params.after', message: /no value 'waiting'/ }],
  ])('reports %s with the field and a fix', (_name, params, expected) => {
    const problem = firstProblem(changeOf('add-enum-value', { type: 'ticket_status', value: 'escalated', ...params }), ticketSchema());
    expect(problem).toMatchObject({ code: expected.code, field: expected.field });
    expect(problem?.message).toMatch(expected.message);
  });

  it('rejects before and after together when the file is read', () => {
    expect(() => changeOf('add-enum-value', { type: 't', value: 'v', before: 'a', after: 'b' })).toThrow(/params\.after.*not both/);
  });
});
