import { list, relationName, type AstNode } from '../sql/ast.js';
import type { Rule } from './rule.js';

/**
 * An UPDATE of every row (no WHERE, or a join to another table) in a migration
 * locks each row it touches until the migration commits, bloats the table,
 * and overwrites values a reversal cannot restore.
 */
export const unbatchedBackfillRule: Rule = {
  id: 'unbatched-backfill',
  title: 'Whole-table UPDATE in a migration',
  impacts: ['lock', 'rollback'],
  severity: 'warning',
  check(ctx) {
    const n = ctx.statement.node;
    if (ctx.statement.kind !== 'UpdateStmt') return [];
    const table = relationName(n.relation as AstNode);
    const joined = list(n.fromClause).length > 0;
    if (ctx.isNew(table) || (n.whereClause && !joined)) return [];
    const scope = n.whereClause ? `every ${table} row that joins ${list(n.fromClause).map((f) => relationName(f.RangeVar as AstNode)).filter(Boolean).join(', ') || 'the FROM list'}` : `every row of ${table}`;
    return [
      {
        message: `This UPDATE rewrites ${scope} in one transaction: each row stays locked until the migration commits (writes from the app wait), and the overwritten values cannot be restored by a reversal.`,
        suggestion: `Backfill outside the migration in small batches by primary key (switchback's backfill phase does this: resumable and throttled), after the app dual-writes the new values.`,
        lock: 'ROW EXCLUSIVE',
      },
    ];
  },
};
