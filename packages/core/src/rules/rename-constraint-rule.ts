import { relationName, type AstNode } from '../sql/ast.js';
import type { Rule } from './rule.js';

/**
 * RENAME CONSTRAINT breaks code that names the constraint: ON CONFLICT ON
 * CONSTRAINT, and error handling that maps a violated constraint's name to
 * a message. A warning: most code does not name constraints.
 */
export const renameConstraintRule: Rule = {
  id: 'rename-constraint',
  title: 'Renaming a constraint the previous app version may name',
  impacts: ['old-code', 'rollback'],
  severity: 'warning',
  check(ctx) {
    const n = ctx.statement.node;
    if (ctx.statement.kind !== 'RenameStmt' || n.renameType !== 'OBJECT_TABCONSTRAINT') return [];
    const table = relationName(n.relation as AstNode);
    if (ctx.isNew(table)) return [];
    return [
      {
        message: `Renaming constraint ${String(n.subname)} on ${table} to ${String(n.newname)} breaks the previous app version where it names it: INSERT … ON CONFLICT ON CONSTRAINT ${String(n.subname)} fails, and errors it maps by constraint name fall through.`,
        suggestion: `Check the code for ${String(n.subname)}; if it is named, make the new version accept both names before renaming, or keep the old name.`,
        lock: 'ACCESS EXCLUSIVE',
      },
    ];
  },
};
