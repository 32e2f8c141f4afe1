import { describe, expect, it } from 'vitest';
import { bucket } from './bucket.js';
import { evaluate, type EvalContext, type FlagDefinition } from './evaluate.js';
import { explainEvaluation } from './explain.js';

const F = 'ReadContractDetailsFromCustomer';
const def = (over: Partial<FlagDefinition>): FlagDefinition => ({
  name: F, enabled: true, rolloutBps: 2500, allowTenants: ['acme'], version: 3, ...over,
});
const key = 'customer-42';
const b = bucket(F, key);
const explain = (d: FlagDefinition | undefined, ctx: EvalContext): string => explainEvaluation(F, ctx, d, evaluate(d, ctx));

describe('explainEvaluation', () => {
  it('says why for every reason', () => {
    expect(explain(undefined, { key })).toBe(
      `${F} is off for key "customer-42": no such flag in switchback.flags, and unknown flags are off.`,
    );
    expect(explain(def({ enabled: false }), { key })).toBe(`${F} is off for everyone: it is disabled (kill switch).`);
    expect(explain(def({}), { key, tenant: 'acme' })).toBe(
      `${F} is on for key "customer-42": tenant "acme" is on its allow list.`,
    );
    expect(explain(def({ rolloutBps: b + 1 }), { key })).toBe(
      `${F} is on for key "customer-42": its bucket ${b} is below the rollout of ${b + 1} bps (${(b + 1) / 100}%).`,
    );
    expect(explain(def({ rolloutBps: b }), { key })).toBe(
      `${F} is off for key "customer-42": its bucket ${b} is not below the rollout of ${b} bps (${b / 100}%).`,
    );
  });

  it('names the deciding list or rule, and the variant', () => {
    const rules = {
      deny: { users: ['mallory'] }, allow: { users: ['alice'] },
      rules: [{ attribute: 'plan', op: 'in' as const, values: ['gold', 'platinum'], serve: 'b', index: 0 }],
      variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }], defaultVariant: 'control',
    };
    const d = def({ rolloutBps: 0, allowTenants: [], rules });
    expect(explain(d, { key, user: 'mallory' })).toBe(`${F} is off for key "customer-42": user "mallory" is on its deny list; variant "control".`);
    expect(explain(d, { key, attributes: { plan: 'gold' } })).toBe(
      `${F} is on for key "customer-42": rules[0] (plan in [gold, platinum]) matched; variant "b".`,
    );
    expect(explain(def({ rules: { deny: { tenants: ['acme'] } } }), { key, tenant: 'acme' })).toBe(
      `${F} is off for key "customer-42": tenant "acme" is on its deny list.`,
    );
    expect(explain(d, { key, user: 'alice' })).toMatch(/^\S+ is on for key "customer-42": user "alice" is on its allow list; variant "[ab]"\.$/);
  });
});
