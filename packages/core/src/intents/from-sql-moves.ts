import { list, relationName, type AstNode } from '../sql/ast.js';
import type { SqlFile, SqlStatement } from '../sql/parse-sql.js';
import { findTable, type SchemaModel } from '../schema/schema-model.js';
import type { ColumnMove } from '../rules/detect-moves.js';
import { alterTableCmds } from '../rules/statement-facts.js';
import { objectName } from '../schema/schema-builder.js';

/** How a one-step move joins its two tables: `from.join` = `to.key`. */
export interface MoveJoin {
  join: string;
  key: string;
}

/**
 * The statements that make up a move: the ADD COLUMNs on the target, the
 * UPDATE … FROM that copies, and the DROP of the source (table or columns).
 */
export function moveStatements(files: SqlFile[], move: ColumnMove): SqlStatement[] {
  return files.flatMap((f) => f.statements).filter((s) => {
    const alter = alterTableCmds(s);
    if (alter) {
      return alter.cmds.every((c) =>
        (alter.table === move.to && c.subtype === 'AT_AddColumn' && move.columns.includes(String((c.def as AstNode)?.ColumnDef?.colname))) ||
        (alter.table === move.from && c.subtype === 'AT_DropColumn' && move.columns.includes(String(c.name))),
      ) && alter.cmds.length > 0;
    }
    if (s.kind === 'UpdateStmt') return relationName(s.node.relation as AstNode) === move.to && updateSources(s.node).some((r) => r.table === move.from);
    if (s.kind === 'DropStmt' && s.node.removeType === 'OBJECT_TABLE') return list(s.node.objects).map(objectName).includes(move.from);
    return false;
  });
}

/**
 * The join of a move, read from its UPDATE's `WHERE k.customer_id = c.id`;
 * failing that, a column of the source named after the target (`customer_id`
 * for `support_customer`) joined to the target's single-column primary key.
 */
export function moveJoin(statements: SqlStatement[], move: ColumnMove, schema: SchemaModel): MoveJoin | undefined {
  for (const s of statements.filter((x) => x.kind === 'UpdateStmt')) {
    const target = s.node.relation as AstNode;
    const targetNames = [relationName(target), String(target.relname), String(target.alias?.aliasname ?? '')].filter(Boolean);
    const source = updateSources(s.node).find((r) => r.table === move.from);
    if (!source) continue;
    for (const [a, b] of equalities(s.node.whereClause as AstNode | undefined)) {
      for (const [src, tgt] of [[a, b], [b, a]] as const) {
        if (src.qualifier && source.names.includes(src.qualifier) && tgt.qualifier && targetNames.includes(tgt.qualifier)) return { join: src.column, key: tgt.column };
      }
    }
  }
  const from = findTable(schema, move.from);
  const to = findTable(schema, move.to);
  const word = move.to.split(/[._]/).pop();
  const join = from?.columns.find((c) => c.name === `${word}_id`);
  if (join && to?.primaryKey.length === 1) return { join: join.name, key: to.primaryKey[0]! };
  return undefined;
}

function updateSources(node: AstNode): { table: string; names: string[] }[] {
  return list(node.fromClause)
    .map((f) => f.RangeVar as AstNode | undefined)
    .filter((r): r is AstNode => !!r)
    .map((r) => ({ table: relationName(r), names: [relationName(r), String(r.relname), String(r.alias?.aliasname ?? '')].filter(Boolean) }));
}

interface ColumnRef {
  qualifier?: string;
  column: string;
}

/** `a.x = b.y` pairs of column references in an AND-ed condition. */
function equalities(expr: AstNode | undefined): [ColumnRef, ColumnRef][] {
  if (!expr) return [];
  if (expr.BoolExpr?.boolop === 'AND_EXPR') return list(expr.BoolExpr.args).flatMap(equalities);
  const e = expr.A_Expr as AstNode | undefined;
  if (!e || e.kind !== 'AEXPR_OP' || list(e.name)[0]?.String?.sval !== '=') return [];
  const l = columnRef(e.lexpr as AstNode);
  const r = columnRef(e.rexpr as AstNode);
  return l && r ? [[l, r]] : [];
}

function columnRef(node: AstNode | undefined): ColumnRef | undefined {
  const fields = list(node?.ColumnRef?.fields).map((f) => f.String?.sval as string | undefined);
  if (!fields.length || fields.some((f) => f === undefined)) return undefined;
  const column = fields[fields.length - 1]!;
  return fields.length > 1 ? { qualifier: fields[fields.length - 2]!, column } : { column };
}
