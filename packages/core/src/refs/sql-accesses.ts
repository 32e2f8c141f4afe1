import { parseSync } from 'libpg-query';
import { list, relationName, type AstNode } from '../sql/ast.js';

/** One table or column an SQL text reads or writes; `column` `*` means every column (SELECT *, INSERT without a column list). */
export interface SqlAccess {
  table: string;
  column?: string;
  access: 'read' | 'write';
  /** Character offset in the SQL text where the name appears. */
  offset: number;
}

/** What the analysis knows about the database: its tables and their columns. */
export type KnownTables = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * The tables and columns an SQL text found in application code reads and
 * writes, by parsing it with the PostgreSQL parser (call `loadSqlParser`
 * first). Driver placeholders (`?`, `%s`, `%(name)s`, `:name`, `@name`) are
 * replaced by same-length constants first, so positions stay put.
 *
 * Returns undefined when the text does not parse as SQL; see `fragmentAccesses`.
 *
 * @example sqlAccesses('UPDATE t SET a = $1', known) // [{ table: 't', access: 'write', … }, { table: 't', column: 'a', access: 'write', … }]
 */
export function sqlAccesses(sql: string, known: KnownTables): SqlAccess[] | undefined {
  let stmts: AstNode[];
  try {
    stmts = list((parseSync(neutralizeParams(sql)) as unknown as { stmts?: AstNode[] }).stmts);
  } catch {
    return undefined;
  }
  const chars = byteToChar(sql);
  return stmts.flatMap((s) => statementAccesses(s.stmt as AstNode, known)).map((a) => ({ ...a, offset: chars(a.offset) }));
}

interface Relation {
  node: AstNode;
  table: string;
  alias?: string;
  location: number;
}

function statementAccesses(stmt: AstNode, known: KnownTables): SqlAccess[] {
  const relations: Relation[] = [];
  const written = new Set<AstNode>();
  const writtenColumns: { target: AstNode; name: string; location: number }[] = [];
  const starInserts: AstNode[] = [];
  const insertTargets = new Set<AstNode>();
  const columnRefs: { fields: string[]; location: number }[] = [];
  const ctes = new Set<string>();
  // One flat scope per top-level statement: subqueries' aliases share it, which
  // only matters when two scopes reuse an alias for different tables.
  visit(stmt, (key, node) => {
    if (key === 'InsertStmt' || key === 'UpdateStmt' || key === 'DeleteStmt' || key === 'MergeStmt') {
      const rel = node.relation as AstNode | undefined;
      if (!rel) return;
      // The target relation is an unwrapped RangeVar, so the RangeVar branch below never sees it.
      written.add(rel);
      relations.push({ node: rel, table: relationName(rel), location: Number(rel.location ?? 0), ...(rel.alias?.aliasname ? { alias: String(rel.alias.aliasname) } : {}) });
      const targets = key === 'InsertStmt' ? list(node.cols) : key === 'UpdateStmt' ? list(node.targetList) : [];
      for (const t of targets) writtenColumns.push({ target: rel, name: String(t.ResTarget?.name ?? ''), location: Number(t.ResTarget?.location ?? rel.location ?? 0) });
      if (key === 'InsertStmt' && !list(node.cols).length) starInserts.push(rel);
      if (key === 'InsertStmt') insertTargets.add(rel);
    } else if (key === 'RangeVar') {
      relations.push({ node, table: relationName(node), location: Number(node.location ?? 0), ...(node.alias?.aliasname ? { alias: String(node.alias.aliasname) } : {}) });
    } else if (key === 'ColumnRef') {
      columnRefs.push({ fields: list(node.fields).map((f) => (f.A_Star ? '*' : String(f.String?.sval ?? ''))), location: Number(node.location ?? 0) });
    } else if (key === 'CommonTableExpr') ctes.add(String(node.ctename ?? ''));
  });
  const tables = relations.filter((r) => !ctes.has(r.table));
  const out: SqlAccess[] = tables.map((r) => ({ table: r.table, access: written.has(r.node) ? 'write' : 'read', offset: r.location }));
  const tableOf = (node: AstNode) => tables.find((r) => r.node === node)?.table;
  for (const w of writtenColumns) {
    const table = tableOf(w.target);
    if (table && w.name) out.push({ table, column: w.name, access: 'write', offset: w.location });
  }
  for (const rel of starInserts) {
    const table = tableOf(rel);
    if (table) out.push({ table, column: '*', access: 'write', offset: Number(rel.location ?? 0) });
  }
  for (const ref of columnRefs) {
    const column = ref.fields[ref.fields.length - 1] ?? '';
    // An interpolated expression is not a column; nor is a name the table is known not to have (a function's alias, an output name).
    if (/^__sb\d+__$/.test(column)) continue;
    // An INSERT's target is not in scope for the columns of its SELECT (only of its RETURNING).
    const scope = tables.filter((r) => !insertTargets.has(r.node));
    for (const table of columnTables(ref.fields, scope.length ? scope : tables, known)) {
      const columns = known.get(table);
      if (column === '*' || !columns?.size || columns.has(column)) out.push({ table, column, access: 'read', offset: ref.location });
    }
  }
  return out;
}

/** The table(s) a column reference belongs to: by its qualifier, else the only table in scope, else the tables known to have it. */
function columnTables(fields: string[], tables: Relation[], known: KnownTables): string[] {
  const column = fields[fields.length - 1] ?? '';
  if (fields.length >= 2) {
    const q = fields[fields.length - 2] ?? '';
    const byAlias = tables.find((r) => r.alias === q) ?? tables.find((r) => !r.alias && (r.table === q || r.table.endsWith(`.${q}`)));
    return byAlias ? [byAlias.table] : [];
  }
  const distinct = [...new Set(tables.map((r) => r.table))];
  if (distinct.length === 1) return distinct;
  if (column === '*') return distinct;
  return distinct.filter((t) => known.get(t)?.has(column));
}

function visit(node: unknown, fn: (key: string, node: AstNode) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) visit(n, fn);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as AstNode)) {
    if (value && typeof value === 'object' && !Array.isArray(value) && /^[A-Z]/.test(key)) fn(key, value as AstNode);
    visit(value, fn);
  }
}

/**
 * Replaces driver placeholders with constants of the same length so the
 * PostgreSQL parser accepts the text and its offsets still match the source:
 * JDBC/ODBC `?`, psycopg `%s` and `%(name)s`, named `:name` (not `::cast`) and `@name`.
 */
export function neutralizeParams(sql: string): string {
  return sql
    .replace(/%\([A-Za-z_]\w*\)s|%s/g, (m) => `0${' '.repeat(m.length - 1)}`)
    .replace(/(?<![:\w]):[A-Za-z_]\w*/g, (m) => `0${' '.repeat(m.length - 1)}`)
    .replace(/(?<![\w@])@[A-Za-z_]\w*/g, (m) => `0${' '.repeat(m.length - 1)}`)
    .replace(/\?(?![|&])/g, '0');
}

/** libpg-query reports UTF-8 byte offsets; code positions count characters. */
function byteToChar(text: string): (byte: number) => number {
  if (/^[\x00-\x7f]*$/.test(text)) return (b) => b;
  const bytes = Buffer.from(text, 'utf8');
  return (b) => bytes.subarray(0, b).toString('utf8').length;
}

const SQL_KEYWORDS = new Set(['select', 'insert', 'update', 'delete', 'merge', 'from', 'join', 'into', 'where', 'set', 'values', 'returning']);
/** A fragment starts like SQL: a statement or a clause (`WHERE …`, `FROM …`, `, tier = …`), not prose ("Failed to update …"). */
const SQL_START = /^[\s(,]*(select|insert|update|delete|merge|with|from|join|left|right|inner|full|into|where|and|or|set|values|returning|order|group|having|on|limit)\b/i;
const WRITE_KEYWORDS = new Set(['insert', 'update', 'delete', 'merge', 'upsert']);

/**
 * A tokenised identifier match, only for strings that do not parse as SQL
 * (fragments such as `"UPDATE support_contract SET tier = " + value`): the
 * text must start like SQL and name exactly one known table; its other
 * identifiers are taken as that table's columns when the table has them.
 */
export function fragmentAccesses(sql: string, known: KnownTables): SqlAccess[] {
  const tokens = [...sql.matchAll(/'(?:[^']|'')*'|--[^\n]*|"((?:[^"]|"")+)"|([A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)?)/g)]
    .filter((m) => m[1] !== undefined || m[2] !== undefined)
    .map((m) => ({ word: (m[1] ?? m[2] ?? '').replace(/""/g, '"'), offset: m.index }));
  const lower = tokens.map((t) => t.word.toLowerCase());
  if (!SQL_START.test(sql) || !lower.some((w) => SQL_KEYWORDS.has(w))) return [];
  const tableTokens = tokens.filter((t) => known.has(relationKey(t.word, known)));
  const tableNames = [...new Set(tableTokens.map((t) => relationKey(t.word, known)))];
  if (tableNames.length !== 1) return [];
  const table = tableNames[0]!;
  const first = lower.find((w) => SQL_KEYWORDS.has(w) || WRITE_KEYWORDS.has(w)) ?? '';
  const access = WRITE_KEYWORDS.has(first) ? 'write' : 'read';
  const columns = known.get(table) ?? new Set<string>();
  return [
    ...tableTokens.map((t) => ({ table, access, offset: t.offset }) as SqlAccess),
    ...tokens.filter((t) => columns.has(t.word.split('.').pop() ?? '')).map((t) => ({ table, column: t.word.split('.').pop(), access, offset: t.offset }) as SqlAccess),
  ];
}

function relationKey(word: string, known: KnownTables): string {
  if (known.has(word)) return word;
  const bare = word.startsWith('public.') ? word.slice('public.'.length) : word;
  return known.has(bare) ? bare : '';
}
