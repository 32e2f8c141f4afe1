import type { AstNode } from '../sql/ast.js';
import { existingTableAlters, locationOf } from './statement-facts.js';
import type { Rule, RuleFinding } from './rule.js';

/**
 * ADD UNIQUE / PRIMARY KEY builds its index while holding ACCESS EXCLUSIVE.
 * Building the index CONCURRENTLY first and attaching it with USING INDEX
 * keeps the exclusive lock to a catalog update.
 */
export const addUniqueWithoutIndexRule: Rule = {
  id: 'add-unique-without-index',
  title: 'UNIQUE or PRIMARY KEY constraint built under an exclusive lock',
  impacts: ['lock'],
  severity: 'warning',
  check(ctx) {
    const alter = existingTableAlters(ctx, 'AT_AddConstraint');
    const out: RuleFinding[] = [];
    for (const cmd of alter.cmds) {
      const c = (cmd.def as AstNode | undefined)?.Constraint as AstNode | undefined;
      if (!c || (c.contype !== 'CONSTR_UNIQUE' && c.contype !== 'CONSTR_PRIMARY') || c.indexname) continue;
      const what = c.contype === 'CONSTR_UNIQUE' ? 'UNIQUE' : 'PRIMARY KEY';
      const name = c.conname ? String(c.conname) : `${alter.table}_key`;
      out.push({
        message: `Adding a ${what} constraint on ${alter.table} builds its index while holding an ACCESS EXCLUSIVE lock: reads and writes wait for the build.`,
        suggestion: `CREATE UNIQUE INDEX CONCURRENTLY ${name} ON ${alter.table} (…) outside a transaction, then ALTER TABLE ${alter.table} ADD CONSTRAINT ${name} ${what} USING INDEX ${name}.`,
        lock: 'ACCESS EXCLUSIVE',
        ...locationOf(c),
      });
    }
    return out;
  },
};
