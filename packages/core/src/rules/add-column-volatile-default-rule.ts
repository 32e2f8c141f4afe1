import { list, type AstNode } from '../sql/ast.js';
import { volatileCall } from '../sql/expressions.js';
import { baseTypeName, SERIAL_TYPES } from '../sql/type-name.js';
import { existingTableAlters, locationOf } from './statement-facts.js';
import type { Rule, RuleFinding } from './rule.js';

/**
 * ADD COLUMN whose value differs per row rewrites the whole table under ACCESS
 * EXCLUSIVE. A constant or STABLE default (now(), current_timestamp) does not:
 * PostgreSQL 11+ stores it once as the column's "missing value".
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
 */
export const addColumnVolatileDefaultRule: Rule = {
  id: 'add-column-volatile-default',
  title: 'Adding a column whose default is computed per row rewrites the table',
  impacts: ['lock'],
  severity: 'warning',
  check(ctx) {
    const alter = existingTableAlters(ctx, 'AT_AddColumn');
    const out: RuleFinding[] = [];
    for (const cmd of alter.cmds) {
      const def = (cmd.def as AstNode).ColumnDef as AstNode;
      const why = rewriteReason(def);
      if (!why) continue;
      out.push({
        message: `Adding ${alter.table}.${def.colname} ${why}, so PostgreSQL rewrites every row of ${alter.table} while holding an ACCESS EXCLUSIVE lock: reads and writes wait for the whole rewrite.`,
        suggestion: `Add ${def.colname} without a default (or with a constant one), set the default with ALTER COLUMN … SET DEFAULT (applies to new rows only), and backfill existing rows in batches.`,
        lock: 'ACCESS EXCLUSIVE',
        ...locationOf(def),
      });
    }
    return out;
  },
};

function rewriteReason(def: AstNode): string | undefined {
  if (SERIAL_TYPES.has(baseTypeName(def.typeName as AstNode))) return 'as a serial column (its default nextval() is volatile)';
  for (const c of list(def.constraints).map((n) => n.Constraint as AstNode)) {
    if (c.contype === 'CONSTR_IDENTITY') return 'as an identity column (every row gets its own value)';
    if (c.contype === 'CONSTR_GENERATED') return 'as a stored generated column (computed for every row)';
    if (c.contype === 'CONSTR_DEFAULT') {
      const call = volatileCall(c.raw_expr as AstNode);
      if (call) return `with the volatile default ${call}`;
    }
  }
  return undefined;
}
