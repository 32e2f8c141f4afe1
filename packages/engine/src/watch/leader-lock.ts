import type { Db } from '../db/db.js';

/** First key of the watcher's leader lock ("SWBW"); one leader per database. */
const WATCH_LOCK_CLASS = 0x5357_4257;
const WATCH_LOCK_KEY = 1;

/**
 * Leadership is a session advisory lock held by the leader's pinned
 * connection: when the leader dies its connection closes and the server
 * releases the lock at once, so a follower's next try takes over.
 * https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS
 */
export async function tryLead(session: Db): Promise<boolean> {
  const { rows } = await session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [WATCH_LOCK_CLASS, WATCH_LOCK_KEY]);
  return !!rows[0]?.ok;
}

/** Still leading? A query on the lock's own connection; it throws if that connection is gone. */
export async function stillLeading(session: Db): Promise<boolean> {
  if (session.kind === 'pglite') return true;
  const { rows } = await session.query<{ ok: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND classid = $1::int4::oid AND objid = $2::int4::oid AND granted) AS ok`,
    [WATCH_LOCK_CLASS, WATCH_LOCK_KEY],
  );
  return !!rows[0]?.ok;
}

export async function stepDown(session: Db): Promise<void> {
  await session.query('SELECT pg_advisory_unlock($1, $2)', [WATCH_LOCK_CLASS, WATCH_LOCK_KEY]).catch(() => {});
}

/** Who leads now, from pg_stat_activity (the leader names itself in application_name). */
export async function currentLeader(db: Db): Promise<string | null> {
  if (db.kind === 'pglite') return null;
  const { rows } = await db.query<{ app: string; pid: number }>(
    `SELECT a.application_name AS app, a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.classid = $1::int4::oid AND l.objid = $2::int4::oid AND l.granted`,
    [WATCH_LOCK_CLASS, WATCH_LOCK_KEY],
  );
  return rows[0] ? `${rows[0].app || 'a session'} (server pid ${rows[0].pid})` : null;
}
