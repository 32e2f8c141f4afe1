/**
 * The one thing the SDK needs from a database: run a parameterised query and
 * get rows back. `pg.Pool`, `pg.Client` and PGlite all satisfy it as they are.
 *
 * @example
 * const flags = await FlagClient.start(new pg.Pool({ connectionString }));
 */
export interface SqlClient {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/**
 * True when `error` is PostgreSQL's `undefined_table` (SQLSTATE 42P01), which
 * the SDK sees when the engine has not created the `switchback` schema yet.
 */
export function isUndefinedTable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '42P01';
}
