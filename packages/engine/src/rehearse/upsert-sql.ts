import { ident } from '@switchback/core';
import type { CatalogTable } from './rehearsal-catalog.js';

/**
 * Whether `t` holds at most one row per row of another table: its primary
 * key is also a foreign key (customer_address.customer_id →
 * support_customer.id, as extract-columns creates it). Whether that row
 * exists depends on whether anything wrote its columns yet: the sync
 * trigger creates none for a parent whose columns are all NULL, and while
 * the previous version runs, its writes can create one at any moment. So
 * the app writes such a row with an upsert, as the plan's app change says,
 * never a bare UPDATE (lost when the row is missing) or INSERT (refused
 * when it is there).
 */
export function rowPerParent(t: CatalogTable): boolean {
  return t.primaryKey.length > 0 && t.foreignKeys.some((f) => f.columns.length === t.primaryKey.length && t.primaryKey.every((c) => f.columns.includes(c)));
}

/**
 * INSERT … ON CONFLICT (key) DO UPDATE of one row: its key values are the
 * parameters from $2 on (text, in primary-key order), `values` the SQL
 * expressions for `columns`, `returning` the RETURNING list.
 */
export function upsertSql(t: CatalogTable, columns: string[], values: string[], returning: string): string {
  const key = t.primaryKey.map((c, j) => `$${j + 2}::${t.columns.find((x) => x.name === c)!.type}`);
  return `INSERT INTO ${t.sql} (${[...t.primaryKey, ...columns].map(ident).join(', ')}) VALUES (${[...key, ...values].join(', ')})
  ON CONFLICT (${t.primaryKey.map(ident).join(', ')}) DO UPDATE SET ${columns.map((c) => `${ident(c)} = EXCLUDED.${ident(c)}`).join(', ')} RETURNING ${returning}`;
}
