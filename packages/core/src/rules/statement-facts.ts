import { list, relationName, type AstNode } from '../sql/ast.js';
import type { SqlStatement } from '../sql/parse-sql.js';
import { objectName } from '../schema/schema-builder.js';
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


/** `{ location }` for a node that knows its byte offset (libpg-query uses -1 for unknown), else nothing. */
export function locationOf(node: AstNode | undefined): { location?: number } {
  const loc = node?.location as number | undefined;
  return typeof loc === 'number' && loc >= 0 ? { location: loc } : {};
}
