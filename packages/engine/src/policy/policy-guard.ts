import { decideTransition, transitionName, withArticle, type Plan, type Policy, type PolicyActor, type TransitionRequest } from '@switchback/core';
import type { Db } from '../db/db.js';
import { ChangeNotFoundError, SwitchbackError } from '../errors.js';
import { evaluateGates } from '../executor/gates.js';
import type { FlagUpdate } from '../ledger/flag-store.js';
import { activePhaseRun, getChange, getFlag, listChanges, type ChangeRow, type FlagRow, type PhaseRun } from '../ledger/ledger-store.js';

/** The policy does not let this actor take this transition alone. */
export class PolicyRefusedError extends SwitchbackError {
  override readonly exitCode = 1;
  constructor(
    readonly change: string,
    readonly transition: string,
    readonly rule: string,
    readonly allowedBy: string[],
    reason: string,
  ) {
    super(`Refused by the policy: ${transition} of ${change}: ${reason}.${allowedBy.length ? ` Who can: ${allowedBy.join(', ')}.` : ''}`);
  }
}

/** The policy wants a named human's approval first, and there is none yet. */
export class ApprovalRequiredError extends SwitchbackError {
  override readonly exitCode = 1;
  constructor(
    readonly change: string,
    readonly transition: string,
    readonly role: string,
    detail: string,
  ) {
    super(`${transition} of ${change} needs the approval of ${withArticle(role)} (policy approvals): ${detail}. Ask with: switchback ask ${change} --transition ${transition}; ${withArticle(role)} answers with: switchback approve REQUEST --as NAME --role ${role}`);
  }
}

function phaseAt(plan: Plan, id: string | null): number {
  return id ? plan.phases.findIndex((p) => p.id === id) : -1;
}

/** The transitions `advance` would take, in order (finishing a half-done phase is not a new one). */
export function forwardTransitions(change: ChangeRow, active: PhaseRun | undefined, to?: string): TransitionRequest[] {
  const plan = change.plan;
  const target = to === undefined ? undefined : phaseAt(plan, to);
  let applied = phaseAt(plan, change.applied_phase);
  let step = change.rollout_step ?? 0;
  const out: TransitionRequest[] = [];
  if (active?.direction === 'forward') {
    applied = phaseAt(plan, active.phase);
    step = 0;
    if (target === undefined) return out;
  }
  for (;;) {
    const rollout = plan.phases[applied]?.rollout;
    const rolloutLeft = !!rollout && step < rollout.steps.length - 1;
    if (target !== undefined && applied >= target) break;
    if (applied === plan.phases.length - 1 && !rolloutLeft) break;
    if (rolloutLeft) {
      out.push({ kind: 'rollout', phase: plan.phases[applied]!.id, fromPercent: rollout.steps[step]!, toPercent: rollout.steps[step + 1]! });
      step++;
    } else {
      applied++;
      step = 0;
      out.push({ kind: 'phase', phase: plan.phases[applied]!.id });
    }
    if (target === undefined) break;
  }
  return out;
}

/** The phases `rollback` would undo, newest first. */
export function backwardTransitions(change: ChangeRow, active: PhaseRun | undefined, to?: string): TransitionRequest[] {
  const plan = change.plan;
  const applied = phaseAt(plan, change.applied_phase);
  const out: TransitionRequest[] = [];
  if (active?.direction === 'forward') out.push({ kind: 'rollback', phase: active.phase });
  const goal = to === undefined ? (active ? applied : applied - 1) : to === 'start' ? -1 : phaseAt(plan, to);
  for (let i = applied; i > goal; i--) out.push({ kind: 'rollback', phase: plan.phases[i]!.id });
  return out;
}

/**
 * Refuse, before anything runs, a transition the policy does not let `actor`
 * take alone, or one that needs an approval nobody has given yet.
 */
export async function enforcePolicy(db: Db, id: string, policy: Policy, actor: PolicyActor, direction: 'forward' | 'backward', to: string | undefined, now: Date = new Date()): Promise<TransitionRequest[]> {
  const change = await getChange(db, id);
  if (!change) throw new ChangeNotFoundError(id, (await listChanges(db)).map((c) => c.id));
  const active = await activePhaseRun(db, id);
  const list = direction === 'forward' ? forwardTransitions(change, active, to) : backwardTransitions(change, active, to);
  for (const t of list) {
    const name = transitionName(t);
    const d = decideTransition(policy, actor, t, now);
    if (!d.allowed) throw new PolicyRefusedError(id, name, d.rule, d.allowedBy, d.message);
    for (const a of d.approvals) {
      const [g] = await evaluateGates(db, [{ id: `approval-${a.role}`, kind: 'approval', description: `${withArticle(a.role)} approved ${name}`, role: a.role }], { change: id, transition: name, now });
      if (g!.verdict !== 'pass') throw new ApprovalRequiredError(id, name, a.role, g!.detail);
    }
  }
  return list;
}

/** What a hand-made flag change means for the policy: exposure up is a rollout step, down is a rollback. */
export function flagTransition(change: ChangeRow, flag: FlagRow, update: FlagUpdate): TransitionRequest | undefined {
  const phase = change.plan.phases.find((p) => p.rollout?.flag === flag.name) ?? change.plan.phases.find((p) => p.forward.some((s) => s.kind === 'flag' && s.flag === flag.name));
  if (!phase) return undefined;
  const before = flag.enabled ? flag.rollout_bps / 100 : 0;
  const enabled = update.enabled ?? flag.enabled;
  const after = enabled ? (update.percent ?? flag.rollout_bps / 100) : 0;
  const newTenants = (update.allowTenants ?? []).filter((t) => !flag.allow_tenants.includes(t));
  if (after < before) return { kind: 'rollback', phase: phase.id };
  if (after > before || (enabled && newTenants.length)) return { kind: 'rollout', phase: phase.id, fromPercent: before, toPercent: after };
  return undefined;
}

/**
 * Refuse a hand-made flag change the policy does not let `actor` make alone:
 * more exposure is judged as a rollout step (step size, hours, approvals),
 * less as a rollback. Flags no plan uses are not the policy's business.
 */
export async function enforceFlagPolicy(db: Db, name: string, update: FlagUpdate, policy: Policy, actor: PolicyActor, now: Date = new Date()): Promise<TransitionRequest | undefined> {
  const flag = await getFlag(db, name);
  const change = flag?.change_id ? await getChange(db, flag.change_id) : undefined;
  if (!flag || !change) return undefined;
  const t = flagTransition(change, flag, update);
  if (!t) return undefined;
  const what = `flag ${name} ${t.kind === 'rollback' ? 'pulled back' : `to ${t.toPercent}%`} (${transitionName(t)})`;
  const d = decideTransition(policy, actor, t, now);
  if (!d.allowed) throw new PolicyRefusedError(change.id, what, d.rule, d.allowedBy, d.message);
  for (const a of d.approvals) {
    const tn = transitionName(t);
    const [g] = await evaluateGates(db, [{ id: `approval-${a.role}`, kind: 'approval', description: `${withArticle(a.role)} approved ${tn}`, role: a.role }], { change: change.id, transition: tn, now });
    if (g!.verdict !== 'pass') throw new ApprovalRequiredError(change.id, tn, a.role, g!.detail);
  }
  return t;
}
