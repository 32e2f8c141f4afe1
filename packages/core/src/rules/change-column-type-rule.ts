import type { AstNode } from '../sql/ast.js';
import { formatType } from '../sql/type-name.js';
import { findColumn, findTable } from '../schema/schema-model.js';
import { removedLabels } from './drop-enum-value-rule.js';
import { enumLabels, existingTableAlters } from './statement-facts.js';
import { classifyTypeChange } from './type-change.js';
import type { Rule, RuleFinding } from './rule.js';

/** ALTER COLUMN … TYPE: a rewrite under ACCESS EXCLUSIVE unless binary-coercible; narrowing also breaks old code. */
export const changeColumnTypeRule: Rule = {
  id: 'change-column-type',
  title: 'Changing a column type',
  impacts: ['old-code', 'rollback', 'lock'],
  severity: 'error',
  check(ctx) {
    const alter = existingTableAlters(ctx, 'AT_AlterColumnType');
    const table = findTable(ctx.schema, alter.table);
    const out: RuleFinding[] = [];
    for (const cmd of alter.cmds) {
      const name = String(cmd.name);
      const col = `${alter.table}.${name}`;
      const from = table ? findColumn(table, name)?.type : undefined;
      const to = formatType(((cmd.def as AstNode).ColumnDef as AstNode).typeName as AstNode);
      const bothEnums = !!enumLabels(ctx.schema, from) && !!enumLabels(ctx.schema, to);
      // Between enums: dropped labels are drop-enum-value's; otherwise every old value fits (a rewrite only).
      if (bothEnums && removedLabels(ctx.schema, from, to).length) continue;
      const change = bothEnums ? 'widening-rewrite' : classifyTypeChange(from, to);
      const phased = `Add a new ${to} column, keep it in sync with ${name} and backfill it (plan intent change-type), switch reads behind a flag, and drop ${name} later.`;
      const lock = 'ACCESS EXCLUSIVE' as const;
      if (change === 'same' || change === 'no-rewrite') continue;
      if (change === 'widening-rewrite' || change === 'unknown') {
        out.push({
          message:
            change === 'unknown'
              ? `Changing ${col} to ${to} rewrites ${alter.table} under an ACCESS EXCLUSIVE lock unless the old type is binary-coercible to it (its current type is not known: pass --schema).`
              : `Changing ${col} from ${from} to ${to} rewrites every row of ${alter.table} under an ACCESS EXCLUSIVE lock: reads and writes wait for the whole rewrite.`,
          suggestion: phased,
          lock,
          impacts: ['lock'],
          severity: 'warning',
        });
      } else {
        out.push({
          message: `Changing ${col} from ${from} to ${to} ${change === 'narrowing' ? 'narrows it: values the previous app version writes may no longer fit' : 'changes its kind: queries of the previous app version may fail'}, and it rewrites ${alter.table} under an ACCESS EXCLUSIVE lock.`,
          suggestion: phased,
          lock,
        });
      }
    }
    return out;
  },
};
