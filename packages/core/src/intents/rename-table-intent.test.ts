import { describe, expect, it } from 'vitest';
import { changeOf, exampleChange, mustPlan } from '../../test/intent-test-kit.js';
import { seedSchema } from '../../test/seed-fixture.js';
import { parseChangeFile } from '../change/change-file.js';
import type { ChangeSpec } from '../change/change-spec.js';
import { allSteps, type Plan } from '../plan/plan.js';
import { renderPlanMarkdown } from '../plan/render-plan-markdown.js';
import { renderPlanText } from '../plan/render-plan-text.js';
import type { SchemaModel } from '../schema/schema-model.js';
import { compatibilityViewSql, planRenameTable } from './rename-table-intent.js';

function change(params: Record<string, unknown> = {}): ChangeSpec {
  return changeOf('rename-table', { from: 'support_contract', to: 'service_agreement', ...params }, { id: '0003-rename', title: 'Rename' });
}
const plan = (c = change(), schema = seedSchema()): Plan => mustPlan(c, schema);

describe('rename-table plan', () => {
  it('renders the example change as the golden files', async () => {
    const p = plan(exampleChange('examples/support-desk/changes/0003-rename-contract-table.yaml'));
    await expect(renderPlanText(p, { verbose: true })).toMatchFileSnapshot('./__golden__/rename-table.txt');
    await expect(renderPlanMarkdown(p)).toMatchFileSnapshot('./__golden__/rename-table.md');
  });

  it('renames and creates the view in one step, so no moment exists where the old name is missing', () => {
    const p = plan();
    expect(p.phases.map((x) => x.id)).toEqual(['expand', 'contract']);
    expect(p.phases[0]!.forward).toHaveLength(1);
    const sql = (p.phases[0]!.forward[0] as { sql: string }).sql;
    expect(sql.indexOf('RENAME TO "service_agreement"')).toBeLessThan(sql.indexOf('CREATE VIEW "support_contract"'));
    const ids = allSteps(p).map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps a schema-qualified table in its schema', () => {
    const schema = seedSchema();
    schema.tables['billing.invoice'] = { ...schema.tables.support_contract!, name: 'billing.invoice', schema: 'billing' };
    const p = plan(change({ from: 'billing.invoice', to: 'bill' }), schema);
    expect((p.phases[0]!.forward[0] as { sql: string }).sql).toContain('ALTER TABLE "billing"."invoice" RENAME TO "bill";\nCREATE VIEW "billing"."invoice" AS SELECT * FROM "billing"."bill";');
  });

  it('copies the table privileges to the view, escaping % for format()', () => {
    expect(compatibilityViewSql('a%b', 'c')).toContain(`format('GRANT %s ON "a%%b" TO %s'`);
  });

  it('gates contract on the window and the old version gone', () => {
    const p = plan(change({ window: '3d', oldVersions: { app: 'desk', versions: ['1'] } }));
    expect(p.phases[1]!.gates).toMatchObject([{ id: 'window', kind: 'soak', phase: 'expand', seconds: 3 * 86400 }, { id: 'old-versions-gone' }]);
  });
});

describe('rename-table problems', () => {
  const cases: [string, Record<string, unknown>, (s: SchemaModel) => void, { code: string; field: string; message: RegExp }][] = [
    ['a missing table', { from: 'contract' }, () => {}, { code: 'table-not-found', field: 'params.from', message: /table "contract" does not exist/ }],
    ['a name already taken', { to: 'support_customer' }, () => {}, { code: 'column-conflict', field: 'params.to', message: /public\.support_customer already exists/ }],
    ['a view of that name', {}, (s) => (s.views = ['service_agreement']), { code: 'column-conflict', field: 'params.to', message: /already exists/ }],
    ['the same name', { to: 'support_contract' }, () => {}, { code: 'invalid-params', field: 'params.to', message: /same as the old one/ }],
  ];
  it.each(cases)('reports %s with the field and a fix', (_name, params, mutate, expected) => {
    const schema = seedSchema();
    mutate(schema);
    const r = planRenameTable(change(params) as never, schema);
    expect(r.ok).toBe(false);
    const problem = !r.ok ? r.problems[0] : undefined;
    expect(problem).toMatchObject({ code: expected.code, field: expected.field });
    expect(problem?.message).toMatch(expected.message);
  });

  it('rejects a schema-qualified new name when the file is read', () => {
    const r = parseChangeFile('version: 1\ntitle: x\nintent: rename-table\nparams:\n  from: support_contract\n  to: other.name\n', 'changes/0003-x.yaml');
    expect(!r.ok && r.problems.map((p) => `${p.line}:${p.field}`)).toEqual(['6:params.to']);
  });
});
