import { OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/server-sdk';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FlagClient, pgListener, startHeartbeat } from '../src/index.js';
import { SwitchbackProvider } from '../src/openfeature/index.js';
import { createServerDatabase, type ServerDatabase } from './server-database.js';

const F = 'ReadContractDetailsFromCustomer';
const APP = 'switchback-sdk-outage';

/**
 * A real outage on the server: the database stops accepting connections and
 * every session is terminated, then it comes back. (On PGlite, which runs in
 * process, the same is covered with a failing client in flag-client.test.ts
 * and openfeature-events.test.ts.)
 */
describe.runIf(process.env.DATABASE_URL)('while the database is down, and after it returns (PostgreSQL)', () => {
  let server: ServerDatabase;
  let admin: pg.Client;
  const name = () => new URL(server.url).pathname.slice(1);

  beforeAll(async () => {
    server = await createServerDatabase();
    server.pool.on('error', () => {}); // idle clients terminated during the outage; the pool replaces them
    admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.query(`ALTER DATABASE "${name()}" ALLOW_CONNECTIONS true`).catch(() => {});
    await admin?.end();
    await OpenFeature.close();
    await server?.drop();
  });

  const setAvailable = async (up: boolean): Promise<void> => {
    await admin.query(`ALTER DATABASE "${name()}" ALLOW_CONNECTIONS ${up}`);
    if (!up) await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name()]);
  };
  const listeners = async (): Promise<number> =>
    (await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2', [name(), APP])).rows[0]!.n;

  it('keeps serving the last flags (Stale), keeps trying, and recovers flags, listener and heartbeat', async () => {
    await server.pool.query(`INSERT INTO switchback.flags (name, enabled, rollout_bps) VALUES ($1, true, 10000)`, [F]);
    const errors: unknown[] = [];
    const flags = await FlagClient.start(server.pool, {
      pollMs: 200,
      listen: pgListener(() => new pg.Client({ connectionString: server.url, application_name: APP }), { minBackoffMs: 50, maxBackoffMs: 200 }),
      onError: (e) => errors.push(e),
    });
    const beatErrors: unknown[] = [];
    const heartbeat = await startHeartbeat(server.pool, { app: APP, version: 'v42', intervalMs: 100, onError: (e) => beatErrors.push(e) });
    const client = OpenFeature.getClient('outage');
    const events: string[] = [];
    for (const type of [ProviderEvents.Ready, ProviderEvents.Stale, ProviderEvents.Error, ProviderEvents.ConfigurationChanged]) client.addHandler(type, () => events.push(type));
    await OpenFeature.setProviderAndWait('outage', new SwitchbackProvider(flags));
    expect(await listeners()).toBe(1);

    await setAvailable(false);
    await vi.waitFor(() => expect(client.providerStatus).toBe(ProviderStatus.STALE), { timeout: 10_000 });
    expect(flags.lastRefresh?.outcome).toBe('error');
    expect(flags.isEnabled(F, { key: 'customer-42' })).toBe(true); // the last snapshot
    expect(await client.getBooleanValue(F, false, { targetingKey: 'customer-42' })).toBe(true);
    await vi.waitFor(() => expect(beatErrors.length).toBeGreaterThan(0), { timeout: 5000 });
    expect(String(errors.at(-1))).toMatch(/not currently accepting connections|terminating connection/);
    const lastSeenBefore = new Date();

    await setAvailable(true);
    await vi.waitFor(() => expect(client.providerStatus).toBe(ProviderStatus.READY), { timeout: 10_000 });
    await vi.waitFor(async () => expect(await listeners()).toBe(1), { timeout: 10_000 }); // the listener reconnected
    await server.pool.query(`WITH u AS (UPDATE switchback.flags SET enabled = false, version = version + 1 WHERE name = $1 RETURNING name) SELECT pg_notify('switchback_flags', name) FROM u`, [F]);
    await vi.waitFor(() => expect(flags.isEnabled(F, { key: 'customer-42' })).toBe(false), { timeout: 5000 });
    await vi.waitFor(async () => {
      const { rows } = await server.pool.query<{ last_seen: Date; stopped_at: Date | null }>('SELECT last_seen, stopped_at FROM switchback.app_instances WHERE instance_id = $1', [heartbeat.instanceId]);
      expect(rows[0]!.last_seen.getTime()).toBeGreaterThan(lastSeenBefore.getTime());
    }, { timeout: 5000 });
    expect(events).toEqual([ProviderEvents.Ready, ProviderEvents.Stale, ProviderEvents.Ready, ProviderEvents.ConfigurationChanged]);

    await heartbeat.stop();
    await flags.close();
  });
});
