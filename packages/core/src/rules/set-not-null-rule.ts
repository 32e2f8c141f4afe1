import { findTable } from '../schema/schema-model.js';
import type { SchemaModel } from '../schema/schema-model.js';
import type { AstNode } from '../sql/ast.js';
import { existingTableAlters, locationOf } from './statement-facts.js';
import { plan } from './plan-hints.js';
import type { Rule, RuleContext, RuleFinding } from './rule.js';

/**
 * SET NOT NULL scans the whole table under ACCESS EXCLUSIVE, unless a
 * validated CHECK (col IS NOT NULL) already proves it (PostgreSQL 12+ then
 * skips the scan).
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-NOT-NULL
 */
export const setNotNullRule: Rule = {
  id: 'set-not-null',
  title: 'SET NOT NULL without a validated CHECK constraint',
  impacts: ['lock'],
  severity: 'warning',
  check(ctx) {
    const alter = existingTableAlters(ctx, 'AT_SetNotNull');
    const out: RuleFinding[] = [...primaryKeyUsingIndex(ctx)];
    for (const cmd of alter.cmds) {
      const name = String(cmd.name);
      // Already NOT NULL: PostgreSQL does nothing, so there is no scan.
      const current = findTable(ctx.schema, alter.table)?.columns.find((c) => c.name === name);
      if (current?.nullable === false || provenNotNull(ctx.schema, alter.table, name)) continue;
      out.push({
        message: `Setting ${alter.table}.${name} NOT NULL scans every row of ${alter.table} while holding an ACCESS EXCLUSIVE lock: reads and writes wait for the scan.`,
        suggestion: `First ADD CONSTRAINT ${name}_not_null CHECK (${name} IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT in a separate transaction (SHARE UPDATE EXCLUSIVE, writes continue); SET NOT NULL then skips the scan (${plan('add-not-null')}).`,
        lock: 'ACCESS EXCLUSIVE',
        fromSql: true,
      });
    }
    return out;
  },
};

/**
 * ADD PRIMARY KEY USING INDEX makes the index's columns NOT NULL: a nullable
 * one is scanned under ACCESS EXCLUSIVE, as SET NOT NULL would.
 */
function primaryKeyUsingIndex(ctx: RuleContext): RuleFinding[] {
  const alter = existingTableAlters(ctx, 'AT_AddConstraint');
  const table = findTable(ctx.schema, alter.table);
  return alter.cmds.flatMap((cmd) => {
    const c = (cmd.def as AstNode | undefined)?.Constraint as AstNode | undefined;
    if (c?.contype !== 'CONSTR_PRIMARY' || !c.indexname || !table) return [];
    const columns = ctx.schema.indexes?.[String(c.indexname)]?.columns ?? [];
    const nullable = columns.filter((name) => table.columns.find((col) => col.name === name)?.nullable !== false && !provenNotNull(ctx.schema, alter.table, name));
    if (!nullable.length) return [];
    return [
      {
        message: `ADD PRIMARY KEY USING INDEX ${String(c.indexname)} sets ${nullable.join(', ')} NOT NULL, which scans every row of ${alter.table} while holding an ACCESS EXCLUSIVE lock: reads and writes wait for the scan.`,
        suggestion: `First make ${nullable.join(', ')} NOT NULL without a long lock (CHECK … IS NOT NULL NOT VALID, VALIDATE, SET NOT NULL: ${plan('add-not-null')}), then attach the primary key.`,
        lock: 'ACCESS EXCLUSIVE' as const,
        ...locationOf(c),
      },
    ];
  });
}

/** A validated CHECK (col IS NOT NULL) exists on the table. */
export function provenNotNull(schema: SchemaModel, table: string, column: string): boolean {
  const wanted = `${column} is not null`.toLowerCase();
  const norm = (e: string) => e.replace(/["()]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
  return (findTable(schema, table)?.constraints ?? []).some((c) => c.type === 'check' && c.validated && (c.notNullColumns?.includes(column) || norm(c.expression ?? '') === wanted));
}
