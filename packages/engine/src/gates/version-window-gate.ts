import { formatDuration, type VersionWindowGate } from '@switchback/core';
import { compareAppVersions, isOrderedAppVersion } from '@switchback/sdk';
import type { Queryable } from '../db/db.js';
import type { Verdict } from './verdict.js';

/**
 * "No instance older than v42 seen in the last 10 minutes", from the SDK's
 * heartbeats. Unknown is never healthy: no heartbeat in the window, or a
 * version that is not a release number (a git sha), is inconclusive.
 */
export async function evaluateVersionWindowGate(db: Queryable, g: VersionWindowGate, now: Date): Promise<Verdict> {
  const { rows } = await db.query<{ version: string; instances: number; example: string; host: string | null; seen_ago: number }>(
    `SELECT version, count(*)::int AS instances, min(instance_id) AS example, min(host) AS host,
            min(extract(epoch FROM $3::timestamptz - last_seen))::float8 AS seen_ago
       FROM switchback.app_instances
      WHERE app = $1 AND last_seen > $3::timestamptz - make_interval(secs => $2) AND last_seen <= $3::timestamptz
      GROUP BY version`,
    [g.app, g.withinSeconds, now],
  );
  const within = formatDuration(g.withinSeconds * 1000);
  const versions = rows.map((r) => ({ version: r.version, instances: r.instances, example: r.example, host: r.host, seenSecondsAgo: Math.round(r.seen_ago) }));
  const evidence = { app: g.app, minVersion: g.minVersion, withinSeconds: g.withinSeconds, versions };
  if (!isOrderedAppVersion(g.minVersion)) return { verdict: 'inconclusive', detail: `minimum version "${g.minVersion}" is not a release number (like v42 or 1.4.2), so no version can be compared with it`, evidence };
  if (!rows.length) return { verdict: 'inconclusive', detail: `no ${g.app} instance sent a heartbeat in the last ${within}, so the versions running are unknown`, evidence };
  const older = versions.filter((v) => isOrderedAppVersion(v.version) && compareAppVersions(v.version, g.minVersion) < 0);
  if (older.length) {
    const v = older.sort((a, b) => compareAppVersions(a.version, b.version))[0]!;
    return { verdict: 'fail', detail: `${older.reduce((n, x) => n + x.instances, 0)} ${g.app} instance(s) older than ${g.minVersion} seen in the last ${within}, e.g. ${v.example} running ${v.version} (${v.host ?? 'unknown host'}, ${v.seenSecondsAgo}s ago)`, evidence };
  }
  const unordered = versions.filter((v) => !isOrderedAppVersion(v.version));
  if (unordered.length) return { verdict: 'inconclusive', detail: `${g.app} instance(s) report version ${unordered.map((v) => `"${v.version}"`).join(', ')}, which cannot be compared with ${g.minVersion}; report release numbers in the heartbeat`, evidence };
  return { verdict: 'pass', detail: `every ${g.app} instance seen in the last ${within} runs ${g.minVersion} or newer (${versions.map((v) => `${v.version}×${v.instances}`).join(', ')})`, evidence };
}
