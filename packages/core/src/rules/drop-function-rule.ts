import { list } from '../sql/ast.js';
import { droppedObjectName, recreatedLater } from './statement-facts.js';
import type { Rule } from './rule.js';

const KINDS: Record<string, string> = { OBJECT_FUNCTION: 'function', OBJECT_PROCEDURE: 'procedure', OBJECT_ROUTINE: 'routine' };

/**
 * DROP FUNCTION / PROCEDURE breaks the previous app version's calls to it.
 * It takes no table lock. Dropping to create it again in the same file (a
 * signature change) is a redefinition and is not reported.
 */
export const dropFunctionRule: Rule = {
  id: 'drop-function',
  title: 'Dropping a function the previous app version may call',
  impacts: ['old-code', 'rollback'],
  severity: 'error',
  check(ctx) {
    const n = ctx.statement.node;
    const kind = KINDS[String(n.removeType)];
    if (ctx.statement.kind !== 'DropStmt' || !kind) return [];
    return list(n.objects)
      .map(droppedObjectName)
      .filter((f) => !ctx.isNew(`function:${f}`) && !recreatedLater(ctx, 'function', f))
      .map((f) => ({
        message: `Dropping the ${kind} ${f} breaks the previous app version wherever it calls it (queries, defaults, triggers of its writes); a rollback to that version fails the same way.`,
        suggestion: `Keep ${f} until no running version calls it: deploy the version that stops using it, then drop it in a later contract phase. To change its signature, create the new one beside it.`,
      }));
  },
};
