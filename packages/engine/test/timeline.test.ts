import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advance, changeStatus, dueReport, readEvents, registerChange, type Db } from '@switchback/engine';
import { DEFAULT_POLICY } from '@switchback/core';
import { schemaSql, seedSql } from '@switchback/example-support-desk';
import { demoChange } from '../../cli/src/demo/demo-change.js';
import { targets, type TestDatabase } from '../../../test-support/databases.js';
import { FakeClock } from '../../../test-support/fake-clock.js';

const ID = 'timeline-change';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Far from the real clock, so a time taken from it instead of the injected one shows. */
const T0 = new Date('2025-01-06T10:00:00.000Z');

async function newSideReads(db: Db, at: Date): Promise<void> {
  await db.query(`INSERT INTO switchback.side_metrics (change_id, instance_id, op, side, window_start, calls) VALUES ($1, 'i-1', 'read', 'new', $2, 5000)`, [ID, at]);
}

describe.each(targets)('a simulated timeline of weeks on $name', (target) => {
  let t: TestDatabase;
  let clock: FakeClock;
  beforeEach(async () => {
    t = await target.create();
    await t.db.exec(schemaSql('desk'));
    await t.db.exec(seedSql('desk', 100));
    await t.db.exec(`INSERT INTO switchback.app_instances (instance_id, app, version, stopped_at) VALUES ('v1-a', 'support-desk', '1', now())`);
    const spec = demoChange('desk', 'trigger', ID);
    await registerChange(t.db, { ...spec, params: { ...spec.params, soak: { readSwitch: DAY, cutOff: 0 }, retention: 21 * DAY } }, 'test');
    clock = new FakeClock(T0);
  });
  afterEach(() => t.drop());

  it('records every step on the injected clock; status shows each next step\'s date; cut-off shows up as due three weeks later', async () => {
    const o = { actor: 'test', propagationMs: 0, clock: () => clock.now() };
    await advance(t.db, ID, { ...o, to: 'read-switch' });
    const flagStep = (await readEvents(t.db, ID)).find((e) => e.action === 'step.flag');
    expect(flagStep!.at).toBe(T0.toISOString());
    const { rows: flags } = await t.db.query<{ updated_at: Date }>(`SELECT updated_at FROM switchback.flags WHERE name = 'ReadContractDetailsFromCustomer'`);
    expect(new Date(flags[0]!.updated_at).toISOString()).toBe(T0.toISOString());

    // The rollout, an hour later; cut-off is a day's soak after read-switch.
    clock.advance(HOUR);
    for (let i = 0; i < 3; i++) expect((await advance(t.db, ID, o)).outcome).toBe('succeeded');
    clock.advance(HOUR);
    const soaking = await changeStatus(t.db, ID, { now: clock.now(), policy: DEFAULT_POLICY });
    expect(soaking.next).toMatchObject({ transition: 'cut-off', dueAt: new Date(T0.getTime() + DAY).toISOString() });
    // The policy's approval for cut-off is not a matter of time: listed apart.
    expect(soaking.next!.waitingOn).toEqual([expect.stringContaining('approval-owner')]);
    expect((await advance(t.db, ID, o)).reason).toContain('soak');

    clock.advance(DAY);
    const cutOffAt = clock.now();
    expect((await advance(t.db, ID, { ...o, to: 'cut-off' })).outcome).toBe('succeeded');
    await newSideReads(t.db, new Date(cutOffAt.getTime() + DAY));

    // A day after cut-off: contract is 20 days ahead, and status and due agree on the date.
    clock.advance(DAY);
    const contractDue = new Date(cutOffAt.getTime() + 21 * DAY).toISOString();
    const waiting = await changeStatus(t.db, ID, { now: clock.now(), policy: DEFAULT_POLICY });
    expect(waiting.next).toMatchObject({ kind: 'phase', transition: 'contract', dueAt: contractDue });
    expect(waiting.phases.find((p) => p.id === 'cut-off')!.completedAt).toBe(cutOffAt.toISOString());
    const [early] = await dueReport(t.db, clock.now());
    expect(early).toMatchObject({ change: ID, eligible: false, dueAt: contractDue });

    // Three weeks on, the retention has elapsed: due lists it, status has no date left to wait for.
    clock.advance(21 * DAY);
    const [due] = await dueReport(t.db, clock.now());
    expect(due).toMatchObject({ change: ID, eligible: true, dueAt: null, blockers: [] });
    const ready = await changeStatus(t.db, ID, { now: clock.now(), policy: DEFAULT_POLICY });
    expect(ready.next).toMatchObject({ transition: 'contract', dueAt: null, waitingOn: [expect.stringContaining('approval-owner')] });

    // Nothing the executor recorded took the real clock.
    const times = (await readEvents(t.db, ID)).filter((e) => e.action !== 'change.registered').map((e) => Date.parse(e.at));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(T0.getTime());
    expect(Math.max(...times)).toBeLessThanOrEqual(cutOffAt.getTime());
    const { rows: runs } = await t.db.query<{ started_at: Date; finished_at: Date }>('SELECT started_at, finished_at FROM switchback.phase_runs WHERE change_id = $1', [ID]);
    for (const r of runs) expect(new Date(r.finished_at).getTime()).toBeLessThanOrEqual(cutOffAt.getTime());
  });
});
