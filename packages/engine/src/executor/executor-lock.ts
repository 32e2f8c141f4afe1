import type { Db } from '../db/db.js';
import { ExecutorBusyError } from '../errors.js';

/** First key of the executor's advisory locks; the second is hashtext(change id). */
const EXECUTOR_LOCK_CLASS = 0x5357_4258; // "SWBX"

/**
 * Run `fn` holding the change's executor lock: a session advisory lock, so a
 * killed executor releases it with its connection. A second executor gets an
 * error naming the holder (from pg_stat_activity's application_name).
 */
export async function withExecutorLock<T>(db: Db, change: string, who: string, fn: (session: Db) => Promise<T>): Promise<T> {
  return db.session(async (session) => {
    if (session.kind === 'postgres') {
      await session.query('SELECT set_config($1, $2, false)', ['application_name', who.slice(0, 63)]);
      // A killed executor must release the change at once, even while its backend waits for a lock:
      // make the server check the client socket during long waits (PostgreSQL 14+; older ignore it).
      await session.query(`SELECT set_config('client_connection_check_interval', '250', false)`).catch(() => {});
    }
    const { rows } = await session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [EXECUTOR_LOCK_CLASS, change]);
    if (!rows[0]?.ok) throw new ExecutorBusyError(change, await holder(session, change));
    try {
      return await fn(session);
    } finally {
      await session.query('SELECT pg_advisory_unlock($1, hashtext($2))', [EXECUTOR_LOCK_CLASS, change]).catch(() => {});
    }
  });
}

async function holder(db: Db, change: string): Promise<string> {
  const { rows } = await db.query<{ pid: number; app: string; since: string; addr: string | null }>(
    `SELECT a.pid, a.application_name AS app, to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ') AS since, a.client_addr::text AS addr
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.classid = $1::int4::oid AND l.objid = hashtext($2)::oid AND l.granted`,
    [EXECUTOR_LOCK_CLASS, change],
  );
  const r = rows[0];
  return r ? `${r.app || 'a session'} (server pid ${r.pid}${r.addr ? ` from ${r.addr}` : ''}, connected since ${r.since})` : 'a session that just released it; try again';
}
