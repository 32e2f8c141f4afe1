/**
 * `switchback rehearse` as a user runs it: the matrix, --json for machines,
 * exit codes, bad input, and the scratch database gone afterwards (also after
 * Ctrl-C). The engine's rehearsal tests cover the checks themselves.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, exampleChange, exampleSchema, fixtures, makeWorkdir, parseJson, removeWorkdir, runCli, SLOW_MS } from './cli-harness.js';

const serverUrl = process.env.DATABASE_URL;

interface Json {
  version: number;
  ok: boolean;
  phases: string[];
  cells: { phase: string; direction: string; version: string; status: string; checks: Record<string, string> }[];
  failures: unknown[];
  overrides: { gate: string; reason: string }[];
}

describe('switchback rehearse: bad input exits 2 with what, where and how to fix it', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = makeWorkdir([path.join(fixtures, 'missing-table.yaml')]);
  });
  afterAll(() => removeWorkdir(cwd));

  it('a missing change file', async () => {
    const r = await runCli(['rehearse', 'changes/nope.yaml'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^changes\/nope\.yaml:1:1: no such file; check the path/);
  });

  it('an unknown table: file, line and field, before any database is made', async () => {
    const r = await runCli(['rehearse', 'changes/missing-table.yaml', '--schema', exampleSchema], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^changes\/missing-table\.yaml:6:\d+: params\.from\.table: .*support_agreement/m);
    expect(r.stderr).not.toContain('Rehearsing');
  });

  it.each([
    [['--rows', 'many'], /--rows must be a whole number from 1 to 10000000 \(got "many"\)/],
    [['--seed', '-1'], /--seed must be a whole number/],
    [['--schema', 'no/such.sql'], /--schema no\/such\.sql: no such file or directory/],
  ])('%j', async (args, message) => {
    const r = await runCli(['rehearse', exampleChange, ...args], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('a CHECK no generated row holds: which table, which CHECK, how to go on; the scratch database is not left behind', { timeout: SLOW_MS }, async () => {
    fs.writeFileSync(path.join(cwd, 'product.sql'), 'CREATE TABLE product (id bigint PRIMARY KEY, price integer NOT NULL, cost integer NOT NULL, name text, CHECK (cost = price * 7));');
    fs.writeFileSync(path.join(cwd, 'changes', 'rename-name.yaml'), 'version: 1\ntitle: Rename name\nintent: rename-column\nparams:\n  table: product\n  from: name\n  to: title\n');
    const r = await runCli(['rehearse', 'changes/rename-name.yaml', '--schema', 'product.sql', '--rows', '50'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Could generate only 0 of 50 rows of product that hold CHECK \(cost = \(price \* 7\)\) \(from 1000 drawn\)\. Rehearse with fewer --rows, or against a schema \(--schema\) with a looser CHECK\./);
    expect(r.stderr).not.toMatch(/unexpected error|at .*\.js:\d+/);
  });

  it('a change with no schema beside it and no --schema', async () => {
    fs.copyFileSync(exampleChange, path.join(cwd, 'changes', 'seed.yaml'));
    const r = await runCli(['rehearse', 'changes/seed.yaml'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No schema to rehearse against: pass --schema FILE_OR_DIR/);
  });
});

describe('switchback rehearse on PGlite', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = makeWorkdir();
  });
  afterAll(() => removeWorkdir(cwd));

  it('--json: a clean matrix of the seed change, found through the migrations beside it; exit 0', async () => {
    const r = await runCli(['rehearse', exampleChange, '--rows', '200', '--json'], { cwd, timeoutMs: SLOW_MS });
    expect(r.code, r.stderr).toBe(0);
    const j = parseJson<Json>(r);
    expect(j.version).toBe(1);
    expect(j.ok).toBe(true);
    expect(j.failures).toEqual([]);
    expect(j.cells).toHaveLength(j.phases.length * 2 * 2);
    expect(j.cells.filter((c) => c.status !== 'n/a').every((c) => c.status === 'pass' && c.checks.locks === 'not measurable on PGlite')).toBe(true);
    expect(j.overrides.every((o) => o.reason === 'rehearsal')).toBe(true);
  }, SLOW_MS);

  it('human output: the matrix with ✓ and – per version, no colour under NO_COLOR, the scratch directory removed', async () => {
    const r = await runCli(['rehearse', exampleChange, '--rows', '100', '--return-to-start'], { cwd, timeoutMs: SLOW_MS });
    expect(r.code, r.output).toBe(0);
    expect(r.stdout).toMatch(/^ {2}contract {5}forward {4}– {4}✓ {4}ok ×2/m);
    expect(r.stdout).toMatch(/^ {2}cut-off {6}backward {3}✓ {4}✓ {4}ok ×2/m);
    expect(r.stdout).toContain('The matrix is clean');
    const dir = /on PGlite \(([^)]+)\)/.exec(r.stderr)?.[1];
    expect(dir).toBeDefined();
    expect(fs.existsSync(dir!)).toBe(false);
  }, SLOW_MS);
});

describe.skipIf(!serverUrl)('switchback rehearse on the server', () => {
  const databaseOf = (stderr: string) => /switchback_rehearse_[0-9a-f]+/.exec(stderr)?.[0];
  async function exists(name: string): Promise<boolean> {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      return (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
    } finally {
      await c.end();
    }
  }

  it('a clean matrix with lock waits measured, and the throw-away database dropped', async () => {
    const cwd = makeWorkdir();
    try {
      const r = await runCli(['rehearse', exampleChange, '--rows', '200', '--json', '--database-url', serverUrl!], { cwd, timeoutMs: SLOW_MS });
      expect(r.code, r.stderr).toBe(0);
      const j = parseJson<Json>(r);
      expect(j.ok).toBe(true);
      expect(j.cells.filter((c) => c.status === 'pass').every((c) => /ms max wait \(lock_timeout 2000 ms\)/.test(c.checks.locks!))).toBe(true);
    } finally {
      removeWorkdir(cwd);
    }
  }, SLOW_MS);

  it('Ctrl-C drops the throw-away database and exits 130', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, [bin, 'rehearse', exampleChange, '--rows', '20000', '--database-url', serverUrl!], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const until = Date.now() + 60_000;
    // The name is printed before the schema loads; the 20,000-row rehearsal is still running when it is killed.
    while (!databaseOf(err) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500));
    const name = databaseOf(err);
    expect(name, err).toBeDefined();
    expect(await exists(name!)).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(await exists(name!)).toBe(false);
  }, SLOW_MS);
});
