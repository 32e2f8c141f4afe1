import { describe, expect, it } from 'vitest';
import { changeOf, exampleChange, mustPlan, stepSql } from '../../test/intent-test-kit.js';
import { col, seedSchema } from '../../test/seed-fixture.js';
import { parseChangeFile } from '../change/change-file.js';
import type { ChangeSpec } from '../change/change-spec.js';
import { allSteps, type Plan } from '../plan/plan.js';
import { renderPlanMarkdown } from '../plan/render-plan-markdown.js';
import { renderPlanText } from '../plan/render-plan-text.js';
import type { SchemaModel } from '../schema/schema-model.js';
import { defaultRenameFlag, planRenameColumn } from './rename-column-intent.js';

function change(params: Record<string, unknown> = {}, sync: 'trigger' | 'app' = 'trigger'): ChangeSpec {
  return changeOf('rename-column', { table: 'support_customer', from: 'company_name', to: 'organisation', ...params }, { id: '0002-rename', title: 'Rename', sync });
}
const plan = (c = change(), schema = seedSchema()): Plan => mustPlan(c, schema);

describe('rename-column plan', () => {
  it('renders the example change as the golden files', async () => {
    const p = plan(exampleChange('examples/support-desk/changes/0002-rename-company-name.yaml'));
    await expect(renderPlanText(p, { verbose: true })).toMatchFileSnapshot('./__golden__/rename-column.txt');
    await expect(renderPlanMarkdown(p)).toMatchFileSnapshot('./__golden__/rename-column.md');
  });

  it('has expand, backfill, read-switch and contract, each step with a unique id, deterministically', () => {
    const p = plan();
    expect(p.phases.map((x) => x.id)).toEqual(['expand', 'backfill', 'read-switch', 'contract']);
    const ids = allSteps(p).map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(plan()).toEqual(p);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  it('adds the new column nullable, with the old type and no default, so expand never rewrites', () => {
    const sql = (plan().phases[0]!.forward[0] as { sql: string }).sql;
    expect(sql).toContain('ADD COLUMN IF NOT EXISTS "organisation" text;');
    expect(sql).toContain('BEFORE INSERT OR UPDATE ON "support_customer"');
  });

  it('moves NOT NULL over with NOT VALID, VALIDATE, SET NOT NULL and back again', () => {
    const contract = plan().phases[3]!;
    expect(contract.forward.map((s) => s.id)).toEqual(['contract.forward.drop-old', 'contract.forward.not-null-check', 'contract.forward.validate', 'contract.forward.set-not-null', 'contract.forward.remove-ReadSupportCustomerOrganisation']);
    expect(contract.forward.find((s) => s.id.endsWith('validate'))).toMatchObject({ ddl: false });
    expect(contract.backward.map((s) => s.kind)).toEqual(['flag', 'sql', 'backfill', 'sql', 'sql', 'sql']);
  });

  it('skips the NOT NULL steps for a nullable column and moves a default', () => {
    expect(plan(change({ from: 'address', to: 'street' })).phases[3]!.forward.map((s) => s.id)).toEqual(['contract.forward.drop-old', 'contract.forward.remove-ReadSupportCustomerStreet']);
    const tenant = plan(change({ from: 'tenant', to: 'account' })).phases[3]!;
    expect((tenant.forward[0] as { sql: string }).sql).toContain(`ALTER COLUMN "account" SET DEFAULT 'default'::text;`);
    expect(tenant.backward.map((s) => s.id)).toContain('contract.backward.restore-default');
  });

  it('gates contract on the full rollout, the soak, parity and the old version gone', () => {
    const p = plan(change({ soak: '2h', oldVersions: { app: 'desk', versions: ['1'] } }));
    expect(p.phases[3]!.gates.map((g) => g.id)).toEqual(['read-flag-at-100', 'read-switch-soak', 'parity', 'no-dependents', 'old-versions-gone']);
    expect(p.phases[3]!.gates[1]).toMatchObject({ seconds: 7200 });
    expect(plan().notes.join(' ')).toContain('params.oldVersions');
  });

  it('rebuilds the old column\'s indexes on the new one before reads switch, and moves unique constraints onto them at contract', () => {
    const schema = seedSchema();
    schema.indexes = {
      by_company: { name: 'by_company', table: 'support_customer', columns: ['company_name'], unique: false, method: 'btree' },
      company_key: { name: 'company_key', table: 'support_customer', columns: ['tenant', 'company_name'], unique: true, method: 'btree', constraint: { name: 'company_key', type: 'unique' } },
    };
    const p = plan(change(), schema);
    const sql = (id: string) => stepSql(p, id);
    expect(sql('backfill.forward.build-indexes')).toContain('CREATE UNIQUE INDEX CONCURRENTLY "company_key__new" ON "support_customer" ("tenant", "organisation");');
    expect(p.phases[2]!.gates.map((g) => g.id)).toEqual(['parity', 'indexes-valid']);
    expect(sql('contract.forward.drop-old')).toContain('ALTER INDEX IF EXISTS "by_company__new" RENAME TO "by_company";');
    expect(sql('contract.forward.drop-old')).toContain('ADD CONSTRAINT "company_key" UNIQUE USING INDEX "company_key__new";');
    expect(p.phases[3]!.backward.map((s) => s.id)).toEqual(['contract.backward.restore-ReadSupportCustomerOrganisation', 'contract.backward.restore-old', 'contract.backward.copy-back', 'contract.backward.build-indexes', 'contract.backward.move-keys', 'contract.backward.rebuild-new-keys', 'contract.backward.not-null-check', 'contract.backward.validate', 'contract.backward.set-not-null']);
  });

  it('names the flag after the table and the new name', () => {
    expect(defaultRenameFlag('support_customer', 'organisation')).toBe('ReadSupportCustomerOrganisation');
    expect(defaultRenameFlag('billing.invoice', 'total_cents')).toBe('ReadInvoiceTotalCents');
  });
});

describe('rename-column problems', () => {
  const cases: [string, Record<string, unknown>, (s: SchemaModel) => void, { code: string; field: string; message: RegExp }, string?][] = [
    ['a missing table', { table: 'customer' }, () => {}, { code: 'table-not-found', field: 'params.table', message: /table "customer" does not exist .*support_contract, support_customer/ }],
    ['a missing column', { from: 'company' }, () => {}, { code: 'column-not-found', field: 'params.from', message: /column "company" does not exist in support_customer \(columns: id, tenant, contact_name, company_name, address\)/ }],
    ['a name already taken', { to: 'address' }, () => {}, { code: 'column-conflict', field: 'params.to', message: /already has a column "address"/ }],
    ['the same name', { to: 'company_name' }, () => {}, { code: 'invalid-params', field: 'params.to', message: /same as the old one/ }],
    ['the primary key', { from: 'id', to: 'customer_id' }, () => {}, { code: 'invalid-params', field: 'params.from', message: /primary key/ }],
    ['a generated column', {}, (s) => (s.tables.support_customer!.columns[3]!.generated = true), { code: 'invalid-params', field: 'params.from', message: /generated or identity/ }],
    ['no primary key', {}, (s) => (s.tables.support_customer!.primaryKey = []), { code: 'unsupported-key', field: 'params.table', message: /no primary key/ }],
    ['sync: app', {}, () => {}, { code: 'invalid-params', field: 'sync', message: /trigger/ }, 'app'],
    ['an expression index on the column', {}, (s) => (s.indexes = { lower_company: { name: 'lower_company', table: 'support_customer', columns: ['(lower(company_name))'], unique: false } }), { code: 'invalid-params', field: 'params.from', message: /index lower_company uses company_name in an expression/ }],
  ];
  it.each(cases)('reports %s with the field and a fix', (_name, params, mutate, expected, sync) => {
    const schema = seedSchema();
    mutate(schema);
    const r = planRenameColumn(change(params, sync) as never, schema);
    expect(r.ok).toBe(false);
    const problem = !r.ok ? r.problems[0] : undefined;
    expect(problem).toMatchObject({ code: expected.code, field: expected.field });
    expect(problem?.message).toMatch(expected.message);
  });

  it('rejects unknown and malformed params when the file is read, at their field', () => {
    const r = parseChangeFile('version: 1\ntitle: x\nintent: rename-column\nparams:\n  table: support_customer\n  from: company_name\n  to: "2nd name"\n  flg: X\n', 'changes/0002-x.yaml');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems.map((p) => `${p.line}:${p.field}`)).toEqual(['7:params.to', '8:params.flg']);
  });

  it('accepts a column added to the schema under another name', () => {
    const schema = seedSchema();
    schema.tables.support_customer!.columns.push(col('notes', 'text'));
    expect(planRenameColumn(change({ from: 'notes', to: 'remarks' }) as never, schema).ok).toBe(true);
  });
});
