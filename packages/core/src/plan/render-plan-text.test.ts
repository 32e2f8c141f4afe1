import { describe, expect, it } from 'vitest';
import { executionSettings, moveColumnsParams } from '../change/change-spec.js';
import type { ColumnModel, SchemaModel } from '../schema/schema-model.js';
import { planChange } from './plan-change.js';
import type { Plan, SyncMode } from './plan.js';
import { formatFlagState, renderPlanText, TEXT_WIDTH } from './render-plan-text.js';

// The seed scenario, as in render-plan-markdown.test.ts (importing a test file would run its tests here too).
const col = (name: string, type: string, nullable = true, dflt: string | null = null): ColumnModel => ({ name, type, nullable, default: dflt });
const seedSchema: SchemaModel = {
  tables: {
    support_customer: {
      name: 'support_customer', schema: 'public', primaryKey: ['id'],
      columns: [col('id', 'bigint', false), col('contact_name', 'text'), col('company_name', 'text'), col('address', 'text')],
    },
    support_contract: {
      name: 'support_contract', schema: 'public', primaryKey: ['id'],
      columns: [col('id', 'bigint', false), col('customer_id', 'bigint'), col('start_date', 'date', false, 'CURRENT_DATE'), col('tier', 'text'), col('end_date', 'date')],
    },
  },
};

function seedPlan(sync: SyncMode): Plan {
  const result = planChange(
    {
      id: '0001-contract-into-customer',
      file: 'changes/0001-contract-into-customer.yaml',
      title: 'Move contract tier and end date onto the customer',
      intent: 'move-columns',
      sync,
      params: moveColumnsParams.parse({ from: { table: 'support_contract', join: 'customer_id' }, to: { table: 'support_customer', key: 'id' }, columns: ['tier', 'end_date'] }),
      execution: executionSettings.parse(undefined),
    },
    seedSchema,
  );
  if (!result.ok) throw new Error(`test bug: the seed does not plan: ${JSON.stringify(result.problems)}`);
  return result.plan;
}

const ESC = '\x1b[';

describe('renderPlanText', () => {
  const plan = seedPlan('trigger');

  it('matches the golden files', async () => {
    await expect(renderPlanText(plan)).toMatchFileSnapshot('./__golden__/plan-trigger.txt');
    await expect(renderPlanText(seedPlan('app'), { verbose: true })).toMatchFileSnapshot('./__golden__/plan-app-verbose.txt');
  });

  it('numbers the phases and names them', () => {
    const headings = renderPlanText(plan).split('\n').filter((l) => /^\d /.test(l));
    expect(headings).toEqual(plan.phases.map((p, i) => `${i + 1} ${p.id} — ${p.title}`));
  });

  it('shows the header, flags and notes', () => {
    const out = renderPlanText(plan);
    expect(out).toMatch(/^0001-contract-into-customer: Move contract tier and end date onto the customer\n/);
    expect(out).toContain('intent move-columns · sync trigger · lock_timeout 2s');
    expect(out).toContain('flag ReadContractDetailsFromCustomer: read tier, end_date from support_customer');
    expect(out).toContain('warning: support_contract has required columns (id)');
  });

  it('shows flags flipped and the rollout of the read switch', () => {
    const out = renderPlanText(plan);
    expect(out).toContain('    ReadContractDetailsFromCustomer: off → on 1%\n');
    expect(out).toContain('    ReadContractDetailsFromCustomer: 1% → 10% → 50% → 100%\n');
  });

  it('prints SQL and sketches only when verbose', () => {
    const sql = 'ADD COLUMN IF NOT EXISTS "tier" text';
    expect(renderPlanText(plan)).not.toContain(sql);
    expect(renderPlanText(plan, { verbose: true })).toContain(`          ${sql}`);
    const app = seedPlan('app');
    expect(renderPlanText(app)).not.toContain('migration.read(');
    expect(renderPlanText(app, { verbose: true })).toContain('migration.read(');
  });

  it('keeps lines within the width; only verbose SQL and code (indented 8) may be longer', () => {
    for (const p of [seedPlan('trigger'), seedPlan('app')]) {
      expect(renderPlanText(p).split('\n').filter((l) => l.length > TEXT_WIDTH)).toEqual([]);
      const long = renderPlanText(p, { verbose: true }).split('\n').filter((l) => l.length > TEXT_WIDTH);
      expect(long.filter((l) => !l.startsWith(' '.repeat(8)))).toEqual([]);
    }
  });

  it('colours only when asked', () => {
    expect(renderPlanText(plan, { color: false, verbose: true })).not.toContain(ESC);
    expect(renderPlanText(plan)).not.toContain(ESC);
    const coloured = renderPlanText(plan, { color: true });
    expect(coloured).toContain(`${ESC}1;36m1 expand${ESC}0m`);
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(renderPlanText(plan));
  });

  it('says flag states the way people do', () => {
    expect(formatFlagState({ enabled: false, rolloutBps: 0 })).toBe('off');
    expect(formatFlagState({ enabled: true, rolloutBps: 150 })).toBe('on 1.5%');
    expect(formatFlagState({ enabled: true, rolloutBps: 0, allowTenants: ['acme'] })).toBe('on 0% + tenants acme');
    expect(formatFlagState('remove')).toBe('removed');
  });
});
