/**
 * advance → status → verify-ledger → refused commands → rollback, through the
 * built binary, on the embedded database in <tmp>/.switchback/pgdata (and on a
 * fresh server database too when DATABASE_URL is set). A command refused with
 * exit 2 must leave the state exactly as it was.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteDb } from '@switchback/engine';
import { EXAMPLE_ID, exampleChange, exampleSchema, fixtures, makeWorkdir, parseJson, PHASES, removeWorkdir, runCli, SLOW_MS, workdirDb, type CliResult } from './cli-harness.js';

interface Target {
  /** Creates the database with the example app's tables; returns the global options that select it. */
  setup(cwd: string): Promise<string[]>;
  columnsOf(table: string): Promise<string[]>;
  teardown(): Promise<void>;
}

const columnsSql = `SELECT column_name AS c FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`;

function pgliteTarget(): Target {
  let dataDir = '';
  return {
    async setup(cwd) {
      // The default location, so no --data-dir: a copy of the run's template saves a ~5 s initdb.
      dataDir = await workdirDb(cwd, (db) => db.exec(fs.readFileSync(exampleSchema, 'utf8')));
      return [];
    },
    async columnsOf(table) {
      const db = await PgliteDb.open(dataDir);
      try {
        return (await db.query<{ c: string }>(columnsSql, [table])).rows.map((r) => r.c);
      } finally {
        await db.close();
      }
    },
    async teardown() {},
  };
}

function serverTarget(serverUrl: string): Target {
  const name = `switchback_cli_${randomBytes(6).toString('hex')}`;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  const onDb = async <T>(fn: (c: pg.Client) => Promise<T>) => {
    const c = new pg.Client({ connectionString: url.toString() });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  return {
    async setup() {
      await admin(`CREATE DATABASE ${name}`);
      await onDb((c) => c.query(fs.readFileSync(exampleSchema, 'utf8')));
      return ['--database-url', url.toString()];
    },
    columnsOf: (table) => onDb(async (c) => (await c.query<{ c: string }>(columnsSql, [table])).rows.map((r) => r.c)),
    teardown: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

const serverUrl = process.env.DATABASE_URL;
const targets: Array<{ name: string; make: () => Target }> = [
  { name: 'PGlite in .switchback/pgdata', make: pgliteTarget },
  ...(serverUrl ? [{ name: 'a fresh database on DATABASE_URL', make: () => serverTarget(serverUrl) }] : []),
];

interface StatusJson {
  id: string;
  appliedPhase: string | null;
  status: string;
  phases: Array<{ id: string; state: string }>;
}

describe.each(targets)('the change lifecycle through the CLI on $name', { timeout: SLOW_MS }, ({ make }) => {
  const change = `changes/${EXAMPLE_ID}.yaml`;
  const target = make();
  let cwd: string;
  let db: string[];
  const cli = (...args: string[]) => runCli([...db, ...args], { cwd });

  /** The whole ledger as `status --json` shows it, to prove a refused command changed nothing. */
  async function status(): Promise<string> {
    const r = await cli('status', '--json');
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  }
  async function ledgerEvents(): Promise<number> {
    const r = await cli('verify-ledger');
    expect(r.code, r.stderr).toBe(0);
    const m = /^ledger intact: (\d+) events, every hash matches$/m.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    return Number(m![1]);
  }
  /** Exit 2, no stdout, and `status --json` identical before and after. */
  async function expectRefused(args: string[], state: string): Promise<CliResult> {
    const r = await cli(...args);
    expect(r.code, r.output).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
    expect(await status(), `state after switchback ${args.join(' ')}`).toBe(state);
    return r;
  }

  let afterExpand = '';
  let afterRollback = '';
  let events = 0;

  beforeAll(async () => {
    cwd = makeWorkdir([exampleChange, path.join(fixtures, 'missing-column.yaml')]);
    db = await target.setup(cwd);
  });
  afterAll(async () => {
    await target.teardown();
    removeWorkdir(cwd);
  });

  it('advance <file> --to expand: exit 0, the new columns exist, status --json says expand', async () => {
    const r = await cli('advance', change, '--to', 'expand', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson(r)).toMatchObject({ outcome: 'succeeded', change: EXAMPLE_ID, from: null, to: 'expand' });
    expect(r.stderr).toContain('▶ expand forward');
    expect(r.stderr).toContain(`${EXAMPLE_ID}: nothing → expand applied`);
    expect(await target.columnsOf('support_customer')).toEqual(expect.arrayContaining(['tier', 'end_date']));

    afterExpand = await status();
    const all = JSON.parse(afterExpand) as StatusJson[];
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ id: EXAMPLE_ID, appliedPhase: 'expand', file: change });
    expect(all[0]!.phases.map((p) => [p.id, p.state])).toEqual(PHASES.map((p) => [p, p === 'expand' ? 'applied' : 'pending']));
  });

  it('verify-ledger: exit 0, ledger intact', async () => {
    events = await ledgerEvents();
    expect(events).toBeGreaterThan(0);
  });

  it('rollback --to a phase ahead of the applied one: exit 2, suggests advance, changes nothing', async () => {
    const r = await expectRefused(['rollback', EXAMPLE_ID, '--to', 'contract'], afterExpand);
    expect(r.stderr).toContain(`${EXAMPLE_ID} has only applied expand; it cannot roll back to contract, which is ahead.`);
    expect(r.stderr).toContain(`To go forward, use: switchback advance ${EXAMPLE_ID} --to contract`);
  });

  it('advance --to a phase that does not exist ("start"): exit 2, lists the phases, changes nothing', async () => {
    const r = await expectRefused(['advance', EXAMPLE_ID, '--to', 'start'], afterExpand);
    expect(r.stderr).toContain(`${EXAMPLE_ID} has no phase "start"; its phases are ${PHASES.join(', ')}.`);
  });

  it('an unknown change id: exit 2, names the known ids and how to register one, changes nothing', async () => {
    const r = await expectRefused(['rollback', '0009-nope'], afterExpand);
    expect(r.stderr).toContain(`No change "0009-nope" in the ledger (known: ${EXAMPLE_ID}).`);
    expect(r.stderr).toContain('Pass the change file (switchback advance changes/0009-nope.yaml) to register it.');
  });

  it('advance <file> naming a column the live table lacks: exit 2 at params.columns[1], not registered', async () => {
    const r = await expectRefused(['advance', 'changes/missing-column.yaml'], afterExpand);
    expect(r.stderr).toMatch(/^changes\/missing-column\.yaml:10:7: params\.columns\[1\]: column "renewal_date" does not exist in support_contract \(columns: id, customer_id, start_date, tier, end_date\)/);
  });

  it('the refused commands wrote nothing to the ledger either', async () => {
    expect(await ledgerEvents()).toBe(events);
  });

  it('rollback <id>: exit 0, undoes expand, the columns are gone, the ledger is still intact', async () => {
    const r = await cli('rollback', EXAMPLE_ID, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson(r)).toMatchObject({ outcome: 'succeeded', change: EXAMPLE_ID, from: 'expand', to: null });
    expect(r.stderr).toContain('◀ expand backward');
    expect(r.stderr).toContain(`${EXAMPLE_ID}: expand → nothing applied`);
    expect(await target.columnsOf('support_customer')).toEqual(['id', 'tenant', 'contact_name', 'company_name', 'address']);
    afterRollback = await status();
    const [s] = JSON.parse(afterRollback) as StatusJson[];
    expect(s).toMatchObject({ id: EXAMPLE_ID, appliedPhase: null });
    expect(s!.phases.every((p) => p.state === 'pending')).toBe(true);
    expect(await ledgerEvents()).toBeGreaterThan(events);
  });

  it('advance <new file> --to a phase that does not exist: exit 2 and nothing registered', async () => {
    fs.copyFileSync(path.join(cwd, change), path.join(cwd, 'changes', '0002-same-move-again.yaml'));
    const r = await expectRefused(['advance', 'changes/0002-same-move-again.yaml', '--to', 'bogus'], afterRollback);
    expect(r.stderr).toContain('has no phase "bogus"');
  });
});
