import { ident, type PlannedRewrite } from '@switchback/core';
import type { Db } from '../db/db.js';
import { equalsParam, type Catalog, type CatalogTable } from './rehearsal-catalog.js';
import type { WriteRecord } from './write-log.js';

export interface LostWrite {
  record: WriteRecord;
  /** What the database holds instead. */
  found: string;
}

/**
 * The committed writes the database no longer holds as written. Tables or
 * columns that the current state does not have (dropped by a rollback,
 * archived by contract) are skipped: parity covers what moved elsewhere.
 * A rewrite the plan declares is not a loss, and only that one: a committed
 * NULL in a filled column may now hold the fill's value, evaluated on the row.
 *
 *   lostWrites(db, catalog, log.all(), plan.rewrites)
 *   // { checked: 120, lost: [{ record, found: 'customer_id = "7" (committed NULL)' }] }
 */
export async function lostWrites(db: Db, catalog: Catalog, records: WriteRecord[], rewrites: PlannedRewrite[] = [], sameRows: [string, string][] = []): Promise<{ checked: number; lost: LostWrite[] }> {
  const lost: LostWrite[] = [];
  let checked = 0;
  const byTable = new Map<string, WriteRecord[]>();
  for (const r of records) (byTable.get(r.table) ?? byTable.set(r.table, []).get(r.table)!).push(r);
  for (const [name, rs] of byTable) {
    const t = catalog.get(name);
    if (!t || !t.primaryKey.length) continue;
    const have = new Set(t.columns.map((c) => c.name));
    const cols = [...new Set(rs.flatMap((r) => Object.keys(r.values ?? {})))].filter((c) => have.has(c));
    const keyExpr = t.primaryKey.length === 1 ? `${ident(t.primaryKey[0]!)}::text` : `ROW(${t.primaryKey.map(ident).join(', ')})::text`;
    const keyOf = (r: WriteRecord) => (t.primaryKey.length === 1 ? r.key[t.primaryKey[0]!]! : `(${t.primaryKey.map((c) => r.key[c]).join(',')})`);
    const fills = fillsOf(t, rewrites).filter((f) => cols.includes(f.column));
    const filled = (c: string) => `filled ${c}`;
    // Cast as the backfill's assignment does, so that `5` fills (and compares with) a text column too.
    const fillSql = (f: PlannedRewrite) => `, (${ident(f.column)} IS NOT DISTINCT FROM CAST((${f.value}) AS ${t.columns.find((c) => c.name === f.column)!.type})) AS ${ident(filled(f.column))}`;
    const read = async (from: CatalogTable, keys: string[]) => {
      const sql = `SELECT ${keyExpr} AS k${cols.map((c) => `, ${ident(c)}::text AS ${ident(c)}`).join('')}${fills.map(fillSql).join('')} FROM ${from.sql} WHERE ${t.primaryKey.length === 1 ? equalsParam(t, t.primaryKey[0]!, 1, true) : `${keyExpr} = ANY($1::text[])`}`;
      return (await db.query<Record<string, string | boolean | null>>(sql, [keys])).rows;
    };
    const found = new Map((await read(t, rs.map(keyOf))).map((row) => [row.k as string, row]));
    // A row of a split's table may have moved to its new table (or back): the same row, by key.
    for (const peer of sameRows.flatMap(([a, b]) => (a === name ? [b] : b === name ? [a] : []))) {
      const p = catalog.get(peer);
      const missing = rs.map(keyOf).filter((k) => !found.has(k));
      if (p && missing.length) for (const row of await read(p, missing)) found.set(row.k as string, row);
    }
    for (const r of rs) {
      checked++;
      const row = found.get(keyOf(r));
      if (r.deleted) {
        if (row) lost.push({ record: r, found: 'the row is back' });
        continue;
      }
      if (!row) {
        lost.push({ record: r, found: 'no row' });
        continue;
      }
      const rewritten = (c: string, v: string | null) => v === null && row[filled(c)] === true && fills.some((f) => f.column === c);
      const diff = Object.entries(r.values ?? {}).filter(([c, v]) => have.has(c) && row[c] !== v && !rewritten(c, v));
      if (diff.length) lost.push({ record: r, found: diff.map(([c, v]) => `${c} = ${show(row[c])} (committed ${show(v)})`).join(', ') });
    }
  }
  return { checked, lost };
}

/** The fills the plan declares on this table (by its name, or the view's that stands for it). */
function fillsOf(t: CatalogTable, rewrites: PlannedRewrite[]): PlannedRewrite[] {
  return rewrites.filter((r) => r.kind === 'fill-nulls' && (r.table === t.name || r.table === t.view));
}

function show(v: string | boolean | null | undefined): string {
  return v === null || v === undefined ? 'NULL' : JSON.stringify(v);
}

/**
 * The longest time any session of the database has been waiting for a lock,
 * sampled every `everyMs` until stopped (PostgreSQL servers only: PGlite has
 * one session, so nothing ever waits).
 */
export function sampleLockWaits(db: Db, everyMs = 20): { stop(): Promise<number> } {
  let max = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const { rows } = await db.query<{ ms: number | null }>(
          `SELECT max(extract(epoch FROM clock_timestamp() - query_start) * 1000)::float8 AS ms FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
        );
        max = Math.max(max, rows[0]?.ms ?? 0);
      } catch {
        /* a sample lost to a busy pool is not evidence either way */
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return Math.round(max);
    },
  };
}
