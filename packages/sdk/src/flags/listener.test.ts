import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FlagClient } from './flag-client.js';
import { pgliteListener } from './listener.js';

let db: PGlite;

beforeAll(async () => {
  db = await PGlite.create();
  await db.exec(`
    CREATE SCHEMA switchback;
    CREATE TABLE switchback.flags (name text PRIMARY KEY, enabled boolean NOT NULL DEFAULT false,
      rollout_bps integer NOT NULL DEFAULT 0, allow_tenants text[] NOT NULL DEFAULT '{}',
      rules jsonb NOT NULL DEFAULT '{}', version bigint NOT NULL DEFAULT 1);
    CREATE TABLE switchback.changes (id text PRIMARY KEY, applied_phase text, status text NOT NULL);
    INSERT INTO switchback.flags (name, enabled, rollout_bps) VALUES ('F', true, 10000);`);
});

afterAll(async () => {
  await db.close();
});

describe('pgliteListener', () => {
  it('reloads on NOTIFY switchback_flags, long before the next poll', async () => {
    const flags = await FlagClient.start(db, { pollMs: 60_000, listen: pgliteListener(db) });
    expect(flags.isEnabled('F', { key: 'k' })).toBe(true);
    const started = Date.now();
    await db.transaction(async (tx) => {
      await tx.query(`UPDATE switchback.flags SET enabled = false, version = version + 1 WHERE name = 'F'`);
      await tx.query(`SELECT pg_notify('switchback_flags', 'F')`);
    });
    await vi.waitFor(() => expect(flags.isEnabled('F', { key: 'k' })).toBe(false), { timeout: 2000, interval: 5 });
    expect(Date.now() - started).toBeLessThan(500);
    await flags.close();
    await db.query(`UPDATE switchback.flags SET enabled = true WHERE name = 'F'`);
    await db.query(`SELECT pg_notify('switchback_flags', 'F')`);
    await new Promise((r) => setTimeout(r, 50));
    expect(flags.isEnabled('F', { key: 'k' })).toBe(false); // unsubscribed
  });

  it('reports a failed subscription and keeps polling', async () => {
    const errors: unknown[] = [];
    const broken = { listen: () => Promise.reject(new Error('no listen')) };
    const flags = await FlagClient.start(db, { pollMs: 20, listen: pgliteListener(broken), onError: (e) => errors.push(e) });
    expect(errors).toEqual([new Error('no listen')]);
    await db.query(`UPDATE switchback.flags SET rollout_bps = 0 WHERE name = 'F'`);
    await vi.waitFor(() => expect(flags.evaluate('F', { key: 'k' }).reason).toBe('outside-rollout'));
    await flags.close();
  });

  it('when notifications are dropped, polling still brings the change', async () => {
    // Subscribes for real but loses every notification, as a dropped connection would.
    const deaf = { listen: (channel: string) => db.listen(channel, () => {}) };
    const flags = await FlagClient.start(db, { pollMs: 50, listen: pgliteListener(deaf) });
    await db.query(`UPDATE switchback.flags SET enabled = false, version = version + 1 WHERE name = 'F'`);
    await db.query(`SELECT pg_notify('switchback_flags', 'F')`);
    await vi.waitFor(() => expect(flags.evaluate('F', { key: 'k' }).reason).toBe('disabled'), { timeout: 3000 });
    await flags.close();
    await db.query(`UPDATE switchback.flags SET enabled = true WHERE name = 'F'`);
  });
});
