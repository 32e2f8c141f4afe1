/**
 * The parts of a database schema planning needs. Built from a live catalog
 * (engine's `readSchema`) or by hand in tests.
 */
export interface SchemaModel {
  tables: Record<string, TableModel>;
  /** Indexes by name (keyed like tables), when known (replayed DDL). */
  indexes?: Record<string, IndexModel>;
  /** View names, when known. */
  views?: string[];
  /**
   * Output columns of views whose columns are known (no `*`). Kept after
   * DROP VIEW, so a view dropped and created again can be compared with
   * what it was.
   */
  viewColumns?: Record<string, string[]>;
  /** Enum types and their labels in order, when known. */
  enums?: Record<string, string[]>;
}

/** An index, as `check` needs it. */
export interface IndexModel {
  name: string;
  table: string;
  /** Column names; expressions are listed as `(expression)`. */
  columns: string[];
  unique: boolean;
  /** The PRIMARY KEY or UNIQUE constraint this index backs, when it backs one (live catalog). */
  constraint?: { name: string; type: 'primary-key' | 'unique' };
  /** Access method (`btree`, `gin`…) and partial-index predicate, when known (live catalog). */
  method?: string;
  predicate?: string;
  /** False for an index a failed CREATE INDEX CONCURRENTLY left behind (live catalog). */
  valid?: boolean;
}

/** A table constraint other than NOT NULL. */
export interface ConstraintModel {
  name?: string;
  type: 'check' | 'foreign-key' | 'unique' | 'primary-key';
  columns: string[];
  /** False after ADD CONSTRAINT … NOT VALID until VALIDATE CONSTRAINT. */
  validated: boolean;
  /** CHECK body as text, e.g. `tier IS NOT NULL`. */
  expression?: string;
  /** Columns a CHECK proves NOT NULL (`col IS NOT NULL`, alone or AND-ed with other conditions). */
  notNullColumns?: string[];
}

export interface TableModel {
  /** Unqualified name; tables outside `public` are keyed `schema.name`. */
  name: string;
  schema: string;
  columns: ColumnModel[];
  primaryKey: string[];
  /** Estimated rows from the catalog, when known. */
  rows?: number;
  /** Size on disk with indexes and TOAST (pg_total_relation_size), when known. */
  bytes?: number;
  /** Constraints, when known (replayed DDL). */
  constraints?: ConstraintModel[];
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
