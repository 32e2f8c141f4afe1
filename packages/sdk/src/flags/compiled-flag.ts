import { BUCKET_COUNT } from './bucket.js';
import type { EvalContext, Evaluation, FlagDefinition } from './evaluate.js';
import { murmur3Continue, murmur3Prefix, type Murmur3Prefix } from './murmur3.js';
import type { FlagRules, TargetingRule } from './rules.js';
import { describeRule, pickVariant, ruleMatches } from './targeting.js';

/** How a decision was reached; `RULE` leaves the rule's position, rollouts the bucket, in the flag. */
const DISABLED = 0;
const DENY_TENANT = 1;
const DENY_USER = 2;
const ALLOW_TENANT = 3;
const ALLOW_USER = 4;
const RULE = 5;
const ROLLOUT_IN = 6;
const ROLLOUT_OUT = 7;

const NO_RULES: FlagRules = {};

const has = (list: readonly string[] | undefined, value: string | undefined): boolean =>
  value !== undefined && list !== undefined && list.includes(value);

/**
 * A flag definition prepared for evaluating it many times: the hash state of
 * `name:` (so a key's bucket hashes only the key), the rules read once, and
 * the rule descriptions built once. Deciding allocates nothing; the
 * {@link Evaluation} object is only built when asked for. The name and rules
 * are read when it is built (a snapshot's definitions never change; a new
 * snapshot gets new compiled flags), `enabled` and the rollout on every call.
 */
export class CompiledFlag {
  private readonly rules: FlagRules = NO_RULES;
  private readonly targeting: readonly TargetingRule[] = [];
  private readonly descriptions: readonly string[] = [];
  private readonly seed: Murmur3Prefix | undefined;
  /** Set by the last `decide`: the matching rule's position, or the key's bucket. */
  private lastRule = 0;
  private lastBucket = 0;

  /** Never throws: a definition that cannot be prepared evaluates as an error (off). */
  constructor(readonly def: FlagDefinition) {
    try {
      this.rules = def.rules ?? NO_RULES;
      this.targeting = this.rules.rules ?? [];
      this.descriptions = this.targeting.map(describeRule);
      this.seed = murmur3Prefix(`${def.name}:`);
    } catch {
      this.seed = undefined;
    }
  }

  /** The value for `ctx`, as `evaluate(def, ctx).value` (false when evaluation fails). */
  value(ctx: EvalContext): boolean {
    try {
      const outcome = this.decide(ctx);
      if (outcome === RULE) return this.targeting[this.lastRule]!.serve !== false;
      return outcome === ALLOW_TENANT || outcome === ALLOW_USER || outcome === ROLLOUT_IN;
    } catch {
      return false;
    }
  }

  /** The full evaluation for `ctx`, as {@link evaluate} returns it. */
  evaluate(ctx: EvalContext): Evaluation {
    try {
      return this.describe(this.decide(ctx), ctx);
    } catch {
      return { value: false, reason: 'error' };
    }
  }

  /**
   * Order: kill switch, deny lists, allow lists (tenants, users), targeting
   * rules (first match wins), then the percentage rollout.
   */
  private decide(ctx: EvalContext): number {
    const def = this.def;
    const seed = this.seed;
    if (seed === undefined) throw new Error(`flag ${String(def.name)} has a malformed definition`);
    if (!def.enabled) return DISABLED;
    const r = this.rules;
    if (r.deny !== undefined) {
      if (has(r.deny.tenants, ctx.tenant)) return DENY_TENANT;
      if (has(r.deny.users, ctx.user)) return DENY_USER;
    }
    if (has(def.allowTenants, ctx.tenant)) return ALLOW_TENANT;
    if (has(r.allow?.users, ctx.user)) return ALLOW_USER;
    const targeting = this.targeting;
    for (let i = 0; i < targeting.length; i++) {
      if (ruleMatches(targeting[i]!, ctx)) {
        this.lastRule = i;
        return RULE;
      }
    }
    const key = ctx.key;
    // A non-string key is hashed as the template literal `${flag}:${key}` would stringify it.
    const b = murmur3Continue(seed, typeof key === 'string' ? key : `${key as unknown as string}`) % BUCKET_COUNT;
    this.lastBucket = b;
    return b < def.rolloutBps ? ROLLOUT_IN : ROLLOUT_OUT;
  }

  private describe(outcome: number, ctx: EvalContext): Evaluation {
    switch (outcome) {
      case DISABLED:
        return this.off({ value: false, reason: 'disabled' });
      case DENY_TENANT:
        return this.off({ value: false, reason: 'deny-list', rule: 'deny.tenants' });
      case DENY_USER:
        return this.off({ value: false, reason: 'deny-list', rule: 'deny.users' });
      case ALLOW_TENANT:
        return this.on({ value: true, reason: 'allow-list', rule: 'allow_tenants' }, ctx);
      case ALLOW_USER:
        return this.on({ value: true, reason: 'allow-list', rule: 'allow.users' }, ctx);
      case RULE: {
        const serve = this.targeting[this.lastRule]!.serve;
        const rule = this.descriptions[this.lastRule]!;
        if (serve === false) return this.off({ value: false, reason: 'rule', rule });
        return this.on({ value: true, reason: 'rule', rule }, ctx, typeof serve === 'string' ? serve : undefined);
      }
      case ROLLOUT_IN:
        return this.on({ value: true, reason: 'rollout', bucket: this.lastBucket }, ctx);
      default:
        return this.off({ value: false, reason: 'outside-rollout', bucket: this.lastBucket });
    }
  }

  private off(e: Evaluation): Evaluation {
    const d = this.rules.defaultVariant;
    return d === undefined ? e : { ...e, variant: d };
  }

  private on(e: Evaluation, ctx: EvalContext, variant?: string): Evaluation {
    const r = this.rules;
    const v = variant ?? (r.variants ? pickVariant(this.def.name, ctx.key, r.variants) : undefined) ?? r.defaultVariant;
    return v === undefined ? e : { ...e, variant: v };
  }
}
