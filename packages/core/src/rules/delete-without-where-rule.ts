import { list, relationName, type AstNode } from '../sql/ast.js';
import type { Rule, RuleFinding } from './rule.js';

/**
 * DELETE without WHERE removes every row the previous version relies on, for
 * good; also inside a data-modifying WITH clause of another statement.
 */
export const deleteWithoutWhereRule: Rule = {
  id: 'delete-without-where',
  title: 'DELETE of every row in a migration',
  impacts: ['old-code', 'rollback'],
  severity: 'error',
  check(ctx) {
    const s = ctx.statement;
    const deletes = [...(s.kind === 'DeleteStmt' ? [s.node] : []), ...cteDeletes(s.node)];
    const out: RuleFinding[] = [];
    for (const d of deletes) {
      const table = relationName(d.relation as AstNode);
      if (d.whereClause || ctx.isNew(table)) continue;
      out.push({
        message: `DELETE FROM ${table} without WHERE removes every row: the previous app version loses its data and reversing the migration cannot bring it back.`,
        suggestion: `Archive the rows first, and delete only what you mean to with a WHERE clause, in batches outside the migration.`,
        lock: 'ROW EXCLUSIVE',
      });
    }
    return out;
  },
};

/** DELETEs in the WITH clause of a statement, at any depth of nested WITHs. */
function cteDeletes(node: AstNode): AstNode[] {
  return list(node.withClause?.ctes).flatMap((c) => {
    const q = c.CommonTableExpr?.ctequery as AstNode | undefined;
    const inner = q?.DeleteStmt ?? q?.UpdateStmt ?? q?.InsertStmt ?? q?.SelectStmt;
    return [...(q?.DeleteStmt ? [q.DeleteStmt as AstNode] : []), ...(inner ? cteDeletes(inner as AstNode) : [])];
  });
}
