import type { IndexModel, SchemaModel, TableModel } from '@switchback/core';
import type { Queryable } from '../db/db.js';

/** Read the application's tables (every schema but the system ones and Switchback's own) from the catalog. */
export async function readSchema(db: Queryable): Promise<SchemaModel> {
  const { rows } = await db.query<{
    schema: string; table: string; column: string; type: string; notnull: boolean; def: string | null; generated: boolean; pk: boolean; rows: number; bytes: string;
  }>(`
SELECT n.nspname AS schema, c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
       a.attnotnull AS notnull, pg_get_expr(d.adbin, d.adrelid) AS def,
       (a.attgenerated <> '' OR a.attidentity <> '') AS generated,
       EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary AND a.attnum = ANY (i.indkey)) AS pk,
       greatest(c.reltuples, 0)::bigint AS rows, pg_total_relation_size(c.oid) AS bytes
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
 WHERE c.relkind IN ('r', 'p')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'switchback') AND n.nspname NOT LIKE 'switchback\\_archive%'
   AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
 ORDER BY n.nspname, c.relname, a.attnum`);
  const tables: Record<string, TableModel> = {};
  for (const r of rows) {
    const key = r.schema === 'public' ? r.table : `${r.schema}.${r.table}`;
    const t = (tables[key] ??= { name: key, schema: r.schema, columns: [], primaryKey: [], rows: Number(r.rows), bytes: Number(r.bytes) });
    t.columns.push({ name: r.column, type: r.type, nullable: !r.notnull, default: r.def, generated: r.generated });
    if (r.pk) t.primaryKey.push(r.column);
  }
  return { tables, indexes: await readIndexes(db), enums: await readEnums(db), views: await readViews(db) };
}

/** The indexes of the application's tables, with the constraint each backs. */
async function readIndexes(db: Queryable): Promise<Record<string, IndexModel>> {
  const { rows } = await db.query<{ schema: string; table: string; name: string; columns: string[]; unique: boolean; valid: boolean; method: string; predicate: string | null; constraint: string | null; contype: string | null }>(`
SELECT n.nspname AS schema, t.relname AS table, i.relname AS name, am.amname AS method, x.indisunique AS unique, x.indisvalid AS valid,
       pg_get_expr(x.indpred, x.indrelid) AS predicate, c.conname AS constraint, c.contype::text AS contype,
       ARRAY(SELECT CASE WHEN k.attnum = 0 THEN '(' || pg_get_indexdef(x.indexrelid, k.ord::int, true) || ')' ELSE a.attname::text END
               FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
               LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
              WHERE k.ord <= x.indnkeyatts ORDER BY k.ord) AS columns
  FROM pg_index x
  JOIN pg_class i ON i.oid = x.indexrelid
  JOIN pg_class t ON t.oid = x.indrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
  JOIN pg_am am ON am.oid = i.relam
  LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.contype IN ('p', 'u')
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'switchback') AND n.nspname NOT LIKE 'switchback\\_archive%'
   AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
 ORDER BY n.nspname, i.relname`);
  const indexes: Record<string, IndexModel> = {};
  for (const r of rows) {
    const key = (name: string) => (r.schema === 'public' ? name : `${r.schema}.${name}`);
    indexes[key(r.name)] = {
      name: key(r.name),
      table: key(r.table),
      columns: r.columns,
      unique: r.unique,
      valid: r.valid,
      method: r.method,
      ...(r.predicate ? { predicate: r.predicate } : {}),
      ...(r.constraint ? { constraint: { name: r.constraint, type: r.contype === 'p' ? ('primary-key' as const) : ('unique' as const) } } : {}),
    };
  }
  return indexes;
}

/** Enum types and their labels in order, keyed like tables (`status`, `billing.status`). */
async function readEnums(db: Queryable): Promise<Record<string, string[]>> {
  const { rows } = await db.query<{ schema: string; name: string; labels: string[] }>(`
SELECT n.nspname AS schema, t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
  FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'switchback')
 GROUP BY n.nspname, t.typname ORDER BY 1, 2`);
  return Object.fromEntries(rows.map((r) => [r.schema === 'public' ? r.name : `${r.schema}.${r.name}`, r.labels]));
}

/** Views and materialized views, named like tables, so a new name can be checked against them. */
async function readViews(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ schema: string; name: string }>(`
SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'switchback') AND n.nspname NOT LIKE 'pg\\_%'
 ORDER BY 1, 2`);
  return rows.map((r) => (r.schema === 'public' ? r.name : `${r.schema}.${r.name}`));
}
