import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucket } from './bucket.js';
import { CompiledFlag } from './compiled-flag.js';
import type { EvalContext, Evaluation, FlagDefinition } from './evaluate.js';
import type { FlagRules, RuleOp } from './rules.js';
import { describeRule, pickVariant, ruleMatches } from './targeting.js';

/** The straightforward formulation of the evaluation order, allocating as it goes: what the compiled flag must agree with. */
function reference(def: FlagDefinition, ctx: EvalContext): Evaluation {
  const r: FlagRules = def.rules ?? {};
  const has = (list: readonly string[] | undefined, v: string | undefined) => v !== undefined && list !== undefined && list.includes(v);
  const off = (e: Evaluation): Evaluation => (r.defaultVariant === undefined ? e : { ...e, variant: r.defaultVariant });
  const on = (e: Evaluation, variant?: string): Evaluation => {
    const v = variant ?? (r.variants ? pickVariant(def.name, ctx.key, r.variants) : undefined) ?? r.defaultVariant;
    return v === undefined ? e : { ...e, variant: v };
  };
  if (!def.enabled) return off({ value: false, reason: 'disabled' });
  if (has(r.deny?.tenants, ctx.tenant)) return off({ value: false, reason: 'deny-list', rule: 'deny.tenants' });
  if (has(r.deny?.users, ctx.user)) return off({ value: false, reason: 'deny-list', rule: 'deny.users' });
  if (has(def.allowTenants, ctx.tenant)) return on({ value: true, reason: 'allow-list', rule: 'allow_tenants' });
  if (has(r.allow?.users, ctx.user)) return on({ value: true, reason: 'allow-list', rule: 'allow.users' });
  for (const rule of r.rules ?? []) {
    if (!ruleMatches(rule, ctx)) continue;
    const decided = { reason: 'rule', rule: describeRule(rule) } as const;
    if (rule.serve === false) return off({ value: false, ...decided });
    return on({ value: true, ...decided }, typeof rule.serve === 'string' ? rule.serve : undefined);
  }
  const b = bucket(def.name, ctx.key);
  return b < def.rolloutBps ? on({ value: true, reason: 'rollout', bucket: b }) : off({ value: false, reason: 'outside-rollout', bucket: b });
}

// Small alphabets, so lists, rules and contexts often meet.
const word = fc.constantFrom('acme', 'globex', 'gold', 'free', 'u1', 'u2', 'go', '');
const list = fc.array(word, { maxLength: 3 });
const variants = fc.uniqueArray(fc.record({ name: fc.constantFrom('a', 'b', 'c'), weight: fc.integer({ min: 0, max: 5 }) }), { selector: (v) => v.name, maxLength: 3 });
const rules: fc.Arbitrary<FlagRules> = fc.record(
  {
    deny: fc.record({ tenants: list, users: list }, { requiredKeys: [] }),
    allow: fc.record({ users: list }, { requiredKeys: [] }),
    rules: fc.array(
      fc.record({
        attribute: fc.constantFrom('key', 'tenant', 'user', 'plan', 'seats'),
        op: fc.constantFrom<RuleOp>('in', 'not-in', 'equals', 'starts-with'),
        values: list,
        serve: fc.oneof(fc.boolean(), fc.constantFrom('a', 'b')),
      }),
      { maxLength: 3 },
    ).map((rs) => rs.map((rule, index) => ({ ...rule, index }))),
    variants,
    defaultVariant: fc.constantFrom('a', 'control'),
  },
  { requiredKeys: [] },
);
const definition: fc.Arbitrary<FlagDefinition> = fc.record(
  {
    name: fc.string({ unit: 'binary', maxLength: 12 }),
    enabled: fc.boolean(),
    rolloutBps: fc.integer({ min: 0, max: 10_000 }),
    allowTenants: list,
    version: fc.nat(),
    rules,
  },
  { requiredKeys: ['name', 'enabled', 'rolloutBps', 'allowTenants', 'version'] },
);
const context: fc.Arbitrary<EvalContext> = fc.record(
  {
    key: fc.oneof(word, fc.string({ unit: 'binary', maxLength: 12 })),
    tenant: word,
    user: word,
    attributes: fc.record({ plan: fc.oneof(word, fc.constant(null)), seats: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.boolean()) }, { requiredKeys: [] }),
  },
  { requiredKeys: ['key'] },
);

describe('CompiledFlag', () => {
  it('evaluates exactly as the straightforward formulation, value, reason, rule, bucket and variant', () => {
    fc.assert(
      fc.property(definition, fc.array(context, { minLength: 1, maxLength: 5 }), (def, ctxs) => {
        const compiled = new CompiledFlag(def);
        for (const ctx of ctxs) {
          const expected = reference(def, ctx);
          expect(compiled.evaluate(ctx)).toEqual(expected);
          expect(compiled.value(ctx)).toBe(expected.value);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('hashes a non-string key as its string form', () => {
    const def: FlagDefinition = { name: 'F', enabled: true, rolloutBps: 5000, allowTenants: [], version: 1 };
    const ctx = { key: 42 } as unknown as EvalContext;
    expect(new CompiledFlag(def).evaluate(ctx).bucket).toBe(bucket('F', '42'));
  });

  it('is off with reason error, not a throw, for a definition it cannot use', () => {
    const def = { name: 'F', enabled: true, rolloutBps: 10_000, allowTenants: [], version: 1, rules: { rules: 'nope' } } as unknown as FlagDefinition;
    const compiled = new CompiledFlag(def);
    expect(compiled.evaluate({ key: 'k' })).toEqual({ value: false, reason: 'error' });
    expect(compiled.value({ key: 'k' })).toBe(false);
  });
});
