import { findColumn, findTable, type ColumnModel, type SchemaModel, type TableModel } from '../schema/schema-model.js';
import type { PlanProblem } from './intent.js';

/**
 * The checks every intent makes of its params against the schema, each a
 * PlanProblem pointing at the change-file field at fault.
 */

export function tableMissing(field: string, table: string, schema: SchemaModel): PlanProblem {
  const known = Object.keys(schema.tables).sort().join(', ') || 'none';
  return { code: 'table-not-found', field, message: `table "${table}" does not exist in the schema planned against (tables: ${known}). Check the name, or create the table first.` };
}

export function columnMissing(field: string, table: TableModel, column: string): PlanProblem {
  const names = table.columns.map((c) => c.name).join(', ');
  return { code: 'column-not-found', field, message: `column "${column}" does not exist in ${table.name} (columns: ${names}). Check the spelling, or add the column to ${table.name} first.` };
}

/** The table at `field`, or a problem. */
export function requireTable(schema: SchemaModel, field: string, name: string, problems: PlanProblem[]): TableModel | undefined {
  const t = findTable(schema, name);
  if (!t) problems.push(tableMissing(field, name, schema));
  return t;
}

/** The column at `field`, or a problem. */
export function requireColumn(table: TableModel, field: string, name: string, problems: PlanProblem[]): ColumnModel | undefined {
  const c = findColumn(table, name);
  if (!c) problems.push(columnMissing(field, table, name));
  return c;
}

/** The single-column primary key batches are cut by, or a problem naming `what` needs it. */
export function requireSingleKey(table: TableModel, field: string, what: string, problems: PlanProblem[]): ColumnModel | undefined {
  if (table.primaryKey.length === 1) return findColumn(table, table.primaryKey[0]!);
  problems.push({
    code: 'unsupported-key',
    field,
    message: table.primaryKey.length
      ? `${table.name} has a composite primary key (${table.primaryKey.join(', ')}); ${what} batches by a single-column key. Add a unique single-column key first.`
      : `${table.name} has no primary key; ${what} needs one to batch the backfill safely. Add a primary key first.`,
  });
  return undefined;
}
