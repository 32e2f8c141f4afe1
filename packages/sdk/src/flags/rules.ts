/** How a targeting rule compares the context's attribute with its values. */
export type RuleOp = 'in' | 'not-in' | 'equals' | 'starts-with';

/** One targeting rule: when `attribute` matches, serve on (`true`), off (`false`) or a named variant. */
export interface TargetingRule {
  /** 'key', 'tenant', 'user', or a name in `attributes`. A rule on an absent attribute never matches. */
  attribute: string;
  op: RuleOp;
  values: readonly string[];
  serve: boolean | string;
  /** Position in the stored `rules` array, for explanations. */
  index: number;
}

/** One variant of a multi-variant flag; weights are relative non-negative integers. */
export interface VariantWeight {
  name: string;
  weight: number;
}

/**
 * Targeting and variants, stored in `switchback.flags.rules` (jsonb):
 * `{ deny?: { tenants?, users? }, allow?: { users? }, rules?: [{ attribute, op, values, serve }],
 *    variants?: [{ name, weight }], defaultVariant? }`. Tenants are allowed by the `allow_tenants` column.
 */
export interface FlagRules {
  deny?: { tenants?: readonly string[]; users?: readonly string[] };
  allow?: { users?: readonly string[] };
  rules?: readonly TargetingRule[];
  variants?: readonly VariantWeight[];
  /** Served when the flag is off for the context (and when on, if there are no variants). */
  defaultVariant?: string;
}

/** Rules that were stored but could not be used as written; the valid parts still apply. */
export class InvalidFlagRulesError extends Error {
  constructor(
    readonly flag: string,
    readonly problems: readonly string[],
  ) {
    super(`Flag "${flag}" has invalid rules, ignored: ${problems.join('; ')}. Fix switchback.flags.rules for this flag.`);
    this.name = 'InvalidFlagRulesError';
  }
}

const OPS: readonly string[] = ['in', 'not-in', 'equals', 'starts-with'];
const TOP_LEVEL = new Set(['deny', 'allow', 'rules', 'variants', 'defaultVariant']);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const scalar = (v: unknown): v is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof v);

/** A list of strings (scalars are stringified); anything else is a problem and contributes nothing. */
function strings(value: unknown, where: string, problems: string[]): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    problems.push(`${where} must be an array of strings`);
    return undefined;
  }
  const ok = value.filter(scalar).map(String);
  if (ok.length !== value.length) problems.push(`${where} has ${value.length - ok.length} non-string item(s), ignored`);
  return ok;
}

function lists<K extends string>(raw: unknown, where: string, keys: readonly K[], problems: string[]): Partial<Record<K, string[]>> | undefined {
  if (raw === undefined) return undefined;
  if (!isRecord(raw)) {
    problems.push(`${where} must be an object`);
    return undefined;
  }
  const out: Partial<Record<K, string[]>> = {};
  for (const k of keys) {
    const list = strings(raw[k], `${where}.${k}`, problems);
    if (list !== undefined) out[k] = list;
  }
  return out;
}

function variantsOf(raw: unknown, problems: string[]): VariantWeight[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) {
    problems.push('variants must be an array of { name, weight }');
    return undefined;
  }
  const out: VariantWeight[] = [];
  raw.forEach((v: unknown, i) => {
    const ok = isRecord(v) && typeof v.name === 'string' && v.name !== '' && Number.isSafeInteger(v.weight) && (v.weight as number) >= 0;
    if (!ok) problems.push(`variants[${i}] must be { name: non-empty string, weight: integer >= 0 }`);
    else if (out.some((o) => o.name === v.name)) problems.push(`variants[${i}] repeats the name "${String(v.name)}"`);
    else out.push({ name: v.name as string, weight: v.weight as number });
  });
  if (out.length > 0 && out.every((v) => v.weight === 0)) {
    problems.push('variants all have weight 0');
    return undefined;
  }
  return out.length > 0 ? out : undefined;
}

function ruleOf(raw: unknown, index: number, variants: readonly VariantWeight[] | undefined, problems: string[]): TargetingRule | undefined {
  const where = `rules[${index}]`;
  if (!isRecord(raw)) return void problems.push(`${where} must be an object`);
  const { attribute, op, serve } = raw;
  if (typeof attribute !== 'string' || attribute === '') return void problems.push(`${where}.attribute must be a non-empty string`);
  if (typeof op !== 'string' || !OPS.includes(op)) return void problems.push(`${where}.op must be one of ${OPS.join(', ')}`);
  if (typeof serve === 'string' && !variants?.some((v) => v.name === serve)) {
    return void problems.push(`${where}.serve names an unknown variant "${serve}"`);
  }
  if (typeof serve !== 'boolean' && typeof serve !== 'string') return void problems.push(`${where}.serve must be true, false or a variant name`);
  const values = strings(raw.values, `${where}.values`, problems);
  if (values === undefined) return void problems.push(`${where}.values is required`);
  return { attribute, op: op as RuleOp, values, serve, index };
}

/**
 * Validates the stored `rules` JSON. Never throws: whatever cannot be used is
 * left out and described in `problems`, and the rest applies.
 *
 * @example
 * parseRules({ deny: { tenants: ['globex'] } }); // { rules: { deny: { tenants: ['globex'] } }, problems: [] }
 */
export function parseRules(raw: unknown): { rules: FlagRules; problems: string[] } {
  const problems: string[] = [];
  const rules: FlagRules = {};
  if (raw === null || raw === undefined) return { rules, problems };
  if (!isRecord(raw)) return { rules, problems: ['rules must be a JSON object'] };
  for (const k of Object.keys(raw)) if (!TOP_LEVEL.has(k)) problems.push(`unknown field "${k}"`);
  const deny = lists(raw.deny, 'deny', ['tenants', 'users'], problems);
  if (deny !== undefined) rules.deny = deny;
  const allow = lists(raw.allow, 'allow', ['users'], problems);
  if (allow !== undefined) rules.allow = allow;
  const variants = variantsOf(raw.variants, problems);
  if (variants !== undefined) rules.variants = variants;
  if (raw.rules !== undefined) {
    if (!Array.isArray(raw.rules)) problems.push('rules.rules must be an array');
    else rules.rules = raw.rules.flatMap((r: unknown, i) => ruleOf(r, i, variants, problems) ?? []);
  }
  if (typeof raw.defaultVariant === 'string') rules.defaultVariant = raw.defaultVariant;
  else if (raw.defaultVariant !== undefined) problems.push('defaultVariant must be a string');
  return { rules, problems };
}
