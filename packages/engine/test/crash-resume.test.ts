/**
 * An executor killed with SIGKILL (no cleanup, no finally blocks) at various
 * points: re-running the same command finishes the change, resumes a backfill
 * at its checkpoint, applies every step once, and loses no committed write of
 * an app that kept running through the crash.
 */
import fs from 'node:fs';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { advance, ExecutorBusyError, getChange, PgDb, PgliteDb, phaseRuns, readEvents, registerChange, verifyLedger, type Db, type Queryable } from '@switchback/engine';
import { SupportDeskApp, Workload } from '@switchback/example-support-desk';
import { serverTarget, targets, type TestDatabase } from '../../../test-support/databases.js';
import {
  columnsAbsent,
  exampleChange,
  lostWrites,
  parityMismatches,
  READ_FLAG,
  runCli,
  seededRandom,
  sleep,
  startCli,
  stepRuns,
  stepSucceededCounts,
  tableExists,
  waitFor,
  writeChangeFile,
  loadExample,
  type ExampleChangeOptions,
} from '../../../test-support/support-desk-change.js';

const pgliteTarget = targets.find((t) => t.name === 'pglite')!;
const BACKFILL_STEP = 'backfill.forward.copy';
/** Small batches with a pause between them, so a kill lands part-way. */
const SLOW_BACKFILL = { batchSize: 200, batchPause: '20ms', targetBatchTime: 0 } as const;

interface Checkpoint {
  last_key: string | null;
  rows_visited: number;
  batches: number;
}

async function backfillCheckpoint(db: Queryable, step = BACKFILL_STEP): Promise<Checkpoint | undefined> {
  const { rows } = await db.query<Checkpoint>('SELECT last_key, rows_visited::int8 AS rows_visited, batches FROM switchback.backfill_checkpoints WHERE step_id = $1', [step]);
  return rows[0];
}

/** Backends a CLI child opened (its pool is named `switchback advance …`, its executor session after the holder). */
async function cliBackends(db: Queryable): Promise<{ pid: number; wait: string | null; query: string }[]> {
  const { rows } = await db.query<{ pid: number; wait: string | null; query: string }>(
    `SELECT pid, wait_event_type AS wait, query FROM pg_stat_activity
      WHERE datname = current_database() AND application_name LIKE 'switchback advance%' AND pid <> pg_backend_pid()`,
  );
  return rows;
}

/**
 * A killed client's transaction is not over until its server backend notices
 * the closed socket; only then is what the ledger shows final.
 */
async function killedExecutorGone(db: Queryable, timeoutMs = 10_000): Promise<void> {
  await waitFor('the killed executor’s backends to exit', async () => (await cliBackends(db)).length === 0, { timeoutMs, everyMs: 20 });
}

/** Forward phase runs of a phase, oldest first. */
async function forwardRuns(db: Queryable, change: string, phase: string) {
  return (await phaseRuns(db, change)).filter((r) => r.phase === phase && r.direction === 'forward');
}

/** No (phase run, step) appears twice, and no phase run was abandoned and redone. */
async function eachStepRanOnce(db: Queryable, change: string): Promise<void> {
  const runs = await phaseRuns(db, change);
  expect(runs.filter((r) => r.status === 'abandoned')).toEqual([]);
  const perPhase = new Map<string, number>();
  for (const r of runs) perPhase.set(`${r.phase}/${r.direction}`, (perPhase.get(`${r.phase}/${r.direction}`) ?? 0) + 1);
  expect([...perPhase.entries()].filter(([, n]) => n > 1)).toEqual([]);
  const steps = (await stepRuns(db, change)).map((s) => s.step);
  expect(new Set(steps).size).toBe(steps.length);
  const counts = await stepSucceededCounts(db, change);
  expect(Object.entries(counts).filter(([, n]) => n !== 1)).toEqual([]);
  // Every step recorded as done has exactly one ledger event saying so, and vice versa.
  expect(Object.keys(counts).sort()).toEqual([...steps].sort());
}

/** What the second run of the backfill recorded: it started from the killed run's checkpoint. */
async function backfillSucceededEvents(db: Queryable, change: string) {
  return (await readEvents(db, change)).filter((e) => e.action === 'step.backfill' && e.outcome === 'succeeded' && (e.evidence as { step: string }).step === BACKFILL_STEP);
}

async function contractCount(db: Queryable, schema: string, upTo: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".support_contract WHERE id <= $1::int8`, [upTo]);
  return rows[0]!.n;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

/** The change file in a temporary directory, removed after the test. */
function changeFile(o: ExampleChangeOptions): string {
  const { file, dir } = writeChangeFile(o);
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  return file;
}

function track(t: TestDatabase): TestDatabase {
  cleanups.push(() => t.drop());
  return t;
}

describe.runIf(!!serverTarget)('crash and resume on the PostgreSQL server', () => {
  const ROWS = 20_000;

  it('a backfill killed with SIGKILL resumes at its checkpoint; parity holds and a concurrent writer loses nothing', async () => {
    const t = track(await serverTarget!.create());
    const schema = 'crash_backfill';
    const o: ExampleChangeOptions = { id: 'crash-backfill', schema, sync: 'trigger', execution: SLOW_BACKFILL };
    const file = changeFile(o);
    await loadExample(t.db, schema, ROWS);
    await registerChange(t.db, { ...exampleChange(o), file }, 'test');
    expect((await advance(t.db, o.id, { actor: 'test', to: 'dual-write' })).outcome).toBe('succeeded');

    // The previous app version keeps writing on its own pool the whole time; the sync trigger carries its writes.
    const appDb = new PgDb(t.url!, { max: 3, applicationName: 'support-desk v1' });
    cleanups.push(() => appDb.close());
    const app = await SupportDeskApp.start({ db: appDb, version: '1', schema });
    const writer = new Workload(app, { owns: () => true, existing: ROWS, pauseMs: 2, random: seededRandom(7) });
    writer.start();
    cleanups.push(async () => {
      await writer.stop();
      await app.stop();
    });

    const first = startCli(['advance', file, '--to', 'backfill'], { url: t.url! });
    await waitFor('backfill progress', async () => ((await backfillCheckpoint(t.db))?.batches ?? 0) >= 10, { timeoutMs: 20_000 });
    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const committedAtKill = writer.stats.committed;
    await killedExecutorGone(t.db);

    const killed = (await backfillCheckpoint(t.db))!;
    expect(killed.batches).toBeGreaterThan(0);
    expect(killed.batches).toBeLessThan(ROWS / 200);
    expect(Number(killed.last_key)).toBeLessThan(ROWS);
    // Each batch committed with its checkpoint: the rows visited are exactly the rows up to the checkpoint's key.
    expect(killed.rows_visited).toBe(await contractCount(t.db, schema, killed.last_key!));
    expect((await getChange(t.db, o.id))!.applied_phase).toBe('dual-write');
    expect(await backfillSucceededEvents(t.db, o.id)).toEqual([]);

    await sleep(200); // the app writes while no executor runs
    const second = await runCli(['advance', file, '--to', 'backfill'], { url: t.url! });
    expect(second.code, second.output).toBe(0);
    await sleep(200);
    await writer.stop();

    expect((await getChange(t.db, o.id))!.applied_phase).toBe('backfill');
    // Resumed, not restarted: one run of the phase, one succeeded backfill event, which started at the killed checkpoint.
    expect((await forwardRuns(t.db, o.id, 'backfill')).map((r) => r.status)).toEqual(['succeeded']);
    const events = await backfillSucceededEvents(t.db, o.id);
    expect(events).toHaveLength(1);
    const evidence = events[0]!.evidence as { resumedFrom: string | null; rows_visited: number; batches: number; last_key: string; repairPasses: number; verification: { ok: boolean } };
    expect(evidence.resumedFrom).toBe(killed.last_key);
    expect(evidence.repairPasses).toBe(0);
    expect(evidence.verification.ok).toBe(true);
    // No range visited twice: every source row up to the final key was counted once across both runs.
    expect(evidence.rows_visited).toBe(await contractCount(t.db, schema, evidence.last_key));
    expect(evidence.batches).toBeGreaterThan(killed.batches);
    await eachStepRanOnce(t.db, o.id);

    expect(writer.stats.committed).toBeGreaterThan(committedAtKill);
    expect(committedAtKill).toBeGreaterThan(0);
    expect({ errors: writer.stats.errorSamples, stale: writer.stats.staleSamples }).toEqual({ errors: [], stale: [] });
    expect(await parityMismatches(t.db, schema)).toEqual([]);
    expect(await lostWrites(t.db, schema, [writer], 'old')).toEqual([]);
    expect(await lostWrites(t.db, schema, [writer], 'new')).toEqual([]);
    expect((await verifyLedger(t.db)).ok).toBe(true);
  });

  it('an executor killed while its DDL step waits for a lock leaves nothing applied; re-running applies each step once', async () => {
    const t = track(await serverTarget!.create());
    const schema = 'crash_expand';
    // A long lock_timeout: the child sits in the ALTER TABLE's lock queue until it is killed.
    const o: ExampleChangeOptions = { id: 'crash-expand', schema, sync: 'trigger', execution: { lockTimeout: '30s' } };
    const file = changeFile(o);
    await loadExample(t.db, schema, 2_000);

    const blocker = new pg.Client({ connectionString: t.url!, application_name: 'blocker' });
    await blocker.connect();
    cleanups.push(() => blocker.end());
    await blocker.query('BEGIN');
    await blocker.query(`SELECT count(*) FROM "${schema}".support_customer`);

    const first = startCli(['advance', file, '--to', 'backfill'], { url: t.url! });
    const waiting = await waitFor('the expand step to wait for its lock', async () => (await cliBackends(t.db)).find((b) => b.wait === 'Lock' && /ALTER TABLE/.test(b.query)));
    first.kill('SIGKILL');
    await first.exited;

    // The orphaned backend only notices its client is gone once it gets the lock; then its transaction rolls back.
    await blocker.query('COMMIT');
    await killedExecutorGone(t.db);
    expect((await cliBackends(t.db)).map((b) => b.pid)).not.toContain(waiting.pid);
    expect(await columnsAbsent(t.db, schema, 'support_customer', ['tier', 'end_date'])).toBe(true);
    const expand = await forwardRuns(t.db, o.id, 'expand');
    expect(expand.map((r) => r.status)).toEqual(['running']);
    expect(await stepRuns(t.db, o.id)).toEqual([]);
    expect(await stepSucceededCounts(t.db, o.id)).toEqual({});

    const second = await runCli(['advance', file, '--to', 'backfill'], { url: t.url! });
    expect(second.code, second.output).toBe(0);
    expect((await getChange(t.db, o.id))!.applied_phase).toBe('backfill');
    // The half-done phase run was finished, not abandoned and started again.
    expect((await forwardRuns(t.db, o.id, 'expand')).map((r) => [r.id, r.status])).toEqual([[expand[0]!.id, 'succeeded']]);
    expect(await stepSucceededCounts(t.db, o.id)).toEqual({ 'backfill.forward.clear-orphans': 1, 'backfill.forward.copy': 1, 'dual-write.forward.create-trigger': 1, 'expand.forward.add-columns': 1 });
    await eachStepRanOnce(t.db, o.id);
    expect(await parityMismatches(t.db, schema)).toEqual([]);
    expect((await verifyLedger(t.db)).ok).toBe(true);
  });

  it('a killed executor releases the change at once, even while its step waits for a table lock', async () => {
    const t = track(await serverTarget!.create());
    const schema = 'crash_orphan';
    const o: ExampleChangeOptions = { id: 'crash-orphan', schema, sync: 'trigger', execution: { lockTimeout: '30s' } };
    const file = changeFile(o);
    await loadExample(t.db, schema, 500);
    const blocker = new pg.Client({ connectionString: t.url!, application_name: 'blocker' });
    await blocker.connect();
    cleanups.push(async () => {
      await blocker.end();
      await killedExecutorGone(t.db, 40_000);
    });
    await blocker.query('BEGIN');
    await blocker.query(`SELECT count(*) FROM "${schema}".support_customer`);

    const first = startCli(['advance', file, '--to', 'expand'], { url: t.url! });
    await waitFor('the expand step to wait for its lock', async () => (await cliBackends(t.db)).find((b) => b.wait === 'Lock'));
    first.kill('SIGKILL');
    await first.exited;

    // An operator re-runs the change while the long transaction is still open.
    let busy: unknown;
    const until = Date.now() + 1_500;
    do {
      busy = await advance(t.db, o.id, { actor: 'operator', to: 'expand', settings: { lockTimeout: 100, lockRetries: 0 } }).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (!(busy instanceof ExecutorBusyError)) break;
      await sleep(100);
    } while (Date.now() < until);
    expect(busy instanceof ExecutorBusyError ? busy.message : busy).toBeUndefined();
  });

  it('an executor killed after some steps of a phase committed resumes after them and does each step once', async () => {
    const t = track(await serverTarget!.create());
    const schema = 'crash_contract';
    const o: ExampleChangeOptions = { id: 'crash-contract', schema, sync: 'trigger' };
    const file = changeFile(o);
    await loadExample(t.db, schema, 2_000);
    await registerChange(t.db, { ...exampleChange(o), file }, 'test');
    expect((await advance(t.db, o.id, { actor: 'test', to: 'cut-off' })).outcome).toBe('succeeded');

    // Contract drops the triggers, archives support_contract, then removes the flags: hold the flag row so the
    // child stops inside the phase, after the first two steps committed.
    const blocker = new pg.Client({ connectionString: t.url!, application_name: 'blocker' });
    await blocker.connect();
    cleanups.push(() => blocker.end());
    await blocker.query('BEGIN');
    await blocker.query('SELECT name FROM switchback.flags WHERE name = $1 FOR UPDATE', [READ_FLAG]);

    const first = startCli(['advance', file, '--to', 'contract'], { url: t.url! });
    await waitFor('the flag step to wait for the flag row', async () => {
      const done = (await stepRuns(t.db, o.id)).filter((s) => s.phase === 'contract').length;
      return done === 2 && (await cliBackends(t.db)).some((b) => b.wait === 'Lock' && /switchback\.flags/.test(b.query));
    });
    first.kill('SIGKILL');
    await first.exited;
    await blocker.query('ROLLBACK');
    await killedExecutorGone(t.db);

    const contract = await forwardRuns(t.db, o.id, 'contract');
    expect(contract.map((r) => r.status)).toEqual(['running']);
    expect((await stepRuns(t.db, o.id)).filter((s) => s.phase === 'contract').map((s) => s.step)).toEqual(['contract.forward.drop-triggers', 'contract.forward.archive']);
    expect(await tableExists(t.db, schema, 'support_contract')).toBe(false);
    expect(await tableExists(t.db, 'switchback_archive__crash-contract', 'support_contract')).toBe(true);
    expect((await t.db.query('SELECT name FROM switchback.flags WHERE name = $1', [READ_FLAG])).rows).toHaveLength(1);

    const second = await runCli(['advance', file, '--to', 'contract'], { url: t.url! });
    expect(second.code, second.output).toBe(0);
    expect(second.output).toContain('contract forward (resuming where it stopped)');
    expect(second.output.match(/\(already done\)/g)).toHaveLength(2);
    expect((await getChange(t.db, o.id))!.applied_phase).toBe('contract');
    expect((await forwardRuns(t.db, o.id, 'contract')).map((r) => [r.id, r.status])).toEqual([[contract[0]!.id, 'succeeded']]);
    const counts = await stepSucceededCounts(t.db, o.id);
    expect(Object.fromEntries(Object.entries(counts).filter(([k]) => k.startsWith('contract.')))).toEqual({
      'contract.forward.archive': 1,
      'contract.forward.drop-triggers': 1,
      [`contract.forward.remove-${READ_FLAG}`]: 1,
    });
    await eachStepRanOnce(t.db, o.id);
    expect((await t.db.query('SELECT name FROM switchback.flags WHERE name = $1', [READ_FLAG])).rows).toEqual([]);
    expect(await tableExists(t.db, 'switchback_archive__crash-contract', 'support_contract')).toBe(true);
    expect((await verifyLedger(t.db)).ok).toBe(true);
  });
});

describe('crash and resume on PGlite', () => {
  const ROWS = 2_000;

  /** Open the data directory in this process (the CLI child must not be running). */
  async function reopen(dataDir: string): Promise<Db> {
    const db = await PgliteDb.open(dataDir);
    cleanups.push(() => db.close());
    return db;
  }

  /** Run the CLI until it reports its first committed batch, then SIGKILL it. */
  async function killAfterFirstBatch(file: string, dataDir: string): Promise<void> {
    const run = startCli(['advance', file, '--to', 'backfill'], { dataDir });
    await waitFor('backfill progress', async () => /backfill \d+%/.test(run.output()), { timeoutMs: 30_000 });
    run.kill('SIGKILL');
    expect((await run.exited).signal).toBe('SIGKILL');
  }

  it('a data directory left by a SIGKILLed backfill reopens, and the backfill resumes at its checkpoint', async () => {
    const t = track(await pgliteTarget.create());
    const dataDir = t.dataDir!;
    const schema = 'crash_backfill';
    const o: ExampleChangeOptions = { id: 'crash-backfill', schema, sync: 'trigger', execution: SLOW_BACKFILL };
    const file = changeFile(o);
    await loadExample(t.db, schema, ROWS);
    await registerChange(t.db, { ...exampleChange(o), file }, 'test');
    expect((await advance(t.db, o.id, { actor: 'test', to: 'dual-write' })).outcome).toBe('succeeded');
    await t.db.close(); // PGlite: one process per data directory

    // PGlite serves one process at a time, so the app writes between the crash and the resume rather than during them.
    const workloads: Workload[] = [];
    const writeFor = async (db: Db, ops: number, seed: number) => {
      const app = await SupportDeskApp.start({ db, version: '1', schema });
      const w = new Workload(app, { owns: () => true, existing: ROWS, random: seededRandom(seed) });
      for (let i = 0; i < ops; i++) await w.step();
      await app.stop();
      workloads.push(w);
      return w;
    };

    await killAfterFirstBatch(file, dataDir);
    let db = await reopen(dataDir);
    // PGlite may lose the last commits before a SIGKILL reaches the disk; a batch and its checkpoint commit
    // together, so they are lost together and the resume redoes that batch: nothing half-applied either way.
    const killed = await backfillCheckpoint(db);
    if (killed) {
      expect(killed.batches).toBeLessThan(ROWS / 200);
      expect(killed.rows_visited).toBe(await contractCount(db, schema, killed.last_key!));
    }
    expect(await backfillSucceededEvents(db, o.id)).toEqual([]);
    await writeFor(db, 100, 1);
    await db.close();

    const last = await runCli(['advance', file, '--to', 'backfill'], { dataDir });
    expect(last.code, last.output).toBe(0);

    db = await reopen(dataDir);
    expect((await getChange(db, o.id))!.applied_phase).toBe('backfill');
    expect((await forwardRuns(db, o.id, 'backfill')).map((r) => r.status)).toEqual(['succeeded']);
    const events = await backfillSucceededEvents(db, o.id);
    expect(events).toHaveLength(1);
    const evidence = events[0]!.evidence as { resumedFrom: string | null; rows_visited: number; last_key: string; repairPasses: number };
    expect(evidence.resumedFrom).toBe(killed?.last_key ?? null);
    expect(evidence.repairPasses).toBe(0);
    expect(evidence.rows_visited).toBe(await contractCount(db, schema, evidence.last_key));
    await eachStepRanOnce(db, o.id);
    expect(workloads.every((w) => w.stats.committed > 30 && w.stats.errors === 0 && w.stats.staleReads === 0)).toBe(true);
    expect(await parityMismatches(db, schema)).toEqual([]);
    expect(await lostWrites(db, schema, workloads, 'old')).toEqual([]);
    expect(await lostWrites(db, schema, workloads, 'new')).toEqual([]);
    expect((await verifyLedger(db)).ok).toBe(true);
  });
});
