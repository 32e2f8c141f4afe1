import { BUCKET_COUNT } from './bucket.js';
import { murmur3_32 } from './murmur3.js';
import type { TargetingRule, VariantWeight } from './rules.js';

/** Who is asking, as targeting sees it (the same shape as `EvalContext`). */
export interface TargetingContext {
  key: string;
  tenant?: string;
  user?: string;
  attributes?: Readonly<Record<string, string | number | boolean | null | undefined>>;
}

/** Seed for the variant hash, so a key's variant is independent of whether it is in the rollout. */
const VARIANT_SEED = 0x5eed_7a11;

/** The context's value for `attribute` as a string, or undefined when it has none. */
export function attributeOf(ctx: TargetingContext, attribute: string): string | undefined {
  if (attribute === 'key') return ctx.key;
  if (attribute === 'tenant') return ctx.tenant;
  if (attribute === 'user') return ctx.user;
  const attrs = ctx.attributes;
  if (attrs === undefined || attrs === null || !Object.hasOwn(attrs, attribute)) return undefined;
  const v = attrs[attribute];
  return v === undefined || v === null ? undefined : String(v);
}

/** Whether `rule` applies to `ctx`; a rule on an attribute the context lacks never matches. */
export function ruleMatches(rule: TargetingRule, ctx: TargetingContext): boolean {
  const value = attributeOf(ctx, rule.attribute);
  if (value === undefined) return false;
  switch (rule.op) {
    case 'in':
      return rule.values.includes(value);
    case 'not-in':
      return !rule.values.includes(value);
    case 'equals':
      return rule.values.length === 1 && rule.values[0] === value;
    case 'starts-with':
      return rule.values.some((prefix) => value.startsWith(prefix));
  }
}

/** The key's variant bucket for `flag` (0..9999), hashed independently of the rollout bucket. */
export function variantBucket(flag: string, key: string): number {
  return murmur3_32(`${flag}:${key}`, VARIANT_SEED) % BUCKET_COUNT;
}

/**
 * The variant for `key`: the variants split the buckets in order, each in
 * proportion to its weight. Sticky (the same key gets the same variant),
 * unchanged when all weights are scaled alike, and growing one variant's
 * weight only adds keys to it. Undefined when there is no positive weight.
 *
 * @example
 * pickVariant('Checkout', 'user-1', [{ name: 'a', weight: 1 }, { name: 'b', weight: 3 }]); // 'b' for ~75% of keys
 */
export function pickVariant(flag: string, key: string, variants: readonly VariantWeight[]): string | undefined {
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  if (!(total > 0)) return undefined;
  const point = variantBucket(flag, key) * total; // compared against cumulative * BUCKET_COUNT, exactly
  let cumulative = 0;
  for (const v of variants) {
    cumulative += v.weight;
    if (point < cumulative * BUCKET_COUNT) return v.name;
  }
  return undefined;
}

/** A short description of a rule for explanations: `rules[1] (plan in [gold, platinum])`. */
export function describeRule(rule: TargetingRule): string {
  return `rules[${rule.index}] (${rule.attribute} ${rule.op} [${rule.values.join(', ')}])`;
}
