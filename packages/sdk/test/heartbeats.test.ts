import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { liveAppVersions, liveVersionsOlderThan, startHeartbeat, type Heartbeat } from '../src/index.js';
import { sdkTargets, type SdkDatabase } from './server-database.js';

const APP = 'support-desk';

describe.each(sdkTargets)('app-version heartbeats on $name', ({ create }) => {
  let t: SdkDatabase;
  const beats: Heartbeat[] = [];

  beforeAll(async () => {
    t = await create();
  });
  afterAll(async () => {
    await Promise.all(beats.splice(0).map((b) => b.stop()));
    await t?.drop();
  });
  beforeEach(async () => {
    await Promise.all(beats.splice(0).map((b) => b.stop()));
    await t.exec('TRUNCATE switchback.app_instances');
  });

  const start = async (version: string, instanceId: string, app = APP): Promise<Heartbeat> => {
    const b = await startHeartbeat(t.db, { app, version, instanceId, intervalMs: 60_000 });
    beats.push(b);
    return b;
  };
  /** As if the instance's last heartbeat was `seconds` ago (by the database's clock). */
  const lastSeenAgo = (instanceId: string, seconds: number) =>
    t.db.query(`UPDATE switchback.app_instances SET last_seen = now() - make_interval(secs => $2) WHERE instance_id = $1`, [instanceId, seconds]);

  it('lists the live versions oldest first, ignoring stopped instances, stale heartbeats and other apps', async () => {
    await start('v42', 'pod-a');
    await start('v41', 'pod-b');
    await start('1.2.10', 'pod-c');
    await start('v41', 'pod-d');
    await start('v40', 'pod-gone');
    await start('v39', 'pod-stale');
    await start('v1', 'other-pod', 'billing');
    await (await start('v38', 'pod-stopped')).stop();
    await lastSeenAgo('pod-stale', 601);
    await lastSeenAgo('pod-d', 30);
    await t.db.query(`UPDATE switchback.app_instances SET stopped_at = now() WHERE instance_id = 'pod-gone'`);

    const live = await liveAppVersions(t.db, { app: APP, withinSeconds: 600 });
    expect(live.map((v) => [v.version, v.instances.map((i) => i.instanceId)])).toEqual([
      ['1.2.10', ['pod-c']],
      ['v41', ['pod-b', 'pod-d']], // most recent heartbeat first
      ['v42', ['pod-a']],
    ]);
    const podD = live[1]!.instances[1]!;
    expect(podD.secondsAgo).toBeGreaterThanOrEqual(30);
    expect(podD.lastSeen).toBeInstanceOf(Date);
    expect(podD.host).toBeTruthy();
  });

  it('answers "no instance older than v42 seen in the last 10 minutes"', async () => {
    await start('v42', 'pod-a');
    await start('v43', 'pod-b');
    const older = () => liveVersionsOlderThan(t.db, { app: APP, version: 'v42', withinSeconds: 600 });
    expect(await older()).toEqual([]);

    await start('v41.9', 'pod-old');
    expect((await older()).map((v) => v.version)).toEqual(['v41.9']);

    await lastSeenAgo('pod-old', 11 * 60); // gone quiet: no longer counted
    expect(await older()).toEqual([]);
    await start('v41.9', 'pod-old'); // beats again
    expect((await older()).map((v) => v.version)).toEqual(['v41.9']);
    await beats.find((b) => b.instanceId === 'pod-old')!.stop();
    await beats.at(-1)!.stop();
    expect(await older()).toEqual([]);
  });

  it('counts a different spelling of the same version as not older', async () => {
    await start('42.0', 'pod-a');
    expect(await liveVersionsOlderThan(t.db, { app: APP, version: 'v42', withinSeconds: 600 })).toEqual([]);
  });

  it.each([
    [{ app: '', withinSeconds: 600 }, /app must be/],
    [{ app: APP, withinSeconds: 0 }, /withinSeconds must be a positive number of seconds, got 0/],
    [{ app: APP, withinSeconds: Number.NaN }, /got NaN/],
    [{ app: APP, withinSeconds: Number.POSITIVE_INFINITY }, /got Infinity/],
  ])('rejects %o with a clear error', async (q, message) => {
    await expect(liveAppVersions(t.db, q)).rejects.toThrow(message);
  });

  it('rejects an empty version', async () => {
    await expect(liveVersionsOlderThan(t.db, { app: APP, version: ' ', withinSeconds: 600 })).rejects.toThrow(/version must be a non-empty version string/);
  });
});
