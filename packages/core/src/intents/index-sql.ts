import { ident, literal, qualified } from '../util/sql.js';

/** An index to build concurrently: where it lives and what it covers. */
export interface IndexSpec {
  /** Table, optionally schema-qualified; the index lives in the table's schema. */
  table: string;
  name: string;
  columns: string[];
  unique: boolean;
  method?: string;
  where?: string;
}

const schemaOf = (table: string) => (table.includes('.') ? table.slice(0, table.indexOf('.')) : undefined);

/** The index's name as SQL, qualified with the table's schema (DROP INDEX needs it). */
export function qualifiedIndex(i: IndexSpec): string {
  const s = schemaOf(i.table);
  return s ? `${ident(s)}.${ident(i.name)}` : ident(i.name);
}

/**
 * Build concurrently, after dropping what a failed or interrupted build left:
 * CREATE INDEX CONCURRENTLY that fails leaves an INVALID index, which costs
 * every write and which IF NOT EXISTS would mistake for a finished one.
 * https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
 */
export function buildIndexConcurrently(i: IndexSpec): string[] {
  const method = i.method && i.method !== 'btree' ? ` USING ${i.method}` : '';
  const where = i.where ? ` WHERE ${i.where}` : '';
  return [
    `DROP INDEX CONCURRENTLY IF EXISTS ${qualifiedIndex(i)};`,
    `CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY ${ident(i.name)} ON ${qualified(i.table)}${method} (${i.columns.map(ident).join(', ')})${where};`,
  ];
}

export function dropIndexConcurrently(i: IndexSpec): string[] {
  return [`DROP INDEX CONCURRENTLY IF EXISTS ${qualifiedIndex(i)};`];
}

/** One row when the index is missing or not valid. */
export function indexInvalidSql(i: IndexSpec): string {
  return `SELECT ${literal(i.name)} AS invalid_or_missing_index WHERE NOT EXISTS (
  SELECT 1 FROM pg_index WHERE indexrelid = to_regclass(${literal(qualifiedIndex(i))}) AND indisvalid)`;
}

/** A default name PostgreSQL itself would choose: `support_ticket_customer_id_idx`, cut to 63 bytes. */
export function defaultIndexName(table: string, columns: string[], suffix: 'idx' | 'key' | 'fkey'): string {
  const bare = table.includes('.') ? table.slice(table.indexOf('.') + 1) : table;
  const base = `${bare}_${columns.join('_')}`;
  return `${base.slice(0, 63 - suffix.length - 1)}_${suffix}`;
}

/** One row when the table has no constraint of that name, or it is not validated. */
export function constraintNotValidatedSql(table: string, name: string): string {
  return `SELECT ${literal(name)} AS constraint_missing_or_not_valid WHERE NOT EXISTS (
  SELECT 1 FROM pg_constraint WHERE conrelid = ${literal(qualified(table))}::regclass AND conname = ${literal(name)} AND convalidated)`;
}

/** One row when the table has no constraint of that name. */
export function constraintMissingSql(table: string, name: string): string {
  return `SELECT ${literal(name)} AS missing_constraint WHERE NOT EXISTS (
  SELECT 1 FROM pg_constraint WHERE conrelid = ${literal(qualified(table))}::regclass AND conname = ${literal(name)})`;
}
