import type { AstNode } from '../sql/ast.js';
import type { SqlStatement } from '../sql/parse-sql.js';
import { findColumn, findTable } from '../schema/schema-model.js';
import { alterTableCmds, existingTableAlters, locationOf } from './statement-facts.js';
import type { Rule, RuleFinding } from './rule.js';

/**
 * DROP DEFAULT (or SET DEFAULT NULL) on a NOT NULL column: the previous app
 * version's INSERTs that leave the column to its default now fail with a
 * not-null violation. Dropping it to set another default later in the same
 * file (around a type change) is not reported.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-DEFAULT
 */
export const dropDefaultOnNotNullRule: Rule = {
  id: 'drop-default-on-not-null',
  title: 'Dropping the default of a NOT NULL column',
  impacts: ['old-code', 'rollback'],
  severity: 'error',
  check(ctx) {
    const alter = existingTableAlters(ctx, 'AT_ColumnDefault');
    const table = findTable(ctx.schema, alter.table);
    const out: RuleFinding[] = [];
    for (const cmd of alter.cmds) {
      const def = cmd.def as AstNode | undefined;
      if (def && def.A_Const?.isnull !== true) continue;
      const name = String(cmd.name);
      const column = table ? findColumn(table, name) : undefined;
      // A column this migration added counts too: Django adds NOT NULL DEFAULT '' and drops the default at once, and the previous version's inserts, which do not name it, then fail.
      if (!column || column.nullable || column.default === null || column.generated) continue;
      if (defaultSetLater(ctx.file.statements.slice(ctx.statement.index + 1), alter.table, name)) continue;
      out.push({
        message: `Dropping the default of ${alter.table}.${name}, which is NOT NULL, breaks the previous app version: its inserts that leave ${name} to the default (${column.default}) fail with a not-null violation.`,
        suggestion: `Keep the default until no running version inserts without ${name}: deploy a version that always writes it, and drop the default in a later release.`,
        lock: 'ACCESS EXCLUSIVE',
        ...locationOf(cmd),
      });
    }
    return out;
  },
};

/** A later statement of the file gives the column a default again. */
function defaultSetLater(statements: SqlStatement[], table: string, column: string): boolean {
  return statements.some((s) => {
    const alter = alterTableCmds(s);
    return alter?.table === table && alter.cmds.some((c) => c.subtype === 'AT_ColumnDefault' && String(c.name) === column && c.def && (c.def as AstNode).A_Const?.isnull !== true);
  });
}
