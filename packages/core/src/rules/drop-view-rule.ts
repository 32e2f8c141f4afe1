import { list } from '../sql/ast.js';
import { objectName } from '../schema/schema-builder.js';
import { recreatedLater } from './statement-facts.js';
import type { Rule } from './rule.js';

/**
 * DROP VIEW breaks the previous app version's queries on the view. Dropping
 * it to create it again in the same file is a redefinition, which
 * view-drops-column judges instead.
 */
export const dropViewRule: Rule = {
  id: 'drop-view',
  title: 'Dropping a view the previous app version may use',
  impacts: ['old-code', 'rollback'],
  severity: 'error',
  check(ctx) {
    const n = ctx.statement.node;
    if (ctx.statement.kind !== 'DropStmt' || (n.removeType !== 'OBJECT_VIEW' && n.removeType !== 'OBJECT_MATVIEW')) return [];
    const what = n.removeType === 'OBJECT_MATVIEW' ? 'materialized view' : 'view';
    return list(n.objects)
      .map(objectName)
      // IF EXISTS on a view the replayed schema does not have drops nothing.
      .filter((v) => !(n.missing_ok && ctx.schema.views && !ctx.schema.views.includes(v)))
      .filter((v) => !ctx.isNew(v) && !recreatedLater(ctx, 'view', v))
      .map((v) => ({
        message: `Dropping the ${what} ${v} breaks the previous app version, which still queries it; a rollback to that version fails the same way.`,
        suggestion: `Deploy a version that no longer reads ${v} first, and drop it in a later contract phase once no running version uses it.`,
        lock: 'ACCESS EXCLUSIVE' as const,
      }));
  },
};
