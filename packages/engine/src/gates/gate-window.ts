import type { Queryable } from '../db/db.js';

/** The stretch of time a metric gate looks at. */
export interface GateWindow {
  from: Date;
  to: Date;
  seconds: number;
  /** When the change entered its current state (phase, rollout step or flag change), if known. */
  stateSince: Date | null;
}

/**
 * When the change entered its current state: the last phase that finished
 * either way, the last rollout step, or the last hand-made flag change.
 * Numbers measured before then describe another exposure.
 */
export async function stateSince(db: Queryable, change: string): Promise<Date | null> {
  const { rows } = await db.query<{ since: Date | string | null }>(
    `SELECT greatest(
       (SELECT max(finished_at) FROM switchback.phase_runs WHERE change_id = $1 AND status = 'succeeded'),
       (SELECT max(at) FROM switchback.events WHERE change_id = $1 AND action IN ('rollout.step', 'flag.updated', 'watch.rollback') AND outcome = 'succeeded')
     ) AS since`,
    [change],
  );
  const s = rows[0]?.since;
  return s === null || s === undefined ? null : new Date(s);
}

/** The last `seconds` before `now`, cut at the start of the change's current state. */
export async function gateWindow(db: Queryable, change: string, now: Date, seconds: number): Promise<GateWindow> {
  const since = await stateSince(db, change);
  const from = new Date(Math.max(now.getTime() - seconds * 1000, since?.getTime() ?? -Infinity));
  return { from, to: now, seconds: Math.max(0, (now.getTime() - from.getTime()) / 1000), stateSince: since };
}
