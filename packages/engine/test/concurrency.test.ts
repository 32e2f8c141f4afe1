/**
 * The seed change with both app versions live: version 1 (old shape only) and
 * version 2 (through the migration helper) keep reading and writing, each on
 * its own pool, through every transition of the change, forward and back.
 * Nothing committed may be lost, version 1 may not fail while it is inside
 * its window, and no read may be stale.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { advance, getChange, PgDb, registerChange, rollback, verifyLedger, type Db, type ExecutorOptions, type TransitionResult } from '@switchback/engine';
import { SupportDeskApp, TENANTS, Workload } from '@switchback/example-support-desk';
import { serverTarget, targets, type TestTarget } from '../../../test-support/databases.js';
import {
  columnsAbsent,
  exampleChange,
  loadExample,
  lostWrites,
  parityMismatches,
  seededRandom,
  sleep,
  tableExists,
  waitFor,
} from '../../../test-support/support-desk-change.js';

const ROWS = 2_000;
/** Time each state gets with both versions working in it before the next transition. */
const SETTLE_MS = 100;
const EXEC: ExecutorOptions = { actor: 'test', propagationMs: 250 };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

/** A database with the example tables and the change registered; on the server each app instance gets its own pool. */
async function setUp(target: TestTarget, sync: 'trigger' | 'app', tag: string) {
  const t = await target.create();
  cleanups.push(() => t.drop());
  const schema = `conc_${sync}_${tag}`;
  const id = `conc-${sync}-${tag}`;
  await loadExample(t.db, schema, ROWS);
  await registerChange(t.db, exampleChange({ id, schema, sync, oldVersions: true, execution: { batchSize: 500, targetBatchTime: 0 } }), 'test');
  const appDb = (label: string): Db => {
    if (!t.url) return t.db; // PGlite: one connection for everyone
    const db = new PgDb(t.url, { max: 3, applicationName: label });
    cleanups.push(() => db.close());
    return db;
  };
  return { t, schema, id, sync, appDb };
}

/** The running app instances: one version 2 throughout, version 1 only inside its window. */
class Fleet {
  readonly v1Workloads: Workload[] = [];
  private v1?: { app: SupportDeskApp; w: Workload };
  private constructor(
    private readonly appDb: (label: string) => Db,
    private readonly schema: string,
    readonly v2: SupportDeskApp,
    readonly w2: Workload,
  ) {}

  static async start(s: Awaited<ReturnType<typeof setUp>>): Promise<Fleet> {
    const v2 = await SupportDeskApp.start({ db: s.appDb('support-desk v2'), version: '2', schema: s.schema, change: s.id, sync: s.sync, pollMs: 100 });
    const w2 = new Workload(v2, { owns: (k) => k % 2 === 1, existing: ROWS, random: seededRandom(2) });
    const fleet = new Fleet(s.appDb, s.schema, v2, w2);
    cleanups.push(() => fleet.stop());
    w2.start();
    await fleet.startV1();
    return fleet;
  }

  get v1Running(): boolean {
    return !!this.v1;
  }

  async startV1(): Promise<void> {
    const app = await SupportDeskApp.start({ db: this.appDb('support-desk v1'), version: '1', schema: this.schema });
    const w = new Workload(app, { owns: (k) => k % 2 === 0, existing: ROWS, random: seededRandom(10 + this.v1Workloads.length) });
    this.v1Workloads.push(w);
    this.v1 = { app, w };
    w.start();
  }

  /** Retire version 1 (its heartbeat says it stopped, for the old-versions gate). */
  async stopV1(): Promise<void> {
    if (!this.v1) return;
    await this.v1.w.stop();
    await this.v1.app.stop();
    this.v1 = undefined;
  }

  /** Pause the writers (to compare what they committed with the database), then let them go on. */
  async paused<T>(fn: () => Promise<T>): Promise<T> {
    await Promise.all([this.w2.stop(), this.v1?.w.stop()]);
    try {
      return await fn();
    } finally {
      this.w2.start();
      this.v1?.w.start();
    }
  }

  /** In time order: a later version 1 instance's writes win over an earlier one's for the same customer. */
  get workloads(): Workload[] {
    return [...this.v1Workloads, this.w2];
  }

  async stop(): Promise<void> {
    await this.stopV1();
    await this.w2.stop();
    await this.v2.stop();
  }
}

/** The workload keeps committing writes and reading its own writes back, without an error or a stale read. */
async function stillWorks(w: Workload, after: string): Promise<void> {
  const [c0, r0] = [w.stats.committed, w.stats.reads];
  await waitFor(`version ${w.stats.version} to write and read after ${after}`, async () => w.stats.committed >= c0 + 5 && w.stats.reads >= r0 + 3, { timeoutMs: 15_000 });
  expect({ after, version: w.stats.version, errors: w.stats.errorSamples, stale: w.stats.staleSamples }).toEqual({ after, version: w.stats.version, errors: [], stale: [] });
}

/** Drives one change with a live fleet and checks what the spec promises after each transition. */
function driver(s: Awaited<ReturnType<typeof setUp>>, fleet: Fleet) {
  const { t, id, schema } = s;
  return {
    async transition(label: string, run: () => Promise<TransitionResult>, expectApplied: string | null): Promise<void> {
      const r = await run();
      expect({ label, outcome: r.outcome, reason: r.reason }).toEqual({ label, outcome: 'succeeded', reason: undefined });
      expect((await getChange(t.db, id))!.applied_phase).toBe(expectApplied);
      await fleet.v2.refresh();
      await sleep(SETTLE_MS);
    },
    advanceTo: (phase: string) => () => advance(t.db, id, { ...EXEC, to: phase as never }),
    advanceOnce: () => () => advance(t.db, id, EXEC),
    rollbackOne: () => () => rollback(t.db, id, EXEC),
    async parityHolds(after: string): Promise<void> {
      expect({ after, mismatches: await parityMismatches(t.db, schema) }).toEqual({ after, mismatches: [] });
    },
    async bothWork(after: string): Promise<void> {
      await stillWorks(fleet.w2, after);
      if (fleet.v1Running) await stillWorks(fleet.v1Workloads.at(-1)!, after);
    },
    async nothingLostThrough(shape: 'old' | 'new'): Promise<void> {
      await fleet.paused(async () => expect(await lostWrites(t.db, schema, fleet.workloads, shape)).toEqual([]));
    },
    /** After the fleet stopped: every workload worked, no shadow read disagreed, the ledger is intact. */
    async cleanRun(): Promise<void> {
      for (const w of fleet.workloads) {
        expect({ version: w.stats.version, errors: w.stats.errorSamples, stale: w.stats.staleSamples }).toEqual({ version: w.stats.version, errors: [], stale: [] });
        expect(w.stats.committed).toBeGreaterThan(10);
      }
      const shadow = await t.db.query('SELECT key, diff FROM switchback.shadow_mismatches WHERE change_id = $1 LIMIT 5', [id]);
      expect(shadow.rows).toEqual([]);
      expect((await verifyLedger(t.db)).ok).toBe(true);
    },
  };
}

/**
 * On the server each app version has its own pool, so they really run concurrently. PGlite is one connection
 * (every query takes turns), so it only runs these when there is no server to run them on.
 */
const lifecycleTargets = serverTarget ? [serverTarget] : targets;

describe.each(lifecycleTargets)('old and new app versions through every transition on $name', (target) => {
  it('sync: trigger — forward to contract, then back one phase at a time to the start', async () => {
    const s = await setUp(target, 'trigger', 'life');
    const fleet = await Fleet.start(s);
    const d = driver(s, fleet);

    for (const phase of ['expand', 'dual-write', 'backfill', 'read-switch'] as const) {
      await d.transition(`advance to ${phase}`, d.advanceTo(phase), phase);
      if (phase === 'backfill' || phase === 'read-switch') await d.parityHolds(phase);
      await d.bothWork(phase);
    }
    for (const pct of [10, 50, 100]) {
      await d.transition(`rollout to ${pct}%`, d.advanceOnce(), 'read-switch');
      await d.parityHolds(`rollout to ${pct}%`);
    }
    await d.bothWork('read-switch at 100%');
    await d.transition('advance to cut-off', d.advanceTo('cut-off'), 'cut-off');
    await d.parityHolds('cut-off'); // the reverse trigger keeps the old shape current for version 1
    await d.bothWork('cut-off');
    await fleet.stopV1(); // contract removes the table version 1 reads
    await d.transition('advance to contract', d.advanceTo('contract'), 'contract');
    expect(await tableExists(s.t.db, s.schema, 'support_contract')).toBe(false);
    await d.bothWork('contract');
    await d.nothingLostThrough('new');

    await d.transition('rollback contract', d.rollbackOne(), 'cut-off');
    expect(await tableExists(s.t.db, s.schema, 'support_contract')).toBe(true);
    await d.parityHolds('rollback of contract');
    await fleet.startV1();
    await d.bothWork('rollback of contract');
    for (const [from, to] of [['cut-off', 'read-switch'], ['read-switch', 'backfill'], ['backfill', 'dual-write']] as const) {
      await d.transition(`rollback ${from}`, d.rollbackOne(), to);
      await d.parityHolds(`rollback of ${from}`); // the sync trigger runs until dual-write is undone
      await d.bothWork(`rollback of ${from}`);
    }
    await d.transition('rollback dual-write', d.rollbackOne(), 'expand');
    await d.bothWork('rollback of dual-write');
    await d.transition('rollback expand', d.rollbackOne(), null);
    expect(await columnsAbsent(s.t.db, s.schema, 'support_customer', ['tier', 'end_date'])).toBe(true);
    await d.bothWork('rollback of expand');

    await fleet.stop();
    expect(await lostWrites(s.t.db, s.schema, fleet.workloads, 'old')).toEqual([]);
    expect(fleet.v1Workloads).toHaveLength(2);
    await d.cleanRun();
  });

  it('sync: app — forward to read-switch, back one phase at a time to the start, then forward again to contract', async () => {
    const s = await setUp(target, 'app', 'life');
    const fleet = await Fleet.start(s);
    const d = driver(s, fleet);

    const forwardToReadSwitch = async (round: string) => {
      for (const phase of ['expand', 'dual-write'] as const) {
        await d.transition(`${round}: advance to ${phase}`, d.advanceTo(phase), phase);
        await d.bothWork(`${round}: ${phase}`);
      }
      // Version 1 does not dual-write: it must be gone before the backfill (the old-versions gate checks).
      await fleet.stopV1();
      await d.transition(`${round}: advance to backfill`, d.advanceTo('backfill'), 'backfill');
      await d.parityHolds(`${round}: backfill`);
      await d.bothWork(`${round}: backfill`);
      await d.transition(`${round}: advance to read-switch`, d.advanceTo('read-switch'), 'read-switch');
      for (const pct of [10, 50, 100]) {
        await d.transition(`${round}: rollout to ${pct}%`, d.advanceOnce(), 'read-switch');
        await d.parityHolds(`${round}: rollout to ${pct}%`);
      }
      await d.bothWork(`${round}: read-switch at 100%`);
    };

    await forwardToReadSwitch('first');
    await d.transition('rollback read-switch', d.rollbackOne(), 'backfill');
    await d.parityHolds('rollback of read-switch');
    await d.bothWork('rollback of read-switch');
    await d.transition('rollback backfill', d.rollbackOne(), 'dual-write');
    await d.parityHolds('rollback of backfill');
    await fleet.startV1(); // before the backfill version 1 may run again (its writes reach the old shape only)
    await d.bothWork('rollback of backfill');
    await d.transition('rollback dual-write', d.rollbackOne(), 'expand');
    await d.bothWork('rollback of dual-write');
    await d.transition('rollback expand', d.rollbackOne(), null);
    expect(await columnsAbsent(s.t.db, s.schema, 'support_customer', ['tier', 'end_date'])).toBe(true);
    await d.bothWork('rollback of expand');
    await d.nothingLostThrough('old');

    await forwardToReadSwitch('second');
    await d.transition('advance to cut-off', d.advanceTo('cut-off'), 'cut-off');
    expect(fleet.v2.migration!.stage({ key: '1' })).toBe('ramp-down');
    await d.parityHolds('cut-off'); // ramp-down: the app still writes the old shape, after the new one
    await d.bothWork('cut-off');
    await d.nothingLostThrough('old');
    await d.transition('rollback cut-off', d.rollbackOne(), 'read-switch');
    await d.parityHolds('rollback of cut-off');
    await d.bothWork('rollback of cut-off');
    await d.nothingLostThrough('old');
    await d.transition('advance to cut-off again', d.advanceTo('cut-off'), 'cut-off');
    await d.bothWork('cut-off again');
    // Contract turns the dual-write flag off and waits for version 2 to see it (a pause well over its poll) before it
    // archives the old shape, so none of version 2's old-shape writes, which go on until then, fails.
    const oldErrors = fleet.v2.migration!.counters().sides.old.errors;
    await d.transition('advance to contract', () => advance(s.t.db, s.id, { ...EXEC, to: 'contract', propagationMs: 1_000 }), 'contract');
    expect(await tableExists(s.t.db, s.schema, 'support_contract')).toBe(false);
    expect(fleet.v2.migration!.counters().sides.old.errors).toBe(oldErrors);
    await d.bothWork('contract');
    await d.nothingLostThrough('new');

    await fleet.stop();
    expect(await lostWrites(s.t.db, s.schema, fleet.workloads, 'new')).toEqual([]);
    expect(fleet.v1Workloads).toHaveLength(2);
    await d.cleanRun();
  });
});

/**
 * Rolling back out of cut-off in sync: app, while version 2 writes and reads.
 * Deterministic: the app's writes and reads are placed where live traffic
 * would put them (after a catch-up batch; during the await-apps pause).
 */
describe('sync: app rollbacks through cut-off with version 2 live', () => {
  const target = serverTarget ?? targets[0]!;

  async function atPhase(phase: 'cut-off' | 'contract') {
    const s = await setUp(target, 'app', phase.replace('-', ''));
    const v2 = await SupportDeskApp.start({ db: s.appDb('support-desk v2'), version: '2', schema: s.schema, change: s.id, sync: 'app', pollMs: 100 });
    cleanups.push(() => v2.stop());
    const r = await advance(s.t.db, s.id, { ...EXEC, to: phase });
    expect(r.outcome, r.reason).toBe('succeeded');
    await v2.refresh();
    return { ...s, v2 };
  }

  const details = (n: number) => ({ tier: (['gold', 'silver'] as const)[n % 2]!, endDate: `2029-01-${String(1 + (n % 28)).padStart(2, '0')}` });

  it('rolling back contract succeeds while version 2 keeps writing, and loses none of those writes', async () => {
    const { t, id, schema, v2 } = await atPhase('contract');
    let writes = 0;
    const written = new Map<number, ReturnType<typeof details>>();
    // A write by the app after each committed catch-up batch (id 1 is in the first range, already copied).
    const afterBatch = async () => {
      await v2.refresh();
      const d = details(++writes);
      await v2.writer.update(1, TENANTS[1]!, d);
      written.set(1, d);
    };
    const back = await rollback(t.db, id, { ...EXEC, afterBatch });
    expect(back.outcome, back.reason).toBe('succeeded');
    expect((await getChange(t.db, id))!.applied_phase).toBe('cut-off');
    const toReadSwitch = await rollback(t.db, id, EXEC);
    expect(toReadSwitch.outcome, toReadSwitch.reason).toBe('succeeded');
    const { rows } = await t.db.query<{ tier: string; end_date: string }>(`SELECT tier, to_char(end_date, 'YYYY-MM-DD') AS end_date FROM "${schema}".support_contract WHERE customer_id = 1`);
    expect(rows[0]).toEqual({ tier: written.get(1)!.tier, end_date: written.get(1)!.endDate });
  });

  it('rolling back cut-off while version 2 reads records no shadow mismatch, and the change can advance to cut-off again', async () => {
    const { t, id, v2 } = await atPhase('cut-off');
    await v2.writer.update(3, TENANTS[3]!, details(1)); // at cut-off (ramp-down): new first, then old
    const back = rollback(t.db, id, { ...EXEC, propagationMs: 500 });
    await waitFor('the rollback to start', async () => (await getChange(t.db, id))!.applied_phase === 'read-switch');
    await v2.refresh(); // the app notices within the pause, as it should
    expect(await v2.reader.get(3, TENANTS[3]!)).toMatchObject(details(1));
    const result = await back;
    expect(result.outcome, result.reason).toBe('succeeded');
    const mismatches = v2.migration!.counters().mismatches;
    await v2.stop(); // flushes the mismatch reporter
    const again = await advance(t.db, id, { ...EXEC, to: 'cut-off' });
    expect({ mismatches, again: again.outcome, reason: again.reason }).toEqual({ mismatches: 0, again: 'succeeded', reason: undefined });
  });
});
