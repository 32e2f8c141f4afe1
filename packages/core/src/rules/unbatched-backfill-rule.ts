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
    // A join bounded by a constant range on the target (`AND c.id BETWEEN 1 AND 1000`) is one batch of a batched backfill.
    if (ctx.isNew(table) || (where && (!joined || boundedByConstant(where as AstNode, [table, String((n.relation as AstNode).alias?.aliasname ?? '')])))) return [];
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

/** An AND-ed condition compares a column of the target (qualified by `names`, or not at all) with constants. */
function boundedByConstant(where: AstNode, names: string[]): boolean {
  const bool = where.BoolExpr as AstNode | undefined;
  if (bool) return bool.boolop === 'AND_EXPR' && list(bool.args).some((a) => boundedByConstant(a, names));
  const e = where.A_Expr as AstNode | undefined;
  if (!e) return false;
  const isTargetColumn = (x: unknown) => {
    const fields = list((x as AstNode | undefined)?.ColumnRef?.fields).map((f) => (f.String as AstNode | undefined)?.sval as string | undefined);
    const bare = (t: string) => t.slice(t.lastIndexOf('.') + 1);
    return fields.length === 1 || (fields.length >= 2 && names.some((n) => n && bare(n) === fields[fields.length - 2]));
  };
  const isConstant = (x: unknown): boolean => {
    const node = x as AstNode | undefined;
    if (!node) return false;
    if (node.A_Const || node.ParamRef) return true;
    if (node.TypeCast) return isConstant((node.TypeCast as AstNode).arg);
    if (node.List) return list(node.List.items).every(isConstant);
    return false;
  };
  const ops = ['<', '<=', '>', '>=', '='];
  const op = list(e.name).map((x) => (x.String as AstNode | undefined)?.sval).join('');
  if (e.kind === 'AEXPR_BETWEEN') return isTargetColumn(e.lexpr) && isConstant(e.rexpr);
  if (e.kind === 'AEXPR_IN' || (e.kind === 'AEXPR_OP' && ops.includes(op))) return (isTargetColumn(e.lexpr) && isConstant(e.rexpr)) || (isTargetColumn(e.rexpr) && isConstant(e.lexpr));
  return false;
}
