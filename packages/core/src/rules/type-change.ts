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
  return { base: type.replace(/\([\d,\s]+\)/, '').trim(), mods };
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
  if (a.base === 'timestamp without time zone' && b.base === 'timestamp with time zone') return 'widening-rewrite';
  if (a.base === b.base) return 'widening-rewrite';
  return 'incompatible';
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
