/**
 * End to end: the support desk reads through the SDK's migration helper, its
 * DbMetricsReporter writes what it saw, and the watcher steers the read
 * flag on those numbers alone (no hand-written metric rows).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advance, readEvents, registerChange, watchTick, type Db, type WatchDecision, type WatcherOptions } from '@switchback/engine';
import { DEFAULT_POLICY } from '@switchback/core';
import { SupportDeskApp, type Customer } from '@switchback/example-support-desk';
import { demoChange } from '../../cli/src/demo/demo-change.js';
import { loadExample, runCli, sleep } from '../../../test-support/support-desk-change.js';
import { serverTarget, targets, type TestDatabase } from '../../../test-support/databases.js';
import { FakeClock } from '../../../test-support/fake-clock.js';

const ID = 'sdk-watch';
const FLAG = 'ReadContractDetailsFromCustomer';
const MIN = 60_000;
const ROWS = 300;

async function readFlag(db: Db): Promise<number> {
  const { rows } = await db.query<{ enabled: boolean; rollout_bps: number }>('SELECT enabled, rollout_bps FROM switchback.flags WHERE name = $1', [FLAG]);
  return rows[0] && rows[0].enabled ? rows[0].rollout_bps / 100 : 0;
}

describe.each(targets)('the watcher on SDK traffic on $name', (target) => {
  let t: TestDatabase;
  let clock: FakeClock;
  let app: SupportDeskApp;
  let options: WatcherOptions;
  const memory = new Map<string, { signature: string; at: number }>();
  const tick = async (): Promise<WatchDecision> => (await watchTick(t.db, options, memory, clock.now()))[0]!;

  beforeEach(async () => {
    t = await target.create();
    await loadExample(t.db, 'desk', ROWS);
    // The old version is known and gone, so the version gate of later phases has evidence.
    await t.db.exec(`INSERT INTO switchback.app_instances (instance_id, app, version, stopped_at) VALUES ('v1-a', 'support-desk', '1', now())`);
    clock = new FakeClock();
    memory.clear();
    await registerChange(t.db, demoChange('desk', 'trigger', ID), 'test');
    await advance(t.db, ID, { actor: 'test', propagationMs: 0, to: 'read-switch', clock: () => clock.now() });
    app = await SupportDeskApp.start({ db: t.db, version: '2', schema: 'desk', change: ID, sync: 'trigger', pollMs: 60_000, metrics: { now: () => clock.now().getTime() } });
    options = { policy: DEFAULT_POLICY, actor: 'watcher', holder: 'watcher (test)', propagationMs: 0 };
  });
  afterEach(async () => {
    await app.stop();
    await t.drop();
  });

  /** Every customer read once through the app's reader; `corrupt` customers come back wrong from the new shape. */
  async function traffic(corrupt: (id: number) => boolean = () => false): Promise<void> {
    const m = app.migration!;
    for (let id = 1; id <= ROWS; id++) {
      if (!corrupt(id)) {
        await app.reader.get(id);
        continue;
      }
      await m.read<Customer | null>({ key: String(id) }, {
        old: () => app.reader.readOld(t.db, id),
        new: async () => {
          const c = await app.reader.readNew(t.db, id);
          return c && { ...c, endDate: '1999-12-31' };
        },
        // Every read compared (none skipped for being over maxComparesInFlight) and counted before the flush.
        awaitCompare: true,
      });
    }
    await app.metrics!.flush();
  }

  it('healthy traffic steps the rollout up; mismatches above the rollback threshold take the flag to 0% in one tick', async () => {
    expect(await readFlag(t.db)).toBe(1);
    // Nothing measured yet: no verdict from zero traffic.
    clock.advance(MIN);
    const early = await tick();
    expect(early).toMatchObject({ action: 'waiting', transition: 'read-switch@10%' });
    expect(early.gates.find((g) => g.id === 'rollout-mismatch-rate')).toMatchObject({ verdict: 'inconclusive', evidence: { compares: 0 } });

    // Within the rollout soak (30 min by default), a full read of every customer agrees on both sides.
    clock.advance(28 * MIN);
    await traffic();
    clock.advance(2 * MIN);
    const up = await tick();
    expect(up).toMatchObject({ action: 'advanced', transition: 'read-switch@10%' });
    const byId = Object.fromEntries(up.gates.map((g) => [g.id, g]));
    expect(byId['rollout-mismatch-rate']).toMatchObject({ verdict: 'pass', evidence: { compares: ROWS, mismatches: 0 } });
    expect(byId['rollout-new-errors']).toMatchObject({ verdict: 'pass', evidence: { calls: ROWS, errors: 0 } });
    expect(await readFlag(t.db)).toBe(10);
    await app.refresh();

    // At 10%, one customer in ten reads a wrong end date from the new shape: 10% > the 1% rollback rate.
    clock.advance(MIN);
    await traffic((id) => id % 10 === 3);
    clock.advance(10_000);
    const back = await tick();
    expect(back).toMatchObject({ action: 'rolled-back', transition: 'rollback:read-switch' });
    expect(back.reason).toContain(`${ROWS / 10}/${ROWS}`);
    expect(await readFlag(t.db)).toBe(0);
    const [rb] = (await readEvents(t.db, ID)).filter((e) => e.action === 'watch.rollback');
    expect(rb!.evidence).toMatchObject({ flag: FLAG, fromPercent: 10, toPercent: 0, tripped: [{ id: 'rollback-mismatch-rate', evidence: { compares: ROWS, mismatches: ROWS / 10 } }] });
    // The app follows: back at backfill, reads come from the old shape alone and nothing is compared.
    await app.refresh();
    const before = app.migration!.counters().shadowCompares;
    await app.reader.get(1);
    expect(app.migration!.counters().shadowCompares).toBe(before);
    expect(app.metrics!.dropped).toEqual({ calls: 0, compares: 0, failedWrites: 0 });
  });
});

// The CLI in a child process on the real clock: PGlite cannot be shared with it, so the real server only.
describe.runIf(serverTarget)('switchback watch --once on SDK traffic on the real server', () => {
  let t: TestDatabase;
  let app: SupportDeskApp;
  beforeEach(async () => {
    t = await serverTarget!.create();
    await loadExample(t.db, 'desk', ROWS);
    await registerChange(t.db, demoChange('desk', 'trigger', ID), 'test');
    await advance(t.db, ID, { actor: 'test', propagationMs: 0, to: 'read-switch' });
    // One-second windows; the first one must start after read-switch began, or the gates leave it out.
    app = await SupportDeskApp.start({ db: t.db, version: '2', schema: 'desk', change: ID, sync: 'trigger', pollMs: 60_000, metrics: { flushMs: 1000 } });
    await sleep(1100);
  });
  afterEach(async () => {
    await app.stop();
    await t.drop();
  });

  it('rolls the read flag back to 0% in one evaluation when the new shape reads wrong values', async () => {
    const m = app.migration!;
    for (let id = 1; id <= 100; id++) {
      await m.read<Customer | null>({ key: String(id) }, {
        old: () => app.reader.readOld(t.db, id),
        new: async () => {
          const c = await app.reader.readNew(t.db, id);
          return c && id % 5 === 0 ? { ...c, tier: null } : c;
        },
        awaitCompare: true,
      });
    }
    await app.metrics!.flush();
    const r = await runCli(['watch', '--once', '--json', '--actor', 'watcher'], { url: t.url! });
    const decisions = r.output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as WatchDecision);
    expect(decisions).toMatchObject([{ change: ID, action: 'rolled-back', transition: 'rollback:read-switch' }]);
    expect(decisions[0]!.reason).toContain('20/100');
    expect(await readFlag(t.db)).toBe(0);
  });
});
