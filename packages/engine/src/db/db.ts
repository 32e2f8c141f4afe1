/**
 * One database interface, two implementations (PGlite, pg). Everything in the
 * engine talks to PostgreSQL through this, so every feature runs on both.
 */
export type Row = Record<string, unknown>;

export interface QueryResult<R = Row> {
  rows: R[];
  /** Rows a write statement touched (0 for reads). */
  rowCount: number;
}

export interface Queryable {
  query<R = Row>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
  /** Run one or more statements with no parameters (simple protocol). */
  exec(sql: string): Promise<void>;
}

export type Isolation = 'read committed' | 'repeatable read' | 'serializable';

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Where the database is, safe to print (no password). */
  readonly label: string;
  /** Run `fn` in a transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: { isolation?: Isolation; readOnly?: boolean }): Promise<T>;
  /**
   * Run `fn` on one pinned connection, for session state such as advisory
   * locks. On PGlite (a single connection) this is the database itself.
   */
  session<T>(fn: (session: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** PostgreSQL error codes the engine reacts to. */
export const PgCode = {
  lockNotAvailable: '55P03',
  deadlock: '40P01',
  serializationFailure: '40001',
  undefinedTable: '42P01',
  invalidPassword: '28P01',
  invalidAuthorization: '28000',
  invalidCatalogName: '3D000',
  queryCanceled: '57014',
} as const;

export function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'string'
    ? (e as { code: string }).code
    : undefined;
}

export function beginSql(options?: { isolation?: Isolation; readOnly?: boolean }): string {
  let sql = 'BEGIN';
  if (options?.isolation) sql += ` ISOLATION LEVEL ${options.isolation.toUpperCase()}`;
  if (options?.readOnly) sql += ' READ ONLY';
  return sql;
}
