import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, policySchema, type Policy } from './policy.js';
import { decideTransition, localTime, transitionName, type PolicyActor, type TransitionRequest } from './policy-decision.js';

const MONDAY_NOON_UTC = new Date('2026-03-02T12:00:00Z');
const watcher: PolicyActor = { kind: 'watcher', name: 'watch@host' };
const agent: PolicyActor = { kind: 'agent', name: 'claude' };
const lead: PolicyActor = { kind: 'human', name: 'ana', role: 'owner' };
const dev: PolicyActor = { kind: 'human', name: 'sam', role: 'developer' };

const rollout = (fromPercent: number, toPercent: number): TransitionRequest => ({ kind: 'rollout', phase: 'read-switch', fromPercent, toPercent });

describe('decideTransition with the default policy', () => {
  it.each([
    ['watcher rolls out 1 → 10', watcher, rollout(1, 10), true, 0],
    ['watcher rolls out 10 → 50', watcher, rollout(10, 50), true, 0],
    ['watcher rolls out 50 → 100: approval', watcher, rollout(50, 100), true, 1],
    ['watcher rolls back', watcher, { kind: 'rollback', phase: 'read-switch' }, true, 0],
    ['watcher enters cut-off', watcher, { kind: 'phase', phase: 'cut-off' }, false, 0],
    ['agent enters backfill', agent, { kind: 'phase', phase: 'backfill' }, true, 0],
    ['agent enters cut-off: approval', agent, { kind: 'phase', phase: 'cut-off' }, true, 1],
    ['developer enters contract: approval', dev, { kind: 'phase', phase: 'contract' }, true, 1],
    ['owner enters contract: is the approval', lead, { kind: 'phase', phase: 'contract' }, true, 0],
  ] as const)('%s', (_name, actor, t, allowed, approvals) => {
    const d = decideTransition(DEFAULT_POLICY, actor, t as TransitionRequest, MONDAY_NOON_UTC);
    expect(d.allowed).toBe(allowed);
    if (d.allowed) expect(d.approvals).toHaveLength(approvals);
    else expect(d.message).toContain('rules[2]');
  });

  it('names the transition the way approvals do', () => {
    expect(transitionName(rollout(50, 100))).toBe('read-switch@100%');
    expect(transitionName({ kind: 'phase', phase: 'cut-off' })).toBe('cut-off');
    expect(transitionName({ kind: 'rollback', phase: 'cut-off' })).toBe('rollback:cut-off');
  });
});

describe('decideTransition with a stricter policy', () => {
  const policy: Policy = policySchema.parse({
    version: 1,
    rules: [
      { transition: 'rollout', allow: ['watcher', 'role:dba'] },
      { transition: 'rollback', allow: ['watcher', 'human'] },
    ],
    rollout: { maxStepPercent: 20 },
    hours: { timezone: 'Europe/Berlin', days: ['mon', 'tue'], from: '09:00', to: '17:00' },
  });

  it('refuses a step larger than maxStepPercent, naming the rule and who can take it', () => {
    const d = decideTransition(policy, watcher, rollout(10, 50), MONDAY_NOON_UTC);
    expect(d).toMatchObject({ allowed: false, rule: 'rollout.maxStepPercent', allowedBy: ['role:dba'] });
    expect(decideTransition(policy, { kind: 'human', name: 'x', role: 'dba' }, rollout(10, 50), MONDAY_NOON_UTC).allowed).toBe(true);
  });

  it('refuses forward moves outside the hours in the policy time zone, never rollbacks', () => {
    const mondayEvening = new Date('2026-03-02T16:30:00Z'); // 17:30 in Berlin
    expect(decideTransition(policy, watcher, rollout(1, 5), mondayEvening)).toMatchObject({ allowed: false, rule: 'hours' });
    expect(decideTransition(policy, watcher, { kind: 'rollback', phase: 'read-switch' }, mondayEvening).allowed).toBe(true);
    expect(decideTransition(policy, watcher, rollout(1, 5), new Date('2026-03-02T15:59:00Z')).allowed).toBe(true);
  });

  it('refuses a transition no rule covers', () => {
    expect(decideTransition(policy, { kind: 'human', name: 'x', role: 'dba' }, { kind: 'phase', phase: 'expand' }, MONDAY_NOON_UTC)).toMatchObject({ allowed: false, rule: 'rules' });
  });

  it('a human in an allowed role is never limited by step size or hours', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1, max: 100 }), fc.date({ min: new Date('2026-01-01'), max: new Date('2027-01-01'), noInvalidDate: true }), (a, step, now) => {
        const from = a;
        const to = Math.min(100, a + step);
        fc.pre(to > from);
        expect(decideTransition(policy, { kind: 'human', name: 'x', role: 'dba' }, rollout(from, to), now).allowed).toBe(true);
      }),
    );
  });
});

describe('localTime', () => {
  it('reads weekday and minutes in the zone, across daylight saving', () => {
    expect(localTime(new Date('2026-07-01T07:30:00Z'), 'Europe/Berlin')).toEqual({ day: 'wed', minutes: 9 * 60 + 30 });
    expect(localTime(new Date('2026-01-01T07:30:00Z'), 'Europe/Berlin')).toEqual({ day: 'thu', minutes: 8 * 60 + 30 });
    expect(localTime(new Date('2026-03-02T00:15:00Z'), 'America/New_York')).toEqual({ day: 'sun', minutes: 19 * 60 + 15 });
  });
});

describe('policySchema', () => {
  it('rejects unknown keys and bad values with their path', () => {
    const r = policySchema.safeParse({ version: 1, rules: [{ transition: 'rollout', allow: ['robot'] }], rollout: { maxStep: 5 }, hours: { timezone: 'Mars/Base' } });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['rules.0.allow.0', 'rollout', 'hours.timezone']));
  });
});
