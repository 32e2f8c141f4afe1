import type { ApprovalRule, Policy, PolicyRule, TransitionKind, Weekday } from './policy.js';

/** Who wants to act. */
export type PolicyActor = { kind: 'watcher'; name: string } | { kind: 'agent'; name: string } | { kind: 'human'; name: string; role?: string };

/** What they want to do. */
export interface TransitionRequest {
  kind: TransitionKind;
  /** The phase entered, rolled out, or rolled back. */
  phase: string;
  /** Rollout steps: the flag's percentage before and after. */
  fromPercent?: number;
  toPercent?: number;
}

export type PolicyDecision =
  | { allowed: true; rule: string; approvals: ApprovalRule[] }
  | { allowed: false; rule: string; message: string; allowedBy: string[] };

/**
 * A transition's name as approvals and the ledger know it: `cut-off`,
 * `read-switch@100%`, `rollback:read-switch`.
 */
export function transitionName(t: TransitionRequest): string {
  if (t.kind === 'rollout') return `${t.phase}@${t.toPercent ?? '?'}%`;
  return t.kind === 'rollback' ? `rollback:${t.phase}` : t.phase;
}

function matches(m: { transition: TransitionKind; phase?: string | string[] | undefined; above?: number | undefined }, t: TransitionRequest): boolean {
  if (m.transition !== t.kind) return false;
  if (m.phase !== undefined && !(Array.isArray(m.phase) ? m.phase : [m.phase]).includes(t.phase)) return false;
  return m.above === undefined || (t.toPercent ?? 0) > m.above;
}

function actorAllowed(allow: string[], a: PolicyActor): boolean {
  return allow.some((p) => p === a.kind || (a.kind === 'human' && a.role !== undefined && p === `role:${a.role}`));
}

function describeRule(i: number, r: { transition: string; phase?: string | string[] | undefined; above?: number | undefined }, list: string): string {
  const phase = r.phase === undefined ? '' : ` ${Array.isArray(r.phase) ? r.phase.join('/') : r.phase}`;
  return `${list}[${i}] (${r.transition}${phase}${r.above === undefined ? '' : ` beyond ${r.above}%`})`;
}

function actorName(a: PolicyActor): string {
  return a.kind === 'human' ? `${a.name}${a.role ? ` (role ${a.role})` : ''}` : `the ${a.kind} ${a.name}`;
}

/** Weekday and minutes since midnight of `now` in `timezone`. */
export function localTime(now: Date, timezone: string): { day: Weekday; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: get('weekday').toLowerCase().slice(0, 3) as Weekday, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

/**
 * May `actor` take `t` alone at `now`? Pure: the first rule matching the
 * transition decides who may; the watcher and agents only move forward
 * within the allowed hours and rollout step size; approvals the policy
 * demands are returned for the caller to check (a human acting with the
 * approving role is the approval).
 */
export function decideTransition(policy: Policy, actor: PolicyActor, t: TransitionRequest, now: Date): PolicyDecision {
  const index = policy.rules.findIndex((r) => matches(r, t));
  const rule: PolicyRule | undefined = policy.rules[index];
  if (!rule) {
    return { allowed: false, rule: 'rules', message: `no rule in the policy allows ${t.kind} transitions (${transitionName(t)}); add one to rules`, allowedBy: [] };
  }
  const ruleName = describeRule(index, rule, 'rules');
  if (!actorAllowed(rule.allow, actor)) {
    return { allowed: false, rule: ruleName, message: `${actorName(actor)} may not take ${transitionName(t)} alone: ${ruleName} allows ${rule.allow.join(', ')}`, allowedBy: rule.allow };
  }
  const autonomous = actor.kind !== 'human';
  if (autonomous && t.kind === 'rollout' && t.fromPercent !== undefined && t.toPercent !== undefined && t.toPercent - t.fromPercent > policy.rollout.maxStepPercent) {
    const humans = rule.allow.filter((p) => p === 'human' || p.startsWith('role:'));
    return {
      allowed: false,
      rule: 'rollout.maxStepPercent',
      message: `the step ${t.fromPercent}% → ${t.toPercent}% is ${t.toPercent - t.fromPercent} points, more than rollout.maxStepPercent (${policy.rollout.maxStepPercent}) lets ${actorName(actor)} take alone${humans.length ? `; ${humans.join(' or ')} can take it` : ''}, or add a smaller step to the plan's rollout`,
      allowedBy: humans,
    };
  }
  if (autonomous && t.kind !== 'rollback' && policy.hours) {
    const h = policy.hours;
    const { day, minutes } = localTime(now, h.timezone);
    const from = toMinutes(h.from);
    const to = toMinutes(h.to);
    const inHours = h.days.includes(day) && (from <= to ? minutes >= from && minutes < to : minutes >= from || minutes < to);
    if (!inHours) {
      return { allowed: false, rule: 'hours', message: `outside the allowed hours (${h.days.join(',')} ${h.from}-${h.to} ${h.timezone}); ${actorName(actor)} may take ${transitionName(t)} then, or a human can now`, allowedBy: ['human'] };
    }
  }
  const approvals = policy.approvals.filter((a) => matches(a, t) && !(actor.kind === 'human' && actor.role === a.role));
  return { allowed: true, rule: ruleName, approvals };
}
