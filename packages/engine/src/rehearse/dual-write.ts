import { ident, type Plan } from '@switchback/core';
import { valueSql } from './generate-data.js';
import { equalsParam, type Catalog, type CatalogTable } from './rehearsal-catalog.js';
import { columnsOf, type AppVersion } from './rehearsal-schedule.js';
import { recordOf, type WriteRecord } from './write-log.js';

export type Run = (sql: string, params: unknown[]) => Promise<Record<string, string | null>[]>;

/** What a dual write needs of its workload: the catalog read before the transaction, and the tables it writes now. */
export interface DualWriter {
  plan: Plan;
  version: AppVersion;
  seed: number;
  catalog: Catalog | undefined;
  /** The tables the version writes in the current operation's state. */
  writes: string[];
  /** The next row number of the workload (values for columns a new linked row cannot go without). */
  next: () => number;
}

/**
 * A dual write: when the version writes two linked tables in this state
 * (the plan lists both as app writes), a value written to one is written to
 * the same-named columns of the linked rows of the other, in the same
 * transaction (NULL when the row is deleted), as the application's
 * migration helper does.
 */
export async function mirrorWrite(o: DualWriter, t: CatalogTable, row: Record<string, string | null>, columns: string[], deleted: boolean, run: Run, records: WriteRecord[]): Promise<void> {
  // Never a query outside the transaction here: on PGlite it would wait for this very transaction.
  const writes = o.writes.filter((w) => w !== t.name);
  for (const name of writes) {
    const u = o.catalog?.get(name);
    if (!u) continue;
    const links = [
      ...t.foreignKeys.filter((f) => f.table === name).map((f) => ({ mine: f.columns, theirs: f.references, child: false })),
      ...u.foreignKeys.filter((f) => f.table === t.name).map((f) => ({ mine: f.references, theirs: f.columns, child: true })),
    ];
    const keys = new Set([...u.primaryKey, ...u.foreignKeys.flatMap((f) => f.columns)]);
    const known = columnsOf(o.plan, o.version, name) ?? u.columns.map((c) => c.name);
    const shared = columns.filter((c) => known.includes(c) && !keys.has(c) && u.columns.some((x) => x.name === c && (!deleted || x.nullable)));
    for (const link of links) {
      if (!shared.length || link.mine.some((c) => row[c] === null || row[c] === undefined)) continue;
      const params: unknown[] = [];
      const sets = shared.map((c) => {
        if (deleted) return `${ident(c)} = NULL`;
        params.push(row[c]);
        return `${ident(c)} = $${params.length}::${u.columns.find((x) => x.name === c)!.type}`;
      });
      const where = link.theirs.map((c, j) => {
        params.push(row[link.mine[j]!]);
        return equalsParam(u, c, params.length);
      });
      const returning = [...new Set([...u.primaryKey, ...u.foreignKeys.flatMap((f) => f.columns), ...shared])];
      const sql = `UPDATE ${u.sql} SET ${sets.join(', ')} WHERE ${where.join(' AND ')} RETURNING ${returning.map((c) => `${ident(c)}::text AS ${ident(c)}`).join(', ')}`;
      const updated = await run(sql, params);
      for (const r of updated) records.push(recordOf(u, r, shared, sql, false));
      // No linked row in the other shape yet (a row the version just created): the dual write creates it.
      if (!updated.length && link.child && !deleted && shared.some((c) => row[c] !== null)) {
        const names = [...link.theirs, ...shared];
        const values: unknown[] = [...link.mine.map((c) => row[c]), ...shared.map((c) => row[c])];
        const exprs = names.map((c, j) => `$${j + 1}::${u.columns.find((x) => x.name === c)!.type}`);
        const counter = `$${values.length + 1}::bigint`;
        for (const col of u.columns) {
          if (names.includes(col.name) || col.nullable || col.default !== null || col.auto) continue;
          const v = valueSql(u, col, counter, o.seed);
          if (v === undefined) continue;
          names.push(col.name);
          exprs.push(v);
        }
        const insert = `INSERT INTO ${u.sql} (${names.map(ident).join(', ')}) SELECT ${exprs.join(', ')} RETURNING ${returning.map((c) => `${ident(c)}::text AS ${ident(c)}`).join(', ')}`;
        if (exprs.some((e) => e.includes(counter))) values.push(o.next());
        for (const r of await run(insert, values)) records.push(recordOf(u, r, shared, insert, false));
      }
    }
  }
}
