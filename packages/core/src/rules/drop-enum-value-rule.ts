import { relationName, type AstNode } from '../sql/ast.js';
import { formatType } from '../sql/type-name.js';
import { findColumn, findTable } from '../schema/schema-model.js';
import { enumLabels, existingTableAlters } from './statement-facts.js';
import { plan } from './plan-hints.js';
import type { Rule, RuleFinding } from './rule.js';

/**
 * PostgreSQL cannot drop a value from an enum. Migrations do it by moving
 * the column to a new enum without the value (a rewrite under ACCESS
 * EXCLUSIVE) and swapping the names, or by deleting from pg_enum (which
 * corrupts rows still holding the value). Either way the previous app
 * version still writes the value, and those writes fail.
 */
export const dropEnumValueRule: Rule = {
  id: 'drop-enum-value',
  title: 'Removing a value from an enum the previous app version writes',
  impacts: ['old-code', 'rollback', 'lock'],
  severity: 'error',
  check(ctx) {
    const s = ctx.statement;
    if (s.kind === 'DeleteStmt' && /^(pg_catalog\.)?pg_enum$/.test(relationName(s.node.relation as AstNode))) {
      return [
        {
          message: 'Deleting from pg_enum removes enum values behind PostgreSQL\'s back: rows still holding them become unreadable, indexes on them can break, and the previous app version\'s writes of them fail.',
          suggestion: `Keep the value and stop writing it in the app; if the labels must change over time, make them rows of a lookup table instead of an enum (${plan('replace-enum-with-lookup')}).`,
        },
      ];
    }
    const alter = existingTableAlters(ctx, 'AT_AlterColumnType');
    const table = findTable(ctx.schema, alter.table);
    const out: RuleFinding[] = [];
    for (const cmd of alter.cmds) {
      const name = String(cmd.name);
      const from = table ? findColumn(table, name)?.type : undefined;
      const to = formatType(((cmd.def as AstNode).ColumnDef as AstNode).typeName as AstNode);
      const removed = removedLabels(ctx.schema, from, to);
      if (!removed.length) continue;
      out.push({
        message: `Moving ${alter.table}.${name} from enum ${from} to ${to} drops the value${removed.length > 1 ? 's' : ''} ${removed.map((l) => `'${l}'`).join(', ')}: the previous app version's writes of ${removed.length > 1 ? 'them' : 'it'} fail, and the change rewrites ${alter.table} under an ACCESS EXCLUSIVE lock.`,
        suggestion: `Deploy a version that no longer writes ${removed.map((l) => `'${l}'`).join(', ')} and map existing rows to other values first, and keep the old type until no running version uses it; if the labels must change over time, make them rows of a lookup table instead (${plan('replace-enum-with-lookup')}).`,
        lock: 'ACCESS EXCLUSIVE',
      });
    }
    return out;
  },
};

/** Labels of the enum `from` that the enum `to` lacks; empty unless both are known enums. */
export function removedLabels(schema: Parameters<typeof enumLabels>[0], from: string | undefined, to: string): string[] {
  const a = enumLabels(schema, from);
  const b = enumLabels(schema, to);
  if (!a || !b) return [];
  return a.filter((l) => !b.includes(l));
}
