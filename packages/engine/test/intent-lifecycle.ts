/**
 * The lifecycle harness for intents: forward through every phase, back to the
 * start one phase at a time, forward again to the end, with the state checked
 * after every transition (pgroll's ExecuteTests, in phases).
 */
import { expect } from 'vitest';
import { parseChangeFile, type ChangeSpec, type Plan } from '@switchback/core';
import { advance, changeStatus, getChange, rollback, verifyLedger, type Db, type Queryable } from '@switchback/engine';

export const exec = { actor: 'test', propagationMs: 0 };

/** A change file's text as the engine takes it; fails the test on any problem. */
export function changeFrom(yaml: string, id: string): ChangeSpec {
  const parsed = parseChangeFile(yaml, `changes/${id}.yaml`);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  return parsed.change;
}

export async function planOf(db: Db, id: string): Promise<Plan> {
  return (await getChange(db, id))!.plan;
}

/**
 * Walk the change's whole lifecycle, calling `at` with the applied phase
 * (null = nothing applied) after every transition. Each call is where the
 * test proves the state: schema, the old and new app versions' queries, and
 * that no committed write is missing.
 */
export async function walkLifecycle(db: Db, id: string, at: (applied: string | null, how: 'forward' | 'backward' | 'again') => Promise<void>): Promise<void> {
  const phases = (await planOf(db, id)).phases.map((p) => p.id);
  await at(null, 'forward');
  for (const phase of phases) {
    const r = await advance(db, id, { ...exec, to: phase as never });
    expect(r.outcome, `advance to ${phase}: ${r.reason}`).toBe('succeeded');
    expect((await changeStatus(db, id)).appliedPhase).toBe(phase);
    await at(phase, 'forward');
  }
  for (let i = phases.length - 1; i >= 0; i--) {
    const r = await rollback(db, id, exec);
    expect(r.outcome, `rollback of ${phases[i]}: ${r.reason}`).toBe('succeeded');
    const applied = phases[i - 1] ?? null;
    expect((await changeStatus(db, id)).appliedPhase).toBe(applied);
    await at(applied, 'backward');
  }
  for (const phase of phases) {
    const r = await advance(db, id, { ...exec, to: phase as never });
    expect(r.outcome, `advance again to ${phase}: ${r.reason}`).toBe('succeeded');
    await at(phase, 'again');
  }
  expect((await advance(db, id, exec)).reason).toMatch(/complete/);
  expect((await verifyLedger(db)).ok).toBe(true);
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
  readonly expected = new Map<string, string>();
  record(key: string | number, value: string): void {
    this.expected.set(String(key), value);
  }
  /** Lines for every logged write `read` does not return; empty when none is lost. */
  async lost(read: (keys: string[]) => Promise<Map<string, string | null>>): Promise<string[]> {
    const have = await read([...this.expected.keys()]);
    return [...this.expected].filter(([k, v]) => have.get(k) !== v).map(([k, v]) => `row ${k}: committed ${v}, reads ${have.get(k) ?? 'no row'}`);
  }
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
