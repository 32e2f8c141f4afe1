/**
 * The parts of a database schema planning needs. Built from a live catalog
 * (engine's `readSchema`) or by hand in tests.
 */
export interface SchemaModel {
  tables: Record<string, TableModel>;
}

export interface TableModel {
  /** Unqualified name; tables outside `public` are keyed `schema.name`. */
  name: string;
  schema: string;
  columns: ColumnModel[];
  primaryKey: string[];
  /** Estimated rows from the catalog, when known. */
  rows?: number;
}

export interface ColumnModel {
  name: string;
  /** Formatted type as PostgreSQL prints it (`format_type`), e.g. `character varying(20)`. */
  type: string;
  nullable: boolean;
  default: string | null;
  /** Generated or identity columns are written by the database. */
  generated?: boolean;
}

export function findTable(schema: SchemaModel, name: string): TableModel | undefined {
  return schema.tables[name] ?? schema.tables[`public.${name}`];
}

export function findColumn(table: TableModel, name: string): ColumnModel | undefined {
  return table.columns.find((c) => c.name === name);
}
