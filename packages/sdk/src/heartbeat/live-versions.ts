import type { SqlClient } from '../sql-client.js';
import { compareAppVersions, isOrderedAppVersion } from './app-version.js';

/** One running instance, as its last heartbeat left it. */
export interface LiveInstance {
  instanceId: string;
  host: string | null;
  lastSeen: Date;
  /** Seconds since the last heartbeat, by the database's clock. */
  secondsAgo: number;
}

/** One version of an app with the instances that reported it recently. */
export interface LiveAppVersion {
  version: string;
  /** Most recent heartbeat first. */
  instances: LiveInstance[];
}

/** What {@link liveAppVersions} and {@link liveVersionsOlderThan} look at. */
export interface LiveVersionsQuery {
  app: string;
  /** Heartbeats older than this many seconds are ignored (the instance is presumed gone). */
  withinSeconds: number;
}

interface InstanceRow {
  instance_id: string;
  version: string;
  host: string | null;
  last_seen: Date | string;
  seconds_ago: number | string;
}

// Stopped instances said goodbye; ages come from the database's clock, not the caller's.
const LIVE = `
SELECT instance_id, version, host, last_seen, extract(epoch FROM now() - last_seen)::float8 AS seconds_ago
  FROM switchback.app_instances
 WHERE app = $1 AND stopped_at IS NULL AND last_seen > now() - make_interval(secs => $2)
 ORDER BY last_seen DESC, instance_id`;

function checkQuery(q: LiveVersionsQuery): void {
  if (typeof q.app !== 'string' || q.app === '') throw new TypeError('app must be the non-empty name the instances register with');
  if (typeof q.withinSeconds !== 'number' || !(q.withinSeconds > 0) || !Number.isFinite(q.withinSeconds)) {
    throw new RangeError(`withinSeconds must be a positive number of seconds, got ${String(q.withinSeconds)}`);
  }
}

/**
 * The versions of `app` with an instance whose heartbeat is at most
 * `withinSeconds` old and that has not stopped, oldest version first (by
 * {@link compareAppVersions}). Reads `switchback.app_instances`, which
 * {@link startHeartbeat} fills.
 *
 * @example
 * const live = await liveAppVersions(pool, { app: 'support-desk', withinSeconds: 600 });
 * // [{ version: 'v41', instances: [{ instanceId: 'pod-7', host: 'node-3', lastSeen, secondsAgo: 4.2 }] }, { version: 'v42', ... }]
 */
export async function liveAppVersions(db: SqlClient, q: LiveVersionsQuery): Promise<LiveAppVersion[]> {
  checkQuery(q);
  const { rows } = await db.query<InstanceRow>(LIVE, [q.app, q.withinSeconds]);
  const byVersion = new Map<string, LiveInstance[]>();
  for (const r of rows) {
    const list = byVersion.get(r.version) ?? [];
    list.push({ instanceId: r.instance_id, host: r.host, lastSeen: new Date(r.last_seen), secondsAgo: Number(r.seconds_ago) });
    byVersion.set(r.version, list);
  }
  return [...byVersion]
    .map(([version, instances]) => ({ version, instances }))
    .sort((a, b) => compareAppVersions(a.version, b.version));
}

/**
 * The live versions of `app` older than `version` (release numbers only: a
 * git sha has no order, see {@link isOrderedAppVersion}): what a gate asks before a
 * phase that the old code cannot survive ("no instance older than v42 seen in
 * the last 10 minutes" is `(await liveVersionsOlderThan(db, { app, version: 'v42', withinSeconds: 600 })).length === 0`).
 *
 * @example
 * const older = await liveVersionsOlderThan(pool, { app: 'support-desk', version: 'v42', withinSeconds: 600 });
 * if (older.length > 0) console.log(`still running: ${older.map((v) => v.version).join(', ')}`);
 */
export async function liveVersionsOlderThan(db: SqlClient, q: LiveVersionsQuery & { version: string }): Promise<LiveAppVersion[]> {
  if (typeof q.version !== 'string' || q.version.trim() === '') throw new TypeError('version must be a non-empty version string, e.g. v42');
  return (await liveAppVersions(db, q)).filter((v) => isOrderedAppVersion(v.version) && compareAppVersions(v.version, q.version) < 0);
}
