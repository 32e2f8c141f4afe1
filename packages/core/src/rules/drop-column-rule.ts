import { existingTableAlters, knownAbsentColumn } from './statement-facts.js';
import { dropColumnFlag, plan } from './plan-hints.js';
import type { Rule, RuleFinding } from './rule.js';

/** DROP COLUMN breaks the previous app version, which still reads or writes it, and loses its values. */
export const dropColumnRule: Rule = {
  id: 'drop-column',
  title: 'Dropping a column the previous app version may use',
  impacts: ['old-code', 'rollback'],
  severity: 'error',
  check(ctx) {
    const alter = existingTableAlters(ctx, 'AT_DropColumn');
    const out: RuleFinding[] = [];
    for (const cmd of alter.cmds) {
      const col = `${alter.table}.${String(cmd.name)}`;
      // Added earlier by the migrations being checked: the previous app version never saw it.
      if (ctx.isNew(`column:${col}`)) continue;
      // DROP COLUMN IF EXISTS of a column the table does not have drops nothing.
      if (cmd.missing_ok && knownAbsentColumn(ctx.schema, alter.table, String(cmd.name))) continue;
      out.push({
        message: `Dropping ${col} breaks the previous app version, which still reads or writes it, and a rollback cannot bring its values back.`,
        suggestion: `Deploy a version that stops reading ${col} behind the flag ${dropColumnFlag(alter.table, String(cmd.name))}, then one that stops writing it; archive its values and drop it in a later contract phase once no running version uses it (${plan('drop-column')}).`,
        lock: 'ACCESS EXCLUSIVE',
        fromSql: true,
      });
    }
    return out;
  },
};
