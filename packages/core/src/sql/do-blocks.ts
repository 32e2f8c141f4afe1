import { parsePlPgSQLSync, parseSync } from 'libpg-query';
import { list, nodeKind, type AstNode } from './ast.js';
import type { SqlStatement } from './parse-sql.js';

/**
 * The SQL statements a `DO` block runs with a fixed text: PL/pgSQL's plain
 * SQL statements, and EXECUTE of a string literal. They run during the
 * migration like any other statement, so the rules see them too. Each
 * comes back positioned at the DO statement, with its session state;
 * statements built at run time (EXECUTE of an expression) cannot be known.
 */
export function doBlockStatements(stmt: SqlStatement): SqlStatement[] {
  if (stmt.kind !== 'DoStmt') return [];
  const language = list(stmt.node.args).find((a) => a.DefElem?.defname === 'language')?.DefElem?.arg?.String?.sval as string | undefined;
  const body = list(stmt.node.args).find((a) => a.DefElem?.defname === 'as')?.DefElem?.arg?.String?.sval as string | undefined;
  if (body === undefined || (language !== undefined && language.toLowerCase() !== 'plpgsql')) return [];
  let tree: unknown;
  try {
    const tag = dollarTag(body);
    tree = parsePlPgSQLSync(`CREATE FUNCTION switchback_do() RETURNS void LANGUAGE plpgsql AS ${tag}${body}${tag}`);
  } catch {
    // The server would reject the block too; the migration fails loudly there, not silently here.
    return [];
  }
  const out: SqlStatement[] = [];
  for (const query of queries(tree)) {
    let parsed: { stmts?: AstNode[] };
    try {
      parsed = parseSync(query) as unknown as { stmts?: AstNode[] };
    } catch {
      continue;
    }
    for (const entry of list(parsed.stmts)) {
      const wrapped = entry.stmt as AstNode;
      const kind = nodeKind(wrapped);
      out.push({ ...stmt, kind, node: wrapped[kind] as AstNode, text: query, inDoBlock: true });
    }
  }
  return out;
}

/** A dollar-quote tag that does not occur in the body. */
function dollarTag(body: string): string {
  let tag = '$switchback$';
  for (let i = 0; body.includes(tag); i++) tag = `$switchback${i}$`;
  return tag;
}

/** Every fixed SQL text in a PL/pgSQL parse tree, in order. */
function queries(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(queries);
  if (!node || typeof node !== 'object') return [];
  const n = node as AstNode;
  if (n.PLpgSQL_stmt_execsql) return [String(n.PLpgSQL_stmt_execsql.sqlstmt?.PLpgSQL_expr?.query ?? '')].filter(Boolean);
  if (n.PLpgSQL_stmt_dynexecute) {
    const text = String(n.PLpgSQL_stmt_dynexecute.query?.PLpgSQL_expr?.query ?? '');
    const literal = /^'((?:[^']|'')*)'$/s.exec(text.trim());
    return literal?.[1] ? [literal[1].replace(/''/g, "'")] : [];
  }
  return Object.values(n).flatMap(queries);
}
