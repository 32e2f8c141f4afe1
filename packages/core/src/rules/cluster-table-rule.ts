import { relationName, type AstNode } from '../sql/ast.js';
import type { Rule } from './rule.js';

/**
 * CLUSTER rewrites the table in index order under ACCESS EXCLUSIVE: no reads
 * or writes until it is done.
 * https://www.postgresql.org/docs/current/sql-cluster.html
 */
export const clusterTableRule: Rule = {
  id: 'cluster-table',
  title: 'CLUSTER rewrites the table under ACCESS EXCLUSIVE',
  impacts: ['lock'],
  severity: 'warning',
  check(ctx) {
    const n = ctx.statement.node;
    if (ctx.statement.kind !== 'ClusterStmt') return [];
    const table = n.relation ? relationName(n.relation as AstNode) : undefined;
    if (table && ctx.isNew(table)) return [];
    const what = table ?? 'every table clustered before';
    return [
      {
        message: `CLUSTER rewrites ${what} while holding an ACCESS EXCLUSIVE lock: reads and writes wait for the whole rewrite.`,
        suggestion: 'Reorder rows online with pg_repack --order-by (or pg_squeeze), outside the migration; or accept the downtime in a maintenance window.',
        lock: 'ACCESS EXCLUSIVE',
      },
    ];
  },
};
