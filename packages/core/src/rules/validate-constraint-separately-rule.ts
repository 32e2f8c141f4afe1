import { names, type AstNode } from '../sql/ast.js';
import type { SqlStatement } from '../sql/parse-sql.js';
import { alterTableCmds, locationOf } from './statement-facts.js';
import { plan } from './plan-hints.js';
import type { Rule, RuleContext, RuleFinding } from './rule.js';

/**
 * ADD CONSTRAINT CHECK / FOREIGN KEY validates every row while holding its
 * lock (ACCESS EXCLUSIVE for CHECK, SHARE ROW EXCLUSIVE on both tables for a
 * foreign key). NOT VALID skips that; VALIDATE CONSTRAINT then takes only
 * SHARE UPDATE EXCLUSIVE, but only if run in a later transaction.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-VALIDATE-CONSTRAINT
 */
export const validateConstraintSeparatelyRule: Rule = {
  id: 'validate-constraint-separately',
  title: 'CHECK or FOREIGN KEY validated while adding it',
  impacts: ['lock'],
  severity: 'warning',
  check(ctx) {
    if (ctx.statement.kind === 'AlterDomainStmt') return domainConstraint(ctx);
    const alter = alterTableCmds(ctx.statement);
    if (!alter || ctx.isNew(alter.table)) return [];
    const out: RuleFinding[] = [];
    const addedNotValid = new Map<string, string>();
    for (const cmd of alter.cmds) {
      const c = (cmd.def as AstNode | undefined)?.Constraint as AstNode | undefined;
      if (cmd.subtype === 'AT_AddConstraint' && c && (c.contype === 'CONSTR_CHECK' || c.contype === 'CONSTR_FOREIGN')) {
        const what = c.contype === 'CONSTR_CHECK' ? 'CHECK' : 'FOREIGN KEY';
        const name = c.conname ? ` ${String(c.conname)}` : '';
        if (c.skip_validation) {
          if (c.conname) addedNotValid.set(String(c.conname), String(c.contype));
          continue;
        }
        out.push({
          message: `Adding the ${what} constraint${name} on ${alter.table} checks every existing row while holding a ${c.contype === 'CONSTR_CHECK' ? 'ACCESS EXCLUSIVE' : 'SHARE ROW EXCLUSIVE'} lock${c.contype === 'CONSTR_FOREIGN' ? ' on both tables' : ''}: writes wait for the scan.`,
          suggestion: `Add it with NOT VALID (new rows are checked at once), then run ALTER TABLE ${alter.table} VALIDATE CONSTRAINT${name || ' …'} in a separate transaction${c.contype === 'CONSTR_FOREIGN' ? ` (${plan('add-foreign-key')})` : ''}.`,
          lock: c.contype === 'CONSTR_CHECK' ? 'ACCESS EXCLUSIVE' : 'SHARE ROW EXCLUSIVE',
          ...(c.contype === 'CONSTR_FOREIGN' ? { fromSql: true } : {}),
          ...locationOf(c),
        });
      } else if (cmd.subtype === 'AT_ValidateConstraint') {
        const kind = addedNotValid.get(String(cmd.name)) ?? addedEarlierInTransaction(ctx, String(cmd.name));
        if (!kind) continue;
        out.push({
          message: `Validating ${String(cmd.name)} in the same transaction that added it keeps the ADD's lock on ${alter.table} for the whole validation scan.`,
          suggestion: `COMMIT after ADD CONSTRAINT … NOT VALID and run VALIDATE CONSTRAINT ${String(cmd.name)} in its own transaction.`,
          // ADD FOREIGN KEY holds SHARE ROW EXCLUSIVE; any other ADD CONSTRAINT, ACCESS EXCLUSIVE.
          lock: kind === 'CONSTR_FOREIGN' ? 'SHARE ROW EXCLUSIVE' : 'ACCESS EXCLUSIVE',
        });
      }
    }
    return out;
  },
};

/**
 * ALTER DOMAIN … ADD CONSTRAINT checks every column of the domain, holding a
 * SHARE lock on each of their tables (writes wait); NOT VALID skips that.
 */
function domainConstraint(ctx: RuleContext): RuleFinding[] {
  const n = ctx.statement.node;
  const c = (n.def as AstNode | undefined)?.Constraint as AstNode | undefined;
  if (n.subtype !== 'C' || !c || c.skip_validation || c.contype !== 'CONSTR_CHECK') return [];
  const domain = names(n.typeName).filter((p, i, all) => !(p === 'public' && i === 0 && all.length > 1)).join('.');
  if (ctx.isNew(`type:${domain}`)) return [];
  const tables = Object.values(ctx.schema.tables).filter((t) => t.columns.some((col) => col.type === domain || col.type === `public.${domain}`)).map((t) => (t.schema === 'public' ? t.name : `${t.schema}.${t.name}`));
  // A known schema with no column of the domain: nothing to scan.
  if (!tables.length && Object.keys(ctx.schema.tables).length) return [];
  const where = tables.length ? tables.join(', ') : 'every table with a column of that domain';
  return [
    {
      message: `Adding the CHECK constraint${c.conname ? ` ${String(c.conname)}` : ''} to the domain ${domain} checks every value of it while holding a SHARE lock on ${where}: writes wait for the scan.`,
      suggestion: `Add it with NOT VALID (new values are checked at once), then run ALTER DOMAIN ${domain} VALIDATE CONSTRAINT${c.conname ? ` ${String(c.conname)}` : ' …'} in a separate transaction.`,
      lock: 'SHARE',
    },
  ];
}

/** The kind (contype) of the constraint added NOT VALID earlier in the same open BEGIN block, if it was. */
function addedEarlierInTransaction(ctx: RuleContext, name: string): string | undefined {
  if (!ctx.statement.inTransaction) return undefined;
  for (let i = ctx.statement.index - 1; i >= 0; i--) {
    const s = ctx.file.statements[i] as SqlStatement;
    if (!s.inTransaction) return undefined;
    const added = (alterTableCmds(s)?.cmds ?? []).map((cmd) => (cmd.subtype === 'AT_AddConstraint' ? ((cmd.def as AstNode | undefined)?.Constraint as AstNode | undefined) : undefined)).find((c) => c?.conname === name);
    if (added) return String(added.contype);
  }
  return undefined;
}
