/**
 * Loose accessors over libpg-query's protobuf JSON. Zero values (false, 0,
 * empty strings, the first enum member) are omitted from that JSON, so every
 * accessor supplies the zero value for a missing field.
 */
// The AST is deep and wide; rules read a handful of fields, so a loose record
// type with small helpers is simpler than threading @pgsql/types through.
export type AstNode = { [key: string]: any };

/** The single key of a wrapped node (`{ AlterTableStmt: {...} }` → `AlterTableStmt`). */
export function nodeKind(node: AstNode | undefined): string {
  return node ? (Object.keys(node)[0] ?? '') : '';
}

/** The inner value of a wrapped node of the given kind, or undefined. */
export function unwrap(node: AstNode | undefined, kind: string): AstNode | undefined {
  return node?.[kind] as AstNode | undefined;
}

/** A list field (missing means empty). */
export function list(value: unknown): AstNode[] {
  return Array.isArray(value) ? (value as AstNode[]) : [];
}

/** `[{String:{sval:'pg_catalog'}},{String:{sval:'int4'}}]` → `['pg_catalog','int4']`. */
export function names(value: unknown): string[] {
  return list(value).map((n) => String(n.String?.sval ?? ''));
}

/** A RangeVar as the schema model keys it: `name`, or `schema.name` outside public. */
export function relationName(range: AstNode | undefined): string {
  if (!range) return '';
  const schema = range.schemaname as string | undefined;
  const name = String(range.relname ?? '');
  return schema && schema !== 'public' ? `${schema}.${name}` : name;
}

/** The integer value of an A_Const (`{ ival: {} }` is 0). */
export function intConst(node: AstNode | undefined): number | undefined {
  const c = unwrap(node, 'A_Const');
  if (!c) return undefined;
  if (c.ival) return Number(c.ival.ival ?? 0);
  return undefined;
}

/** A constant's text: string, number or boolean, for SET values. */
export function constText(node: AstNode | undefined): string | undefined {
  const c = unwrap(node, 'A_Const');
  if (!c) return undefined;
  if (c.sval) return String(c.sval.sval ?? '');
  if (c.ival) return String(c.ival.ival ?? 0);
  if (c.fval) return String(c.fval.fval ?? '0');
  if (c.boolval) return String(c.boolval.boolval ?? false);
  return undefined;
}
