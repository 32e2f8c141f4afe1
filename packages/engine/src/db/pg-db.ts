import pg from 'pg';
import { beginSql, type Db, type Isolation, type Queryable, type QueryResult, type Row } from './db.js';
import { TransactionRolledBackError } from '../errors.js';

const INT8 = 20;
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as never)) as typeof pg.types.getTypeParser,
};

/** `postgres://user:secret@host/db` → `postgres://user@host/db`: safe for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString().replace(/:@/, '@');
  } catch {
    return '<unparseable database URL>';
  }
}

function wrap(client: pg.PoolClient | pg.Pool): Queryable {
  return {
    async query<R = Row>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
      const r = await client.query(sql, params as unknown[]);
      return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
    },
    async exec(sql: string): Promise<void> {
      await client.query(sql);
    },
  };
}

/** A PostgreSQL server through a node-postgres pool. */
export class PgDb implements Db {
  readonly kind = 'postgres' as const;
  readonly label: string;
  private readonly pool: pg.Pool;
  private readonly q: Queryable;

  constructor(readonly url: string, options: { max?: number; applicationName?: string } = {}) {
    this.label = redactUrl(url);
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 4,
      types,
      application_name: options.applicationName ?? 'switchback',
      connectionTimeoutMillis: 10_000,
    });
    // An idle client dying (server restart) must not crash the process.
    this.pool.on('error', () => {});
    this.q = wrap(this.pool);
  }

  query<R = Row>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    return this.q.query<R>(sql, params);
  }

  exec(sql: string): Promise<void> {
    return this.q.exec(sql);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: { isolation?: Isolation; readOnly?: boolean }): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(beginSql(options));
      const result = await fn(wrap(client));
      await commit(client);
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch((err: Error) => (broken = err));
      throw e;
    } finally {
      client.release(broken);
    }
  }

  async session<T>(fn: (session: Db) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const q = wrap(client);
    const pinned: Db = {
      kind: this.kind,
      label: this.label,
      query: q.query,
      exec: q.exec,
      transaction: async (inner, options) => {
        await client.query(beginSql(options));
        try {
          const result = await inner(q);
          await commit(client);
          return result;
        } catch (e) {
          await client.query('ROLLBACK').catch(() => {});
          throw e;
        }
      },
      session: (inner) => inner(pinned),
      close: async () => {},
    };
    let broken: Error | undefined;
    try {
      return await fn(pinned);
    } catch (e) {
      broken = e instanceof Error ? e : new Error(String(e));
      throw e;
    } finally {
      // A session may hold advisory locks: never return it to the pool dirty.
      client.release(broken ?? true);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** COMMIT, and fail when PostgreSQL rolled back instead (a failed statement was caught inside). */
async function commit(client: pg.PoolClient): Promise<void> {
  const r = await client.query('COMMIT');
  if (r.command === 'ROLLBACK') throw new TransactionRolledBackError();
}
