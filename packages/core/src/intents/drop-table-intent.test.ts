import { describe, expect, it } from 'vitest';
import { changeOf, mustPlan, planOf } from '../../test/intent-test-kit.js';
import { allSteps } from '../plan/plan.js';
import { renderPlanMarkdown } from '../plan/render-plan-markdown.js';
import { renderPlanText } from '../plan/render-plan-text.js';

const drop = (params: Record<string, unknown> = {}) => changeOf('drop-table', { table: 'support_contract', ...params }, { id: '0004-drop-contract', title: 'Drop the contract table' });

describe('drop-table plan', () => {
  it('stops reads behind a flag, then writes, then moves the table into the archive schema', () => {
    const plan = mustPlan(drop());
    expect(plan.phases.map((p) => p.id)).toEqual(['read-switch', 'cut-off', 'contract']);
    expect(plan.flags.map((f) => f.name)).toEqual(['StopReadingSupportContract']);
    const contract = plan.phases[2]!;
    const archive = contract.forward[0]!;
    const restore = contract.backward[1]!;
    expect(archive.kind === 'sql' && archive.sql).toMatch(/^CREATE SCHEMA IF NOT EXISTS "switchback_archive__0004-drop-contract";\n/);
    expect(archive.kind === 'sql' && archive.sql).toMatch(/ALTER TABLE "support_contract" SET SCHEMA "switchback_archive__0004-drop-contract";$/);
    // The archived table's foreign keys are kept aside and dropped, and come back NOT VALID on the way back.
    expect(archive.kind === 'sql' && archive.sql).toContain(`EXECUTE format('ALTER TABLE "support_contract" DROP CONSTRAINT %I', k.name)`);
    expect(restore.kind === 'sql' && restore.sql).toMatch(/^ALTER TABLE "switchback_archive__0004-drop-contract"."support_contract" SET SCHEMA "public";\n/);
    expect(restore.kind === 'sql' && restore.sql).toContain(`ADD CONSTRAINT %I %s NOT VALID', k.name, k.def)`);
  });

  it('keeps a schema-qualified table in its own schema going back, and names the flag after the bare table', () => {
    const schema = { tables: { 'billing.invoice_line': { name: 'invoice_line', schema: 'billing', primaryKey: ['id'], columns: [{ name: 'id', type: 'bigint', nullable: false, default: null }] } } };
    const plan = mustPlan(drop({ table: 'billing.invoice_line', flag: undefined }), schema);
    expect(plan.flags[0]!.name).toBe('StopReadingInvoiceLine');
    expect((plan.phases[2]!.backward[1] as { sql: string }).sql).toContain('SET SCHEMA "billing";');
  });

  it('gates cut-off on a full rollout and soak, contract on retention', () => {
    const plan = mustPlan(drop({ soak: { readSwitch: '2h' }, retention: '7d' }));
    expect(plan.phases[1]!.gates).toMatchObject([{ id: 'read-flag-at-100', rolloutBps: 10_000 }, { id: 'read-switch-soak', seconds: 7200 }]);
    expect(plan.phases[2]!.gates).toMatchObject([{ id: 'retention', seconds: 7 * 86400 }]);
    const ids = allSteps(plan).map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('matches the golden files', async () => {
    const plan = mustPlan(drop({ oldVersions: { app: 'support-desk', versions: ['1'] } }));
    await expect(renderPlanText(plan, { verbose: true })).toMatchFileSnapshot('./__golden__/drop-table.txt');
    await expect(renderPlanMarkdown(plan)).toMatchFileSnapshot('./__golden__/drop-table.md');
  });

  it('reports a missing table at params.table', () => {
    const r = planOf(drop({ table: 'support_contracts' }));
    expect(r.ok ? [] : r.problems).toEqual([{ code: 'table-not-found', field: 'params.table', message: expect.stringMatching(/table "support_contracts" does not exist .*\(tables: support_contract, support_customer\)/) }]);
  });
});
