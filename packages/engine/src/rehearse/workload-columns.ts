import { ident, type Plan } from '@switchback/core';
import type { Catalog, CatalogColumn, CatalogTable } from './rehearsal-catalog.js';
import { valueSql } from './generate-data.js';
import { columnsOf, notNullOf, type AppVersion } from './rehearsal-schedule.js';

/** What a workload knows besides the live catalog: the plan, its version, and the tables before the change. */
export interface WorkloadShape {
  plan: Plan;
  version: AppVersion;
  start: Catalog;
  seed: number;
}

/**
 * Columns of the table before the change that a row cannot go without (NOT
 * NULL, no default) and the change does not concern: a plan's shape may list
 * only the columns it moves, while the app writes whole rows. (Columns the
 * change adds for itself, like a swapped-out old column, are not the app's.)
 */
export function requiredColumns(w: WorkloadShape, t: CatalogTable, known: string[] | undefined): string[] {
  const before = w.start.get(t.view ?? t.name);
  if (!known || !before) return [];
  const concerned = new Set([...(columnsOf(w.plan, 'old', t.name) ?? []), ...(columnsOf(w.plan, 'new', t.name) ?? [])]);
  const mandatory = (c: CatalogColumn) => !c.nullable && c.default === null && !c.auto && before.columns.some((x) => x.name === c.name);
  return t.columns.filter((c) => mandatory(c) && !known.includes(c.name) && !concerned.has(c.name)).map((c) => c.name);
}

/**
 * The columns a version fills in a parent row it creates for a child but
 * does not write in this state: those it had before the change and still
 * has. A column the change adds belongs to the sync; one it takes away
 * (extracted into a table of its own, dropped) is not the new code's:
 * written there, the sync would give the parent the row of the new table
 * that the new code is about to write itself, and after contract the
 * column is gone.
 */
export function parentColumns(w: WorkloadShape, table: string): string[] | undefined {
  const before = columnsOf(w.plan, 'old', table);
  const mine = columnsOf(w.plan, w.version, table);
  return before ? before.filter((c) => !mine || mine.includes(c)) : mine;
}

/**
 * The tables behind names a plan's access gives: a name that is a type (an
 * enum a change extends) stands for the tables with a column of it; any
 * other name is itself, table or not (a missing one must fail).
 */
export function tablesOf(catalog: Catalog, names: string[]): string[] {
  return [
    ...new Set(
      names.flatMap((n) => {
        if (catalog.has(n)) return [n];
        const users = [...catalog.values()].filter((t) => !t.view && t.columns.some((c) => c.type === n || c.type === ident(n)));
        return users.length ? users.map((t) => t.name) : [n];
      }),
    ),
  ];
}

/**
 * A value for a column the version writes: never NULL where its shape says
 * NOT NULL or where the change added the column; of an enum, one of the
 * values it had before (a value the change adds cannot be taken back once
 * rows hold it, which the plan's way back refuses rather than loses).
 */
export function columnValue(w: WorkloadShape, t: CatalogTable, col: CatalogColumn, i: string): string | undefined {
  const before = w.start.get(t.view ?? t.name);
  const was = before?.columns.find((c) => c.name === col.name);
  const c = col.category === 'E' && was?.type === col.type && was.allowed ? { ...col, allowed: was.allowed } : col;
  return valueSql(t, c, i, w.seed, { notNull: (!!before && !was) || notNullOf(w.plan, w.version, t.name).includes(col.name) });
}

/** The referencing table of a foreign-key refusal, when it is not a live application table (archived, say). */
export function hiddenReferrer(catalog: Catalog | undefined, e: unknown): string | undefined {
  const f = e as { schema?: unknown; table?: unknown; message?: unknown };
  const table = typeof f.table === 'string' ? f.table : /on table "((?:[^"]|"")+)"\s*$/.exec(String(f.message ?? ''))?.[1];
  if (!table) return undefined;
  const schema = typeof f.schema === 'string' ? f.schema : 'public';
  const name = schema === 'public' ? table : `${schema}.${table}`;
  return catalog?.has(name) ? undefined : name;
}
