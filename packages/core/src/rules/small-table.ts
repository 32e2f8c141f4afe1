import { findTable, type SchemaModel } from '../schema/schema-model.js';

/**
 * Below both limits a table is small enough that a rewrite, scan or index
 * build under a strong lock finishes in milliseconds, so its lock findings
 * are only `info`. Sizes come from a live catalog (`--schema postgres://…`).
 */
export const SMALL_TABLE_LIMITS = { rows: 10_000, bytes: 10 * 1024 * 1024 } as const;

/** "support_customer has ~120 rows (48 kB)" when every table is known and small; undefined otherwise. */
export function smallTablesNote(schema: SchemaModel, tables: string[], limits: { rows: number; bytes: number } = SMALL_TABLE_LIMITS): string | undefined {
  if (!tables.length) return undefined;
  const sizes: string[] = [];
  for (const name of tables) {
    const t = findTable(schema, name);
    if (t?.rows === undefined || t.bytes === undefined || t.rows >= limits.rows || t.bytes >= limits.bytes) return undefined;
    sizes.push(`${name} has ~${t.rows} rows (${formatBytes(t.bytes)})`);
  }
  return sizes.join(', ');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
