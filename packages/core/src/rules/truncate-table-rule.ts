import { list, relationName, type AstNode } from '../sql/ast.js';
import type { Rule } from './rule.js';

/** TRUNCATE removes every row: the previous version's data is gone and no rollback brings it back. */
export const truncateTableRule: Rule = {
  id: 'truncate-table',
  title: 'TRUNCATE in a migration',
  impacts: ['old-code', 'rollback'],
  severity: 'error',
  check(ctx) {
    if (ctx.statement.kind !== 'TruncateStmt') return [];
    return list(ctx.statement.node.relations)
      .map((r) => relationName(r.RangeVar as AstNode))
      .filter((t) => !ctx.isNew(t))
      .map((t) => ({
        message: `TRUNCATE ${t} deletes every row under an ACCESS EXCLUSIVE lock; the previous app version loses its data and reversing the migration cannot bring it back.`,
        suggestion: `Archive the rows first (copy ${t} to an archive table), and delete in batches with a WHERE clause, or drop the table in a later contract phase once nothing uses it.`,
        lock: 'ACCESS EXCLUSIVE' as const,
      }));
  },
};
