import { list, type AstNode } from '../sql/ast.js';
import { existingTableAlters, locationOf } from './statement-facts.js';
import { plan } from './plan-hints.js';
import type { Rule, RuleFinding } from './rule.js';

const KINDS: Record<string, string> = { CONSTR_UNIQUE: 'UNIQUE', CONSTR_PRIMARY: 'PRIMARY KEY', CONSTR_EXCLUSION: 'EXCLUDE' };

/**
 * ADD UNIQUE / PRIMARY KEY / EXCLUDE builds its index while holding ACCESS
 * EXCLUSIVE, whether declared as a table constraint or on a column being
 * added. Building a unique index CONCURRENTLY first and attaching it with
 * USING INDEX keeps the exclusive lock to a catalog update; an exclusion
 * constraint has no such path.
 */
export const addUniqueWithoutIndexRule: Rule = {
  id: 'add-unique-without-index',
  title: 'UNIQUE, PRIMARY KEY or EXCLUDE constraint built under an exclusive lock',
  impacts: ['lock'],
  severity: 'warning',
  check(ctx) {
    const constraints = existingTableAlters(ctx, 'AT_AddConstraint');
    const columns = existingTableAlters(ctx, 'AT_AddColumn');
    const added = constraints.cmds.map((cmd) => (cmd.def as AstNode | undefined)?.Constraint as AstNode | undefined);
    const inline = columns.cmds.flatMap((cmd) => list((cmd.def as AstNode).ColumnDef?.constraints).map((c) => c.Constraint as AstNode));
    const alterTable = constraints.table || columns.table;
    const out: RuleFinding[] = [];
    for (const c of [...added, ...inline]) {
      const what = c && KINDS[String(c.contype)];
      if (!c || !what || c.indexname) continue;
      const name = c.conname ? String(c.conname) : `${alterTable}_key`;
      out.push({
        message: `Adding a ${what} constraint on ${alterTable} builds its index while holding an ACCESS EXCLUSIVE lock: reads and writes wait for the build.`,
        suggestion:
          what === 'EXCLUDE'
            ? `An exclusion constraint cannot be attached to an index built concurrently: add it while ${alterTable} is small or in a maintenance window.`
            : `CREATE UNIQUE INDEX CONCURRENTLY ${name} ON ${alterTable} (…) outside a transaction, then ALTER TABLE ${alterTable} ADD CONSTRAINT ${name} ${what} USING INDEX ${name}${what === 'UNIQUE' ? ` (${plan('add-unique')})` : ''}.`,
        lock: 'ACCESS EXCLUSIVE',
        // from-sql plans a table-level UNIQUE constraint, not one declared on a column being added.
        ...(what === 'UNIQUE' && added.includes(c) ? { fromSql: true } : {}),
        ...locationOf(c),
      });
    }
    return out;
  },
};
