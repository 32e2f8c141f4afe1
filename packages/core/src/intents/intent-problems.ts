import { findColumn, findTable, type ColumnModel, type SchemaModel, type TableModel } from '../schema/schema-model.js';
import type { PlanProblem } from './intent.js';

/**
 * The checks every intent makes of its params against the schema, each a
 * PlanProblem pointing at the change-file field at fault.
 */

/** `fix` ends the message: what to do about it (default: check the name or create the table). */
export function tableMissing(field: string, table: string, schema: SchemaModel, fix = 'Check the name, or create the table first.'): PlanProblem {
  const known = Object.keys(schema.tables).sort().join(', ') || 'none';
  return { code: 'table-not-found', field, message: `table "${table}" does not exist in the schema planned against (tables: ${known}). ${fix}` };
}

/** `fix` ends the message (default: check the spelling or add the column; empty: nothing). */
export function columnMissing(field: string, table: TableModel, column: string, fix = `Check the spelling, or add the column to ${table.name} first.`): PlanProblem {
  const names = table.columns.map((c) => c.name).join(', ');
  return { code: 'column-not-found', field, message: `column "${column}" does not exist in ${table.name} (columns: ${names}).${fix ? ` ${fix}` : ''}` };
}

/** A table without a single-column primary key; `why` says what needs one and what to do. */
export function singleKeyMissing(field: string, table: TableModel, why: string): PlanProblem {
  return { code: 'unsupported-key', field, message: `${table.name} has ${table.primaryKey.length ? 'a composite' : 'no'} primary key; ${why}` };
}

/** `sync: app` given to an intent whose two shapes only triggers keep in step. */
export function triggerSyncOnly(kind: string, what: string): PlanProblem {
  return { code: 'invalid-params', field: 'sync', message: `${kind} keeps both ${what} in step with triggers; remove "sync: app" (or set sync: trigger).` };
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

/** A rename to the name it already has. */
export function sameName(field: string, name: string): PlanProblem {
  return { code: 'invalid-params', field, message: `the new name is the same as the old one ("${name}"); choose a different name.` };
}
