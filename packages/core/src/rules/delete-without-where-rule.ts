import { relationName, type AstNode } from '../sql/ast.js';
import type { Rule } from './rule.js';

/** DELETE without WHERE removes every row the previous version relies on, for good. */
export const deleteWithoutWhereRule: Rule = {
  id: 'delete-without-where',
  title: 'DELETE of every row in a migration',
  impacts: ['old-code', 'rollback'],
  severity: 'error',
  check(ctx) {
    const n = ctx.statement.node;
    if (ctx.statement.kind !== 'DeleteStmt' || n.whereClause) return [];
    const table = relationName(n.relation as AstNode);
    if (ctx.isNew(table)) return [];
    return [
      {
        message: `DELETE FROM ${table} without WHERE removes every row: the previous app version loses its data and reversing the migration cannot bring it back.`,
        suggestion: `Archive the rows first, and delete only what you mean to with a WHERE clause, in batches outside the migration.`,
        lock: 'ROW EXCLUSIVE',
      },
    ];
  },
};
