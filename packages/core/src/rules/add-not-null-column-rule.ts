import type { AstNode } from '../sql/ast.js';
import { list } from '../sql/ast.js';
import { existingTableAlters, locationOf } from './statement-facts.js';
import { plan } from './plan-hints.js';
import type { Rule, RuleFinding } from './rule.js';

/**
 * ADD COLUMN … NOT NULL without a DEFAULT: fails on a table with rows, and the
 * previous app version's INSERTs (which do not name the column) fail after it.
 */
export const addNotNullColumnRule: Rule = {
  id: 'add-not-null-column',
  title: 'Adding a NOT NULL column without a default',
  impacts: ['old-code', 'rollback'],
  severity: 'error',
  check(ctx) {
    const alter = existingTableAlters(ctx, 'AT_AddColumn');
    const out: RuleFinding[] = [];
    for (const cmd of alter.cmds) {
      const def = (cmd.def as AstNode).ColumnDef as AstNode;
      const constraints = list(def.constraints).map((c) => c.Constraint as AstNode);
      const kinds = constraints.map((c) => String(c?.contype));
      const notNull = kinds.includes('CONSTR_NOTNULL') || kinds.includes('CONSTR_PRIMARY');
      // DEFAULT NULL fills nothing: the ADD still fails on a table with rows.
      const filled = constraints.some((c) => (c?.contype === 'CONSTR_DEFAULT' && (c.raw_expr as AstNode | undefined)?.A_Const?.isnull !== true) || c?.contype === 'CONSTR_IDENTITY' || c?.contype === 'CONSTR_GENERATED');
      if (!notNull || filled) continue;
      out.push({
        message: `Adding ${alter.table}.${def.colname} as NOT NULL without a default fails if ${alter.table} has rows, and the previous app version's inserts, which do not set ${def.colname}, fail once it exists.`,
        suggestion: `Add ${def.colname} as nullable (or with a constant DEFAULT), backfill it in batches, add CHECK (${def.colname} IS NOT NULL) NOT VALID and VALIDATE it, then SET NOT NULL once no running version writes NULL (${plan('add-not-null')} once the column exists).`,
        lock: 'ACCESS EXCLUSIVE',
        ...locationOf(def),
      });
    }
    return out;
  },
};
