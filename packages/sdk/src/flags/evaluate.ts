import { bucket } from './bucket.js';
import type { FlagRules } from './rules.js';
import { describeRule, pickVariant, ruleMatches, type TargetingContext } from './targeting.js';

/** A flag as stored in `switchback.flags`, reduced to what evaluation needs. */
export interface FlagDefinition {
  name: string;
  /** false = off for everyone, whatever the rollout (the kill switch). */
  enabled: boolean;
  /** Share of keys that are on, in basis points (0..10000). */
  rolloutBps: number;
  /** Tenants that are always on while the flag is enabled (unless denied). */
  allowTenants: readonly string[];
  version: number;
  /** Targeting and variants from the `rules` column, validated (see `parseRules`). */
  rules?: FlagRules;
}

/**
 * Who is asking: `key` is the unit of stickiness (a customer, a user, a row
 * id); `tenant`, `user` and `attributes` are what targeting rules look at.
 */
export interface EvalContext extends TargetingContext {
  key: string;
  tenant?: string;
  user?: string;
}

/** Why a flag evaluated the way it did. `error` means evaluation failed and the flag is off. */
export type EvaluationReason =
  | 'unknown-flag' | 'disabled' | 'deny-list' | 'allow-list' | 'rule' | 'rollout' | 'outside-rollout' | 'error';

/** The value of a flag for one context, with the reason, the deciding rule and (for rollouts) the key's bucket. */
export interface Evaluation {
  value: boolean;
  reason: EvaluationReason;
  bucket?: number;
  /** The deciding list or rule: 'deny.tenants', 'deny.users', 'allow_tenants', 'allow.users', `rules[i] (...)`. */
  rule?: string;
  /** For multi-variant flags: the variant served (the default variant when off). */
  variant?: string;
}

const has = (list: readonly string[] | undefined, value: string | undefined): boolean =>
  value !== undefined && list !== undefined && list.includes(value);

function decide(def: FlagDefinition | undefined, ctx: EvalContext): Evaluation {
  if (def === undefined) return { value: false, reason: 'unknown-flag' };
  const r = def.rules ?? {};
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
  return b < def.rolloutBps
    ? on({ value: true, reason: 'rollout', bucket: b })
    : off({ value: false, reason: 'outside-rollout', bucket: b });
}

/**
 * Evaluates a flag for a context. Pure and total: an unknown flag is off, and
 * a failure inside evaluation is `{ value: false, reason: 'error' }`, never a throw.
 * Order: kill switch, deny lists, allow lists (tenants, users), targeting rules
 * (first match wins), then the percentage rollout.
 *
 * @example
 * evaluate({ name: 'F', enabled: true, rolloutBps: 10000, allowTenants: [], version: 1 }, { key: 'k' });
 * // { value: true, reason: 'rollout', bucket: ... }
 */
export function evaluate(def: FlagDefinition | undefined, ctx: EvalContext): Evaluation {
  try {
    return decide(def, ctx);
  } catch {
    return { value: false, reason: 'error' };
  }
}
