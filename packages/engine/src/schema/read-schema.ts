import type { SchemaModel, TableModel } from '@switchback/core';
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
  // Enum types by the name format_type gives their columns (qualified when outside the search path).
  const { rows: enumRows } = await db.query<{ type: string; labels: string[] }>(`
SELECT format_type(t.oid, NULL) AS type, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
  FROM pg_type t
  JOIN pg_namespace n ON n.oid = t.typnamespace
  JOIN pg_enum e ON e.enumtypid = t.oid
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'switchback')
 GROUP BY t.oid`);
  return { tables, enums: Object.fromEntries(enumRows.map((r) => [r.type, r.labels])) };
}
