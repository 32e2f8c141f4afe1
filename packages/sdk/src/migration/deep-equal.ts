const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;

/** The prototype, with null-prototype objects counted as plain objects. */
const kindOf = (o: object): unknown => Object.getPrototypeOf(o) ?? Object.prototype;

/** Own enumerable keys whose value is not undefined, so `{ a: undefined }` equals `{}` (as in JSON). */
const definedKeys = (o: object): string[] =>
  Object.keys(o).filter((k) => (o as Record<string, unknown>)[k] !== undefined);

/**
 * Structural equality for values read from a database: primitives by value
 * (NaN equals NaN), Dates by time, arrays and typed arrays (Buffer) element by
 * element, Maps by entries, Sets by membership, other objects by their own
 * enumerable keys (undefined-valued keys count as absent) and prototype.
 *
 * @example
 * deepEqual({ endDate: new Date('2025-01-01') }, { endDate: new Date('2025-01-01') }); // true
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return true;
  if (!isObject(a) || !isObject(b) || kindOf(a) !== kindOf(b)) return false;
  if (a instanceof Date) return a.getTime() === (b as Date).getTime();
  if (Array.isArray(a) || ArrayBuffer.isView(a)) {
    const x = a as ArrayLike<unknown>;
    const y = b as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!deepEqual(x[i], y[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    const m = b as Map<unknown, unknown>;
    return a.size === m.size && [...a].every(([k, v]) => m.has(k) && deepEqual(v, m.get(k)));
  }
  if (a instanceof Set) {
    const s = b as Set<unknown>;
    return a.size === s.size && [...a].every((v) => s.has(v));
  }
  const ka = definedKeys(a);
  if (ka.length !== definedKeys(b).length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
