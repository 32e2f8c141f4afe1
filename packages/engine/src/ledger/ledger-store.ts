import { canonicalJson, type Plan } from '@switchback/core';
import type { Queryable } from '../db/db.js';
import { eventHash, GENESIS_HASH, type EventBody } from './hash-chain.js';

/** Serialises appends so the chain has one order. */
const EVENTS_LOCK = 0x5357_4245; // "SWBE"

export interface NewEvent {
  change: string | null;
  phase?: string | null;
  actor: string;
  action: string;
  outcome: 'started' | 'succeeded' | 'failed' | 'passed' | 'inconclusive' | 'info' | 'retrying';
  sql?: string | null;
  evidence?: Record<string, unknown>;
}

export interface LedgerEvent extends EventBody {
  prev_hash: string;
  hash: string;
}

export interface ChangeRow {
  id: string;
  intent: string;
  title: string;
  sync: 'trigger' | 'app';
  file: string | null;
  spec: unknown;
  plan: Plan;
  plan_hash: string;
  applied_phase: string | null;
  rollout_step: number | null;
  status: 'idle' | 'advancing' | 'rolling-back' | 'failed' | 'completed';
  created_at: Date;
  updated_at: Date;
}

export interface PhaseRun {
  id: number;
  change_id: string;
  phase: string;
  direction: 'forward' | 'backward';
  status: 'running' | 'succeeded' | 'abandoned';
  actor: string;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
}

export interface Checkpoint {
  last_key: string | null;
  rows_visited: number;
  rows_changed: number;
  batches: number;
}

const AT_ISO = `to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Drop what jsonb cannot hold (NUL characters, undefined) so the stored value hashes like the written one. */
function jsonSafe(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? {}, (_k, v: unknown) => (typeof v === 'string' ? v.replace(/\u0000/g, '') : v)));
}

/** Append an event to the hash chain, inside the caller's transaction. */
export async function appendEvent(tx: Queryable, e: NewEvent, now: Date = new Date()): Promise<LedgerEvent> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [EVENTS_LOCK]);
  const { rows } = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM switchback.events ORDER BY seq DESC LIMIT 1');
  const prev = rows[0];
  const body: EventBody = {
    seq: (prev?.seq ?? 0) + 1,
    at: now.toISOString(),
    change_id: e.change,
    phase: e.phase ?? null,
    actor: e.actor,
    action: e.action,
    outcome: e.outcome,
    sql: e.sql ?? null,
    evidence: jsonSafe(e.evidence),
  };
  const prevHash = prev?.hash ?? GENESIS_HASH;
  const hash = eventHash(prevHash, body);
  await tx.query(
    `INSERT INTO switchback.events (seq, at, change_id, phase, actor, action, outcome, sql, evidence, prev_hash, hash)
     VALUES ($1, $2::timestamptz, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11)`,
    [body.seq, body.at, body.change_id, body.phase, body.actor, body.action, body.outcome, body.sql, canonicalJson(body.evidence), prevHash, hash],
  );
  return { ...body, prev_hash: prevHash, hash };
}

/** Read events in order, optionally for one change. */
export async function readEvents(db: Queryable, change?: string, limit = 10_000): Promise<LedgerEvent[]> {
  const { rows } = await db.query<LedgerEvent>(
    `SELECT seq, ${AT_ISO} AS at, change_id, phase, actor, action, outcome, sql, evidence, prev_hash, hash
       FROM switchback.events WHERE ($1::text IS NULL OR change_id = $1) ORDER BY seq LIMIT $2`,
    [change ?? null, limit],
  );
  return rows;
}

export interface LedgerVerification {
  ok: boolean;
  events: number;
  /** The first event whose hash or link does not match, with what is wrong. */
  broken?: { seq: number; reason: string };
}

/** Recompute the chain from the first event: any edit, deletion or reordering shows. */
export async function verifyLedger(db: Queryable): Promise<LedgerVerification> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  const page = 5_000;
  for (let after = 0; ; ) {
    const { rows } = await db.query<LedgerEvent>(
      `SELECT seq, ${AT_ISO} AS at, change_id, phase, actor, action, outcome, sql, evidence, prev_hash, hash
         FROM switchback.events WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [after, page],
    );
    for (const r of rows) {
      const seq = Number(r.seq);
      if (seq !== expectedSeq) return { ok: false, events: count, broken: { seq, reason: `expected event ${expectedSeq} here: events were deleted` } };
      if (r.prev_hash !== prevHash) return { ok: false, events: count, broken: { seq, reason: 'its link to the previous event does not match: an event before it was changed or removed' } };
      const body: EventBody = { seq, at: r.at, change_id: r.change_id, phase: r.phase, actor: r.actor, action: r.action, outcome: r.outcome, sql: r.sql, evidence: r.evidence };
      if (eventHash(prevHash, body) !== r.hash) return { ok: false, events: count, broken: { seq, reason: 'its content does not match its hash: the event was edited' } };
      prevHash = r.hash;
      expectedSeq++;
      count++;
    }
    if (rows.length < page) break;
    after = Number(rows[rows.length - 1]!.seq);
  }
  return { ok: true, events: count };
}

export async function getChange(db: Queryable, id: string): Promise<ChangeRow | undefined> {
  const { rows } = await db.query<ChangeRow>('SELECT * FROM switchback.changes WHERE id = $1', [id]);
  return rows[0];
}

export async function listChanges(db: Queryable): Promise<ChangeRow[]> {
  const { rows } = await db.query<ChangeRow>('SELECT * FROM switchback.changes ORDER BY created_at, id');
  return rows;
}

export async function activePhaseRun(db: Queryable, change: string): Promise<PhaseRun | undefined> {
  const { rows } = await db.query<PhaseRun>(`SELECT * FROM switchback.phase_runs WHERE change_id = $1 AND status = 'running'`, [change]);
  return rows[0];
}

export async function phaseRuns(db: Queryable, change: string): Promise<PhaseRun[]> {
  const { rows } = await db.query<PhaseRun>('SELECT * FROM switchback.phase_runs WHERE change_id = $1 ORDER BY id', [change]);
  return rows;
}

export async function doneSteps(db: Queryable, phaseRun: number): Promise<Set<string>> {
  const { rows } = await db.query<{ step_id: string }>('SELECT step_id FROM switchback.step_runs WHERE phase_run_id = $1', [phaseRun]);
  return new Set(rows.map((r) => r.step_id));
}

export async function markStepDone(tx: Queryable, phaseRun: number, step: string): Promise<void> {
  await tx.query('INSERT INTO switchback.step_runs (phase_run_id, step_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [phaseRun, step]);
}

export async function getCheckpoint(db: Queryable, phaseRun: number, step: string): Promise<Checkpoint | undefined> {
  const { rows } = await db.query<Checkpoint>(
    'SELECT last_key, rows_visited, rows_changed, batches FROM switchback.backfill_checkpoints WHERE phase_run_id = $1 AND step_id = $2',
    [phaseRun, step],
  );
  return rows[0];
}

export async function saveCheckpoint(tx: Queryable, phaseRun: number, step: string, c: Checkpoint): Promise<void> {
  await tx.query(
    `INSERT INTO switchback.backfill_checkpoints (phase_run_id, step_id, last_key, rows_visited, rows_changed, batches, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, now())
     ON CONFLICT (phase_run_id, step_id) DO UPDATE SET last_key = EXCLUDED.last_key, rows_visited = EXCLUDED.rows_visited,
       rows_changed = EXCLUDED.rows_changed, batches = EXCLUDED.batches, updated_at = now()`,
    [phaseRun, step, c.last_key, c.rows_visited, c.rows_changed, c.batches],
  );
}

export interface FlagRow {
  name: string;
  enabled: boolean;
  rollout_bps: number;
  allow_tenants: string[];
  change_id: string | null;
  version: number;
  updated_at: Date;
  updated_by: string;
}

export async function getFlag(db: Queryable, name: string): Promise<FlagRow | undefined> {
  const { rows } = await db.query<FlagRow>('SELECT * FROM switchback.flags WHERE name = $1', [name]);
  return rows[0];
}

export async function listFlags(db: Queryable, change?: string): Promise<FlagRow[]> {
  const { rows } = await db.query<FlagRow>('SELECT * FROM switchback.flags WHERE ($1::text IS NULL OR change_id = $1) ORDER BY name', [change ?? null]);
  return rows;
}

/** Set a flag (creating it) or remove it, and tell listening SDK instances. */
export async function writeFlag(
  tx: Queryable,
  name: string,
  state: { enabled: boolean; rolloutBps: number; allowTenants?: string[] } | 'remove',
  meta: { change: string | null; actor: string; description?: string; at?: Date },
): Promise<void> {
  if (state === 'remove') {
    await tx.query('DELETE FROM switchback.flags WHERE name = $1', [name]);
  } else {
    await tx.query(
      `INSERT INTO switchback.flags (name, description, enabled, rollout_bps, allow_tenants, change_id, updated_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($9::timestamptz, now()))
       ON CONFLICT (name) DO UPDATE SET enabled = EXCLUDED.enabled, rollout_bps = EXCLUDED.rollout_bps,
         allow_tenants = COALESCE($8, switchback.flags.allow_tenants), change_id = COALESCE(EXCLUDED.change_id, switchback.flags.change_id),
         version = switchback.flags.version + 1, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
      [name, meta.description ?? '', state.enabled, state.rolloutBps, state.allowTenants ?? [], meta.change, meta.actor, state.allowTenants ?? null, meta.at ?? null],
    );
  }
  await tx.query(`SELECT pg_notify('switchback_flags', $1)`, [name]);
}
