import type { AstNode } from '../sql/ast.js';
import { exprText } from '../sql/expressions.js';
import { formatType } from '../sql/type-name.js';
import { findColumn, findTable } from '../schema/schema-model.js';
import { removedLabels } from './drop-enum-value-rule.js';
import { enumLabels, existingTableAlters } from './statement-facts.js';
import { classifyTypeChange } from './type-change.js';
import { plan } from './plan-hints.js';
import type { Rule, RuleContext, RuleFinding } from './rule.js';

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
      const def = (cmd.def as AstNode).ColumnDef as AstNode;
      const to = formatType(def.typeName as AstNode);
      const bothEnums = !!enumLabels(ctx.schema, from) && !!enumLabels(ctx.schema, to);
      // Between enums: dropped labels are drop-enum-value's; otherwise every old value fits (a rewrite only).
      if (bothEnums && removedLabels(ctx.schema, from, to).length) continue;
      const classified = bothEnums ? 'widening-rewrite' : classifyTypeChange(from, to);
      // A binary-coercible change to another operator class (text → citext) still rebuilds the column's indexes.
      const change = classified === 'no-rewrite' && /citext$/.test(to) && indexed(ctx.schema, alter.table, name) ? 'widening-rewrite' : classified;
      const phased = `Add a shadow ${to} column kept equal to ${name} by a trigger, backfill it in batches, and swap the two in one short transaction once every running version accepts ${to} (${plan('change-column-type')}).`;
      // The intent converts with a plain cast: a USING expression of another kind must be written by hand.
      const using = def.raw_default ? exprText(def.raw_default as AstNode).replace(/\s+/g, '') : undefined;
      const fromSql = using === undefined || using === `${name}::${to}`.replace(/\s+/g, '');
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
          fromSql,
          impacts: ['lock'],
          severity: 'warning',
        });
      } else {
        out.push({
          message: `Changing ${col} from ${from} to ${to} ${change === 'narrowing' ? 'narrows it: values the previous app version writes may no longer fit' : 'changes its kind: queries of the previous app version may fail'}, and it rewrites ${alter.table} under an ACCESS EXCLUSIVE lock.`,
          suggestion: phased,
          lock,
          fromSql,
        });
      }
    }
    return out;
  },
};

function indexed(schema: RuleContext['schema'], table: string, column: string): boolean {
  return Object.values(schema.indexes ?? {}).some((i) => i.table === table && i.columns.includes(column));
}
