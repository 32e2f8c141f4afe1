import { describe, expect, it } from 'vitest';
import { changeOf, exampleChange, mustPlan, stepSql } from '../../test/intent-test-kit.js';
import { col } from '../../test/seed-fixture.js';
import { ticketSchema } from '../../test/ticket-fixture.js';
import { parseChangeFile } from '../change/change-file.js';
import type { ChangeSpec } from '../change/change-spec.js';
import { allSteps, type Plan } from '../plan/plan.js';
import { renderPlanMarkdown } from '../plan/render-plan-markdown.js';
import { renderPlanText } from '../plan/render-plan-text.js';
import type { SchemaModel } from '../schema/schema-model.js';
import { normalizeType, planChangeColumnType } from './change-column-type-intent.js';

function change(params: Record<string, unknown> = {}, sync: 'trigger' | 'app' = 'trigger'): ChangeSpec {
  return changeOf('change-column-type', { table: 'support_ticket', column: 'id', type: 'bigint', ...params }, { id: '0004-widen', title: 'Widen', sync });
}
const plan = (c = change(), schema = ticketSchema()): Plan => mustPlan(c, schema);

describe('change-column-type plan', () => {
  it('renders the example change as the golden files', async () => {
    const p = plan(exampleChange('examples/changes/0004-widen-ticket-id.yaml'));
    await expect(renderPlanText(p, { verbose: true })).toMatchFileSnapshot('./__golden__/change-column-type.txt');
    await expect(renderPlanMarkdown(p)).toMatchFileSnapshot('./__golden__/change-column-type.md');
  });

  it('builds the new primary key index concurrently before the swap, and swaps in one transaction', () => {
    const p = plan();
    expect(p.phases.map((x) => x.id)).toEqual(['expand', 'backfill', 'cut-off', 'contract']);
    expect(stepSql(p, 'backfill.forward.build-indexes')).toBe('DROP INDEX CONCURRENTLY IF EXISTS "support_ticket_pkey__new";\nCREATE UNIQUE INDEX CONCURRENTLY "support_ticket_pkey__new" ON "support_ticket" ("id__new");');
    const swap = stepSql(p, 'cut-off.forward.swap');
    expect(swap).toContain('ALTER SEQUENCE support_ticket_id_seq AS bigint;');
    expect(swap).toContain('ADD CONSTRAINT "support_ticket_pkey" PRIMARY KEY USING INDEX "support_ticket_pkey__new"');
    expect(swap.indexOf('SET NOT NULL')).toBeLessThan(swap.indexOf('PRIMARY KEY USING INDEX'));
    expect(p.phases[2]!.forward).toHaveLength(1);
    const ids = allSteps(p).map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps plain indexes on both columns until contract, then gives the new one the old name', () => {
    const p = plan(change({ column: 'priority' }));
    expect(stepSql(p, 'backfill.forward.build-indexes')).toContain('CREATE INDEX CONCURRENTLY "support_ticket_priority__new" ON "support_ticket" ("priority__new");');
    expect(stepSql(p, 'cut-off.forward.swap')).not.toContain('INDEX');
    expect(stepSql(p, 'contract.forward.drop-retired')).toContain('ALTER INDEX IF EXISTS "support_ticket_priority__new" RENAME TO "support_ticket_priority";');
    expect(stepSql(p, 'contract.backward.build-indexes')).toContain('CREATE INDEX CONCURRENTLY "support_ticket_priority" ON "support_ticket" ("priority__old");');
    expect(stepSql(p, 'cut-off.forward.swap')).not.toContain('SEQUENCE');
  });

  it('leaves out NOT NULL and index steps a nullable, unindexed column does not need', () => {
    const p = plan(change({ column: 'customer_id', type: 'numeric(20,0)' }));
    expect(allSteps(p).filter((s) => s.kind === 'concurrent')).toEqual([]);
    expect(allSteps(p).map((s) => s.id)).not.toContain('backfill.forward.not-null-check');
  });

  it.each([
    ['int8', 'bigint'],
    ['INT', 'integer'],
    ['varchar(20)', 'character varying(20)'],
    ['timestamptz', 'timestamp with time zone'],
    ['timestamptz(3)', 'timestamp(3) with time zone'],
    ['numeric(12, 2)', 'numeric(12,2)'],
    ['text[]', 'text[]'],
  ])('spells %s as PostgreSQL prints it (%s)', (written, printed) => {
    expect(normalizeType(written)).toBe(printed);
  });
});

describe('change-column-type problems', () => {
  const cases: [string, Record<string, unknown>, (s: SchemaModel) => void, { code: string; field: string; message: RegExp }, string?][] = [
    ['a missing table', { table: 'ticket' }, () => {}, { code: 'table-not-found', field: 'params.table', message: /table "ticket" does not exist .*\(tables: support_customer, support_ticket\)/ }],
    ['a missing column', { column: 'prio' }, () => {}, { code: 'column-not-found', field: 'params.column', message: /column "prio" does not exist in support_ticket/ }],
    ['the same type under another spelling', { type: 'int4' }, () => {}, { code: 'invalid-params', field: 'params.type', message: /already has type integer/ }],
    ['an identity column', {}, (s) => (s.tables.support_ticket!.columns[0]!.generated = true), { code: 'invalid-params', field: 'params.column', message: /identity/ }],
    ['a name the shadow column needs', {}, (s) => s.tables.support_ticket!.columns.push(col('id__new', 'bigint')), { code: 'column-conflict', field: 'params.column', message: /already has a column "id__new"/ }],
    ['an expression index', { column: 'subject' }, (s) => (s.indexes!.lower_subject = { name: 'lower_subject', table: 'support_ticket', columns: ['(lower(subject))'], unique: false }), { code: 'invalid-params', field: 'params.column', message: /index lower_subject uses subject in an expression/ }],
    ['a composite key', {}, (s) => (s.tables.support_ticket!.primaryKey = ['id', 'customer_id']), { code: 'unsupported-key', field: 'params.table', message: /composite primary key/ }],
    ['sync: app', {}, () => {}, { code: 'invalid-params', field: 'sync', message: /trigger/ }, 'app'],
  ];
  it.each(cases)('reports %s with the field and a fix', (_name, params, mutate, expected, sync) => {
    const schema = ticketSchema();
    mutate(schema);
    const r = planChangeColumnType(change(params, sync) as never, schema);
    expect(r.ok).toBe(false);
    const problem = !r.ok ? r.problems[0] : undefined;
    expect(problem).toMatchObject({ code: expected.code, field: expected.field });
    expect(problem?.message).toMatch(expected.message);
  });

  it.each(['bigint; DROP TABLE x', 'int)', ''])('rejects the type %j when the file is read', (type) => {
    const r = parseChangeFile(`version: 1\ntitle: x\nintent: change-column-type\nparams:\n  table: t\n  column: c\n  type: "${type}"\n`, 'changes/0004-x.yaml');
    expect(!r.ok && r.problems.map((p) => `${p.line}:${p.field}`)).toEqual(['7:params.type']);
  });
});
