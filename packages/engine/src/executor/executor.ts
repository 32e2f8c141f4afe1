import type { ExecutionSettings, Phase, PhaseId, Plan, Step } from '@switchback/core';
import type { Db, Queryable } from '../db/db.js';
import { ChangeNotFoundError, PhaseOrderError } from '../errors.js';
import { stoppedTables } from '../due/due-report.js';
import { countStatements } from '../due/statement-counts.js';
import { activePhaseRun, appendEvent, doneSteps, getChange, listChanges, type ChangeRow, type PhaseRun } from '../ledger/ledger-store.js';
import { withExecutorLock } from './executor-lock.js';
import { evaluateGates, gatesPass, type GateResult } from './gates.js';
import { runStep, type StepOutcome } from './run-step.js';
import { runVerification, type VerificationResult } from './verify.js';
import type { ExecutorEvent } from './executor-events.js';

export interface ExecutorOptions {
  actor: string;
  /** Describes this process to a second executor that finds the lock taken. */
  holder?: string;
  onEvent?: (e: ExecutorEvent) => void;
  /** Gate id → reason: pass these gates regardless, on the record. */
  overrides?: Record<string, string>;
  /** How long app instances need to notice a phase change (pause steps). */
  propagationMs?: number;
  /** Overrides the change file's execution settings (tests, demo). */
  settings?: Partial<ExecutionSettings>;
  /**
   * The clock for every time the executor records (events, phase runs, flag
   * and change updates) and the time its gates are evaluated at, so a
   * simulated timeline stays consistent; default: the real clock (the
   * database's now() for rows).
   */
  clock?: () => Date;
  /** Test hook, run after each committed backfill batch. */
  afterBatch?: (batch: number) => void | Promise<void>;
}

export interface TransitionResult {
  outcome: 'succeeded' | 'failed' | 'not-run';
  change: string;
  /** Phase applied before and after. */
  from: string | null;
  to: string | null;
  transitions: Transition[];
  /** Why it stopped, when it did not succeed. */
  reason?: string;
}

export interface Transition {
  kind: 'phase' | 'rollout';
  phase: string;
  direction: 'forward' | 'backward';
  gates: GateResult[];
  steps: StepOutcome[];
  verifications: VerificationResult[];
  rollout?: { flag: string; fromPercent: number; toPercent: number };
  outcome: 'succeeded' | 'failed' | 'not-run';
}

export const DEFAULT_PROPAGATION_MS = 5_000;

/** Where the change stands: applied phase, rollout step, and any half-done phase. */
interface Position {
  change: ChangeRow;
  plan: Plan;
  applied: number;
  active?: PhaseRun;
}

async function position(db: Queryable, id: string): Promise<Position> {
  const change = await getChange(db, id);
  if (!change) throw new ChangeNotFoundError(id, (await listChanges(db)).map((c) => c.id));
  const plan = change.plan;
  return { change, plan, applied: change.applied_phase ? plan.phases.findIndex((p) => p.id === change.applied_phase) : -1, active: await activePhaseRun(db, id) };
}

/** The injected time, or null to let the database use now(). */
function at(o: ExecutorOptions): Date | null {
  return o.clock?.() ?? null;
}

function settingsOf(change: ChangeRow, o: ExecutorOptions): ExecutionSettings {
  return { ...(change.spec as { execution: ExecutionSettings }).execution, ...o.settings };
}

/**
 * Move a change forward: finish a half-done phase, take the next read-switch
 * rollout step, or enter the next phase once its gates pass. With `to`, keep
 * going until that phase is applied (and, for read-switch, fully rolled out
 * when `to` is a later phase).
 */
export async function advance(db: Db, id: string, o: ExecutorOptions & { to?: PhaseId }): Promise<TransitionResult> {
  return withExecutorLock(db, id, o.holder ?? o.actor, async (s) => {
    const start = await position(s, id);
    const target = o.to ? start.plan.phases.findIndex((p) => p.id === o.to) : undefined;
    if (o.to && target === -1) throw new PhaseOrderError(id, `${id} has no phase "${o.to}"; its phases are ${start.plan.phases.map((p) => p.id).join(', ')}.`);
    if (start.active?.direction === 'backward') throw new PhaseOrderError(id, `A rollback of ${start.active.phase} is half-done; finish it first with: switchback rollback ${id}`);
    if (target !== undefined && target < start.applied) throw new PhaseOrderError(id, `${id} is already past ${o.to} (applied: ${start.change.applied_phase}). To go back, use: switchback rollback ${id} --to ${o.to}`);
    const result: TransitionResult = { outcome: 'not-run', change: id, from: start.change.applied_phase, to: start.change.applied_phase, transitions: [] };
    for (;;) {
      const p = await position(s, id);
      const rollout = p.plan.phases[p.applied]?.rollout;
      const rolloutLeft = !!rollout && (p.change.rollout_step ?? 0) < rollout.steps.length - 1;
      if (!p.active && target !== undefined && p.applied >= target) break;
      if (!p.active && p.applied === p.plan.phases.length - 1 && !rolloutLeft) {
        if (!result.transitions.length) result.reason = `${id} is complete: every phase is applied.`;
        break;
      }
      let t: Transition;
      if (p.active) t = await runPhase(s, p, phaseById(p.plan, p.active.phase), 'forward', o, p.active);
      else if (rolloutLeft) t = await stepRollout(s, p, o);
      else t = await enterPhase(s, p, o);
      result.transitions.push(t);
      result.to = (await getChange(s, id))!.applied_phase;
      if (t.outcome !== 'succeeded') return { ...result, outcome: 'failed', reason: failureReason(t) };
      result.outcome = 'succeeded';
      if (target === undefined) break;
    }
    return result;
  });
}

/**
 * Move a change backward: finish or undo a half-done phase, then undo applied
 * phases, newest first, until `to` is the applied phase (`start` = none).
 * Without `to`, undo one phase.
 */
export async function rollback(db: Db, id: string, o: ExecutorOptions & { to?: PhaseId | 'start' }): Promise<TransitionResult> {
  return withExecutorLock(db, id, o.holder ?? o.actor, async (s) => {
    const start = await position(s, id);
    const target = o.to === undefined ? undefined : o.to === 'start' ? -1 : start.plan.phases.findIndex((p) => p.id === o.to);
    if (target === -1 && o.to !== 'start') throw new PhaseOrderError(id, `${id} has no phase "${o.to}"; its phases are ${start.plan.phases.map((p) => p.id).join(', ')} (or "start").`);
    if (target !== undefined && target > start.applied) throw new PhaseOrderError(id, `${id} has only applied ${start.change.applied_phase ?? 'nothing'}; it cannot roll back to ${o.to}, which is ahead. To go forward, use: switchback advance ${id} --to ${o.to}`);
    const result: TransitionResult = { outcome: 'not-run', change: id, from: start.change.applied_phase, to: start.change.applied_phase, transitions: [] };
    if (target === undefined && start.applied < 0 && !start.active) return { ...result, reason: `${id} has nothing applied; nothing to roll back.` };
    for (let first = true; ; first = false) {
      const p = await position(s, id);
      const goal = target ?? (first ? (p.active ? p.applied : p.applied - 1) : p.applied);
      if (!p.active && p.applied <= goal) break;
      let t: Transition;
      if (p.active?.direction === 'backward') t = await runPhase(s, p, phaseById(p.plan, p.active.phase), 'backward', o, p.active);
      else if (p.active) t = await undoHalfDone(s, p, o);
      else t = await runPhase(s, p, p.plan.phases[p.applied]!, 'backward', o);
      result.transitions.push(t);
      result.to = (await getChange(s, id))!.applied_phase;
      if (t.outcome !== 'succeeded') return { ...result, outcome: 'failed', reason: failureReason(t) };
      result.outcome = 'succeeded';
    }
    return result;
  });
}

function phaseById(plan: Plan, id: string): Phase {
  return plan.phases.find((p) => p.id === id)!;
}

function failureReason(t: Transition): string {
  const gate = t.gates.find((g) => g.verdict === 'fail' || g.verdict === 'inconclusive');
  if (gate) return `gate ${gate.id} ${gate.verdict === 'fail' ? 'failed' : 'is inconclusive'}: ${gate.detail}`;
  const v = t.verifications.find((x) => !x.ok);
  if (v) return `verification ${v.id} failed: ${v.mismatchCount} mismatching rows (${v.description})`;
  const step = t.steps.find((x) => x.outcome === 'failed');
  return step ? `step ${step.id} failed: ${step.error}` : 'failed';
}

async function enterPhase(s: Db, p: Position, o: ExecutorOptions): Promise<Transition> {
  const phase = p.plan.phases[p.applied + 1]!;
  const gates = await checkGates(s, p, phase.id, phase.gates, o);
  if (!gatesPass(gates)) return { kind: 'phase', phase: phase.id, direction: 'forward', gates, steps: [], verifications: [], outcome: 'failed' };
  const run = await s.transaction(async (tx) => {
    const { rows } = await tx.query<PhaseRun>(
      `INSERT INTO switchback.phase_runs (change_id, phase, direction, status, actor, started_at) VALUES ($1, $2, 'forward', 'running', $3, coalesce($4::timestamptz, now())) RETURNING *`,
      [p.change.id, phase.id, o.actor, at(o)],
    );
    await tx.query(`UPDATE switchback.changes SET status = 'advancing', updated_at = coalesce($2::timestamptz, now()) WHERE id = $1`, [p.change.id, at(o)]);
    await appendEvent(tx, { change: p.change.id, phase: phase.id, actor: o.actor, action: 'phase.forward', outcome: 'started', evidence: { phaseRun: rows[0]!.id } }, o.clock?.());
    return rows[0]!;
  });
  const t = await runPhase(s, p, phase, 'forward', o, run);
  return { ...t, gates };
}

async function checkGates(s: Db, p: Position, phase: string, gates: Phase['gates'], o: ExecutorOptions): Promise<GateResult[]> {
  const now = o.clock?.();
  const results = await evaluateGates(s, gates, { change: p.change.id, ...(now ? { now } : {}), ...(o.overrides ? { overrides: o.overrides } : {}) });
  for (const g of results) o.onEvent?.({ type: 'gate', phase, gate: g });
  if (results.length) {
    await s.transaction((tx) =>
      appendEvent(tx, { change: p.change.id, phase, actor: o.actor, action: 'gates.evaluated', outcome: gatesPass(results) ? 'passed' : 'failed', evidence: { gates: results } }, now),
    );
  }
  return results;
}

/** Run the not-yet-done steps of a phase run, verify, and close it. */
async function runPhase(s: Db, p: Position, phase: Phase, direction: 'forward' | 'backward', o: ExecutorOptions, existing?: PhaseRun): Promise<Transition> {
  const run = existing ?? (await beginBackward(s, p, phase, o));
  o.onEvent?.({ type: 'phase-start', phase: phase.id, direction, resumed: !!existing && direction === 'forward' && (await doneSteps(s, Number(run.id))).size > 0 });
  const steps: Step[] = direction === 'forward' ? phase.forward : phase.backward;
  const t: Transition = { kind: 'phase', phase: phase.id, direction, gates: [], steps: [], verifications: [], outcome: 'succeeded' };
  const settings = settingsOf(p.change, o);
  for (const step of steps) {
    const outcome = await runStep(s, { ...(o.clock ? { clock: o.clock } : {}), change: p.change.id, phase: phase.id, phaseRun: Number(run.id), step, settings, actor: o.actor, propagationMs: o.propagationMs ?? settings.propagation ?? DEFAULT_PROPAGATION_MS, ...(o.onEvent ? { onEvent: o.onEvent } : {}), ...(o.afterBatch ? { afterBatch: o.afterBatch } : {}) });
    t.steps.push(outcome);
    if (outcome.outcome === 'failed') return failRun(s, p, run, t, o, outcome.error ?? 'step failed');
  }
  // After backward, the state to prove is the previous phase's.
  const proving = direction === 'forward' ? phase : p.plan.phases[p.plan.phases.findIndex((x) => x.id === phase.id) - 1];
  for (const v of proving?.verify ?? []) {
    const r = await runVerification(s, v);
    o.onEvent?.({ type: 'verification', phase: phase.id, result: r });
    t.verifications.push(r);
    await s.transaction((tx) => appendEvent(tx, { change: p.change.id, phase: phase.id, actor: o.actor, action: 'verification', outcome: r.ok ? 'passed' : 'failed', evidence: { ...r } }, o.clock?.()));
  }
  if (t.verifications.some((v) => !v.ok)) return failRun(s, p, run, t, o, failureReason(t));
  // At cut-off, what pg_stat_statements has counted so far: `due` counts the old tables' reads from here.
  const next = p.plan.phases[p.plan.phases.findIndex((x) => x.id === phase.id) + 1];
  const statements = direction === 'forward' && next?.id === 'contract' ? await countStatements(s, stoppedTables(phase)) : undefined;
  await s.transaction(async (tx) => {
    await tx.query(`UPDATE switchback.phase_runs SET status = 'succeeded', finished_at = coalesce($2::timestamptz, now()), error = NULL WHERE id = $1`, [run.id, at(o)]);
    if (direction === 'forward') {
      const last = phase.id === p.plan.phases[p.plan.phases.length - 1]!.id;
      await tx.query(`UPDATE switchback.changes SET applied_phase = $2, rollout_step = $3, status = $4, updated_at = coalesce($5::timestamptz, now()) WHERE id = $1`, [p.change.id, phase.id, phase.rollout ? 0 : null, last ? 'completed' : 'idle', at(o)]);
    } else {
      await tx.query(`UPDATE switchback.changes SET status = 'idle', updated_at = coalesce($2::timestamptz, now()) WHERE id = $1`, [p.change.id, at(o)]);
    }
    await appendEvent(tx, { change: p.change.id, phase: phase.id, actor: o.actor, action: `phase.${direction}`, outcome: 'succeeded', evidence: { phaseRun: run.id, steps: t.steps.map((x) => `${x.id}: ${x.outcome}`), ...(statements ? { statements } : {}) } }, o.clock?.());
  });
  o.onEvent?.({ type: 'phase-done', phase: phase.id, direction });
  return t;
}

/** Start undoing an applied phase: the apps stop acting on it at once (applied moves back first). */
async function beginBackward(s: Db, p: Position, phase: Phase, o: ExecutorOptions): Promise<PhaseRun> {
  const idx = p.plan.phases.findIndex((x) => x.id === phase.id);
  const prev = p.plan.phases[idx - 1];
  return s.transaction(async (tx) => {
    const { rows } = await tx.query<PhaseRun>(
      `INSERT INTO switchback.phase_runs (change_id, phase, direction, status, actor, started_at) VALUES ($1, $2, 'backward', 'running', $3, coalesce($4::timestamptz, now())) RETURNING *`,
      [p.change.id, phase.id, o.actor, at(o)],
    );
    await tx.query(`UPDATE switchback.changes SET applied_phase = $2, rollout_step = $3, status = 'rolling-back', updated_at = coalesce($4::timestamptz, now()) WHERE id = $1`, [
      p.change.id,
      prev?.id ?? null,
      prev?.rollout ? prev.rollout.steps.length - 1 : null,
      at(o),
    ]);
    await appendEvent(tx, { change: p.change.id, phase: phase.id, actor: o.actor, action: 'phase.backward', outcome: 'started', evidence: { phaseRun: rows[0]!.id } }, o.clock?.());
    return rows[0]!;
  });
}

/** A forward phase stopped half-way: run its backward steps (all idempotent) and abandon it. */
async function undoHalfDone(s: Db, p: Position, o: ExecutorOptions): Promise<Transition> {
  const run = p.active!;
  const phase = phaseById(p.plan, run.phase);
  await s.transaction(async (tx) => {
    await tx.query(`UPDATE switchback.phase_runs SET status = 'abandoned', finished_at = coalesce($2::timestamptz, now()) WHERE id = $1`, [run.id, at(o)]);
    await appendEvent(tx, { change: p.change.id, phase: phase.id, actor: o.actor, action: 'phase.abandoned', outcome: 'info', evidence: { phaseRun: run.id, error: run.error } }, o.clock?.());
  });
  return runPhase(s, p, phase, 'backward', o);
}

async function failRun(s: Db, p: Position, run: PhaseRun, t: Transition, o: ExecutorOptions, error: string): Promise<Transition> {
  await s.transaction(async (tx) => {
    await tx.query(`UPDATE switchback.phase_runs SET error = $2 WHERE id = $1`, [run.id, error]);
    await tx.query(`UPDATE switchback.changes SET status = 'failed', updated_at = coalesce($2::timestamptz, now()) WHERE id = $1`, [p.change.id, at(o)]);
    await appendEvent(tx, { change: p.change.id, phase: t.phase, actor: o.actor, action: `phase.${t.direction}`, outcome: 'failed', evidence: { phaseRun: run.id, error } }, o.clock?.());
  });
  return { ...t, outcome: 'failed' };
}

/** Take the next read-switch rollout step, if no shadow read disagreed so far. */
async function stepRollout(s: Db, p: Position, o: ExecutorOptions): Promise<Transition> {
  const phase = p.plan.phases[p.applied]!;
  const rollout = phase.rollout!;
  const i = p.change.rollout_step ?? 0;
  const [from, to] = [rollout.steps[i]!, rollout.steps[i + 1]!];
  const gates = await checkGates(s, p, phase.id, [
    { id: 'no-shadow-mismatches', kind: 'shadow-mismatches', description: `no shadow-read mismatch at ${from}%`, flag: rollout.flag, max: 0 },
    ...phase.gates,
  ], o);
  const t: Transition = { kind: 'rollout', phase: phase.id, direction: 'forward', gates, steps: [], verifications: [], rollout: { flag: rollout.flag, fromPercent: from, toPercent: to }, outcome: 'failed' };
  if (!gatesPass(gates)) return t;
  await s.transaction(async (tx) => {
    await tx.query(`UPDATE switchback.flags SET enabled = true, rollout_bps = $2, version = version + 1, updated_at = coalesce($4::timestamptz, now()), updated_by = $3 WHERE name = $1`, [rollout.flag, Math.round(to * 100), o.actor, at(o)]);
    await tx.query(`SELECT pg_notify('switchback_flags', $1)`, [rollout.flag]);
    await tx.query(`UPDATE switchback.changes SET rollout_step = $2, updated_at = coalesce($3::timestamptz, now()) WHERE id = $1`, [p.change.id, i + 1, at(o)]);
    await appendEvent(tx, { change: p.change.id, phase: phase.id, actor: o.actor, action: 'rollout.step', outcome: 'succeeded', evidence: { flag: rollout.flag, fromPercent: from, toPercent: to } }, o.clock?.());
  });
  o.onEvent?.({ type: 'rollout', flag: rollout.flag, fromPercent: from, toPercent: to });
  return { ...t, outcome: 'succeeded' };
}
