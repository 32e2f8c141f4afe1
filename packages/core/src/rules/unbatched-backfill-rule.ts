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
    const where = isConstantTrue(n.whereClause as AstNode | undefined) ? undefined : n.whereClause;
    if (ctx.isNew(table) || (where && !joined)) return [];
    const scope = where ? `every ${table} row that joins ${list(n.fromClause).map((f) => relationName(f.RangeVar as AstNode)).filter(Boolean).join(', ') || 'the FROM list'}` : `every row of ${table}`;
    return [
      {
        message: `This UPDATE rewrites ${scope} in one transaction: each row stays locked until the migration commits (writes from the app wait), and the overwritten values cannot be restored by a reversal.`,
        suggestion: `Backfill outside the migration in small batches by primary key (switchback's backfill phase does this: resumable and throttled), after the app dual-writes the new values.`,
        lock: 'ROW EXCLUSIVE',
      },
    ];
  },
};

/** `WHERE true` or `WHERE 1 = 1`: a WHERE that filters nothing. */
function isConstantTrue(node: AstNode | undefined): boolean {
  if (!node) return false;
  if ((node.A_Const as AstNode | undefined)?.boolval?.boolval === true) return true;
  const e = node.A_Expr as AstNode | undefined;
  const value = (n: unknown) => {
    const c = (n as AstNode | undefined)?.A_Const as AstNode | undefined;
    return c ? JSON.stringify({ ...c, location: 0 }) : undefined;
  };
  const op = list(e?.name).map((x) => (x.String as AstNode | undefined)?.sval).join('');
  return !!e && op === '=' && value(e.lexpr) !== undefined && value(e.lexpr) === value(e.rexpr);
}
