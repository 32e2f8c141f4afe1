import { intConst, list, names, type AstNode } from './ast.js';

/** Internal names the parser emits → what `format_type` prints. */
const CANONICAL: Record<string, string> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  varchar: 'character varying',
  bpchar: 'character',
  timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone',
  time: 'time without time zone',
  timetz: 'time with time zone',
  serial: 'integer',
  serial4: 'integer',
  bigserial: 'bigint',
  serial8: 'bigint',
  smallserial: 'smallint',
  serial2: 'smallint',
  int: 'integer',
  integer: 'integer',
  bigint: 'bigint',
  smallint: 'smallint',
  decimal: 'numeric',
};

/** The serial pseudo-types: an integer column with a `nextval` default. */
export const SERIAL_TYPES = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

/** The base type name as written, lower-cased, without schema (`int4`, `varchar`, `my_enum`). */
export function baseTypeName(typeName: AstNode | undefined): string {
  const parts = names(typeName?.names);
  return (parts[parts.length - 1] ?? '').toLowerCase();
}

/** Type modifiers as integers (`varchar(20)` → [20], `numeric(10,2)` → [10, 2]). */
export function typeModifiers(typeName: AstNode | undefined): number[] {
  return list(typeName?.typmods)
    .map((m) => intConst(m))
    .filter((n): n is number => n !== undefined);
}

/**
 * Formats a parsed TypeName the way PostgreSQL's `format_type` prints it, so
 * replayed schemas compare equal to catalog-read ones.
 *
 * @example formatType(varchar20) // 'character varying(20)'
 */
export function formatType(typeName: AstNode | undefined): string {
  const parts = names(typeName?.names);
  const base = baseTypeName(typeName);
  const schema = parts.length > 1 && parts[0] !== 'pg_catalog' ? `${parts[0]}.` : '';
  const mods = typeModifiers(typeName);
  const name = schema ? base : (CANONICAL[base] ?? base);
  let text = `${schema}${name}`;
  if (mods.length) {
    // timestamp(3) prints as "timestamp(3) without time zone".
    const zone = / (with|without) time zone$/.exec(text);
    text = zone ? `${text.slice(0, zone.index)}(${mods.join(',')})${zone[0]}` : `${text}(${mods.join(',')})`;
  }
  return text + '[]'.repeat(list(typeName?.arrayBounds).length);
}
