import type { AstNode } from '../sql/ast.js';
import { relationName } from '../sql/ast.js';
import { plan } from './plan-hints.js';
import type { Rule } from './rule.js';

/** RENAME TO on a table breaks every query of the previous app version that names it. */
export const renameTableRule: Rule = {
  id: 'rename-table',
  title: 'Renaming a table the previous app version uses',
  impacts: ['old-code', 'rollback'],
  severity: 'error',
  check(ctx) {
    const n = ctx.statement.node;
    if (ctx.statement.kind !== 'RenameStmt' || n.renameType !== 'OBJECT_TABLE') return [];
    const table = relationName(n.relation as AstNode);
    if (ctx.isNew(table)) return [];
    return [
      {
        message: `Renaming ${table} to ${String(n.newname)} breaks the previous app version, which still queries ${table}.`,
        suggestion: `Rename the table and leave an updatable view named ${table} over it for the previous version, switch the code to ${String(n.newname)}, then drop the view once no running version uses ${table} (${plan('rename-table')}).`,
        lock: 'ACCESS EXCLUSIVE',
        fromSql: true,
      },
    ];
  },
};
