import { list, names, nodeKind, type AstNode } from './ast.js';
import { formatType } from './type-name.js';

/**
 * Functions whose value changes per row, so a default using them makes
 * ADD COLUMN rewrite the table. now()/current_timestamp are STABLE (one value
 * per statement) and are stored once as the "missing value" instead.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
 */
export const VOLATILE_FUNCTIONS = new Set([
  'random',
  'random_normal',
  'clock_timestamp',
  'timeofday',
  'gen_random_uuid',
  'uuidv4',
  'uuidv7',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'nextval',
  'setval',
  'gen_random_bytes',
]);

/** The volatile function an expression calls, if any (searched in nested arguments too). */
export function volatileCall(expr: AstNode | undefined): string | undefined {
  let found: string | undefined;
  walk(expr, (n) => {
    const call = n.FuncCall as AstNode | undefined;
    if (!found && call) {
      const fname = names(call.funcname).pop()?.toLowerCase() ?? '';
      if (VOLATILE_FUNCTIONS.has(fname)) found = `${fname}()`;
    }
  });
  return found;
}

function walk(node: unknown, visit: (n: AstNode) => void): void {
  if (Array.isArray(node)) for (const n of node) walk(n, visit);
  else if (node && typeof node === 'object') {
    visit(node as AstNode);
    for (const v of Object.values(node)) walk(v, visit);
  }
}

const SQL_VALUE_FUNCTIONS: Record<string, string> = {
  SVFOP_CURRENT_DATE: 'CURRENT_DATE',
  SVFOP_CURRENT_TIME: 'CURRENT_TIME',
  SVFOP_CURRENT_TIMESTAMP: 'CURRENT_TIMESTAMP',
  SVFOP_LOCALTIME: 'LOCALTIME',
  SVFOP_LOCALTIMESTAMP: 'LOCALTIMESTAMP',
  SVFOP_CURRENT_USER: 'CURRENT_USER',
  SVFOP_SESSION_USER: 'SESSION_USER',
  SVFOP_USER: 'USER',
};

/**
 * A readable rendering of a simple expression (defaults, CHECK bodies) for
 * messages and the schema model; unusual shapes render as `(expression)`.
 *
 * @example exprText({ FuncCall: { funcname: [{ String: { sval: 'now' } }] } }) // 'now()'
 */
export function exprText(expr: AstNode | undefined): string {
  const kind = nodeKind(expr);
  const n = expr?.[kind] as AstNode | undefined;
  if (!n) return '';
  switch (kind) {
    case 'A_Const':
      if (n.isnull) return 'NULL';
      if (n.sval) return `'${String(n.sval.sval ?? '').replace(/'/g, "''")}'`;
      if (n.ival) return String(n.ival.ival ?? 0);
      if (n.fval) return String(n.fval.fval);
      if (n.boolval) return String(n.boolval.boolval ?? false);
      return n.sval === undefined && n.ival === undefined ? '0' : '';
    case 'FuncCall':
      return `${names(n.funcname).join('.')}(${list(n.args).map(exprText).join(', ')})`;
    case 'TypeCast':
      return `${exprText(n.arg as AstNode)}::${formatType(n.typeName as AstNode)}`;
    case 'SQLValueFunction':
      return SQL_VALUE_FUNCTIONS[String(n.op ?? 'SVFOP_CURRENT_DATE')] ?? 'CURRENT_DATE';
    case 'ColumnRef':
      return list(n.fields).map((f) => String(f.String?.sval ?? '*')).join('.');
    case 'A_Expr':
      return `${exprText(n.lexpr as AstNode)} ${names(n.name).join('')} ${exprText(n.rexpr as AstNode)}`.trim();
    case 'NullTest':
      return `${exprText(n.arg as AstNode)} ${n.nulltesttype === 'IS_NOT_NULL' ? 'IS NOT NULL' : 'IS NULL'}`;
    default:
      return '(expression)';
  }
}
