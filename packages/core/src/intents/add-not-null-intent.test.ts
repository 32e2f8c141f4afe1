import { describe, expect, it } from 'vitest';
import { changeOf, exampleChange, expectWellFormed, firstProblem, mustPlan, stepSql } from '../../test/intent-test-kit.js';
import { ticketSchema } from '../../test/ticket-fixture.js';
import { renderPlanMarkdown } from '../plan/render-plan-markdown.js';
import { renderPlanText } from '../plan/render-plan-text.js';
import type { SchemaModel } from '../schema/schema-model.js';
import { formatChangeFileProblem, parseChangeFile, problemAt } from '../change/change-file.js';
import { planChange } from '../plan/plan-change.js';

const OLD = { app: 'support-desk', versions: ['1'] };
const plan = (params: Record<string, unknown> = {}, schema = ticketSchema()) => mustPlan(changeOf('add-not-null', { table: 'support_ticket', column: 'customer_id', oldVersions: OLD, ...params }), schema);

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

  it('declares the fill as a rewrite no backward step undoes', () => {
    expect(plan({ fill: '0' }).rewrites).toEqual([{ kind: 'fill-nulls', table: 'support_ticket', column: 'customer_id', value: '0' }]);
  });

  it('has no backfill phase without a fill, and says the gate will list the NULLs', () => {
    const p = plan();
    expect(p.phases.map((x) => x.id)).toEqual(['expand', 'contract']);
    expect(p.rewrites).toBeUndefined();
    expect(p.notes.join(' ')).toContain('no-nulls lists them');
  });

  it('with oldVersions, waits at expand for the versions that may write NULL to be gone', () => {
    const p = plan();
    expect(p.phases[0]!.gates).toEqual([expect.objectContaining({ id: 'old-versions-gone', kind: 'app-versions', app: 'support-desk', retired: ['1'] })]);
    expect(p.notes.join(' ')).not.toContain('Assumed');
  });

  it('with nullWriters: none, has no gate to wait on, says the assumption first, and draws the versions before as writing no NULL', async () => {
    const p = plan({ oldVersions: undefined, nullWriters: 'none', fill: '0' });
    expect(p.phases[0]!.gates).toEqual([]);
    expect(p.notes).toEqual([
      'Assumed, not checked (params.nullWriters: none): no running app version writes NULL to support_ticket.customer_id. If one does, its writes fail from expand on: roll expand back (NULLs are accepted again) and set params.oldVersions instead.',
    ]);
    await expect(renderPlanText(p)).toMatchFileSnapshot('./__golden__/add-not-null-assumed.txt');
    expect(p.shapes.before[0]!.columns).toContain('customer_id NOT NULL in the app');
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
    [
      'neither oldVersions nor nullWriters',
      { oldVersions: undefined },
      () => {},
      { code: 'invalid-params', field: 'params.oldVersions', message: /^say which running app versions may write NULL to support_ticket\.customer_id: from expand on, each such write fails\. Set params\.oldVersions: .* or, if every running version already writes a value there, set params\.nullWriters: none\.$/ },
    ],
    ['both oldVersions and nullWriters', { nullWriters: 'none' }, () => {}, { code: 'invalid-params', field: 'params.nullWriters', message: /params\.oldVersions says versions 1 of support-desk may write NULL.*keep the one that is true and remove the other/ }],
  ];
  it.each(cases)('reports %s with the field and a fix', (_name, params, mutate, expected) => {
    const schema = ticketSchema();
    mutate(schema);
    const problem = firstProblem(changeOf('add-not-null', { table: 'support_ticket', column: 'customer_id', oldVersions: OLD, ...params }), schema);
    expect(problem).toMatchObject({ code: expected.code, field: expected.field });
    expect(problem?.message).toMatch(expected.message);
  });

  it('points at the params of the change file, with its line, when it says nothing of the versions that may write NULL', () => {
    const text = 'version: 1\ntitle: Require a customer\nintent: add-not-null\nparams:\n  table: support_ticket\n  column: customer_id\n';
    const parsed = parseChangeFile(text, 'changes/0005-require.yaml');
    if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('; '));
    const planned = planChange(parsed.change, ticketSchema());
    const problems = planned.ok ? [] : planned.problems.map((p) => formatChangeFileProblem(problemAt(text, 'changes/0005-require.yaml', p.field, p.message)));
    expect(problems).toEqual([expect.stringMatching(/^changes\/0005-require\.yaml:5:3: params\.oldVersions: say which running app versions may write NULL to support_ticket\.customer_id: /)]);
  });

  it('accepts nullWriters only as "none", and says what else to write', () => {
    expect(() => changeOf('add-not-null', { table: 't', column: 'c', nullWriters: 'some' })).toThrow(/"field":"params\.nullWriters","message":"write \\"none\\" \(no running version writes NULL to the column\), or remove it and set params\.oldVersions"/);
  });

  it('rejects a fill that is more than one expression when the file is read', () => {
    expect(() => changeOf('add-not-null', { table: 't', column: 'c', fill: '0; DROP TABLE t' })).toThrow(/params\.fill.*one SQL expression/);
  });
});
