/**
 * Short lock timeouts with retries on a real server: DDL that cannot get its
 * lock gives up quickly instead of queueing every reader behind it, says who
 * blocked it when it gives up for good, and one executor runs per change.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { advance, ExecutorBusyError, getChange, LockTimeoutError, PgDb, readEvents, registerChange, rollback, type ExecutorEvent, type Queryable } from '@switchback/engine';
import { serverTarget, type TestDatabase } from '../../../test-support/databases.js';
import { columnsAbsent, columnsPresent, exampleChange, loadExample, runCli, sleep, waitFor, type ExampleChangeOptions } from '../../../test-support/support-desk-change.js';

const ADD_COLUMNS = 'expand.forward.add-columns';
const NEW_COLUMNS = ['tier', 'end_date'];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

async function setUp(schema: string, execution: ExampleChangeOptions['execution']): Promise<{ t: TestDatabase; id: string }> {
  const t = await serverTarget!.create();
  cleanups.push(() => t.drop());
  const o: ExampleChangeOptions = { id: `locking-${schema.replace(/_/g, '-')}`, schema, sync: 'trigger', ...(execution ? { execution } : {}) };
  await loadExample(t.db, schema, 2_000);
  await registerChange(t.db, exampleChange(o), 'test');
  return { t, id: o.id };
}

/** A session of some other application with an open transaction that has read the table (ACCESS SHARE). */
async function openReadTransaction(url: string, schema: string, label: string): Promise<{ client: pg.Client; pid: number; commit(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url, application_name: label });
  await client.connect();
  cleanups.push(() => client.end());
  const pid = Number((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
  await client.query('BEGIN');
  await client.query(`SELECT '${label}' AS job, count(*) FROM "${schema}".support_customer`);
  return { client, pid, commit: async () => void (await client.query('COMMIT')) };
}

/** Simple reads of the table, one after another on their own pool, recording each one's latency. */
function startReader(url: string, schema: string) {
  const db = new PgDb(url, { max: 1, applicationName: 'reader' });
  const latencies: { at: number; ms: number }[] = [];
  const errors: string[] = [];
  let running = true;
  const loop = (async () => {
    for (let i = 1; running; i++) {
      const t0 = performance.now();
      try {
        await db.query(`SELECT contact_name FROM "${schema}".support_customer WHERE id = $1`, [1 + (i % 2_000)]);
      } catch (e) {
        errors.push(e instanceof Error ? e.message : String(e));
      }
      latencies.push({ at: t0, ms: performance.now() - t0 });
      await sleep(2);
    }
  })();
  const stop = async () => {
    running = false;
    await loop;
    await db.close();
  };
  cleanups.push(stop);
  return { latencies, errors, stop };
}

async function lockRetryEvents(db: Queryable, change: string) {
  return (await readEvents(db, change)).filter((e) => e.action === 'step.lock-retry');
}

describe.runIf(!!serverTarget)('lock timeouts and retries on the PostgreSQL server', () => {
  it('DDL blocked by a long transaction retries with a short lock_timeout, never queues readers for long, and succeeds once the blocker commits', async () => {
    const schema = 'lock_retry';
    const { t, id } = await setUp(schema, { lockTimeout: '200ms', lockRetries: 30 });
    const blocker = await openReadTransaction(t.url!, schema, 'long-report');
    const reader = startReader(t.url!, schema);
    await sleep(50);

    const retries: Extract<ExecutorEvent, { type: 'retry' }>[] = [];
    const advancing = advance(t.db, id, { actor: 'test', to: 'expand', onEvent: (e) => e.type === 'retry' && retries.push(e) });
    await waitFor('three lock retries', async () => retries.length >= 3, { timeoutMs: 20_000 });
    const blockedUntil = performance.now();
    await blocker.commit();
    const result = await advancing;
    await sleep(50);
    await reader.stop();

    expect(result.outcome, result.reason).toBe('succeeded');
    expect(await columnsPresent(t.db, schema, 'support_customer', NEW_COLUMNS)).toBe(true);
    const events = await lockRetryEvents(t.db, id);
    expect(events.length).toBe(retries.length);
    expect(events.every((e) => (e.evidence as { step: string }).step === ADD_COLUMNS && /lock timeout/.test((e.evidence as { error: string }).error))).toBe(true);

    // While the ALTER TABLE waited, readers queued behind it (each attempt holds its place in the lock queue)…
    const during = reader.latencies.filter((l) => l.at < blockedUntil);
    expect(during.length).toBeGreaterThan(20);
    const worst = Math.max(...reader.latencies.map((l) => l.ms));
    expect(worst).toBeGreaterThan(50);
    // …but never for much longer than lock_timeout, however long the blocker stayed.
    expect(worst).toBeLessThan(1_000);
    expect(reader.errors).toEqual([]);
  });

  it('with retries exhausted the advance fails with a LockTimeoutError naming the blocking pid and query, and the schema is unchanged', async () => {
    const schema = 'lock_exhausted';
    const { t, id } = await setUp(schema, { lockTimeout: '100ms', lockRetries: 2 });
    const blocker = await openReadTransaction(t.url!, schema, 'nightly-export');

    const result = await advance(t.db, id, { actor: 'test', to: 'expand' });
    expect(result.outcome).toBe('failed');
    const step = result.transitions[0]!.steps[0]!;
    expect(step).toMatchObject({ id: ADD_COLUMNS, outcome: 'failed' });
    const expectedStart = new LockTimeoutError(ADD_COLUMNS, 3, []).message.split(' Re-run')[0]!;
    expect(step.error!.startsWith(expectedStart)).toBe(true);
    expect(step.error).toContain(`pid ${blocker.pid} (idle in transaction`);
    expect(step.error).toContain(`'nightly-export' AS job`);
    expect(result.reason).toContain(`step ${ADD_COLUMNS} failed: ${expectedStart}`);

    expect(await columnsAbsent(t.db, schema, 'support_customer', NEW_COLUMNS)).toBe(true);
    expect((await getChange(t.db, id))!).toMatchObject({ applied_phase: null, status: 'failed' });
    expect(await lockRetryEvents(t.db, id)).toHaveLength(2);
    const failed = (await readEvents(t.db, id)).filter((e) => e.action === 'phase.forward' && e.outcome === 'failed');
    expect(failed).toHaveLength(1);
    expect((failed[0]!.evidence as { error: string }).error).toContain(`pid ${blocker.pid}`);

    // Once the blocker is gone, the same command finishes the phase.
    await blocker.commit();
    const again = await advance(t.db, id, { actor: 'test', to: 'expand' });
    expect(again.outcome, again.reason).toBe('succeeded');
    expect(await columnsPresent(t.db, schema, 'support_customer', NEW_COLUMNS)).toBe(true);
  });

  it('a second executor on the same change gets ExecutorBusyError naming the first one while it waits for a lock', async () => {
    const schema = 'lock_busy';
    const { t, id } = await setUp(schema, { lockTimeout: '200ms', lockRetries: 30 });
    const blocker = await openReadTransaction(t.url!, schema, 'long-report');

    const holder = 'first executor (ci job 42)';
    let retried = false;
    const first = advance(t.db, id, { actor: 'first', holder, to: 'expand', onEvent: (e) => void (e.type === 'retry' && (retried = true)) });
    await waitFor('the first executor to be waiting for its lock', async () => retried);
    const { rows } = await t.db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1', [holder]);
    expect(rows).toHaveLength(1);
    const holderPid = rows[0]!.pid;

    const second = await advance(t.db, id, { actor: 'second', to: 'dual-write' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(second).toBeInstanceOf(ExecutorBusyError);
    const busy = second as ExecutorBusyError;
    expect(busy.change).toBe(id);
    expect(busy.holder).toContain(holder);
    expect(busy.holder).toContain(`server pid ${holderPid}`);
    expect(busy.message).toContain(`Another executor is working on ${id}: ${holder} (server pid ${holderPid}`);
    await expect(rollback(t.db, id, { actor: 'second', to: 'start' })).rejects.toBeInstanceOf(ExecutorBusyError);

    // The CLI maps it to exit code 2 with the same message.
    const cli = await runCli(['advance', id], { url: t.url! });
    expect(cli.code).toBe(2);
    expect(cli.output).toContain(`Another executor is working on ${id}: ${holder} (server pid ${holderPid}`);

    await blocker.commit();
    expect((await first).outcome).toBe('succeeded');
    // The lock went with the first executor: the next one proceeds.
    const next = await advance(t.db, id, { actor: 'second', to: 'dual-write' });
    expect(next.outcome, next.reason).toBe('succeeded');
    expect((await getChange(t.db, id))!.applied_phase).toBe('dual-write');
  });
});
