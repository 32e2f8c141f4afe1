import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../db/db.js';
import { PgDb, redactUrl } from '../db/pg-db.js';
import { PgliteDb } from '../db/pglite-db.js';
import { DatabaseUnreachableError } from '../errors.js';

/** Bump with @electric-sql/pglite: the template cache is only valid for the version that wrote it. */
const PGLITE_VERSION = '0.5';

export interface ScratchDatabase {
  db: Db;
  /** Where it is, safe to print: a directory or `server/database`. */
  where: string;
  /** Remove it (unless kept); idempotent, safe to call from a signal handler too. */
  dispose(): Promise<void>;
}

/**
 * A database of its own for one rehearsal: PGlite in a fresh temporary
 * directory, or `switchback_rehearse_<random>` created on the server `url`
 * points at (which needs CREATEDB) and dropped afterwards with FORCE, so
 * sessions left behind by a failure do not keep it alive.
 */
export async function createScratchDatabase(o: { url?: string; keep?: boolean }): Promise<ScratchDatabase> {
  if (!o.url) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchback-rehearse-'));
    const db = await openPgliteFromTemplate(path.join(dir, 'pgdata'));
    let disposed: Promise<void> | undefined;
    return {
      db,
      where: path.join(dir, 'pgdata'),
      dispose: () =>
        (disposed ??= (async () => {
          await db.close().catch(() => {});
          if (!o.keep) fs.rmSync(dir, { recursive: true, force: true });
        })()),
    };
  }
  const name = `switchback_rehearse_${randomBytes(6).toString('hex')}`;
  await admin(o.url, `CREATE DATABASE ${name}`);
  const u = new URL(o.url);
  u.pathname = `/${name}`;
  const db = new PgDb(u.toString(), { applicationName: 'switchback rehearse', max: 8 });
  let disposed: Promise<void> | undefined;
  return {
    db,
    where: redactUrl(u.toString()),
    dispose: () =>
      (disposed ??= (async () => {
        await db.close().catch(() => {});
        if (!o.keep) await admin(o.url!, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      })()),
  };
}

/**
 * A fresh PGlite database (in `dataDir`, or in memory without one), started
 * from a cached copy of an empty one when there is one: initdb in WebAssembly
 * takes seconds, loading its result a fraction of that. The cache (in the
 * temporary directory, per PGlite version) is written once, atomically, by
 * the first caller.
 */
export async function openPgliteFromTemplate(dataDir?: string): Promise<PgliteDb> {
  const cache = path.join(os.tmpdir(), `switchback-pglite-template-${PGLITE_VERSION}-${process.getuid?.() ?? 'u'}.tar`);
  if (fs.existsSync(cache)) {
    try {
      return await PgliteDb.open(dataDir, { loadDataDir: new Blob([fs.readFileSync(cache)]) });
    } catch {
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(cache, { force: true }); // unreadable: made again below
    }
  }
  const db = await PgliteDb.open(dataDir);
  try {
    const dump = await db.pg.dumpDataDir('none');
    const tmp = `${cache}.${process.pid}`;
    fs.writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    fs.renameSync(tmp, cache);
  } catch {
    /* no cache this time: the next caller pays initdb again */
  }
  return db;
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, application_name: 'switchback rehearse' });
  try {
    await client.connect();
    await client.query(sql);
  } catch (e) {
    throw new DatabaseUnreachableError(redactUrl(url), `${sql.split(' ').slice(0, 2).join(' ')} failed: ${e instanceof Error ? e.message : String(e)} (the rehearsal needs a role that may create databases)`);
  } finally {
    await client.end().catch(() => {});
  }
}
