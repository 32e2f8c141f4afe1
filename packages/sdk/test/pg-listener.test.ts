import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FlagClient, pgListener } from '../src/index.js';
import { createServerDatabase, type ServerDatabase } from './server-database.js';

const F = 'ReadContractDetailsFromCustomer';
const key = { key: 'customer-42' };
const APP = 'switchback-sdk-listener';

describe.runIf(process.env.DATABASE_URL)('pgListener on PostgreSQL', () => {
  let server: ServerDatabase;
  let writer: pg.Client;
  const clients: FlagClient[] = [];

  beforeAll(async () => {
    server = await createServerDatabase();
    writer = new pg.Client({ connectionString: server.url });
    await writer.connect();
  });
  afterAll(async () => {
    await writer?.end();
    await server?.drop();
  });
  beforeEach(async () => {
    await writer.query('TRUNCATE switchback.flags');
    await writer.query(`INSERT INTO switchback.flags (name, enabled, rollout_bps) VALUES ($1, true, 10000)`, [F]);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  /** Changes the flag from another connection, notifying as the engine does. */
  const setEnabled = (enabled: boolean): Promise<unknown> =>
    writer.query(
      `WITH u AS (UPDATE switchback.flags SET enabled = $2, version = version + 1 WHERE name = $1 RETURNING name)
       SELECT pg_notify('switchback_flags', name) FROM u`,
      [F, enabled],
    );
  const listenerPids = async (): Promise<number[]> =>
    (await writer.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`, [APP])).rows.map((r) => r.pid);
  const start = async (pollMs: number, minBackoffMs = 50): Promise<FlagClient> => {
    const listen = pgListener(() => new pg.Client({ connectionString: server.url, application_name: APP }), { minBackoffMs });
    const client = await FlagClient.start(server.pool, { pollMs, listen });
    clients.push(client);
    return client;
  };

  it('a change made by another connection arrives in under 500 ms, with polling at 60 s', async () => {
    const flags = await start(60_000);
    expect(flags.isEnabled(F, key)).toBe(true);
    const t0 = performance.now();
    await setEnabled(false);
    await vi.waitFor(() => expect(flags.isEnabled(F, key)).toBe(false), { timeout: 2000, interval: 5 });
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('when notifications are lost (listener killed), polling still picks up changes', async () => {
    const flags = await start(200, 60_000); // no reconnection within the test
    const [pid] = await listenerPids();
    await writer.query('SELECT pg_terminate_backend($1)', [pid]);
    await vi.waitFor(async () => expect(await listenerPids()).toEqual([]));
    await setEnabled(false);
    await vi.waitFor(() => expect(flags.isEnabled(F, key)).toBe(false), { timeout: 2000 });
  });

  it('reconnects after the listener connection is killed, and changes arrive by notification again', async () => {
    const errors: unknown[] = [];
    const listen = pgListener(() => new pg.Client({ connectionString: server.url, application_name: APP }), { minBackoffMs: 50 });
    const flags = await FlagClient.start(server.pool, { pollMs: 60_000, listen, onError: (e) => errors.push(e) });
    clients.push(flags);
    const [pid] = await listenerPids();
    await writer.query('SELECT pg_terminate_backend($1)', [pid]);
    await vi.waitFor(async () => {
      const pids = await listenerPids();
      expect(pids).toHaveLength(1);
      expect(pids[0]).not.toBe(pid);
    }, { timeout: 5000 });
    expect(errors.some((e) => String(e).includes('terminating connection'))).toBe(true);
    const t0 = performance.now();
    await setEnabled(false);
    await vi.waitFor(() => expect(flags.isEnabled(F, key)).toBe(false), { timeout: 2000, interval: 5 });
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
