import type { Queryable } from '../db/db.js';

/**
 * Marks the plan SQL the engine runs on its own account (gates,
 * verifications), so pg_stat_statements does not count it as the
 * application still reading an old table. pg_stat_statements keeps the first
 * text it saw for a statement: one the application sent word for word before
 * carries the application's text, and counts as the application's.
 */
export const OWN_SQL_TAG = '/* switchback */';

export function ownSql(sql: string): string {
  return `${OWN_SQL_TAG} ${sql}`;
}

/** What pg_stat_statements has counted, in this database, for the statements that read some tables. */
export interface StatementCounts {
  /** When its counts began (pg_stat_statements_info.stats_reset, PostgreSQL 14+), ISO; null when unknown. */
  since: string | null;
  statements: { queryid: string; query: string; calls: number }[];
}

const DDL = /^\s*(?:CREATE|ALTER|DROP|TRUNCATE|COMMENT|GRANT|REVOKE|VACUUM|ANALYZE|CLUSTER|REINDEX|SECURITY\s+LABEL)\b/i;
const NAME = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)`;
/** The table an INSERT, UPDATE or DELETE writes: its one mention that is not a read. */
const WRITE_TARGET = new RegExp(String.raw`^\s*(?:INSERT\s+INTO|UPDATE(?:\s+ONLY)?|DELETE\s+FROM(?:\s+ONLY)?)\s+${NAME}(?:\s*\.\s*${NAME})?`, 'i');

function unquote(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase();
}

/**
 * Whether a statement (as pg_stat_statements prints it) reads one of
 * `tables` (bare names): not DDL, not the engine's own, and naming a table
 * somewhere other than as the target of its write. The app writing an old
 * table after cut-off (sync `app` writes both until contract) is not a read;
 * `INSERT INTO old … SELECT … FROM old` is. Unsure means read: a statement
 * wrongly counted delays cleanup, one wrongly ignored could drop a table in use.
 */
export function readsTables(query: string, tables: string[]): boolean {
  if (query.trimStart().startsWith(OWN_SQL_TAG) || DDL.test(query)) return false;
  const wanted = new Set(tables.map((t) => t.toLowerCase()));
  const rest = query.replace(WRITE_TARGET, ' ');
  for (const m of rest.matchAll(new RegExp(NAME, 'g'))) {
    if (wanted.has(unquote(m[0]).toLowerCase())) return true;
  }
  return false;
}

/**
 * Counts of the statements in this database that read `tables`, or
 * undefined when pg_stat_statements cannot be read (not installed, or
 * installed but not in shared_preload_libraries).
 */
export async function countStatements(db: Queryable, tables: string[]): Promise<StatementCounts | undefined> {
  const bare = [...new Set(tables.map((t) => t.split('.').pop()!))];
  try {
    const ext = await db.query<{ schema: string }>(`SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'`);
    const schema = ext.rows[0]?.schema;
    if (!schema) return undefined;
    const q = `"${schema.replace(/"/g, '""')}"`;
    const { rows } = await db.query<{ queryid: string; query: string; calls: number }>(
      `SELECT queryid::text AS queryid, min(left(query, 300)) AS query, sum(calls)::float8 AS calls FROM ${q}.pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query ~* $1 GROUP BY queryid`,
      [`\\m(${bare.map((b) => b.replace(/[^A-Za-z0-9_]/g, '.')).join('|')})\\M`],
    );
    const since = await db.query<{ at: string | null }>(`SELECT to_char(stats_reset AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at FROM ${q}.pg_stat_statements_info`).then(
      (r) => r.rows[0]?.at ?? null,
      () => null,
    );
    return { since, statements: rows.filter((r) => readsTables(r.query, bare)).map((r) => ({ ...r, calls: Number(r.calls) })) };
  } catch {
    return undefined;
  }
}

/** Reads of the old tables since cut-off, from the counts then (`baseline`) and now. */
export interface CountedReads {
  /** Calls since the baseline (or since `since`, when the counts were reset after it). */
  statements: { query: string; calls: number }[];
  calls: number;
  /** Where the counting starts: cut-off, or a later reset of the counts. */
  from: 'cut-off' | 'reset';
}

/**
 * The reads since cut-off: now's counts less cut-off's, statement by
 * statement (a statement evicted and seen again counts from zero). Counts
 * reset after cut-off count from the reset. Undefined when the counts cannot
 * be split at cut-off: no baseline, and counting began before cut-off.
 */
export function readsSinceCutOff(now: StatementCounts, baseline: StatementCounts | undefined, cutOffAt: Date): CountedReads | undefined {
  const resetAfter = now.since !== null && new Date(now.since).getTime() >= cutOffAt.getTime();
  const sameCounts = baseline !== undefined && baseline.since === now.since && !resetAfter;
  if (!sameCounts && !resetAfter) return undefined;
  const before = new Map(sameCounts ? baseline.statements.map((s) => [s.queryid, s.calls]) : []);
  const statements = now.statements
    .map((s) => {
      const b = before.get(s.queryid) ?? 0;
      return { query: s.query, calls: s.calls >= b ? s.calls - b : s.calls };
    })
    .filter((s) => s.calls > 0)
    .sort((a, b) => b.calls - a.calls);
  return { statements, calls: statements.reduce((n, s) => n + s.calls, 0), from: sameCounts ? 'cut-off' : 'reset' };
}
