import { list, names, type AstNode } from '../sql/ast.js';

/**
 * The output column names of a CREATE VIEW, as PostgreSQL names them: the
 * column list if given, else each target's alias, column name or function
 * name (`?column?` otherwise). Undefined when a `*` makes them depend on
 * other tables. For a UNION, the first branch names the columns.
 */
export function viewColumns(view: AstNode): string[] | undefined {
  const aliases = names(view.aliases);
  let select = view.query?.SelectStmt as AstNode | undefined;
  while (select?.larg) select = select.larg as AstNode;
  if (!select) return aliases.length ? aliases : undefined;
  const out: string[] = [];
  for (const t of list(select.targetList).map((n) => n.ResTarget as AstNode)) {
    const name = t.name ? String(t.name) : targetName(t.val as AstNode | undefined);
    if (name === undefined) return undefined;
    out.push(name);
  }
  // VALUES lists have no target list: the column list is all there is.
  if (!out.length) return aliases.length ? aliases : undefined;
  return out.map((n, i) => aliases[i] ?? n);
}

function targetName(val: AstNode | undefined): string | undefined {
  if (val?.ColumnRef) {
    const last = list(val.ColumnRef.fields).at(-1);
    return last?.A_Star ? undefined : String(last?.String?.sval ?? '?column?');
  }
  if (val?.TypeCast) return targetName(val.TypeCast.arg as AstNode) ?? undefined;
  if (val?.FuncCall) return names(val.FuncCall.funcname).at(-1) ?? '?column?';
  return '?column?';
}
