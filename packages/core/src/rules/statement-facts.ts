import { list, names, relationName, type AstNode } from '../sql/ast.js';
import type { SqlStatement } from '../sql/parse-sql.js';
import { objectName } from '../schema/schema-builder.js';
import { findColumn, findTable, type SchemaModel } from '../schema/schema-model.js';
import type { RuleContext } from './rule.js';

/** The commands of an ALTER TABLE on a table (not an index, view or sequence). */
export function alterTableCmds(stmt: SqlStatement): { table: string; cmds: AstNode[] } | undefined {
  if (stmt.kind !== 'AlterTableStmt' || stmt.node.objtype !== 'OBJECT_TABLE') return undefined;
  return { table: relationName(stmt.node.relation as AstNode), cmds: list(stmt.node.cmds).map((c) => c.AlterTableCmd as AstNode) };
}

/**
 * The commands of one subtype (`AT_AddColumn`, …) in an ALTER TABLE on a table
 * that existed before the migration: none for any other statement, or for a
 * table the migration created (nothing else can be using it yet).
 */
export function existingTableAlters(ctx: Pick<RuleContext, 'statement' | 'isNew'>, subtype: string): { table: string; cmds: AstNode[] } {
  const alter = alterTableCmds(ctx.statement);
  if (!alter || ctx.isNew(alter.table)) return { table: '', cmds: [] };
  return { table: alter.table, cmds: alter.cmds.filter((c) => c.subtype === subtype) };
}

/** Tables a statement changes or takes a lock on (best effort; for new-table checks and move detection). */
export function statementTables(stmt: SqlStatement): string[] {
  const n = stmt.node;
  switch (stmt.kind) {
    case 'AlterTableStmt':
    case 'RenameStmt':
    case 'IndexStmt':
    case 'CreateStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'InsertStmt':
      return n.relation ? [relationName(n.relation as AstNode)] : [];
    case 'TruncateStmt':
      return list(n.relations).map((r) => relationName(r.RangeVar as AstNode));
    case 'DropStmt':
      return n.removeType === 'OBJECT_TABLE' ? list(n.objects).map(objectName) : [];
    default:
      return [];
  }
}

/**
 * The replayed schema knows tables but not this one: a DROP … IF EXISTS of
 * it does nothing. (With no schema at all every table counts as existing.)
 */
export function knownAbsentTable(schema: SchemaModel, table: string): boolean {
  if (findTable(schema, table)) return false;
  // Any table at all: checked without listing them (this runs per statement, schemas have thousands).
  for (const _ in schema.tables) return true;
  return false;
}

/** The table is known and lacks the column: a DROP COLUMN IF EXISTS of it does nothing. */
export function knownAbsentColumn(schema: SchemaModel, table: string, column: string): boolean {
  const t = findTable(schema, table);
  return !!t && !findColumn(t, column);
}

/** `{ location }` for a node that knows its byte offset (libpg-query uses -1 for unknown), else nothing. */
export function locationOf(node: AstNode | undefined): { location?: number } {
  const loc = node?.location as number | undefined;
  return typeof loc === 'number' && loc >= 0 ? { location: loc } : {};
}

/** A view, function or type: objects the previous app version may use by name. */
export type ObjectKind = 'view' | 'function' | 'type';

const unqualified = (parts: string[]) => (parts[0] === 'public' && parts.length > 1 ? parts.slice(1) : parts).join('.');

/** The name of a dropped object as the model keys it (ObjectWithArgs for functions). */
export function droppedObjectName(obj: AstNode): string {
  return obj.ObjectWithArgs ? unqualified(names(obj.ObjectWithArgs.objname)) : objectName(obj);
}

/** The view, function or type a statement creates, or renames an object to. */
export function createdObject(stmt: SqlStatement): { kind: ObjectKind; name: string } | undefined {
  const n = stmt.node;
  switch (stmt.kind) {
    case 'ViewStmt':
      return { kind: 'view', name: relationName(n.view as AstNode) };
    case 'CreateTableAsStmt':
      return n.objtype === 'OBJECT_MATVIEW' ? { kind: 'view', name: relationName((n.into as AstNode | undefined)?.rel as AstNode) } : undefined;
    case 'CreateFunctionStmt':
      return { kind: 'function', name: unqualified(names(n.funcname)) };
    case 'CreateEnumStmt':
      return { kind: 'type', name: unqualified(names(n.typeName)) };
    case 'CompositeTypeStmt':
      return { kind: 'type', name: relationName(n.typevar as AstNode) };
    case 'CreateDomainStmt':
      return { kind: 'type', name: unqualified(names(n.domainname)) };
    case 'RenameStmt': {
      const kind = ({ OBJECT_TYPE: 'type', OBJECT_DOMAIN: 'type', OBJECT_VIEW: 'view', OBJECT_MATVIEW: 'view', OBJECT_FUNCTION: 'function', OBJECT_PROCEDURE: 'function' } as const)[String(n.renameType) as 'OBJECT_TYPE'];
      if (!kind) return undefined;
      const from = n.relation ? relationName(n.relation as AstNode) : droppedObjectName(n.object as AstNode);
      const schema = from.includes('.') ? `${from.slice(0, from.lastIndexOf('.'))}.` : '';
      return { kind, name: `${schema}${String(n.newname)}` };
    }
    default:
      return undefined;
  }
}

/** Whether a later statement of the same file creates this object again (DROP + CREATE is how views and functions are redefined). */
export function recreatedLater(ctx: Pick<RuleContext, 'file' | 'statement'>, kind: ObjectKind, name: string): boolean {
  return ctx.file.statements.slice(ctx.statement.index + 1).some((s) => {
    const c = createdObject(s);
    return c?.kind === kind && c.name === name;
  });
}

/** The labels of an enum type, looked up by the name a column type or statement uses. */
export function enumLabels(schema: SchemaModel, type: string | undefined): string[] | undefined {
  if (!type) return undefined;
  return schema.enums?.[type] ?? schema.enums?.[type.replace(/^public\./, '')] ?? schema.enums?.[`public.${type}`];
}
