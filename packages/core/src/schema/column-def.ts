import { list, names, relationName, type AstNode } from '../sql/ast.js';
import { exprText } from '../sql/expressions.js';
import { baseTypeName, formatType, SERIAL_TYPES } from '../sql/type-name.js';
import type { ColumnModel, ConstraintModel } from './schema-model.js';

/** A ColumnDef node as a ColumnModel, plus the constraints declared inline on it. */
export function columnFromDef(def: AstNode, table: string): { column: ColumnModel; constraints: ConstraintModel[]; primaryKey: boolean } {
  const name = String(def.colname ?? '');
  const serial = SERIAL_TYPES.has(baseTypeName(def.typeName as AstNode));
  const column: ColumnModel = { name, type: formatType(def.typeName as AstNode), nullable: true, default: serial ? `nextval('${table}_${name}_seq'::regclass)` : null };
  if (serial) column.nullable = false;
  const constraints: ConstraintModel[] = [];
  let primaryKey = false;
  for (const c of list(def.constraints).map((n) => n.Constraint as AstNode)) {
    switch (c.contype) {
      case 'CONSTR_NOTNULL':
        column.nullable = false;
        break;
      case 'CONSTR_DEFAULT':
        column.default = exprText(c.raw_expr as AstNode);
        break;
      case 'CONSTR_IDENTITY':
      case 'CONSTR_GENERATED':
        column.generated = true;
        if (c.contype === 'CONSTR_IDENTITY') column.nullable = false;
        break;
      case 'CONSTR_PRIMARY':
        primaryKey = true;
        column.nullable = false;
        break;
      default: {
        const model = constraintFromNode(c, [name]);
        if (model) constraints.push(model);
      }
    }
  }
  return { column, constraints, primaryKey };
}

/** A table-level Constraint node as a ConstraintModel (`columns` fills in for column constraints). */
export function constraintFromNode(c: AstNode, columns: string[] = []): ConstraintModel | undefined {
  const validated = !c.skip_validation;
  const base = { ...(c.conname ? { name: String(c.conname) } : {}), validated };
  switch (c.contype) {
    case 'CONSTR_CHECK': {
      const notNull = notNullColumns(c.raw_expr as AstNode);
      return { ...base, type: 'check', columns, expression: exprText(c.raw_expr as AstNode), ...(notNull.length ? { notNullColumns: notNull } : {}) };
    }
    case 'CONSTR_FOREIGN':
      return { ...base, type: 'foreign-key', columns: names(c.fk_attrs).length ? names(c.fk_attrs) : columns, expression: `REFERENCES ${relationName(c.pktable as AstNode)}` };
    case 'CONSTR_UNIQUE':
      return { ...base, type: 'unique', columns: names(c.keys).length ? names(c.keys) : columns };
    case 'CONSTR_PRIMARY':
      return { ...base, type: 'primary-key', columns: names(c.keys).length ? names(c.keys) : columns };
    default:
      return undefined;
  }
}

/**
 * Columns a CHECK expression proves NOT NULL: `col IS NOT NULL` as the whole
 * expression or as one of its top-level AND conjuncts (what PostgreSQL's
 * predicate proof accepts to skip the SET NOT NULL scan). An OR proves nothing.
 */
export function notNullColumns(expr: AstNode | undefined): string[] {
  if (expr?.BoolExpr?.boolop === 'AND_EXPR') return list(expr.BoolExpr.args).flatMap(notNullColumns);
  const test = expr?.NullTest as AstNode | undefined;
  if (test?.nulltesttype !== 'IS_NOT_NULL' || !test.arg?.ColumnRef) return [];
  const field = list(test.arg.ColumnRef.fields).at(-1)?.String?.sval as string | undefined;
  return field ? [field] : [];
}
