import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { SqlClient } from '../src/index.js';

/** The switchback tables the SDK reads and writes, as the engine's ledger creates them. */
const SCHEMA = `
CREATE SCHEMA switchback;
CREATE TABLE switchback.flags (
  name text PRIMARY KEY, description text NOT NULL DEFAULT '', enabled boolean NOT NULL DEFAULT false,
  rollout_bps integer NOT NULL DEFAULT 0 CHECK (rollout_bps BETWEEN 0 AND 10000),
  allow_tenants text[] NOT NULL DEFAULT '{}', rules jsonb NOT NULL DEFAULT '{}', change_id text,
  version bigint NOT NULL DEFAULT 1, updated_at timestamptz NOT NULL DEFAULT now(), updated_by text NOT NULL DEFAULT '');
CREATE TABLE switchback.changes (id text PRIMARY KEY, applied_phase text, status text NOT NULL DEFAULT 'idle');
CREATE TABLE switchback.shadow_mismatches (
  id bigserial PRIMARY KEY, flag text NOT NULL, change_id text, key text NOT NULL, tenant text,
  old_value jsonb, new_value jsonb, diff jsonb, app_version text, at timestamptz NOT NULL DEFAULT now());
CREATE TABLE switchback.app_instances (
  instance_id text PRIMARY KEY, app text NOT NULL, version text NOT NULL, host text, pid integer,
  started_at timestamptz NOT NULL DEFAULT now(), last_seen timestamptz NOT NULL DEFAULT now(), stopped_at timestamptz);`;

/** A database of the test's own on the server at DATABASE_URL, with the switchback tables. */
export interface ServerDatabase {
  url: string;
  pool: pg.Pool;
  drop(): Promise<void>;
}

/** A database with the switchback tables, on PGlite or the server; `db` takes parameterised queries. */
export interface SdkDatabase {
  db: SqlClient;
  /** Runs several statements (no parameters). */
  exec(sql: string): Promise<unknown>;
  /** One connection of its own, for a transaction (PGlite has only one). */
  session(): Promise<{ client: SqlClient; release(): void }>;
  drop(): Promise<void>;
}

/** PGlite always; the real server too when DATABASE_URL is set. */
export const sdkTargets: Array<{ name: 'pglite' | 'postgres'; create(): Promise<SdkDatabase> }> = [
  {
    name: 'pglite',
    async create() {
      const db = await PGlite.create();
      await db.exec(SCHEMA);
      return { db, exec: (sql) => db.exec(sql), session: async () => ({ client: db, release: () => {} }), drop: () => db.close() };
    },
  },
  ...(process.env.DATABASE_URL
    ? [{
        name: 'postgres' as const,
        async create(): Promise<SdkDatabase> {
          const server = await createServerDatabase();
          return {
            db: server.pool,
            exec: (sql) => server.pool.query(sql),
            session: async () => {
              const client = await server.pool.connect();
              return { client, release: () => client.release() };
            },
            drop: () => server.drop(),
          };
        },
      }]
    : []),
];

async function admin<T>(run: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  try {
    return await run(c);
  } finally {
    await c.end();
  }
}

/** Creates `switchback_sdk_test_<random>`; `drop()` removes it, closing any connection left. */
export async function createServerDatabase(): Promise<ServerDatabase> {
  const name = `switchback_sdk_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const u = new URL(process.env.DATABASE_URL!);
  u.pathname = `/${name}`;
  const url = u.toString();
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  await pool.query(SCHEMA);
  return {
    url,
    pool,
    async drop() {
      // pool.end() resolves before the server has seen every Terminate; the forced drop
      // below may then end a closing session, and its error reaches the pool.
      pool.on('error', () => {});
      await pool.end();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
