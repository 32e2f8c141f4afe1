import type { AstNode } from '../sql/ast.js';
import { relationName } from '../sql/ast.js';
import { plan, renameColumnFlag } from './plan-hints.js';
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
        suggestion: `Add ${to} beside ${from}, keep the two in sync with a trigger and backfill it, switch reads to ${to} behind the flag ${renameColumnFlag(table, to)}, and drop ${from} in a later contract phase (${plan('rename-column')}).`,
        lock: 'ACCESS EXCLUSIVE',
        fromSql: true,
      },
    ];
  },
};
