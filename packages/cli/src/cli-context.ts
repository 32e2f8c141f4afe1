import os from 'node:os';
import { migrateLedger, openDatabase, type Db } from '@switchback/engine';
import { createOutput, type Output } from './output.js';

/** Options every database command shares. */
export interface GlobalOptions {
  databaseUrl?: string;
  dataDir?: string;
  actor?: string;
  json?: boolean;
  color?: boolean;
}

export function actorOf(o: GlobalOptions): string {
  return o.actor ?? process.env.SWITCHBACK_ACTOR ?? `${safeUser()}@${os.hostname()}`;
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

export function outputOf(o: GlobalOptions): Output {
  return createOutput(o.color === false ? { color: false } : {});
}

/** The database a command works on: --database-url, DATABASE_URL, or the embedded PGlite. */
export function openTarget(o: GlobalOptions, command: string): Promise<Db> {
  const url = o.databaseUrl ?? process.env.DATABASE_URL;
  const urlSource = o.databaseUrl ? '--database-url' : 'DATABASE_URL';
  return openDatabase({ ...(url ? { url, urlSource } : {}), ...(o.dataDir ? { dataDir: o.dataDir } : {}), applicationName: `switchback ${command}`, command: `switchback ${command}` });
}

/** Open the target database (DATABASE_URL or PGlite) and bring its ledger up to date. */
export async function withLedger<T>(o: GlobalOptions, command: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openTarget(o, command);
  try {
    await migrateLedger(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}
