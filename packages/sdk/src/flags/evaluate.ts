import { CompiledFlag } from './compiled-flag.js';
import type { FlagRules } from './rules.js';
import type { TargetingContext } from './targeting.js';

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
  if (def === undefined) return { value: false, reason: 'unknown-flag' };
  return new CompiledFlag(def).evaluate(ctx);
}
