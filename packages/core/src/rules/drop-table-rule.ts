import { list } from '../sql/ast.js';
import { objectName } from '../schema/schema-builder.js';
import { dropTableFlag, plan } from './plan-hints.js';
import { knownAbsentTable } from './statement-facts.js';
import type { Rule } from './rule.js';

/** DROP TABLE breaks the previous app version and loses every row for good. */
export const dropTableRule: Rule = {
  id: 'drop-table',
  title: 'Dropping a table the previous app version may use',
  impacts: ['old-code', 'rollback'],
  severity: 'error',
  check(ctx) {
    const n = ctx.statement.node;
    if (ctx.statement.kind !== 'DropStmt' || n.removeType !== 'OBJECT_TABLE') return [];
    return list(n.objects)
      .map(objectName)
      // DROP TABLE IF EXISTS of a table the previous deployment does not have drops nothing.
      .filter((t) => !ctx.isNew(t) && !(n.missing_ok && knownAbsentTable(ctx.schema, t)))
      .map((t) => ({
        message: `Dropping ${t} breaks the previous app version, which still queries it, and a rollback cannot bring its rows back.`,
        suggestion: `Deploy a version that stops reading ${t} behind the flag ${dropTableFlag(t)}, then one that stops writing it; archive ${t} (move it to an archive schema) in a contract phase weeks later, once no running version uses it (${plan('drop-table')}).`,
        lock: 'ACCESS EXCLUSIVE' as const,
        fromSql: true,
      }));
  },
};
