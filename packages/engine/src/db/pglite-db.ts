import { PGlite } from '@electric-sql/pglite';
import { beginSql, type Db, type Isolation, type Queryable, type QueryResult, type Row } from './db.js';

interface PGliteLike {
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[]; affectedRows?: number }>;
  exec(sql: string): Promise<unknown>;
}

function wrap(pg: PGliteLike): Queryable {
  return {
    async query<R = Row>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
      const r = await pg.query<R>(sql, params);
      return { rows: r.rows, rowCount: r.affectedRows ?? 0 };
    },
    async exec(sql: string): Promise<void> {
      await pg.exec(sql);
    },
  };
}

/**
 * Embedded PostgreSQL (WASM) in a directory, or in memory. A single backend:
 * queries run one at a time, and a transaction holds the database until it
 * ends, so lock contention and CONCURRENTLY are not real here.
 */
export class PgliteDb implements Db {
  readonly kind = 'pglite' as const;
  private readonly q: Queryable;

  private constructor(
    readonly pg: PGlite,
    readonly label: string,
  ) {
    this.q = wrap(pg);
  }

  /** Open (or create) a database in `dataDir`; `undefined` means in memory. */
  static async open(dataDir?: string, options: { loadDataDir?: Blob } = {}): Promise<PgliteDb> {
    const pg = await PGlite.create(dataDir, options.loadDataDir ? { loadDataDir: options.loadDataDir } : {});
    return new PgliteDb(pg, dataDir ? `PGlite at ${dataDir}` : 'PGlite in memory');
  }

  query<R = Row>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    return this.q.query<R>(sql, params);
  }

  exec(sql: string): Promise<void> {
    return this.q.exec(sql);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: { isolation?: Isolation; readOnly?: boolean }): Promise<T> {
    return this.pg.transaction(async (tx) => {
      if (options?.isolation || options?.readOnly) {
        await tx.exec(beginSql(options).replace(/^BEGIN/, 'SET TRANSACTION'));
      }
      return fn(wrap(tx as unknown as PGliteLike));
    });
  }

  session<T>(fn: (session: Db) => Promise<T>): Promise<T> {
    return fn(this);
  }

  async close(): Promise<void> {
    if (!this.pg.closed) await this.pg.close();
  }
}
