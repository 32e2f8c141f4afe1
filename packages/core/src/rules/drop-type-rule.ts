import { list } from '../sql/ast.js';
import { createdObject, droppedObjectName, recreatedLater } from './statement-facts.js';
import { plan } from './plan-hints.js';
import type { Rule, RuleContext } from './rule.js';

/**
 * DROP TYPE / DOMAIN breaks the previous app version's casts to it, and with
 * CASCADE drops every column of that type with its values. Dropping a type
 * to put another in its place in the same file (create again, or rename a
 * replacement to its name: how enum values are removed) is not reported
 * here; drop-enum-value judges the column change.
 */
export const dropTypeRule: Rule = {
  id: 'drop-type',
  title: 'Dropping a type the previous app version may use',
  impacts: ['old-code', 'rollback'],
  severity: 'error',
  check(ctx) {
    const n = ctx.statement.node;
    if (ctx.statement.kind !== 'DropStmt' || (n.removeType !== 'OBJECT_TYPE' && n.removeType !== 'OBJECT_DOMAIN')) return [];
    const cascade = n.behavior === 'DROP_CASCADE';
    return list(n.objects)
      .map(droppedObjectName)
      .filter((t) => !ctx.isNew(`type:${t}`) && !recreatedLater(ctx, 'type', t) && !(renamedToEarlier(ctx, t) && !cascade))
      .map((t) => ({
        message: `Dropping the type ${t} breaks the previous app version wherever it names the type (casts such as '…'::${t}, function arguments)${cascade ? `, and CASCADE also drops every column of type ${t} with all its values` : ''}.`,
        suggestion: `Move every column off ${t} first (to text, say: ${plan('change-column-type')} for each column), deploy a version whose queries no longer name ${t}, and drop the type in a later contract phase.`,
        ...(cascade ? { lock: 'ACCESS EXCLUSIVE' as const } : {}),
      }));
  },
};

/**
 * The name was given by an earlier rename in this file (ALTER TYPE tier RENAME
 * TO tier_old): the previous app version never named it. Whether the old name
 * survives is rename-type's concern.
 */
function renamedToEarlier(ctx: RuleContext, name: string): boolean {
  return ctx.file.statements.slice(0, ctx.statement.index).some((s) => s.kind === 'RenameStmt' && createdObject(s)?.kind === 'type' && createdObject(s)?.name === name);
}
