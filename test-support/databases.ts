import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { PgDb, PgliteDb, migrateLedger, type Db } from '@switchback/engine';

export interface TestDatabase {
  db: Db;
  /** For child processes: a postgres URL, or the PGlite data directory. */
  url?: string;
  dataDir?: string;
  drop(): Promise<void>;
}

export interface TestTarget {
  name: 'pglite' | 'postgres';
  create(options?: { ledger?: boolean }): Promise<TestDatabase>;
}

const serverUrl = process.env.DATABASE_URL;

/** PGlite always; the real server too when DATABASE_URL is set. Each database is the test's own. */
export const targets: TestTarget[] = [
  { name: 'pglite', create: createPglite },
  ...(serverUrl ? [{ name: 'postgres' as const, create: createServerDatabase }] : []),
];

export const serverTarget = targets.find((t) => t.name === 'postgres');

async function createPglite(options: { ledger?: boolean } = {}): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchback-test-'));
  const dataDir = path.join(dir, 'pgdata');
  fs.cpSync(inject('pgliteTemplate'), dataDir, { recursive: true });
  const db = await PgliteDb.open(dataDir);
  if (options.ledger !== false) await migrateLedger(db);
  return {
    db,
    dataDir,
    async drop() {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function createServerDatabase(options: { ledger?: boolean } = {}): Promise<TestDatabase> {
  const name = `switchback_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(serverUrl!);
  u.pathname = `/${name}`;
  const url = u.toString();
  const db = new PgDb(url, { max: 8 });
  if (options.ledger !== false) await migrateLedger(db);
  return {
    db,
    url,
    async drop() {
      await db.close();
      const a = new pg.Client({ connectionString: serverUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
