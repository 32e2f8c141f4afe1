import { decideTransition, transitionName, withArticle, type Gate, type Phase, type Policy, type PolicyActor, type TransitionRequest } from '@switchback/core';
import type { Db } from '../db/db.js';
import { ExecutorBusyError, isSwitchbackError } from '../errors.js';
import { advance, rollback } from '../executor/executor.js';
import { evaluateGates, type GateResult } from '../executor/gates.js';
import { listApprovalRequests, openApprovalRequest } from '../ledger/approval-store.js';
import { activePhaseRun, appendEvent, getFlag, type ChangeRow } from '../ledger/ledger-store.js';
import { rollbackRules, rolloutGates } from './watch-rules.js';

/** What the watcher decided about one change in one interval. */
export interface WatchDecision {
  change: string;
  action: 'advanced' | 'rolled-back' | 'paused' | 'waiting' | 'asked' | 'refused' | 'held' | 'failed';
  /** The transition considered, e.g. `read-switch@25%`, `cut-off`, `rollback:read-switch`. */
  transition: string | null;
  reason: string;
  gates: GateResult[];
  /** An approval request opened or waited on. */
  request?: number;
}

export interface WatchContext {
  policy: Policy;
  /** The ledger actor, e.g. `switchback-watch@host`. */
  actor: string;
  /** Names this process to an executor that finds a change's lock taken. */
  holder: string;
  now: Date;
  prometheusUrl?: string;
  /** How long app instances need to notice a phase change; passed to the executor. */
  propagationMs?: number;
}

const summary = (gates: GateResult[], verdicts: GateResult['verdict'][]) =>
  gates.filter((g) => verdicts.includes(g.verdict)).map((g) => `${g.id}: ${g.detail}`).join('; ');

/**
 * One interval for one change: roll back if a rollback rule trips; otherwise
 * take the next transition when the policy lets the watcher take it alone
 * and every gate passes; pause when a gate is inconclusive; ask a human when
 * the policy wants an approval. Returns undefined for a completed change.
 */
export async function watchChange(db: Db, change: ChangeRow, ctx: WatchContext): Promise<WatchDecision | undefined> {
  if (change.status === 'completed') return undefined;
  const base = { change: change.id, gates: [] as GateResult[] };
  const active = await activePhaseRun(db, change.id);
  if (active || change.status !== 'idle') {
    const what = active ? `${active.phase} ${active.direction} is half-done` : `the change is ${change.status}`;
    return { ...base, action: 'held', transition: null, reason: `${what}; the watcher does not touch it until a person finishes it (switchback advance or rollback ${change.id})` };
  }
  const plan = change.plan;
  const applied = change.applied_phase ? plan.phases.findIndex((p) => p.id === change.applied_phase) : -1;
  const phase: Phase | undefined = plan.phases[applied];
  const watcher: PolicyActor = { kind: 'watcher', name: ctx.actor };
  const gateCtx = { change: change.id, now: ctx.now, ...(ctx.prometheusUrl ? { prometheusUrl: ctx.prometheusUrl } : {}) };

  if (phase) {
    const rules = rollbackRules(ctx.policy, phase);
    const exposed = !phase.rollout || (await exposure(db, phase.rollout.flag)) > 0;
    if (rules.length && exposed) {
      const results = await evaluateGates(db, rules, { ...gateCtx, transition: transitionName({ kind: 'rollback', phase: phase.id }) });
      const tripped = results.filter((g) => g.verdict === 'fail');
      if (tripped.length) return rollBack(db, change, phase, results, tripped, watcher, ctx);
    }
  }

  const rollout = phase?.rollout;
  const step = change.rollout_step ?? 0;
  const next = plan.phases[applied + 1];
  let t: TransitionRequest;
  let gates: Gate[];
  if (phase && rollout && step < rollout.steps.length - 1) {
    t = { kind: 'rollout', phase: phase.id, fromPercent: rollout.steps[step]!, toPercent: rollout.steps[step + 1]! };
    gates = [...rolloutGates(ctx.policy, phase), ...phase.gates];
  } else if (next) {
    t = { kind: 'phase', phase: next.id };
    gates = next.gates;
  } else return undefined;
  const name = transitionName(t);

  const decision = decideTransition(ctx.policy, watcher, t, ctx.now);
  if (!decision.allowed) {
    return { ...base, action: 'refused', transition: name, reason: `${decision.message}${decision.allowedBy.length ? ` (allowed: ${decision.allowedBy.join(', ')})` : ''}` };
  }
  const approvals: Gate[] = decision.approvals.map((a) => ({ id: `approval-${a.role}`, kind: 'approval', description: `${withArticle(a.role)} approved ${name}`, role: a.role }));
  const results = await evaluateGates(db, [...gates, ...approvals], { ...gateCtx, transition: name });
  const [evidenceGates, approvalGates] = [results.slice(0, gates.length), results.slice(gates.length)];
  const complaints = evidenceGates.filter((g) => g.kind === 'no-negative-signals' && g.verdict === 'fail');
  if (complaints.length && complaints.length === evidenceGates.filter((g) => g.verdict === 'fail').length) {
    const asked = await askAboutSignals(db, change, name, complaints, ctx);
    if (asked.action === 'continue') complaints.forEach((g) => Object.assign(g, { verdict: 'overridden', detail: `${g.detail} — ${asked.reason}` }));
    else if (asked.action === 'roll-back' && phase) return rollBack(db, change, phase, results, complaints, watcher, ctx);
    else return { ...base, gates: results, action: 'asked', transition: name, reason: asked.reason, request: asked.request };
  }
  const failing = summary(evidenceGates, ['fail']);
  if (failing) return { ...base, gates: results, action: 'waiting', transition: name, reason: `gates not met: ${failing}` };
  const unsure = summary(evidenceGates, ['inconclusive']);
  if (unsure) return { ...base, gates: results, action: 'paused', transition: name, reason: `not enough evidence: ${unsure}` };
  const missing = approvalGates.filter((g) => g.verdict !== 'pass');
  if (missing.length) {
    const role = decision.approvals[approvalGates.indexOf(missing[0]!)]!.role;
    const rejected = missing.find((g) => (g.evidence.requests as { status: string }[] | undefined)?.[0]?.status === 'rejected');
    // A rejection stands until a person asks again; the watcher does not re-ask every interval.
    if (rejected) return { ...base, gates: results, action: 'waiting', transition: name, reason: `${rejected.detail}; ask again with: switchback ask ${change.id} --transition ${name}` };
    const { request } = await openApprovalRequest(
      db,
      {
        change: change.id,
        transition: name,
        question: `Take ${change.id} to ${name}? Every gate passes; the policy asks ${withArticle(role)} to approve.`,
        options: ['approve', 'reject'],
        evidence: { gates: evidenceGates.map((g) => ({ id: g.id, verdict: g.verdict, detail: g.detail })) },
        askedBy: ctx.actor,
        requiredRole: role,
      },
      ctx.now,
    );
    return { ...base, gates: results, action: 'asked', transition: name, reason: `waiting for ${withArticle(role)} to approve request #${request.id}: switchback approve ${request.id} --as NAME --role ${role}`, request: request.id };
  }
  return takeForward(db, change, name, results, ctx);
}

/**
 * Negative signals correlated with the change pause its rollout and ask a
 * person: continue (the signals are not about this change) or roll back.
 * An answer counts only for signals older than the question.
 */
async function askAboutSignals(db: Db, change: ChangeRow, name: string, complaints: GateResult[], ctx: WatchContext): Promise<{ action: 'continue' | 'roll-back' | 'wait'; reason: string; request?: number }> {
  const transition = `signals:${name}`;
  const signals = complaints.flatMap((g) => (g.evidence.signals as { id: number; at: string; tenant: string | null; severity: number; body: string }[] | undefined) ?? []);
  const newest = signals.reduce((t, x) => Math.max(t, Date.parse(x.at)), 0);
  const latest = (await listApprovalRequests(db, { change: change.id })).filter((r) => r.transition === transition && Date.parse(r.createdAt) >= newest).at(-1);
  if (latest?.status === 'approved') return { action: 'continue', reason: `${latest.answeredBy} judged them unrelated in request #${latest.id}` };
  if (latest?.status === 'rejected') return { action: 'roll-back', reason: `${latest.answeredBy} asked for a rollback in request #${latest.id}` };
  const { request } = await openApprovalRequest(
    db,
    {
      change: change.id,
      transition,
      question: `People reported problems that correlate with ${change.id} (${signals.length} signal(s), e.g. "${signals[0]?.body.slice(0, 100) ?? ''}"). Continue to ${name} (approve), or roll back (reject)?`,
      options: ['approve', 'reject'],
      evidence: { gates: complaints.map((g) => ({ id: g.id, verdict: g.verdict, detail: g.detail, evidence: g.evidence })) },
      askedBy: ctx.actor,
    },
    ctx.now,
  );
  return { action: 'wait', reason: `negative signals correlate with ${change.id}: the rollout waits for a person to answer request #${request.id} (switchback approve ${request.id} --as NAME to continue, reject to roll back)`, request: request.id };
}

async function exposure(db: Db, flag: string): Promise<number> {
  const f = await getFlag(db, flag);
  return f && f.enabled ? f.rollout_bps : 0;
}

async function takeForward(db: Db, change: ChangeRow, name: string, gates: GateResult[], ctx: WatchContext): Promise<WatchDecision> {
  try {
    const r = await advance(db, change.id, { actor: ctx.actor, holder: ctx.holder, clock: () => ctx.now, ...(ctx.propagationMs !== undefined ? { propagationMs: ctx.propagationMs } : {}) });
    if (r.outcome === 'succeeded') return { change: change.id, gates, action: 'advanced', transition: name, reason: `every gate passed: ${gates.map((g) => `${g.id}: ${g.detail}`).join('; ')}` };
    return { change: change.id, gates: [...gates, ...r.transitions.flatMap((x) => x.gates)], action: 'waiting', transition: name, reason: `the executor stopped: ${r.reason ?? r.outcome}` };
  } catch (e) {
    if (e instanceof ExecutorBusyError) return { change: change.id, gates, action: 'held', transition: name, reason: e.message };
    if (isSwitchbackError(e)) return { change: change.id, gates, action: 'failed', transition: name, reason: e.message };
    throw e;
  }
}

/**
 * Pull exposure back at once (the rollout flag to 0%, recorded with the
 * numbers), then undo the phase through the executor, which restores the
 * previous phase's state and verifies it.
 */
async function rollBack(db: Db, change: ChangeRow, phase: Phase, results: GateResult[], tripped: GateResult[], watcher: PolicyActor, ctx: WatchContext): Promise<WatchDecision> {
  const name = transitionName({ kind: 'rollback', phase: phase.id });
  const why = tripped.map((g) => `${g.id}: ${g.detail}`).join('; ');
  const decision = decideTransition(ctx.policy, watcher, { kind: 'rollback', phase: phase.id }, ctx.now);
  if (!decision.allowed) return { change: change.id, gates: results, action: 'refused', transition: name, reason: `a rollback rule tripped (${why}), but ${decision.message}${decision.allowedBy.length ? ` (allowed: ${decision.allowedBy.join(', ')})` : ''}` };
  const flag = phase.rollout?.flag;
  if (flag) {
    await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ rollout_bps: number; enabled: boolean }>('SELECT rollout_bps, enabled FROM switchback.flags WHERE name = $1 FOR UPDATE', [flag]);
      await tx.query(`UPDATE switchback.flags SET rollout_bps = 0, version = version + 1, updated_at = $3, updated_by = $2 WHERE name = $1`, [flag, ctx.actor, ctx.now]);
      await tx.query(`SELECT pg_notify('switchback_flags', $1)`, [flag]);
      const before = rows[0] ? (rows[0].enabled ? rows[0].rollout_bps / 100 : 0) : null;
      await appendEvent(tx, { change: change.id, phase: phase.id, actor: ctx.actor, action: 'watch.rollback', outcome: 'succeeded', evidence: { flag, fromPercent: before, toPercent: 0, tripped: tripped.map((g) => ({ id: g.id, detail: g.detail, evidence: g.evidence })) } }, ctx.now);
    });
  }
  try {
    const r = await rollback(db, change.id, { actor: ctx.actor, holder: ctx.holder, clock: () => ctx.now, ...(ctx.propagationMs !== undefined ? { propagationMs: ctx.propagationMs } : {}) });
    const reason = `rollback rule tripped: ${why}${flag ? `; ${flag} set to 0% at once` : ''}`;
    if (r.outcome === 'succeeded') return { change: change.id, gates: results, action: 'rolled-back', transition: name, reason: `${reason}; ${phase.id} undone (applied: ${r.to ?? 'nothing'})` };
    return { change: change.id, gates: results, action: 'failed', transition: name, reason: `${reason}; undoing ${phase.id} stopped: ${r.reason ?? r.outcome}` };
  } catch (e) {
    if (isSwitchbackError(e)) return { change: change.id, gates: results, action: 'failed', transition: name, reason: `rollback rule tripped (${why})${flag ? `; ${flag} is at 0%` : ''}, but the executor could not undo ${phase.id}: ${e.message}` };
    throw e;
  }
}
