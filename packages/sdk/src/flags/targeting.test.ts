import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, type EvalContext, type FlagDefinition } from './evaluate.js';
import { parseRules, type FlagRules } from './rules.js';
import { pickVariant } from './targeting.js';

const F = 'CheckoutButton';
const def = (rules: FlagRules, over: Partial<FlagDefinition> = {}): FlagDefinition => ({
  name: F, enabled: true, rolloutBps: 0, allowTenants: [], version: 1, rules, ...over,
});
const rule = (attribute: string, op: 'in' | 'not-in' | 'equals' | 'starts-with', values: string[], serve: boolean | string, index = 0) =>
  ({ attribute, op, values, serve, index });

const cases: Array<[name: string, rules: FlagRules, ctx: EvalContext, value: boolean, reason: string, variant?: string]> = [
  ['denied tenant is off even when allow-listed', { deny: { tenants: ['acme'] } }, { key: 'k', tenant: 'acme' }, false, 'deny-list'],
  ['denied user is off', { deny: { users: ['mallory'] } }, { key: 'k', user: 'mallory' }, false, 'deny-list'],
  ['allowed user is on at 0%', { allow: { users: ['alice'] } }, { key: 'k', user: 'alice' }, true, 'allow-list'],
  ['rule in', { rules: [rule('plan', 'in', ['gold'], true)] }, { key: 'k', attributes: { plan: 'gold' } }, true, 'rule'],
  ['rule not-in', { rules: [rule('plan', 'not-in', ['gold'], true)] }, { key: 'k', attributes: { plan: 'free' } }, true, 'rule'],
  ['rule equals on a number', { rules: [rule('seats', 'equals', ['10'], true)] }, { key: 'k', attributes: { seats: 10 } }, true, 'rule'],
  ['rule starts-with on user', { rules: [rule('user', 'starts-with', ['qa-'], true)] }, { key: 'k', user: 'qa-7' }, true, 'rule'],
  ['rule serving false', { rules: [rule('tenant', 'in', ['globex'], false)] }, { key: 'k', tenant: 'globex' }, false, 'rule'],
  ['rule on an absent attribute does not match', { rules: [rule('plan', 'not-in', ['gold'], true)] }, { key: 'k' }, false, 'outside-rollout'],
  ['first matching rule wins', { rules: [rule('plan', 'in', ['gold'], false), rule('plan', 'in', ['gold'], true, 1)] }, { key: 'k', attributes: { plan: 'gold' } }, false, 'rule'],
  ['rule serves a variant', { variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 0 }], rules: [rule('plan', 'in', ['gold'], 'b')] }, { key: 'k', attributes: { plan: 'gold' } }, true, 'rule', 'b'],
  ['off serves the default variant', { variants: [{ name: 'a', weight: 1 }], defaultVariant: 'control' }, { key: 'k' }, false, 'outside-rollout', 'control'],
  ['prototype names are not attributes', { rules: [rule('toString', 'starts-with', [''], true)] }, { key: 'k', attributes: {} }, false, 'outside-rollout'],
];

describe('targeting', () => {
  it.each(cases)('%s', (_name, rules, ctx, value, reason, variant) => {
    const result = evaluate(def(rules, { allowTenants: ['acme'] }), ctx);
    expect(result).toMatchObject({ value, reason });
    expect(result.variant).toBe(variant);
  });

  it('the kill switch beats everything, and serves the default variant', () => {
    const rules: FlagRules = { allow: { users: ['alice'] }, rules: [rule('user', 'in', ['alice'], true)], defaultVariant: 'off' };
    expect(evaluate(def(rules, { enabled: false, rolloutBps: 10_000 }), { key: 'k', user: 'alice' })).toEqual({ value: false, reason: 'disabled', variant: 'off' });
  });

  it('a rule serving false beats a 100% rollout', () => {
    const rules: FlagRules = { rules: [rule('tenant', 'in', ['globex'], false)] };
    expect(evaluate(def(rules, { rolloutBps: 10_000 }), { key: 'k', tenant: 'globex' })).toMatchObject({ value: false, reason: 'rule', rule: 'rules[0] (tenant in [globex])' });
  });

  it('splits keys over variants by weight (within 1.5%)', () => {
    const variants = [{ name: 'a', weight: 1 }, { name: 'b', weight: 3 }];
    let b = 0;
    for (let i = 0; i < 40_000; i++) if (pickVariant(F, `user-${i}`, variants) === 'b') b++;
    expect(Math.abs(b / 40_000 - 0.75)).toBeLessThan(0.015);
  });
});

const ids = fc.constantFrom('a', 'b', 'c', 'acme', 'globex');
const weights = fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 5 }).filter((w) => w.some((x) => x > 0));
const named = (w: number[]) => w.map((weight, i) => ({ name: `v${i}`, weight }));

describe('targeting properties', () => {
  it('deny always wins over allow lists, rules and the rollout', () => {
    fc.assert(
      fc.property(ids, ids, fc.integer({ min: 0, max: 10_000 }), fc.boolean(), (tenant, user, rolloutBps, denyUser) => {
        const rules: FlagRules = {
          deny: denyUser ? { users: [user] } : { tenants: [tenant] },
          allow: { users: [user] },
          rules: [rule('tenant', 'in', [tenant], true)],
        };
        const r = evaluate(def(rules, { rolloutBps, allowTenants: [tenant] }), { key: 'k', tenant, user });
        expect(r).toMatchObject({ value: false, reason: 'deny-list' });
      }),
    );
  });

  it('a key keeps its variant: the same every time, and when all weights are scaled alike', () => {
    fc.assert(
      fc.property(fc.string(), weights, fc.integer({ min: 2, max: 50 }), (key, w, k) => {
        const v = pickVariant(F, key, named(w));
        expect(v).toBeDefined();
        expect(pickVariant(F, key, named(w))).toBe(v);
        expect(pickVariant(F, key, named(w.map((x) => x * k)))).toBe(v);
      }),
    );
  });

  it('growing one variant only adds keys to it: a key in that variant stays', () => {
    fc.assert(
      fc.property(fc.string(), weights, fc.nat(4), fc.integer({ min: 1, max: 1000 }), (key, w, at, extra) => {
        const i = at % w.length;
        const before = pickVariant(F, key, named(w));
        const grown = w.map((x, j) => (j === i ? x + extra : x));
        if (before === `v${i}`) expect(pickVariant(F, key, named(grown))).toBe(`v${i}`);
      }),
    );
  });

  it('never throws, whatever JSON is stored in rules and whatever the context', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), fc.option(fc.string()), fc.dictionary(fc.string(), fc.jsonValue()), (raw, key, user, attributes) => {
        const { rules } = parseRules(raw);
        const ctx = { key, user: user ?? undefined, attributes: attributes as EvalContext['attributes'] };
        const r = evaluate(def(rules, { rolloutBps: 5000 }), ctx);
        expect(typeof r.value).toBe('boolean');
      }),
    );
  });

  it('never throws even for rules that skipped validation', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        const r = evaluate(def(raw as FlagRules), { key: 'k', tenant: 't', user: 'u', attributes: { plan: 'gold' } });
        expect(typeof r.value).toBe('boolean');
      }),
    );
  });
});
