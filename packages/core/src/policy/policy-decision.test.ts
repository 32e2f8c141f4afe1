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

describe('allowed hours across time zones and daylight saving', () => {
  const hours = (h: Record<string, unknown>, maxStepPercent = 100) =>
    policySchema.parse({ version: 1, rules: [{ transition: 'rollout', allow: ['watcher', 'human'] }], rollout: { maxStepPercent }, hours: h });
  const allowed = (policy: Policy, at: string) => decideTransition(policy, watcher, rollout(1, 5), new Date(at)).allowed;

  it.each([
    // Berlin springs forward on 2026-03-29: 09:00 local is 08:00 UTC the day before, 07:00 UTC that day.
    ['Berlin, the day before spring-forward, 08:59 CET', 'Europe/Berlin', '2026-03-28T07:59:00Z', false],
    ['Berlin, the day before spring-forward, 09:00 CET', 'Europe/Berlin', '2026-03-28T08:00:00Z', true],
    ['Berlin, spring-forward day, 09:00 CEST', 'Europe/Berlin', '2026-03-29T07:00:00Z', true],
    ['Berlin, spring-forward day, 16:59 CEST', 'Europe/Berlin', '2026-03-29T14:59:00Z', true],
    ['Berlin, spring-forward day, 17:00 CEST', 'Europe/Berlin', '2026-03-29T15:00:00Z', false],
    // Auckland is a day ahead: Thursday 20:30 UTC is Friday 09:30 there.
    ['Auckland, Friday morning local, Thursday in UTC', 'Pacific/Auckland', '2026-03-05T20:30:00Z', true],
  ] as const)('%s', (_name, timezone, at, ok) => {
    expect(allowed(hours({ timezone, days: ['fri', 'sat', 'sun'], from: '09:00', to: '17:00' }), at)).toBe(ok);
  });

  it('a window across midnight holds both 01:30s of the New York fall-back night, and ends at 06:00 local', () => {
    const night = hours({ timezone: 'America/New_York', days: ['sat', 'sun'], from: '22:00', to: '06:00' });
    expect(allowed(night, '2026-11-01T05:30:00Z')).toBe(true); // 01:30 EDT
    expect(allowed(night, '2026-11-01T06:30:00Z')).toBe(true); // 01:30 EST, an hour later
    expect(allowed(night, '2026-11-01T10:59:00Z')).toBe(true); // 05:59 EST
    expect(allowed(night, '2026-11-01T11:00:00Z')).toBe(false); // 06:00 EST
  });

  it('a refusal names the hours rule, the window in its zone, and that a human can act now', () => {
    const d = decideTransition(hours({ timezone: 'Europe/Berlin', days: ['mon'], from: '09:00', to: '17:00' }), watcher, rollout(1, 5), new Date('2026-03-03T12:00:00Z'));
    expect(d).toMatchObject({ allowed: false, rule: 'hours', allowedBy: ['human'] });
    expect(!d.allowed && d.message).toBe('outside the allowed hours (mon 09:00-17:00 Europe/Berlin); the watcher watch@host may take read-switch@5% then, or a human can now');
  });

  it('the step size limit: a step of exactly maxStepPercent is allowed, anything larger is refused naming the rule', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 60 }), (max, from, step) => {
        const policy = policySchema.parse({ version: 1, rules: [{ transition: 'rollout', allow: ['watcher', 'role:dba'] }], rollout: { maxStepPercent: max } });
        const d = decideTransition(policy, watcher, rollout(from, from + step), MONDAY_NOON_UTC);
        expect(d.allowed).toBe(step <= max);
        if (!d.allowed) expect(d).toMatchObject({ rule: 'rollout.maxStepPercent', allowedBy: ['role:dba'] });
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
