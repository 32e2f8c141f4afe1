import type { AstNode } from '../sql/ast.js';
import { droppedObjectName, recreatedLater } from './statement-facts.js';
import type { Rule } from './rule.js';

/**
 * ALTER TYPE / DOMAIN … RENAME TO. Columns of the type follow it (they hold
 * its identity, not its name), but SQL of the previous app version that
 * spells the name fails: casts such as '…'::tier, which ORMs emit for enums
 * (Prisma writes `$1::"Tier"`), and function signatures. Renaming the old
 * type away to put a new one under its name in the same file (how enum
 * values are removed) keeps the name and is not reported.
 * https://www.postgresql.org/docs/current/sql-altertype.html
 */
export const renameTypeRule: Rule = {
  id: 'rename-type',
  title: 'Renaming a type the previous app version may name',
  impacts: ['old-code', 'rollback'],
  severity: 'error',
  check(ctx) {
    const n = ctx.statement.node;
    if (ctx.statement.kind !== 'RenameStmt' || (n.renameType !== 'OBJECT_TYPE' && n.renameType !== 'OBJECT_DOMAIN') || !n.object) return [];
    const from = droppedObjectName(n.object as AstNode);
    const to = String(n.newname);
    if (ctx.isNew(`type:${from}`) || recreatedLater(ctx, 'type', from)) return [];
    const bare = (t: string) => t.replace(/^public\./, '').replace(/"/g, '');
    const columns = Object.values(ctx.schema.tables).flatMap((t) => t.columns.filter((c) => bare(c.type).replace(/\[\]$/, '') === bare(from)).map((c) => `${t.schema === 'public' ? '' : `${t.schema}.`}${t.name}.${c.name}`));
    const used = columns.length ? ` The column${columns.length > 1 ? 's' : ''} ${columns.join(', ')} keep${columns.length > 1 ? '' : 's'} working, but the previous version's writes to ${columns.length > 1 ? 'them' : 'it'} fail wherever they cast to ${from}.` : '';
    return [
      {
        message: `Renaming the ${n.renameType === 'OBJECT_DOMAIN' ? 'domain' : 'type'} ${from} to ${to} breaks the previous app version wherever it names ${from}: casts such as '…'::${from} (ORMs emit them for enums) and function signatures fail.${used}`,
        suggestion: `Keep the name ${from} until no running version spells it: deploy a version that no longer names ${from} (or accepts both names), then rename it in a later release.`,
      },
    ];
  },
};
