import { names } from '../sql/ast.js';
import { plan } from './plan-hints.js';
import type { Rule } from './rule.js';

/**
 * ALTER TYPE … RENAME VALUE changes what is stored: the previous app version
 * still writes and compares the old label, and its writes fail.
 * (ALTER TYPE … ADD VALUE is safe on PostgreSQL 12+, even in a transaction.)
 */
export const renameEnumValueRule: Rule = {
  id: 'rename-enum-value',
  title: 'Renaming an enum value the previous app version uses',
  impacts: ['old-code', 'rollback'],
  severity: 'error',
  check(ctx) {
    const n = ctx.statement.node;
    if (ctx.statement.kind !== 'AlterEnumStmt' || !n.oldVal) return [];
    const type = names(n.typeName).filter((p, i, all) => !(p === 'public' && all.length > 1 && i === 0)).join('.');
    if (ctx.isNew(`type:${type}`)) return [];
    return [
      {
        message: `Renaming ${type} value '${String(n.oldVal)}' to '${String(n.newVal)}' breaks the previous app version: its writes of '${String(n.oldVal)}' fail and its comparisons with it stop matching.`,
        suggestion: `Add '${String(n.newVal)}' with ALTER TYPE ${type} ADD VALUE (${plan('add-enum-value')}), deploy a version that reads both and writes the new one, update the rows in batches, and stop accepting '${String(n.oldVal)}' later (enum values cannot be dropped: keep it or recreate the type in a contract phase).`,
      },
    ];
  },
};
