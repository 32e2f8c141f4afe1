import type { AstNode } from '../sql/ast.js';
import { relationName } from '../sql/ast.js';
import type { Rule } from './rule.js';

/** RENAME COLUMN breaks every query of the previous app version that names the column. */
export const renameColumnRule: Rule = {
  id: 'rename-column',
  title: 'Renaming a column the previous app version uses',
  impacts: ['old-code', 'rollback'],
  severity: 'error',
  check(ctx) {
    const n = ctx.statement.node;
    if (ctx.statement.kind !== 'RenameStmt' || n.renameType !== 'OBJECT_COLUMN') return [];
    const table = relationName(n.relation as AstNode);
    const [from, to] = [String(n.subname), String(n.newname)];
    if (ctx.isNew(table) || ctx.isNew(`column:${table}.${from}`)) return [];
    return [
      {
        message: `Renaming ${table}.${from} to ${to} breaks the previous app version, which still reads and writes ${from}.`,
        suggestion: `Add ${to}, keep both columns in sync (plan intent rename-column), switch reads behind a flag such as Read${pascal(to)}FromNewColumn, and drop ${from} in a later contract phase.`,
        lock: 'ACCESS EXCLUSIVE',
      },
    ];
  },
};

function pascal(s: string): string {
  return s.replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}
