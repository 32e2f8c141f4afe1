/**
 * The lifecycle harness for intents: forward through every phase (back one
 * and forward again at each), back to the start one phase at a time, forward
 * again to the end, with the state checked after every transition (pgroll's
 * ExecuteTests, in phases). `walkLifecycle` takes a callback for free-form
 * checks; `runLifecycle` takes a `LifecycleCase` (the old and new versions'
 * queries and writes) and checks what every phase promises.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { parseChangeFile, type ChangeSpec, type PhaseId, type Plan } from '@switchback/core';
import { advance, changeStatus, getChange, registerChange, rollback, verifyLedger, type Db, type Queryable } from '@switchback/engine';
import { schemaSql, seedSql } from '@switchback/example-support-desk';
import { targets, type TestDatabase, type TestTarget } from '../../../test-support/databases.js';

export const exec = { actor: 'test', propagationMs: 0 };

/**
 * Advance `id` to `to` while another session holds the row locks its
 * `statements` take, committing them after 500 ms: the step meets the locks
 * and must wait for them, then see what they wrote (a server database).
 */
export async function advanceAgainstOpenWriter(t: TestDatabase, id: string, to: PhaseId, statements: string[]): Promise<Awaited<ReturnType<typeof advance>>> {
  const writer = new pg.Client({ connectionString: t.url });
  await writer.connect();
  await writer.query('BEGIN');
  for (const sql of statements) await writer.query(sql);
  const transition = advance(t.db, id, { ...exec, to });
  await new Promise((r) => setTimeout(r, 500));
  await writer.query('COMMIT');
  await writer.end();
  return transition;
}

/** A change file's text as the engine takes it; fails the test on any problem. */
export function changeFrom(yaml: string, id: string): ChangeSpec {
  const parsed = parseChangeFile(yaml, `changes/${id}.yaml`);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  return parsed.change;
}

export async function planOf(db: Db, id: string): Promise<Plan> {
  return (await getChange(db, id))!.plan;
}

/** Where the walk stands: `forward` and `backward` stops are rolled back later, `again` is the final pass forward, `complete` the end. */
export type WalkStop = 'forward' | 'backward' | 'again' | 'complete';

/**
 * Walk the change's whole lifecycle, calling `at` with the applied phase
 * (null = nothing applied) after every transition: forward through every
 * phase (back one and forward again at each), back to the start one phase at
 * a time, forward again one phase at a time, then complete. Each call is
 * where the test proves the state: schema, the old and new app versions'
 * queries, and that no committed write is missing.
 */
export async function walkLifecycle(db: Db, id: string, at: (applied: string | null, how: WalkStop) => Promise<void>): Promise<void> {
  const phases = (await planOf(db, id)).phases.map((p) => p.id);
  const step = async (to: 'advance' | 'rollback', phase: string, applied: string | null, how: WalkStop) => {
    const r = to === 'advance' ? await advance(db, id, { ...exec, to: phase as never }) : await rollback(db, id, exec);
    expect(r.outcome, `${to} ${phase} (${how}): ${r.reason}`).toBe('succeeded');
    expect((await changeStatus(db, id)).appliedPhase, `applied after ${to} ${phase} (${how})`).toBe(applied);
    await at(applied, how);
  };
  await at(null, 'forward');
  for (const [i, phase] of phases.entries()) {
    await step('advance', phase, phase, 'forward');
    await step('rollback', phase, phases[i - 1] ?? null, 'backward');
    await step('advance', phase, phase, 'forward');
  }
  for (let i = phases.length - 1; i >= 0; i--) await step('rollback', phases[i]!, phases[i - 1] ?? null, 'backward');
  for (const phase of phases) await step('advance', phase, phase, 'again');
  expect((await advance(db, id, exec)).reason).toMatch(/complete/);
  await at(phases[phases.length - 1] ?? null, 'complete');
  expect((await verifyLedger(db)).ok).toBe(true);
}

/** One intent's lifecycle as data: what the old and new app versions run and write, and what each shape must hold. */
export interface LifecycleCase {
  change: ChangeSpec;
  /** Queries of the previous app version: they must succeed in every state before contract, and fail after it (unless `oldQueriesRunAfterContract`). */
  oldQueries: string[];
  /** The old shape's tables survive contract (split-table), so its queries still run, on fewer rows. */
  oldQueriesRunAfterContract?: boolean;
  /** Queries of the new app version, and the first phase after which they must succeed. */
  newQueries: string[];
  newQueriesFrom: PhaseId | 'start';
  /** One write by the old version (`n` is unique per call); it records what it committed. */
  oldWrite(db: Db, n: number): Promise<void>;
  /** One write by the new version, made from `newWritesFrom` on. */
  newWrite?(db: Db, n: number): Promise<void>;
  newWritesFrom?: PhaseId;
  /** Committed writes the old shape (before contract) or the new shape (from `newHoldsFrom`) does not hold. */
  lost(db: Db, shape: 'old' | 'new'): Promise<string[]>;
  newHoldsFrom: PhaseId;
  /** Further checks of the state with `applied` as the last applied phase (-1 = none). */
  expectState?(db: Db, applied: number, plan: Plan): Promise<void>;
}

async function failureOf(db: Db, sql: string): Promise<string | undefined> {
  try {
    await db.query(sql);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Register `c`'s change and walk its lifecycle on `db` (which holds the tables and rows already), checking the case at every stop. */
export async function runLifecycle(db: Db, c: LifecycleCase): Promise<void> {
  const plan = (await registerChange(db, c.change, 'test')).plan;
  const ids: string[] = plan.phases.map((p) => p.id);
  const index = (p: PhaseId | 'start' | undefined, fallback: number) => (p === undefined ? fallback : p === 'start' ? -1 : ids.indexOf(p));
  const contract = index('contract', ids.length);
  const newQueriesFrom = index(c.newQueriesFrom, -1);
  const newWritesFrom = index(c.newWritesFrom, ids.length);
  const newHoldsFrom = index(c.newHoldsFrom, ids.length);
  let n = 0;
  await walkLifecycle(db, c.change.id, async (phase, how) => {
    const applied = phase === null ? -1 : ids.indexOf(phase);
    const state = `${how} (applied: ${phase ?? 'none'})`;
    for (const q of c.oldQueries) {
      const error = await failureOf(db, q);
      if (applied < contract) expect(error, `old version query fails ${state}: ${q}`).toBeUndefined();
      else if (!c.oldQueriesRunAfterContract) expect(error, `old version query still works after contract ${state}: ${q}`).toBeDefined();
    }
    if (applied >= newQueriesFrom) for (const q of c.newQueries) expect(await failureOf(db, q), `new version query fails ${state}: ${q}`).toBeUndefined();
    if (applied < contract) expect(await c.lost(db, 'old'), `writes lost from the old shape ${state}`).toEqual([]);
    if (applied >= newHoldsFrom) expect(await c.lost(db, 'new'), `writes lost from the new shape ${state}`).toEqual([]);
    await c.expectState?.(db, applied, plan);
    // The apps keep writing in every state they may run in.
    if (applied < contract) await c.oldWrite(db, ++n);
    if (c.newWrite && applied >= newWritesFrom) await c.newWrite(db, ++n);
  });
}

/** The support desk's tables, in this schema, for lifecycle cases. */
export const DESK = 'desk';

/** A fresh database on `target` with the support desk in `desk` (`customers` rows) and, given `tickets`, that many tickets (ticketSql). */
export async function deskDatabase(target: TestTarget, customers: number, tickets?: number): Promise<TestDatabase> {
  const t = await target.create();
  await t.db.exec(schemaSql(DESK));
  await t.db.exec(seedSql(DESK, customers));
  if (tickets !== undefined) await t.db.exec(ticketSql(DESK, tickets));
  return t;
}

/**
 * On every target, a fresh database with the support desk (300 seeded rows
 * in `desk`, then `setupSql`), and one test per case running its lifecycle.
 */
export function describeLifecycles(title: string, cases: [name: string, make: () => LifecycleCase][], setupSql?: string): void {
  describe.each(targets)(`${title} on $name`, (target) => {
    let t: TestDatabase;
    beforeEach(async () => {
      t = await deskDatabase(target, 300);
      if (setupSql) await t.db.exec(setupSql);
    });
    afterEach(() => t.drop());
    it.each(cases)('%s', async (_, make) => {
      await runLifecycle(t.db, make());
    });
  });
}

export async function columnsOf(db: Queryable, schema: string, table: string): Promise<string[]> {
  const { rows } = await db.query<{ c: string }>(`SELECT column_name AS c FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`, [schema, table]);
  return rows.map((r) => r.c);
}

export async function relkind(db: Queryable, qualifiedName: string): Promise<string | null> {
  const { rows } = await db.query<{ k: string | null }>(`SELECT (SELECT relkind::text FROM pg_class WHERE oid = to_regclass($1)) AS k`, [qualifiedName]);
  return rows[0]?.k ?? null;
}

export async function isNotNull(db: Queryable, qualifiedTable: string, column: string): Promise<boolean> {
  const { rows } = await db.query<{ n: boolean }>(`SELECT attnotnull AS n FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2`, [qualifiedTable, column]);
  return rows[0]?.n ?? false;
}

/** The previous app version reported in and has since stopped, so old-versions gates pass. */
export async function oldVersionGone(db: Queryable, app = 'support-desk', version = '1'): Promise<void> {
  await db.query(`INSERT INTO switchback.app_instances (instance_id, app, version, stopped_at) VALUES ($1, $2, $3, now())`, [`${app}-${version}-a`, app, version]);
}

/** Writes the app versions committed, by row key, with the value each must still read. */
export class WriteLog {
  /** Row key → committed value; null for a row deleted, which must not be read back. */
  readonly expected = new Map<string, string | null>();
  record(key: string | number, value: string | null): void {
    this.expected.set(String(key), value);
  }
  /** Lines for every logged write `read` does not return; empty when none is lost. */
  async lost(read: (keys: string[]) => Promise<Map<string, string | null>>): Promise<string[]> {
    const have = await read([...this.expected.keys()]);
    return [...this.expected]
      .filter(([k, v]) => (v === null ? have.has(k) : have.get(k) !== v))
      .map(([k, v]) => `row ${k}: committed ${v ?? '(deleted)'}, reads ${have.has(k) ? have.get(k) : 'no row'}`);
  }
}

/** A `read` for `WriteLog.lost`: `sql` takes the keys as $1 (an int8 array) and returns rows (id, v). */
export function readBy(db: Queryable, sql: string): (keys: string[]) => Promise<Map<string, string | null>> {
  return async (keys) => {
    const { rows } = await db.query<{ id: string | number; v: string | null }>(sql, [keys]);
    return new Map(rows.map((r) => [String(r.id), r.v]));
  };
}

/** A ticket table next to the support desk's customers (examples/changes/schema.sql, in `schema`), `rows` tickets. */
export function ticketSql(schema: string, rows: number): string {
  return `CREATE TYPE ${schema}.ticket_status AS ENUM ('open', 'pending', 'closed');
CREATE TABLE ${schema}.support_ticket (
  id serial PRIMARY KEY,
  customer_id bigint,
  status ${schema}.ticket_status NOT NULL DEFAULT 'open',
  priority integer NOT NULL DEFAULT 3,
  subject text,
  opened_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO ${schema}.support_ticket (customer_id, status, subject)
SELECT 1 + g % 50, (ARRAY['open', 'pending', 'closed']::${schema}.ticket_status[])[1 + g % 3], 'ticket ' || g FROM generate_series(1, ${rows}) AS g;
ANALYZE ${schema}.support_ticket;`;
}

/** Index names of a table, in order. */
export async function indexNames(db: Queryable, qualifiedTable: string): Promise<{ name: string; valid: boolean }[]> {
  const { rows } = await db.query<{ name: string; valid: boolean }>(`SELECT c.relname AS name, x.indisvalid AS valid FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid = to_regclass($1) ORDER BY 1`, [qualifiedTable]);
  return rows;
}

export async function constraintState(db: Queryable, qualifiedTable: string, name: string): Promise<'missing' | 'not valid' | 'valid'> {
  const { rows } = await db.query<{ v: boolean }>(`SELECT convalidated AS v FROM pg_constraint WHERE conrelid = to_regclass($1) AND conname = $2`, [qualifiedTable, name]);
  return rows.length ? (rows[0]!.v ? 'valid' : 'not valid') : 'missing';
}
