import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseInUseError, DatabaseUnreachableError, InvalidDatabaseUrlError } from '../errors.js';
import { errorCode, PgCode, type Db } from './db.js';
import { PgDb, redactUrl } from './pg-db.js';
import { PgliteDb } from './pglite-db.js';

/** Where the embedded database lives when no DATABASE_URL is given. */
export const DEFAULT_DATA_DIR = '.switchback/pgdata';

export interface OpenOptions {
  /** `postgres://…`: that server. Otherwise PGlite in `dataDir`. */
  url?: string;
  dataDir?: string;
  /** Shown to other sessions in pg_stat_activity (names the executor holding a lock). */
  applicationName?: string;
  /** Describes this process in the PGlite lock file. */
  command?: string;
  /** Where `url` came from, for error messages (`DATABASE_URL`, `--database-url`). */
  urlSource?: string;
}

/** Open the database a command works on, checking it answers. */
export async function openDatabase(options: OpenOptions = {}): Promise<Db> {
  if (options.url) return openServer(options.url, options.applicationName, options.urlSource);
  return openEmbedded(path.resolve(options.dataDir ?? DEFAULT_DATA_DIR), options.command ?? 'switchback');
}

async function openServer(url: string, applicationName?: string, source?: string): Promise<Db> {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new InvalidDatabaseUrlError(redactUrl(url), source);
  const db = new PgDb(url, applicationName ? { applicationName } : {});
  try {
    await db.query('SELECT 1');
    return db;
  } catch (e) {
    await db.close().catch(() => {});
    throw new DatabaseUnreachableError(db.label, describeConnectError(e), source);
  }
}

function describeConnectError(e: unknown): string {
  const code = errorCode(e);
  const message = e instanceof Error ? e.message : String(e);
  if (code === PgCode.invalidPassword || code === PgCode.invalidAuthorization) return `authentication failed (${message})`;
  if (code === PgCode.invalidCatalogName) return `the database does not exist (${message})`;
  if (code === 'ECONNREFUSED') return 'connection refused (is the server running on that host and port?)';
  if (code === 'ENOTFOUND') return 'unknown host';
  return message;
}

interface LockInfo {
  pid: number;
  host: string;
  command: string;
  since: string;
}

/**
 * PGlite allows one process per data directory: a lock file names the holder,
 * and a lock left by a process that died is taken over.
 */
async function openEmbedded(dataDir: string, command: string): Promise<Db> {
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const lockFile = `${dataDir}.lock`;
  const release = acquireLock(lockFile, dataDir, command);
  try {
    const db = await PgliteDb.open(dataDir);
    const close = db.close.bind(db);
    db.close = async () => {
      try {
        await close();
      } finally {
        release();
      }
    };
    return db;
  } catch (e) {
    release();
    throw new DatabaseUnreachableError(`PGlite at ${dataDir}`, e instanceof Error ? e.message : String(e));
  }
}

function acquireLock(lockFile: string, dataDir: string, command: string): () => void {
  const me: LockInfo = { pid: process.pid, host: os.hostname(), command, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, JSON.stringify(me), { flag: 'wx' });
      const release = () => {
        try {
          const held = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as LockInfo;
          if (held.pid === process.pid) fs.unlinkSync(lockFile);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return release;
    } catch (e) {
      if (errorCode(e) !== 'EEXIST') throw e;
      const held = readLock(lockFile);
      if (held && held.host === os.hostname() && isAlive(held.pid) && held.pid !== process.pid) {
        throw new DatabaseInUseError(dataDir, `pid ${held.pid} (${held.command}) since ${held.since}`);
      }
      if (held && held.host !== os.hostname()) {
        throw new DatabaseInUseError(dataDir, `pid ${held.pid} on host ${held.host} (${held.command}); delete ${lockFile} if that host is gone`);
      }
      fs.rmSync(lockFile, { force: true }); // stale: its process is gone
    }
  }
  throw new DatabaseInUseError(dataDir, 'another process that keeps re-taking the lock');
}

function readLock(lockFile: string): LockInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(lockFile, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errorCode(e) === 'EPERM';
  }
}
