import { OpenFeature, ProviderEvents, ProviderStatus, type EventDetails } from '@openfeature/server-sdk';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { PgliteDb, updateFlag } from '@switchback/engine';
import { targets, type TestDatabase } from '../../../test-support/databases.js';
import { FlagClient, pgliteListener, pgListener, type Listener, type SqlClient } from '../src/index.js';
import { SwitchbackProvider } from '../src/openfeature/index.js';

const F = 'ReadContractDetailsFromCustomer';
const ctx = { targetingKey: 'customer-42', tenant: 'acme' };

/**
 * The provider through the real OpenFeature SDK, over flags in the engine's own
 * ledger tables, changed with the engine's `updateFlag` (which notifies).
 */
describe.each(targets)('SwitchbackProvider events on $name', (target) => {
  let t: TestDatabase;
  let domain = 0;
  const clients: FlagClient[] = [];

  beforeAll(async () => {
    t = await target.create();
  });
  afterAll(async () => {
    await OpenFeature.close();
    await t?.drop();
  });
  beforeEach(async () => {
    await t.db.exec(`DELETE FROM switchback.flags; INSERT INTO switchback.flags (name, enabled, rollout_bps) VALUES ('${F}', true, 0)`);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  const listener = (): Listener =>
    t.db instanceof PgliteDb ? pgliteListener(t.db.pg) : pgListener(() => new pg.Client({ connectionString: t.url! }), { minBackoffMs: 50 });

  /** A FlagClient and an OpenFeature client on a domain of its own, recording every provider event. */
  async function open(db: SqlClient, opts: { pollMs: number; listen?: Listener }) {
    const flags = await FlagClient.start(db, opts);
    clients.push(flags);
    const name = `switchback-${target.name}-${++domain}`;
    const events: Array<{ type: string; details?: EventDetails }> = [];
    const client = OpenFeature.getClient(name);
    for (const type of [ProviderEvents.Ready, ProviderEvents.Error, ProviderEvents.Stale, ProviderEvents.ConfigurationChanged]) {
      client.addHandler(type, (details) => events.push({ type, details }));
    }
    const ready = OpenFeature.setProviderAndWait(name, new SwitchbackProvider(flags));
    return { flags, client, events, ready };
  }

  const types = (events: Array<{ type: string }>) => events.map((e) => e.type);

  it('a flag changed with updateFlag arrives by NOTIFY as ConfigurationChanged with flagsChanged', async () => {
    const { client, events, ready } = await open(t.db, { pollMs: 60_000, listen: listener() });
    await ready;
    expect(client.providerStatus).toBe(ProviderStatus.READY);
    expect(await client.getBooleanValue(F, true, ctx)).toBe(false);
    await updateFlag(t.db, F, { allowTenants: ['acme'] }, 'test');
    await vi.waitFor(() => expect(events.filter((e) => e.type === ProviderEvents.ConfigurationChanged)).toHaveLength(1), { timeout: 5000, interval: 10 });
    expect(events.find((e) => e.type === ProviderEvents.ConfigurationChanged)?.details?.flagsChanged).toEqual([F]);
    expect(await client.getBooleanValue(F, false, ctx)).toBe(true);
    expect(await client.getBooleanValue(F, true, { targetingKey: 'customer-42', tenant: 'globex' })).toBe(false);
  });

  it('with no listener, polling brings the change and the event', async () => {
    const { client, events, ready } = await open(t.db, { pollMs: 50 });
    await ready;
    await t.db.query(`UPDATE switchback.flags SET rollout_bps = 10000, version = version + 1 WHERE name = $1`, [F]); // no NOTIFY
    await vi.waitFor(() => expect(types(events)).toContain(ProviderEvents.ConfigurationChanged), { timeout: 5000 });
    expect(events.find((e) => e.type === ProviderEvents.ConfigurationChanged)?.details?.flagsChanged).toEqual([F]);
    expect(await client.getBooleanValue(F, false, ctx)).toBe(true);
  });

  it('a poll that finds nothing changed emits nothing', async () => {
    const { flags, events, ready } = await open(t.db, { pollMs: 60_000 });
    await ready;
    await flags.refresh();
    await flags.refresh();
    expect(types(events)).toEqual([ProviderEvents.Ready]);
  });

  it('database down: Stale, the last flags keep serving; back: Ready, then the change made meanwhile', async () => {
    let down = false;
    const flaky: SqlClient = { query: (sql, params) => (down ? Promise.reject(new Error('connect ECONNREFUSED')) : t.db.query(sql, params)) };
    const { flags, client, events, ready } = await open(flaky, { pollMs: 60_000 });
    await ready;
    await updateFlag(t.db, F, { percent: 100 }, 'test');
    await flags.refresh();
    expect(await client.getBooleanValue(F, false, ctx)).toBe(true);

    down = true;
    await flags.refresh();
    await flags.refresh(); // a second failure does not repeat the event
    await vi.waitFor(() => expect(client.providerStatus).toBe(ProviderStatus.STALE));
    expect(events.filter((e) => e.type === ProviderEvents.Stale)).toHaveLength(1);
    expect(events.find((e) => e.type === ProviderEvents.Stale)?.details?.message).toMatch(/last flags loaded.*ECONNREFUSED/);
    expect(await client.getBooleanDetails(F, false, ctx)).toMatchObject({ value: true, reason: 'SPLIT' });

    await updateFlag(t.db, F, { enabled: false }, 'test'); // while this instance cannot see it
    down = false;
    await flags.refresh();
    await vi.waitFor(() => expect(client.providerStatus).toBe(ProviderStatus.READY));
    expect(types(events)).toEqual([
      ProviderEvents.Ready, ProviderEvents.ConfigurationChanged, ProviderEvents.Stale, ProviderEvents.Ready, ProviderEvents.ConfigurationChanged,
    ]);
    expect(await client.getBooleanDetails(F, true, ctx)).toMatchObject({ value: false, reason: 'DISABLED' });
  });

  it('database down from the start: Error and defaults; Ready when the first load succeeds', async () => {
    let down = true;
    const flaky: SqlClient = { query: (sql, params) => (down ? Promise.reject(new Error('connect ECONNREFUSED')) : t.db.query(sql, params)) };
    const { flags, client, events, ready } = await open(flaky, { pollMs: 60_000 });
    await expect(ready).rejects.toThrow(/no flags loaded yet/);
    expect(client.providerStatus).toBe(ProviderStatus.ERROR);
    expect(await client.getBooleanValue(F, true, ctx)).toBe(true); // the caller's default
    down = false;
    await flags.refresh();
    await vi.waitFor(() => expect(client.providerStatus).toBe(ProviderStatus.READY));
    expect(types(events)).toEqual([ProviderEvents.Error, ProviderEvents.Ready, ProviderEvents.ConfigurationChanged]);
    expect(await client.getBooleanValue(F, true, ctx)).toBe(false);
  });
});
