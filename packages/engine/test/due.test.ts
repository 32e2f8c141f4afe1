import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advance, dueReport, registerChange, type Db } from '@switchback/engine';
import { schemaSql, seedSql } from '@switchback/example-support-desk';
import { demoChange } from '../../cli/src/demo/demo-change.js';
import { targets, type TestDatabase } from '../../../test-support/databases.js';
import { FakeClock } from '../../../test-support/fake-clock.js';

const ID = 'due-change';
const DAY = 86_400_000;

async function sideReads(db: Db, side: 'old' | 'new', at: Date, calls: number): Promise<void> {
  await db.query(`INSERT INTO switchback.side_metrics (change_id, instance_id, op, side, window_start, calls) VALUES ($1, 'i-1', 'read', $2, $3, $4)`, [ID, side, at, calls]);
}

describe.each(targets)('switchback due on $name', (target) => {
  let t: TestDatabase;
  let clock: FakeClock;
  let cutOff: Date;
  beforeEach(async () => {
    t = await target.create();
    await t.db.exec(schemaSql('desk'));
    await t.db.exec(seedSql('desk', 100));
    await t.db.exec(`INSERT INTO switchback.app_instances (instance_id, app, version, stopped_at) VALUES ('v1-a', 'support-desk', '1', now())`);
    const spec = demoChange('desk', 'trigger', ID);
    await registerChange(t.db, { ...spec, params: { ...spec.params, retention: 21 * DAY } }, 'test');
    clock = new FakeClock();
    cutOff = clock.now();
    await advance(t.db, ID, { actor: 'test', propagationMs: 0, to: 'cut-off', clock: () => clock.now() });
  });
  afterEach(() => t.drop());

  it('a change cut off 30 simulated days ago with no old reads is due; before that it says when', async () => {
    const [early] = await dueReport(t.db, new Date(cutOff.getTime() + DAY));
    expect(early).toMatchObject({ change: ID, eligible: false, dueAt: new Date(cutOff.getTime() + 21 * DAY).toISOString(), oldTables: ['desk.support_contract'] });
    expect(early!.blockers.join('\n')).toContain('cannot be ruled out');
    await sideReads(t.db, 'new', new Date(cutOff.getTime() + 2 * DAY), 5000);
    const [due] = await dueReport(t.db, new Date(cutOff.getTime() + 30 * DAY));
    expect(due).toMatchObject({ eligible: true, blockers: [], dueAt: null, oldReads: { source: 'sdk', seen: false } });
    expect(due!.flags).toContain('ReadContractDetailsFromCustomer');
    expect(due!.checklist[0]).toBe(`30d since cut-off (${cutOff.toISOString()})`);
    expect(due!.checklist.some((c) => c.includes('remove every code reference to flag ReadContractDetailsFromCustomer'))).toBe(true);
  });

  it('reads of the old side since cut-off keep it off the list', async () => {
    await sideReads(t.db, 'old', new Date(cutOff.getTime() + 29 * DAY), 7);
    const [item] = await dueReport(t.db, new Date(cutOff.getTime() + 30 * DAY));
    expect(item).toMatchObject({ eligible: false, oldReads: { source: 'sdk', seen: true } });
    expect(item!.blockers).toEqual([expect.stringContaining('7 reads of the old side')]);
  });
});
