import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advance, ChangeFileChangedError, changeStatus, PhaseOrderError, registerChange, rollback, verifyLedger, type Db } from '@switchback/engine';
import { MOVE_COLUMNS_PHASES, type PhaseId } from '@switchback/core';
import { schemaSql, seedSql } from '@switchback/example-support-desk';
import { demoChange } from '../../cli/src/demo/demo-change.js';
import { targets, type TestDatabase } from '../../../test-support/databases.js';

const SCHEMA = 'desk';
const exec = { actor: 'test', propagationMs: 0 };

async function columnsOf(db: Db, table: string): Promise<string[]> {
  const { rows } = await db.query<{ c: string }>(`SELECT column_name AS c FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`, [SCHEMA, table]);
  return rows.map((r) => r.c);
}
async function triggersOn(db: Db, table: string): Promise<string[]> {
  const { rows } = await db.query<{ t: string }>(`SELECT tgname AS t FROM pg_trigger WHERE tgrelid = to_regclass($1) AND NOT tgisinternal ORDER BY 1`, [`${SCHEMA}.${table}`]);
  return rows.map((r) => r.t);
}
async function flags(db: Db): Promise<Record<string, number>> {
  const { rows } = await db.query<{ name: string; enabled: boolean; rollout_bps: number }>('SELECT name, enabled, rollout_bps FROM switchback.flags ORDER BY name');
  return Object.fromEntries(rows.map((r) => [r.name, r.enabled ? r.rollout_bps : 0]));
}
async function parityHolds(db: Db): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM ${SCHEMA}.support_customer c LEFT JOIN ${SCHEMA}.support_contract k ON k.customer_id = c.id WHERE (c.tier, c.end_date) IS DISTINCT FROM (k.tier, k.end_date) LIMIT 1`);
  return rows.length === 0;
}

/** What the database must look like with `applied` as the last applied phase. */
async function expectState(db: Db, id: string, sync: 'trigger' | 'app', applied: PhaseId | null, readBps = 100): Promise<void> {
  const i = applied ? MOVE_COLUMNS_PHASES.indexOf(applied) : -1;
  const customer = await columnsOf(db, 'support_customer');
  expect(customer.includes('tier') && customer.includes('end_date'), 'new columns present').toBe(i >= 0);
  const contracted = i >= 5;
  expect((await columnsOf(db, 'support_contract')).length > 0, 'support_contract in place').toBe(!contracted);
  if (sync === 'trigger' && !contracted) {
    expect(await triggersOn(db, 'support_contract')).toEqual(i >= 1 ? [`${id}__to_new`] : []);
    expect(await triggersOn(db, 'support_customer')).toEqual(i >= 4 ? [`${id}__to_old`] : []);
  }
  const f = await flags(db);
  expect(f.ReadContractDetailsFromCustomer ?? 0, 'read flag').toBe(i === 3 ? readBps : i === 4 ? 10_000 : 0);
  if (sync === 'app') expect(f.DualWriteContractDetails ?? 0, 'dual-write flag').toBe(i >= 1 && i <= 4 ? 10_000 : 0);
  if (i >= 2 && i <= 4) expect(await parityHolds(db), 'parity').toBe(true);
  expect((await changeStatus(db, id)).appliedPhase).toBe(applied);
}

describe.each(targets)('move-columns lifecycle on $name', (target) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await target.create();
    await t.db.exec(schemaSql(SCHEMA));
    await t.db.exec(seedSql(SCHEMA, 500));
    // The previous app version reported in and has since stopped.
    await t.db.exec(`INSERT INTO switchback.app_instances (instance_id, app, version, stopped_at) VALUES ('v1-a', 'support-desk', '1', now())`);
  });
  afterEach(() => t.drop());

  it.each(['trigger', 'app'] as const)('goes forward and back from every phase, then to the end (sync: %s)', async (sync) => {
    const id = `lifecycle-${sync}`;
    await registerChange(t.db, demoChange(SCHEMA, sync, id), 'test');
    await expectState(t.db, id, sync, null);
    for (const [i, phase] of MOVE_COLUMNS_PHASES.entries()) {
      // Forward into the phase (a full rollout when leaving read-switch).
      const r = await advance(t.db, id, { ...exec, to: phase });
      expect(r.outcome, r.reason).toBe('succeeded');
      await expectState(t.db, id, sync, phase);
      // Back one phase, proving the way back, then forward again.
      const back = await rollback(t.db, id, exec);
      expect(back.outcome, back.reason).toBe('succeeded');
      await expectState(t.db, id, sync, i ? MOVE_COLUMNS_PHASES[i - 1]! : null, phase === 'cut-off' ? 10_000 : 100);
      expect((await advance(t.db, id, { ...exec, to: phase })).outcome).toBe('succeeded');
      await expectState(t.db, id, sync, phase);
    }
    expect((await advance(t.db, id, exec)).reason).toMatch(/complete/);
    // And all the way back to the start.
    const all = await rollback(t.db, id, { ...exec, to: 'start' });
    expect(all.outcome, all.reason).toBe('succeeded');
    await expectState(t.db, id, sync, null);
    expect((await verifyLedger(t.db)).ok).toBe(true);
  });

  it('refuses a phase that is not next, leaving the database as it was', async () => {
    const id = 'order';
    await registerChange(t.db, demoChange(SCHEMA, 'trigger', id), 'test');
    await advance(t.db, id, { ...exec, to: 'dual-write' });
    const before = await changeStatus(t.db, id);
    await expect(rollback(t.db, id, { ...exec, to: 'contract' })).rejects.toThrow(PhaseOrderError);
    await expect(advance(t.db, id, { ...exec, to: 'expand' })).rejects.toThrow(/already past expand/);
    await expect(advance(t.db, id, { ...exec, to: 'nonsense' as PhaseId })).rejects.toThrow(/no phase "nonsense"/);
    expect(await changeStatus(t.db, id)).toEqual(before);
  });

  it('stops at a failing gate with the evidence, and refuses an edited change file in flight', async () => {
    const id = 'gated';
    await t.db.exec(`INSERT INTO ${SCHEMA}.support_contract (customer_id, tier) VALUES (1, 'second contract')`);
    const spec = demoChange(SCHEMA, 'trigger', id);
    await registerChange(t.db, spec, 'test');
    const r = await advance(t.db, id, exec);
    expect(r.outcome).toBe('failed');
    expect(r.reason).toMatch(/gate one-source-row-per-target failed: 1 violating rows, e\.g\. \{"key":"1","rows":2\}/);
    expect(await columnsOf(t.db, 'support_customer')).not.toContain('tier');
    await t.db.exec(`DELETE FROM ${SCHEMA}.support_contract WHERE tier = 'second contract'`);
    expect((await advance(t.db, id, exec)).outcome).toBe('succeeded');
    await expect(registerChange(t.db, { ...spec, params: { ...spec.params, columns: ['tier'] } }, 'test')).rejects.toThrow(ChangeFileChangedError);
  });
});
