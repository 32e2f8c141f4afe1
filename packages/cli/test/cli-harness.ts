/**
 * Runs the built `switchback` binary as a child process, the way a user or a CI
 * job does: its own working directory, NO_COLOR=1, exit code and both streams
 * captured. Needs `npx tsc -b` first (`npm test` does it).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, inject } from 'vitest';
import { migrateLedger, PgliteDb } from '@switchback/engine';
import { schemaSql, seedSql } from '@switchback/example-support-desk';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');

export const bin = path.resolve(here, '../dist/bin.js');
export const fixtures = path.join(here, 'fixtures');
export const exampleChange = path.join(repo, 'examples/support-desk/changes/0001-contract-into-customer.yaml');
export const exampleSchema = path.join(repo, 'examples/support-desk/migrations/0001_create_support_tables.sql');
export const EXAMPLE_ID = '0001-contract-into-customer';
export const PHASES = ['expand', 'dual-write', 'backfill', 'read-switch', 'cut-off', 'contract'] as const;

/** Per-test and per-process limit for the slow ones (a loaded 2-core CI box runs them several times slower). */
export const SLOW_MS = 150_000;

/** Any ANSI escape sequence (colour, cursor movement, erase line). */
export const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr, for "the message says X" assertions that do not care where it went. */
  output: string;
}

export interface RunOptions {
  cwd: string;
  /** Extra environment; DATABASE_URL is removed unless given here, so PGlite is the default target. */
  env?: Record<string, string>;
  /** Kill the child after this long (default SLOW_MS). */
  timeoutMs?: number;
}

/** Run `switchback ...args`; never rejects on a non-zero exit. Every run must be free of ANSI codes (NO_COLOR=1). */
export async function runCli(args: string[], options: RunOptions): Promise<CliResult> {
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: build first with npx tsc -b`);
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...options.env };
  if (!options.env?.DATABASE_URL) delete env.DATABASE_URL;
  delete env.SWITCHBACK_DEBUG;
  const r = await new Promise<CliResult>((resolve) => {
    execFile(process.execPath, [bin, ...args], { env, cwd: options.cwd, timeout: options.timeoutMs ?? SLOW_MS, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr), output: `${stdout}${stderr}` });
    });
  });
  expect(r.output, `switchback ${args.join(' ')} printed ANSI escape codes despite NO_COLOR=1`).not.toMatch(ANSI);
  return r;
}

/** A describe-level scratch directory with `changes/` holding the given files (copied, so messages show `changes/<name>`). */
export function makeWorkdir(files: string[] = []): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchback-cli-'));
  fs.mkdirSync(path.join(dir, 'changes'));
  for (const f of files) fs.copyFileSync(f, path.join(dir, 'changes', path.basename(f)));
  return dir;
}

/**
 * Creates the workdir's embedded database where the CLI finds it without
 * --data-dir (`.switchback/pgdata`), as a copy of the run's template (which
 * saves a ~5 s initdb), runs `setup` on it and closes it. Returns its directory.
 */
export async function workdirDb(cwd: string, setup: (db: PgliteDb) => Promise<void>): Promise<string> {
  const dataDir = path.join(cwd, '.switchback', 'pgdata');
  fs.cpSync(inject('pgliteTemplate'), dataDir, { recursive: true });
  const db = await PgliteDb.open(dataDir);
  try {
    await setup(db);
  } finally {
    await db.close();
  }
  return dataDir;
}

/** The ledger and the support desk in schema `desk` (50 customers), its previous version (1) reported stopped. */
export async function deskWithLedger(db: PgliteDb): Promise<void> {
  await migrateLedger(db);
  await db.exec(schemaSql('desk'));
  await db.exec(seedSql('desk', 50));
  await db.exec(`INSERT INTO switchback.app_instances (instance_id, app, version, stopped_at) VALUES ('v1-a', 'support-desk', '1', now())`);
}

export function removeWorkdir(dir: string | undefined): void {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

/** Parse stdout as JSON, failing with the text when it is not. */
export function parseJson<T = unknown>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.stdout}\n--- stderr ---\n${r.stderr}`);
  }
}

/** Memoise one CLI run so several assertions (some marked it.fails) share it. */
export function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}
