import type { ChangeSpec, Plan, PhaseId } from '@switchback/core';
import type { Db } from '../db/db.js';
import { migrateLedger } from '../ledger/ledger-migrations.js';
import { advance, rollback, type TransitionResult } from '../executor/executor.js';
import { registerChange } from '../executor/register-change.js';
import { runVerification } from '../executor/verify.js';
import { AppWorkload } from './app-workload.js';
import { generateData, type GeneratedTable } from './generate-data.js';
import { readCatalog } from './rehearsal-catalog.js';
import { withPlannedConstraints } from './planned-constraints.js';
import { lostWrites, sampleLockWaits } from './rehearsal-checks.js';
import { sameRowsOf } from './write-log.js';
import { RehearsalInputError } from './rehearsal-errors.js';
import { APP_VERSIONS, cellApplies, edgeTarget, mayRun, rehearsalSchedule, runsDuring, versionWindows, type AppVersion, type Edge, type State, type Windows } from './rehearsal-schedule.js';

export const REHEARSAL_JSON_VERSION = 1;
/** Operations each running version makes in a state before it is checked. */
export const DEFAULT_SETTLE_OPS = 10;
/** Gate kinds a rehearsal passes on the record instead of waiting: time and fleet, which a scratch copy cannot show. */
export const REHEARSAL_OVERRIDDEN_GATES = ['soak', 'app-versions'] as const;
export const REHEARSAL_OVERRIDE_REASON = 'rehearsal';

export type Check = 'transition' | 'writes' | 'queries' | 'parity' | 'locks';

export interface RehearsalFailure {
  phase: string;
  direction: 'forward' | 'backward';
  /** The app version whose check failed; absent when the plan's own transition failed. */
  version?: AppVersion;
  check: Check;
  /** The query (or step, or verification) that broke. */
  query: string;
  error: string;
}

export interface RehearsalCell {
  phase: string;
  direction: 'forward' | 'backward';
  version: AppVersion;
  status: 'pass' | 'fail' | 'n/a' | 'not-run';
  /** Times this edge was taken with the version checked. */
  runs: number;
  /** Operations the version ran during these edges and in the state after them. */
  operations: number;
  writesChecked: number;
  checks: Partial<Record<Exclude<Check, 'transition'>, string>>;
}

export interface RehearsalEdge extends Edge {
  phaseId: string;
  outcome: TransitionResult['outcome'];
  /** Time in the executor, then with the workloads running in the new state, then checking. */
  seconds: number;
  settleSeconds?: number;
  checkSeconds?: number;
  /** Longest lock wait seen during the transition (server only). */
  lockWaitMs?: number;
}

export interface RehearsalResult {
  version: typeof REHEARSAL_JSON_VERSION;
  change: string;
  database: 'pglite' | 'postgres';
  rows: number;
  seed: number;
  lockTimeoutMs: number;
  phases: string[];
  windows: { old: string[]; new: string[] };
  overrides: { gate: string; phase: string; reason: string }[];
  edges: RehearsalEdge[];
  cells: RehearsalCell[];
  failures: RehearsalFailure[];
  writes: { committed: number; checked: number; lost: number };
  ok: boolean;
  seconds: number;
}

export type RehearsalEvent =
  | { type: 'loading'; message: string }
  | { type: 'generated'; table: GeneratedTable }
  | { type: 'edge'; index: number; total: number; edge: Edge; phase: string }
  | { type: 'edge-done'; index: number; total: number; edge: RehearsalEdge; failures: number };

export interface RehearseOptions {
  /** An empty scratch database: the rehearsal loads, fills and changes it. */
  db: Db;
  /** SQL that creates the schema the change applies to, in order. */
  schema: { file: string; sql: string }[];
  change: ChangeSpec;
  rows: number;
  seed: number;
  actor: string;
  /** Also roll back from the last phase to the start at the end (every backward edge a second time). */
  returnToStart?: boolean;
  settleOps?: number;
  /** Alter the plan before it runs (tests: prove that a broken plan is caught). */
  alterPlan?: (plan: Plan) => Plan;
  onEvent?: (e: RehearsalEvent) => void;
}

/**
 * Rehearse a change on a scratch database: load the schema, fill it, then
 * take every (phase, direction) edge of the plan with the executor while an
 * old-version and a new-version workload run, and check after each edge
 * that no committed write is lost, each running version's queries succeeded,
 * the plan's verifications (parity) hold and lock waits stayed under the
 * plan's lock_timeout. Failures are results, not exceptions; bad input
 * (schema that does not load, a change that does not plan) throws.
 */
export async function rehearse(o: RehearseOptions): Promise<RehearsalResult> {
  const t0 = Date.now();
  const { db } = o;
  for (const f of o.schema) {
    o.onEvent?.({ type: 'loading', message: `loading ${f.file}` });
    try {
      await db.exec(f.sql);
    } catch (e) {
      throw new RehearsalInputError(`${f.file}: the schema could not be loaded: ${e instanceof Error ? e.message : String(e)}. Fix the SQL, or pass the files that create your tables with --schema.`);
    }
  }
  await migrateLedger(db);
  const catalog = await readCatalog(db);
  if (!catalog.size) throw new RehearsalInputError(`The schema (${o.schema.map((f) => f.file).join(', ') || 'none given'}) creates no tables. Pass the files that create the tables the change applies to with --schema.`);
  // Planned before the data exists (a plan reads the schema, not the rows), so the data can hold what it adds.
  const row = await registerChange(db, o.change, o.actor, o.alterPlan ? { transform: o.alterPlan } : {});
  const plan = row.plan;
  o.onEvent?.({ type: 'loading', message: `generating ${o.rows.toLocaleString('en-US')} rows per table` });
  await generateData(db, withPlannedConstraints(catalog, plan), { rows: o.rows, seed: o.seed, onTable: (table) => o.onEvent?.({ type: 'generated', table }) });
  const w = versionWindows(plan);
  const ids = plan.phases.map((p) => p.id);
  const overrides = Object.fromEntries(plan.phases.flatMap((p) => p.gates.filter((g) => (REHEARSAL_OVERRIDDEN_GATES as readonly string[]).includes(g.kind)).map((g) => [g.id, REHEARSAL_OVERRIDE_REASON])));
  const result: RehearsalResult = {
    version: REHEARSAL_JSON_VERSION,
    change: plan.change,
    database: db.kind,
    rows: o.rows,
    seed: o.seed,
    lockTimeoutMs: plan.lockTimeoutMs,
    phases: ids,
    windows: { old: ['start', ...ids].filter((_, i) => mayRun(w, 'old', i - 1)), new: ['start', ...ids].filter((_, i) => mayRun(w, 'new', i - 1)) },
    overrides: plan.phases.flatMap((p) => p.gates.filter((g) => overrides[g.id] !== undefined).map((g) => ({ gate: g.id, phase: p.id, reason: REHEARSAL_OVERRIDE_REASON }))),
    edges: [],
    cells: [],
    failures: [],
    writes: { committed: 0, checked: 0, lost: 0 },
    ok: false,
    seconds: 0,
  };
  const schedule = rehearsalSchedule(ids.length, { returnToStart: o.returnToStart ?? false });
  const cells = new Map<string, RehearsalCell>();
  for (let p = 0; p < ids.length; p++) {
    for (const direction of ['forward', 'backward'] as const) {
      for (const version of APP_VERSIONS) cells.set(`${p}/${direction}/${version}`, { phase: ids[p]!, direction, version, status: cellApplies(w, { phase: p, direction }, version) ? 'not-run' : 'n/a', runs: 0, operations: 0, writesChecked: 0, checks: {} });
    }
  }
  const state = async (): Promise<State> => {
    const { rows } = await db.query<{ p: string | null }>('SELECT applied_phase AS p FROM switchback.changes WHERE id = $1', [plan.change]);
    return rows[0]?.p ? ids.indexOf(rows[0].p as PhaseId) : -1;
  };
  const flagsOn = async (): Promise<Set<string>> => {
    const { rows } = await db.query<{ name: string }>('SELECT name FROM switchback.flags WHERE enabled AND rollout_bps > 0');
    return new Set(rows.map((r) => r.name));
  };
  const workloads = Object.fromEntries(APP_VERSIONS.map((v) => [v, new AppWorkload({ db, plan, version: v, rows: o.rows, seed: o.seed, state, flagsOn, start: catalog })])) as Record<AppVersion, AppWorkload>;
  const settleOps = o.settleOps ?? DEFAULT_SETTLE_OPS;
  for (const wl of Object.values(workloads)) wl.start();
  try {
    let at: State = -1;
    await setActive(workloads, w, at, at, settleOps);
    for (const [index, edge] of schedule.entries()) {
      const to = edgeTarget(edge);
      o.onEvent?.({ type: 'edge', index, total: schedule.length, edge, phase: ids[edge.phase]! });
      const opsBefore = Object.fromEntries(APP_VERSIONS.map((v) => [v, workloads[v].ops])) as Record<AppVersion, number>;
      for (const wl of Object.values(workloads)) wl.edge = index;
      for (const v of APP_VERSIONS) workloads[v].active = runsDuring(w, v, at, to);
      const sampler = db.kind === 'postgres' ? sampleLockWaits(db) : undefined;
      const started = Date.now();
      // PGlite runs one statement at a time, so a batch's size changes nothing for the workloads but the
      // number of round trips; on a server the change file's batching stands, as lock waits are measured there.
      const settings = db.kind === 'pglite' ? { propagation: 100, batchPause: 0, batchSize: 10_000, targetBatchTime: 1_000 } : { propagation: 100, batchPause: 0 };
      const transition = edge.direction === 'forward'
        ? await advance(db, plan.change, { actor: o.actor, to: ids[edge.phase]!, overrides, settings, propagationMs: 100 })
        : await rollback(db, plan.change, { actor: o.actor, to: edge.phase === 0 ? 'start' : ids[edge.phase - 1]!, overrides, settings, propagationMs: 100 });
      const seconds = (Date.now() - started) / 1000;
      const lockWaitMs = sampler ? await sampler.stop() : undefined;
      const done: RehearsalEdge = { ...edge, phaseId: ids[edge.phase]!, outcome: transition.outcome, seconds, ...(lockWaitMs !== undefined ? { lockWaitMs } : {}) };
      result.edges.push(done);
      const before = result.failures.length;
      const fail = (f: Omit<RehearsalFailure, 'phase' | 'direction'>) => result.failures.push({ phase: ids[edge.phase]!, direction: edge.direction, ...f });
      if (transition.outcome !== 'succeeded') fail({ check: 'transition', query: transitionQuery(plan, transition), error: transition.reason ?? 'the transition did not complete' });
      at = transition.outcome === 'succeeded' ? to : await state();
      const settling = Date.now();
      await setActive(workloads, w, at, at, settleOps);
      const checking = Date.now();
      await checkEdge({ db, plan, w, edge, index, to, workloads, opsBefore, cells, fail, lockWaitMs, result });
      done.settleSeconds = (checking - settling) / 1000;
      done.checkSeconds = (Date.now() - checking) / 1000;
      o.onEvent?.({ type: 'edge-done', index, total: schedule.length, edge: done, failures: result.failures.length - before });
      if (transition.outcome !== 'succeeded') break;
    }
  } finally {
    for (const wl of Object.values(workloads)) await wl.stop();
  }
  result.cells = [...cells.values()];
  result.writes.committed = workloads.old.log.committed + workloads.new.log.committed;
  result.ok = result.failures.length === 0 && result.cells.every((c) => c.status !== 'not-run');
  result.seconds = Math.round((Date.now() - t0) / 100) / 10;
  return result;
}

async function setActive(workloads: Record<AppVersion, AppWorkload>, w: Windows, from: State, to: State, settleOps: number): Promise<void> {
  for (const v of APP_VERSIONS) workloads[v].active = runsDuring(w, v, from, to);
  await Promise.all(APP_VERSIONS.map((v) => workloads[v].settle(settleOps)));
  await Promise.all(APP_VERSIONS.map((v) => workloads[v].pause()));
}

/** The step or verification a failed transition names, with its SQL when it has some. */
function transitionQuery(plan: Plan, t: TransitionResult): string {
  const last = t.transitions[t.transitions.length - 1];
  const step = last?.steps.find((s) => s.outcome === 'failed');
  const phase = plan.phases.find((p) => p.id === last?.phase);
  if (step) {
    const s = [...(phase?.forward ?? []), ...(phase?.backward ?? [])].find((x) => x.id === step.id);
    return s?.kind === 'sql' ? `${step.id}: ${s.sql}` : step.id;
  }
  const v = last?.verifications.find((x) => !x.ok);
  if (v) return `verification ${v.id}`;
  const g = last?.gates.find((x) => x.verdict === 'fail' || x.verdict === 'inconclusive');
  return g ? `gate ${g.id}` : (last ? `${last.phase} ${last.direction}` : 'transition');
}

interface EdgeContext {
  db: Db;
  plan: Plan;
  w: Windows;
  edge: Edge;
  index: number;
  to: State;
  workloads: Record<AppVersion, AppWorkload>;
  opsBefore: Record<AppVersion, number>;
  cells: Map<string, RehearsalCell>;
  fail: (f: Omit<RehearsalFailure, 'phase' | 'direction'>) => void;
  lockWaitMs: number | undefined;
  result: RehearsalResult;
}

async function checkEdge(c: EdgeContext): Promise<void> {
  const { db, plan, edge } = c;
  const catalog = await readCatalog(db, { views: true });
  const parity: { query: string; error: string }[] = [];
  for (const v of c.to >= 0 ? plan.phases[c.to]!.verify : []) {
    const r = await runVerification(db, v);
    if (!r.ok) parity.push({ query: v.kind === 'query-empty' ? v.sql : `${v.id} (range checksums of ${v.table})`, error: `${r.mismatchCount} mismatching rows, e.g. ${JSON.stringify(r.mismatches[0] ?? {})} (${v.description})` });
  }
  const lockOk = c.lockWaitMs === undefined || c.lockWaitMs < plan.lockTimeoutMs;
  for (const v of APP_VERSIONS) {
    const cell = c.cells.get(`${edge.phase}/${edge.direction}/${v}`)!;
    if (!cellApplies(c.w, edge, v)) continue;
    const wl = c.workloads[v];
    cell.runs++;
    cell.operations += wl.ops - c.opsBefore[v];
    const failed: string[] = [];
    const { checked, lost } = await lostWrites(db, catalog, wl.log.all(), plan.rewrites, sameRowsOf(plan));
    cell.writesChecked += checked;
    c.result.writes.checked += checked;
    c.result.writes.lost += lost.length;
    for (const l of lost.slice(0, 5)) c.fail({ version: v, check: 'writes', query: l.record.sql, error: `${l.record.table} ${JSON.stringify(l.record.key)}: ${l.found}` });
    if (lost.length > 5) c.fail({ version: v, check: 'writes', query: '(more)', error: `${lost.length - 5} more lost writes` });
    cell.checks.writes = merge(cell.checks.writes, lost.length ? `${lost.length} of ${checked} lost` : `${checked} present`);
    if (lost.length) failed.push('writes');
    const errors = wl.failures.filter((f) => f.edge === c.index);
    for (const f of dedupe(errors).slice(0, 5)) c.fail({ version: v, check: 'queries', query: f.query, error: `${f.operation}: ${f.error}` });
    cell.checks.queries = merge(cell.checks.queries, errors.length ? `${errors.length} failed` : 'all succeeded');
    if (errors.length) failed.push('queries');
    for (const p of parity) c.fail({ version: v, check: 'parity', query: p.query, error: p.error });
    cell.checks.parity = merge(cell.checks.parity, parity.length ? `${parity.length} verification(s) failed` : c.to >= 0 && plan.phases[c.to]!.verify.length ? 'holds' : 'nothing to compare');
    if (parity.length) failed.push('parity');
    cell.checks.locks = c.lockWaitMs === undefined ? 'not measurable on PGlite' : merge(cell.checks.locks, `${c.lockWaitMs} ms max wait (lock_timeout ${plan.lockTimeoutMs} ms)`);
    if (!lockOk) {
      failed.push('locks');
      c.fail({ version: v, check: 'locks', query: `${plan.phases[edge.phase]!.id} ${edge.direction}`, error: `a session waited ${c.lockWaitMs} ms for a lock, over the plan's lock_timeout of ${plan.lockTimeoutMs} ms` });
    }
    cell.status = failed.length || cell.status === 'fail' ? 'fail' : 'pass';
  }
  if (c.result.edges[c.result.edges.length - 1]?.outcome !== 'succeeded') {
    for (const v of APP_VERSIONS) {
      const cell = c.cells.get(`${edge.phase}/${edge.direction}/${v}`)!;
      if (cell.status !== 'n/a') cell.status = 'fail';
    }
  }
}

/** A cell taken twice keeps its first failure in view. */
function merge(prev: string | undefined, next: string): string {
  return prev && prev !== next && !/present|succeeded|holds|nothing/.test(prev) ? prev : next;
}

function dedupe<T extends { query: string; error: string }>(xs: T[]): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => !seen.has(`${x.query}\n${x.error}`) && !!seen.add(`${x.query}\n${x.error}`));
}
