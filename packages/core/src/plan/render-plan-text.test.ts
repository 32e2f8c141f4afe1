import { describe, expect, it } from 'vitest';
import { seedPlan } from '../../test/seed-fixture.js';
import { formatFlagState, renderPlanText, TEXT_WIDTH } from './render-plan-text.js';

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
    expect(renderPlanText(seedPlan('app'))).toContain('warning: sync: app relies on every running instance dual-writing');
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
