import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SqlClient } from '../sql-client.js';
import { startHeartbeat } from './heartbeat.js';

let db: PGlite;

beforeAll(async () => {
  db = await PGlite.create();
  await db.exec(`
    CREATE SCHEMA switchback;
    CREATE TABLE switchback.app_instances (
      instance_id text PRIMARY KEY, app text NOT NULL, version text NOT NULL, host text, pid integer,
      started_at timestamptz NOT NULL DEFAULT now(), last_seen timestamptz NOT NULL DEFAULT now(), stopped_at timestamptz);`);
});

afterAll(async () => {
  await db.close();
});

interface InstanceRow {
  app: string;
  version: string;
  pid: number;
  host: string;
  started_at: Date;
  last_seen: Date;
  stopped_at: Date | null;
}

const instance = async (id: string): Promise<InstanceRow | undefined> =>
  (await db.query<InstanceRow>('SELECT * FROM switchback.app_instances WHERE instance_id = $1', [id])).rows[0];

describe('startHeartbeat', () => {
  it('registers the instance, keeps last_seen fresh and marks it stopped', async () => {
    const heartbeat = await startHeartbeat(db, { app: 'support-desk', version: 'v2', intervalMs: 20 });
    const first = await instance(heartbeat.instanceId);
    expect(first).toMatchObject({ app: 'support-desk', version: 'v2', pid: process.pid, stopped_at: null });
    expect(first?.host).toBeTruthy();
    await vi.waitFor(async () => {
      expect((await instance(heartbeat.instanceId))!.last_seen.getTime()).toBeGreaterThan(first!.last_seen.getTime());
    }, { timeout: 2000 });
    await heartbeat.stop();
    await heartbeat.stop(); // idempotent
    const stopped = await instance(heartbeat.instanceId);
    expect(stopped?.stopped_at).toBeInstanceOf(Date);
    expect(stopped?.started_at).toEqual(first?.started_at);
  });

  it('re-registering an instance id clears stopped_at', async () => {
    const a = await startHeartbeat(db, { app: 'support-desk', version: 'v1', instanceId: 'pod-1' });
    await a.stop();
    const b = await startHeartbeat(db, { app: 'support-desk', version: 'v2', instanceId: 'pod-1' });
    expect(await instance('pod-1')).toMatchObject({ version: 'v2', stopped_at: null });
    await b.stop();
  });

  it('reports failed beats without throwing', async () => {
    const errors: unknown[] = [];
    const down: SqlClient = { query: () => Promise.reject(new Error('connection refused')) };
    const heartbeat = await startHeartbeat(down, { app: 'a', version: 'v', onError: (e) => errors.push(e) });
    await heartbeat.stop();
    expect(errors).toEqual([new Error('connection refused'), new Error('connection refused')]);
  });
});
