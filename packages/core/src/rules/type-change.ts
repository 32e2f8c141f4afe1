/**
 * How an ALTER COLUMN … TYPE from one formatted type to another behaves:
 * - `no-rewrite`: binary-coercible widening, only the catalog changes
 *   (varchar(n)→varchar(m≥n), varchar→text, numeric precision increase);
 * - `widening-rewrite`: every old value fits, but the table is rewritten (int→bigint);
 * - `narrowing`: some old values, or values the previous version writes, no longer fit;
 * - `incompatible`: a different kind of type; `unknown`: the current type is not known.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
 */
export type TypeChange = 'same' | 'no-rewrite' | 'widening-rewrite' | 'narrowing' | 'incompatible' | 'unknown';

interface ParsedType {
  base: string;
  mods: number[];
}

function parse(type: string): ParsedType {
  const mods = /\(([\d,\s]+)\)/.exec(type)?.[1]?.split(',').map((m) => Number(m.trim())) ?? [];
  // format_type puts a time precision in the middle: `timestamp(3) without time zone`.
  return { base: type.replace(/\([\d,\s]+\)/, '').replace(/\s+/g, ' ').trim(), mods };
}

const INTEGERS = ['smallint', 'integer', 'bigint'];
const TEXTUAL = new Set(['text', 'character varying']);

/** Classifies a type change; `from` and `to` are `format_type` strings. */
export function classifyTypeChange(from: string | undefined, to: string): TypeChange {
  if (from === undefined) return 'unknown';
  if (from === to) return 'same';
  const a = parse(from);
  const b = parse(to);
  if (TEXTUAL.has(a.base) && TEXTUAL.has(b.base)) return textual(a, b);
  if (a.base === 'numeric' && b.base === 'numeric') return numeric(a, b);
  const ia = INTEGERS.indexOf(a.base);
  const ib = INTEGERS.indexOf(b.base);
  if (ia >= 0 && ib >= 0) return ib > ia ? 'widening-rewrite' : 'narrowing';
  if (ia >= 0 && b.base === 'numeric') return b.mods.length === 0 ? 'widening-rewrite' : 'narrowing';
  if (a.base === 'real' && b.base === 'double precision') return 'widening-rewrite';
  if (a.base === 'cidr' && b.base === 'inet') return 'no-rewrite';
  // text → citext is binary-coercible (the extension's cast is WITHOUT FUNCTION); indexes on the column are rebuilt.
  if (TEXTUAL.has(a.base) && (b.base === 'citext' || b.base === 'public.citext')) return 'no-rewrite';
  // bit(n) → bit varying(m ≥ n) is a binary-coercible cast; a shorter limit cuts values.
  if (a.base === 'bit' && LENGTH_TYPES.has(b.base)) return length({ base: a.base, mods: [a.mods[0] ?? 1] }, b);
  // character(n) → text / varchar(m ≥ n) casts with rtrim (a rewrite); every value fits, less its padding.
  if (a.base === 'character' && TEXTUAL.has(b.base)) return textual({ base: 'character varying', mods: [a.mods[0] ?? 1] }, b) === 'narrowing' ? 'narrowing' : 'widening-rewrite';
  if (a.base === 'timestamp without time zone' && b.base === 'timestamp with time zone') return 'widening-rewrite';
  if (a.base === b.base && PRECISION_TYPES.has(a.base)) return precision(a, b);
  if (a.base === b.base && LENGTH_TYPES.has(a.base)) return length(a, b);
  if (a.base === b.base) return 'widening-rewrite';
  return 'incompatible';
}

/**
 * Fractional-second precision: raising it (or removing it: 6 is the most) is
 * a catalog change; lowering it rounds stored values, so the table is
 * rewritten and the previous version's values lose digits.
 */
const PRECISION_TYPES = new Set(['timestamp without time zone', 'timestamp with time zone', 'time without time zone', 'time with time zone', 'interval']);
/** Length limits where a longer limit needs no rewrite (bit varying; character(n) is padded, so it rewrites). */
const LENGTH_TYPES = new Set(['bit varying', 'varbit']);

function precision(a: ParsedType, b: ParsedType): TypeChange {
  // interval(p) parses as (range mask, p): the precision is the last modifier.
  const pa = a.mods.at(-1) ?? 6;
  const pb = b.mods.at(-1) ?? 6;
  return pb >= pa ? 'no-rewrite' : 'narrowing';
}

function length(a: ParsedType, b: ParsedType): TypeChange {
  const la = a.mods[0] ?? Infinity;
  const lb = b.mods[0] ?? Infinity;
  return lb >= la ? 'no-rewrite' : 'narrowing';
}

function textual(a: ParsedType, b: ParsedType): TypeChange {
  const limitA = a.base === 'text' ? Infinity : (a.mods[0] ?? Infinity);
  const limitB = b.base === 'text' ? Infinity : (b.mods[0] ?? Infinity);
  return limitB >= limitA ? 'no-rewrite' : 'narrowing';
}

function numeric(a: ParsedType, b: ParsedType): TypeChange {
  if (b.mods.length === 0) return 'no-rewrite';
  if (a.mods.length === 0) return 'narrowing';
  const [pa = 0, sa = 0] = a.mods;
  const [pb = 0, sb = 0] = b.mods;
  if (pb - sb < pa - sa || sb < sa) return 'narrowing';
  return sb === sa ? 'no-rewrite' : 'widening-rewrite';
}
