import { bucket } from './bucket.js';

/** A flag as stored in `switchback.flags`, reduced to what evaluation needs. */
export interface FlagDefinition {
  name: string;
  /** false = off for everyone, whatever the rollout (the kill switch). */
  enabled: boolean;
  /** Share of keys that are on, in basis points (0..10000). */
  rolloutBps: number;
  /** Tenants that are always on while the flag is enabled. */
  allowTenants: readonly string[];
  version: number;
}

/** Who is asking: `key` is the unit of stickiness (a customer, a user, a row id). */
export interface EvalContext {
  key: string;
  tenant?: string;
}

/** Why a flag evaluated the way it did. */
export type EvaluationReason = 'unknown-flag' | 'disabled' | 'allow-list' | 'rollout' | 'outside-rollout';

/** The value of a flag for one context, with the reason and (for rollouts) the key's bucket. */
export interface Evaluation {
  value: boolean;
  reason: EvaluationReason;
  bucket?: number;
}

/**
 * Evaluates a flag for a context. Pure and total: an unknown flag is off.
 * Order: kill switch, then tenant allow list, then percentage rollout.
 *
 * @example
 * evaluate({ name: 'F', enabled: true, rolloutBps: 10000, allowTenants: [], version: 1 }, { key: 'k' });
 * // { value: true, reason: 'rollout', bucket: ... }
 */
export function evaluate(def: FlagDefinition | undefined, ctx: EvalContext): Evaluation {
  if (def === undefined) return { value: false, reason: 'unknown-flag' };
  if (!def.enabled) return { value: false, reason: 'disabled' };
  if (ctx.tenant !== undefined && def.allowTenants.includes(ctx.tenant)) {
    return { value: true, reason: 'allow-list' };
  }
  const b = bucket(def.name, ctx.key);
  return b < def.rolloutBps
    ? { value: true, reason: 'rollout', bucket: b }
    : { value: false, reason: 'outside-rollout', bucket: b };
}
