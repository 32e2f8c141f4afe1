import { alterTableCmds } from './statement-facts.js';
import type { Rule, RuleFinding } from './rule.js';

/**
 * SET LOGGED / SET UNLOGGED rewrite the table under ACCESS EXCLUSIVE. An
 * unlogged table is also emptied after a crash and is not replicated: the
 * standbys (and a failover) see it empty.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-LOGGED-UNLOGGED
 */
export const setLoggedUnloggedRule: Rule = {
  id: 'set-logged-unlogged',
  title: 'SET LOGGED / UNLOGGED rewrites the table',
  impacts: ['lock'],
  severity: 'warning',
  check(ctx) {
    const alter = alterTableCmds(ctx.statement);
    if (!alter || ctx.isNew(alter.table)) return [];
    const out: RuleFinding[] = [];
    for (const cmd of alter.cmds) {
      if (cmd.subtype === 'AT_SetLogged') {
        out.push({
          message: `SET LOGGED rewrites ${alter.table} into the write-ahead log while holding an ACCESS EXCLUSIVE lock: reads and writes wait for the whole copy.`,
          suggestion: `Create a logged copy of ${alter.table}, keep it in sync with a trigger, backfill it in batches and switch the application to it; or run this in a maintenance window.`,
          lock: 'ACCESS EXCLUSIVE',
        });
      } else if (cmd.subtype === 'AT_SetUnLogged') {
        out.push({
          message: `SET UNLOGGED rewrites ${alter.table} under an ACCESS EXCLUSIVE lock, and afterwards its rows are not replicated (standbys and a failover see it empty) and are lost on a crash.`,
          suggestion: `Keep ${alter.table} logged unless its contents are disposable; for a disposable cache, create a new unlogged table and move writers to it.`,
          lock: 'ACCESS EXCLUSIVE',
        });
      }
    }
    return out;
  },
};
