import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { SqlClient } from '../sql-client.js';

/** How often an instance says it is alive unless told otherwise. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 10_000;

/** Settings for {@link startHeartbeat}. */
export interface HeartbeatOptions {
  /** The application's name, e.g. 'support-desk'. */
  app: string;
  /** The deployed version (a git sha or release tag): what the engine's gates ask about. */
  version: string;
  intervalMs?: number;
  /** Defaults to a random UUID per process start. */
  instanceId?: string;
  /** Told about failed beats; the heartbeat keeps trying. */
  onError?: (error: unknown) => void;
}

/** A running heartbeat. */
export interface Heartbeat {
  instanceId: string;
  /** Stops beating and marks the instance stopped. Never rejects; failures go to onError. */
  stop(): Promise<void>;
}

// Re-registering an id clears stopped_at: the instance is alive again.
const UPSERT = `
INSERT INTO switchback.app_instances (instance_id, app, version, host, pid)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (instance_id) DO UPDATE
SET app = EXCLUDED.app, version = EXCLUDED.version, host = EXCLUDED.host, pid = EXCLUDED.pid,
    last_seen = now(), stopped_at = NULL`;

const STOP = `UPDATE switchback.app_instances SET last_seen = now(), stopped_at = now() WHERE instance_id = $1`;

/**
 * Registers this process in `switchback.app_instances` and refreshes its
 * `last_seen` every interval, so the engine knows which app versions are
 * still running. Resolves after the first beat, even if that beat failed.
 *
 * @example
 * const heartbeat = await startHeartbeat(pool, { app: 'support-desk', version: process.env.GIT_SHA ?? 'dev' });
 * process.on('SIGTERM', () => void heartbeat.stop());
 */
export async function startHeartbeat(db: SqlClient, opts: HeartbeatOptions): Promise<Heartbeat> {
  const instanceId = opts.instanceId ?? randomUUID();
  const report = (error: unknown): void => {
    try {
      opts.onError?.(error);
    } catch {
      // A throwing onError must not become an unhandled rejection in the timer.
    }
  };
  const params = [instanceId, opts.app, opts.version, hostname(), process.pid];
  // A beat slower than the interval is not stacked with another one.
  let inFlight: Promise<void> | undefined;
  const beat = (): Promise<void> =>
    (inFlight ??= db
      .query(UPSERT, params)
      .then(() => undefined, report)
      .finally(() => {
        inFlight = undefined;
      }));

  await beat();
  const timer = setInterval(() => void beat(), opts.intervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS);
  timer.unref();

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      clearInterval(timer);
      await inFlight;
      await db.query(STOP, [instanceId]).then(() => undefined, report);
    })());
  return { instanceId, stop };
}
