import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advance, registerChange } from '@switchback/engine';
import { targets, type TestDatabase } from '../../../../test-support/databases.js';
import { exampleChange, loadExample } from '../../../../test-support/support-desk-change.js';
import { SupportDeskApp } from '../support-desk-app.js';
import { tables } from '../sql.js';

const SCHEMA = 'writer_rampdown';
const CHANGE = 'writer-rampdown';

/**
 * Version 2 with sync 'app' at cut-off (ramp-down) writes the new shape first
 * and the old one after it, so the old shape stays whole for a rollback; and
 * when that old write fails (here: contract's archive step got there first)
 * the customer's write still commits.
 */
describe.each(targets)('ContractWriter at cut-off with sync app on $name', (target) => {
  let t: TestDatabase;
  let app: SupportDeskApp;
  const customer = tables(SCHEMA).customer;
  const contract = tables(SCHEMA).contract;
  const detailsIn = async (table: string, id: number) =>
    (await t.db.query<{ tier: string; end_date: string }>(`SELECT tier, to_char(end_date, 'YYYY-MM-DD') AS end_date FROM ${table} WHERE ${table === customer ? 'id' : 'customer_id'} = $1`, [id])).rows[0];

  beforeAll(async () => {
    t = await target.create();
    await loadExample(t.db, SCHEMA, 20);
    await registerChange(t.db, exampleChange({ id: CHANGE, schema: SCHEMA, sync: 'app' }), 'test');
    const r = await advance(t.db, CHANGE, { actor: 'test', to: 'cut-off', propagationMs: 0 });
    expect(r.outcome, r.reason).toBe('succeeded');
    app = await SupportDeskApp.start({ db: t.db, version: '2', schema: SCHEMA, change: CHANGE, sync: 'app', pollMs: 60_000 });
  });
  afterAll(async () => {
    await app?.stop();
    await t?.drop();
  });

  it('writes the new shape, then the old one', async () => {
    expect(app.migration!.stage({ key: '2' })).toBe('ramp-down');
    await app.writer.update(2, 'acme', { tier: 'gold', endDate: '2030-01-02' });
    expect(await detailsIn(customer, 2)).toEqual({ tier: 'gold', end_date: '2030-01-02' });
    expect(await detailsIn(contract, 2)).toEqual({ tier: 'gold', end_date: '2030-01-02' });
    expect(app.migration!.counters().sides.old).toMatchObject({ calls: 1, errors: 0 });
  });

  it('commits the new shape when the old write fails, recording the failure', async () => {
    await t.db.exec(`CREATE SCHEMA "${SCHEMA}_archive"; ALTER TABLE ${contract} SET SCHEMA "${SCHEMA}_archive"`);
    await app.writer.update(2, 'acme', { tier: 'silver', endDate: '2031-03-04' });
    expect(await detailsIn(customer, 2)).toEqual({ tier: 'silver', end_date: '2031-03-04' });
    expect(app.migration!.counters()).toMatchObject({ dualWriteErrors: 1, sides: { old: { calls: 2, errors: 1 } } });
  });
});
