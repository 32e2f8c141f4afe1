/** Quote an identifier for PostgreSQL: always, so no name is ever interpreted. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quote a possibly schema-qualified table name (`schema.table` or `table`). */
export function qualified(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? ident(name) : `${ident(name.slice(0, dot))}.${ident(name.slice(dot + 1))}`;
}

/** Quote a string literal. */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
