import { list } from '../sql/ast.js';
import { objectName } from '../schema/schema-builder.js';
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
      .filter((t) => !ctx.isNew(t))
      .map((t) => ({
        message: `Dropping ${t} breaks the previous app version, which still queries it, and a rollback cannot bring its rows back.`,
        suggestion: `Move every reader and writer off ${t} first, archive it (e.g. rename it or copy it out), and drop it weeks later in a contract phase once no running version uses it.`,
        lock: 'ACCESS EXCLUSIVE' as const,
      }));
  },
};
