import { list, relationName, type AstNode } from '../sql/ast.js';
import type { Rule } from './rule.js';

/**
 * VACUUM FULL rewrites the table under ACCESS EXCLUSIVE: no reads or writes
 * until it is done. (Plain VACUUM takes SHARE UPDATE EXCLUSIVE and is fine.)
 * https://www.postgresql.org/docs/current/sql-vacuum.html
 */
export const vacuumFullRule: Rule = {
  id: 'vacuum-full',
  title: 'VACUUM FULL rewrites the table under ACCESS EXCLUSIVE',
  impacts: ['lock'],
  severity: 'warning',
  check(ctx) {
    const n = ctx.statement.node;
    if (ctx.statement.kind !== 'VacuumStmt' || !n.is_vacuumcmd || !isFull(n)) return [];
    const tables = list(n.rels).map((r) => relationName(r.VacuumRelation?.relation as AstNode)).filter((t) => !ctx.isNew(t));
    if (list(n.rels).length && !tables.length) return [];
    const what = tables.length ? tables.join(', ') : 'every table in the database';
    return [
      {
        message: `VACUUM FULL rewrites ${what} while holding an ACCESS EXCLUSIVE lock: reads and writes wait for the whole rewrite.`,
        suggestion: 'Use plain VACUUM (no lock on reads and writes), or reclaim space online with pg_repack or pg_squeeze, outside the migration.',
        lock: 'ACCESS EXCLUSIVE',
      },
    ];
  },
};

/** VACUUM FULL, or VACUUM (FULL) / (FULL true), but not (FULL false). */
function isFull(n: AstNode): boolean {
  return list(n.options).some((o) => {
    const d = o.DefElem as AstNode;
    if (d.defname !== 'full') return false;
    const arg = d.arg as AstNode | undefined;
    const v = String(arg?.String?.sval ?? arg?.Boolean?.boolval ?? arg?.Integer?.ival ?? (arg ? 'false' : 'true')).toLowerCase();
    return ['true', 'on', '1', 'yes'].includes(v);
  });
}
