import { deepEqual } from './deep-equal.js';

/** One shadow read whose new value differed from its old value. */
export interface Mismatch {
  /** The read flag of the change. */
  flag: string;
  changeId: string;
  key: string;
  tenant?: string;
  oldValue: unknown;
  newValue: unknown;
  appVersion?: string;
  /** When the reads were compared. */
  at: Date;
}

/**
 * Receives mismatches from a {@link Migration}. `report` is called on the
 * request path, so it must return at once (buffer, do not await I/O).
 */
export interface MismatchReporter {
  report(mismatch: Mismatch): void;
}

/** The differing fields of a mismatch: `{ field: { old, new } }`. */
export type TopLevelDiff = Record<string, { old: unknown; new: unknown }>;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

/**
 * The top-level fields that differ between two records (missing fields are
 * undefined), or null when either value is not a record (a scalar, an array).
 *
 * @example
 * topLevelDiff({ tier: 'gold', id: 1 }, { tier: 'silver', id: 1 }); // { tier: { old: 'gold', new: 'silver' } }
 */
export function topLevelDiff(oldValue: unknown, newValue: unknown): TopLevelDiff | null {
  if (!isRecord(oldValue) || !isRecord(newValue)) return null;
  const diff: TopLevelDiff = {};
  for (const field of new Set([...Object.keys(oldValue), ...Object.keys(newValue)])) {
    if (!deepEqual(oldValue[field], newValue[field])) {
      diff[field] = { old: oldValue[field], new: newValue[field] };
    }
  }
  return diff;
}
