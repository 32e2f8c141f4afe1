import type { Node } from '@vscode/tree-sitter-wasm';
import type { CodeModel } from './code-models.js';
import {
  callParts,
  enclosingSymbol,
  inImport,
  isAssignmentNode,
  isCallNode,
  isCreationNode,
  isDocString,
  concatenationPieces,
  isConcatenation,
  isMemberNode,
  isStringNode,
  literalValue,
  memberFields,
  stringPieces,
  trailingName,
  walk,
  type CallParts,
  type StringPiece,
} from './code-syntax.js';
import { bareTable, sameName } from './naming.js';
import { fragmentAccesses, sqlAccesses, type KnownTables, type SqlAccess } from './sql-accesses.js';

/** One place application code reads or writes a table (or one of its columns; `*` is every column). */
export interface CodeAccess {
  table: string;
  column?: string;
  access: 'read' | 'write';
  file: string;
  line: number;
  symbol: string;
}

/** What pass one learned from every file, for resolving names in pass two. */
export interface ScanContext {
  /** Tables whose uses are wanted. */
  targets: ReadonlySet<string>;
  known: KnownTables;
  /** Names bound to one string value across the code (`contract` → `support_contract`). */
  bindings: ReadonlyMap<string, string>;
  /** ORM models of the target tables, by each name code uses for them. */
  models: ReadonlyMap<string, { model: CodeModel; table: string }>;
}

/** Query-builder methods whose first argument is a table (Knex, Kysely, Drizzle, squirrel, SqlKata, jOOQ-style). */
const TABLE_METHODS = new Set(['from', 'table', 'into', 'selectfrom', 'insertinto', 'updatetable', 'deletefrom', 'join', 'leftjoin', 'rightjoin', 'innerjoin', 'fulljoin', 'update', 'insert', 'delete', 'with']);
/** Methods (any case, `_` ignored) that make a chain write. */
const WRITE_METHODS = new Set([
  'insert', 'insertinto', 'insertall', 'update', 'updatetable', 'updateall', 'updatemany', 'upsert', 'upsertall', 'delete', 'del', 'deletefrom', 'deleteall', 'deletemany',
  'destroy', 'destroyall', 'create', 'createmany', 'bulkcreate', 'save', 'increment', 'decrement', 'truncate', 'merge', 'add', 'addrange', 'remove', 'removerange',
  'set', 'values', 'persist', 'executeupdate', 'updatecolumn', 'updatecolumns', 'updateattribute', 'updateattributes', 'insertone', 'insertmany', 'updateone', 'deleteone',
]);
/** Object keys under which Prisma-style arguments hold written values. */
const WRITE_KEYS = new Set(['data', 'create', 'update', 'set', 'values']);
/** Plain function calls that start a Knex-style chain: `knex('t')`, `db('t')`. */
const CHAIN_STARTERS = /^(knex|db|trx|tx|qb|k|sql)$/i;

const norm = (method: string) => method.toLowerCase().replace(/_/g, '');

/**
 * Pass two over one parsed file: every read and write of a target table in
 * SQL strings, query-builder chains, ORM model uses and assignments to mapped
 * properties.
 */
export function fileAccesses(file: string, text: string, root: Node, ctx: ScanContext): CodeAccess[] {
  const out: CodeAccess[] = [];
  const handled = new Set<number>();
  const fallbackSymbol = file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  const symbolOf = (n: Node) => enclosingSymbol(n) ?? fallbackSymbol;
  const push = (n: Node, a: Omit<CodeAccess, 'file' | 'line' | 'symbol'>, line = n.startPosition.row + 1) => out.push({ ...a, file, line, symbol: symbolOf(n) });
  const tableRegex = new RegExp(`(^|[^\\w$])(${[...ctx.targets].map((t) => bareTable(t).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})([^\\w$]|$)`, 'i');

  walk(root, (n) => {
    if (handled.has(n.id)) return;
    if (isCallNode(n)) {
      const parts = callParts(n);
      if (parts) builderChain(n, parts);
    }
    // Cheap test first: a table name, or an interpolation that may resolve to one.
    if (isStringNode(n)) {
      const raw = n.text;
      if (tableRegex.test(raw) || raw.includes('{')) sqlString(n, stringPieces(n));
    } else if (isConcatenation(n) && !(n.parent && isConcatenation(n.parent))) {
      const { pieces, strings } = concatenationPieces(n);
      for (const s of strings) handled.add(s.id);
      sqlString(n, pieces);
    }
    if (ctx.models.size && /identifier$|^constant$/.test(n.type)) modelMention(n);
    if (isAssignmentNode(n)) propertyAssignment(n);
  });
  return out;

  /** A builder call naming a target table starts a chain; the chain's other calls give columns and read/write. */
  function builderChain(n: Node, parts: CallParts): void {
    const m = norm(parts.method);
    const first = parts.args[0];
    const starter = !parts.receiver && CHAIN_STARTERS.test(parts.method);
    if (!first || !(TABLE_METHODS.has(m) || starter)) return;
    const table = tableOfArg(first);
    if (!table) return;
    handled.add(first.id);
    const chain = chainCalls(chainTop(n));
    const access = chain.some((c) => WRITE_METHODS.has(norm(c.parts.method))) ? 'write' : 'read';
    push(first, { table, access });
    const model = ctx.models.get(trailingName(first) ?? '');
    // `'support_contract as k'`: columns may be qualified by the alias.
    const alias = /^\s*\S+\s+(?:as\s+)?([A-Za-z_]\w*)\s*$/i.exec(literalValue(first) ?? '')?.[1];
    chainColumns(chain, table, model?.table === table ? model.model : undefined, first, alias);
  }

  /** The table a builder argument names: a string (`'support_contract as k'`), a bound name, or a Drizzle table object. */
  function tableOfArg(arg: Node): string | undefined {
    const literal = literalValue(arg);
    if (literal !== undefined) {
      const name = bareTable(literal.trim().split(/\s+/)[0] ?? '');
      return ctx.targets.has(name) ? name : undefined;
    }
    const name = trailingName(arg);
    if (!name) return undefined;
    const bound = ctx.bindings.get(name);
    if (bound && ctx.targets.has(bareTable(bound))) return bareTable(bound);
    const model = ctx.models.get(name);
    return model?.model.kind === 'drizzle' ? model.table : undefined;
  }

  /** Columns named in a chain's arguments: strings and symbols, object keys, `Model.column` and `x => x.Column` member accesses. */
  function chainColumns(chain: { node: Node; parts: CallParts }[], table: string, model: CodeModel | undefined, skip?: Node, alias?: string): void {
    const ownQualifier = (q: string | undefined) => !q || q === alias || sameName(q, table);
    const columnOf = (name: string) => {
      const mapped = model?.columns?.get(name);
      if (mapped) return mapped;
      if (model?.columns && !model.columns.size) return undefined;
      const known = ctx.known.get(table);
      if (!known?.size) return name;
      return [...known].find((c) => sameName(name, c));
    };
    for (const { parts } of chain) {
      const writes = WRITE_METHODS.has(norm(parts.method));
      for (const arg of parts.args) {
        if (arg.id === skip?.id) continue;
        visitArg(arg, writes, 0);
      }
    }
    function visitArg(arg: Node, writes: boolean, depth: number): void {
      if (depth > 4) return;
      handled.add(arg.id);
      const literal = literalValue(arg);
      if (literal !== undefined) {
        const [qualifier, name] = splitQualified(literal);
        if (name) {
          const column = ownQualifier(qualifier) ? columnOf(name) : undefined;
          if (column) push(arg, { table, column, access: writes ? 'write' : 'read' });
          return;
        }
        // A raw fragment (`whereRaw('tier > ?')`, `.where('k.tier = :tier')`) is no SQL statement:
        // a tokenised match of the table's known columns, quoted literals skipped.
        const known = ctx.known.get(table);
        for (const m of literal.matchAll(/'(?:[^']|'')*'|(?:([A-Za-z_]\w*)\.)?([A-Za-z_]\w*)/g)) {
          if (m[2] && known?.has(m[2]) && ownQualifier(m[1])) push(arg, { table, column: m[2], access: writes ? 'write' : 'read' });
        }
        return;
      }
      if (arg.type === 'shorthand_property_identifier') {
        const column = columnOf(arg.text);
        if (column) push(arg, { table, column, access: writes ? 'write' : 'read' });
        return;
      }
      if (arg.type === 'pair' || arg.type === 'keyword_argument' || (arg.type === 'assignment_expression' && arg.parent?.type === 'initializer_expression')) {
        const key = (arg.childForFieldName('key') ?? arg.childForFieldName('name') ?? arg.childForFieldName('left'))?.text.replace(/^:|['":]/g, '') ?? '';
        const value = arg.childForFieldName('value') ?? arg.childForFieldName('right');
        const nested = ['where', 'select', 'orderBy', 'include', 'omit'].includes(key) ? false : WRITE_KEYS.has(key) ? true : undefined;
        const column = nested === undefined ? columnOf(key) : undefined;
        if (column) push(arg, { table, column, access: writes ? 'write' : 'read' });
        if (value) visitArg(value, nested ?? false, depth + 1);
        return;
      }
      if (isMemberNode(arg)) {
        const name = memberFields(arg).name?.text;
        const column = name && model ? columnOf(name) : undefined;
        if (column) push(arg, { table, column, access: 'read' });
      }
      for (const c of arg.namedChildren) if (c) visitArg(c, writes, depth + 1);
    }
  }

  /** SQL in a string literal: parsed with the PostgreSQL parser, interpolations resolved through bindings. */
  function sqlString(n: Node, pieces: StringPiece[]): void {
    if (isDocString(n) || inImport(n)) return;
    let text = '';
    const anchors: { offset: number; row: number; piece: string }[] = [];
    pieces.forEach((p, i) => {
      const value = p.kind === 'text' ? p.text : placeholder(p.node, i);
      anchors.push({ offset: text.length, row: p.row, piece: value });
      text += value;
    });
    if (!tableRegex.test(text)) return;
    const accesses: SqlAccess[] = sqlAccesses(text, ctx.known) ?? fragmentAccesses(text, ctx.known);
    for (const a of accesses) {
      const table = bareTable(a.table.replace(/^__sb\d+__\./, ''));
      if (!ctx.targets.has(table)) continue;
      push(n, { table, ...(a.column ? { column: a.column } : {}), access: a.access }, lineAt(anchors, a.offset));
    }
  }

  /** An interpolation: the bound table name when it resolves, else a neutral identifier the parser accepts. */
  function placeholder(expr: Node, i: number): string {
    const name = trailingName(expr);
    const bound = name ? ctx.bindings.get(name) : undefined;
    if (bound) return bound;
    const model = name ? ctx.models.get(name) : undefined;
    return model ? model.table : `__sb${i}__`;
  }

  /** A mention of a model by name (`SupportContract.where`, `db.SupportContracts`, `prisma.supportContract`, `new SupportContract`). */
  function modelMention(n: Node): void {
    const entry = ctx.models.get(n.text);
    if (!entry || inImport(n) || handled.has(n.id)) return;
    const { model, table } = entry;
    const parent = n.parent;
    if (model.file === file && parent && parent.childForFieldName('name')?.id === n.id && parent.startPosition.row + 1 === model.line) return;
    if (model.kind === 'drizzle' && parent?.type === 'variable_declarator') return;
    // A model passed to a call (`session.query(SupportContract)`) belongs to that call's chain.
    let anchor: Node = n;
    for (let p = n.parent; p && ['argument', 'argument_list', 'arguments'].includes(p.type); p = p.parent) anchor = p.parent && isCallNode(p.parent) ? p.parent : anchor;
    const chain = chainCalls(chainTop(anchor));
    const created = isCreationNode(parent ?? n) || (parent && isCallNode(parent) && callParts(parent)?.method === n.text && !callParts(parent)?.receiver);
    const writes = created || chain.some((c) => WRITE_METHODS.has(norm(c.parts.method)));
    push(n, { table, column: '*', access: writes ? 'write' : 'read' });
    // `Model.column` on its own (SQLAlchemy, Drizzle), or inside the chain's arguments.
    if (parent && isMemberNode(parent) && memberFields(parent).object?.id === n.id) {
      const prop = memberFields(parent).name?.text ?? '';
      const column = model.columns?.get(prop);
      if (column) push(parent, { table, column, access: 'read' });
    }
    if (created && parent) {
      // A new row: what the constructor or initializer sets is written.
      const init = parent.childForFieldName('initializer') ?? parent.childForFieldName('arguments');
      if (init) for (const c of init.namedChildren) if (c) chainColumnsOf(c, table, model);
    } else chainColumns(chain, table, model);
  }

  function chainColumnsOf(arg: Node, table: string, model: CodeModel): void {
    chainColumns([{ node: arg, parts: { method: 'create', receiver: undefined, args: [arg] } }], table, model);
  }

  /** `contract.tier = …` or `contract.Tier = …` on a mapped property of a model this file uses: a write. */
  function propertyAssignment(n: Node): void {
    const left = n.childForFieldName('left');
    if (!left || !isMemberNode(left)) return;
    const prop = memberFields(left).name?.text;
    if (!prop) return;
    for (const { model, table } of ctx.models.values()) {
      if (!model.names.some((name) => text.includes(name))) continue;
      const column = model.columns ? model.columns.get(prop) : [...(ctx.known.get(table) ?? [])].find((c) => sameName(prop, c));
      if (column) {
        push(left, { table, column, access: 'write' });
        return;
      }
    }
  }
}

/** `k.tier` → [`k`, `tier`]; `tier as t` → [undefined, `tier`]; anything else that is not a name → []. */
function splitQualified(s: string): [string | undefined, string | undefined] {
  const m = /^\s*(?:([A-Za-z_][\w$]*)\.)?([A-Za-z_][\w$]*)(?:\s+as\s+\w+)?\s*$/i.exec(s);
  return m ? [m[1], m[2]] : [undefined, undefined];
}

/** The outermost expression of a method chain that `n` starts or sits in. */
function chainTop(n: Node): Node {
  let cur = n;
  for (let p = cur.parent; p; p = cur.parent) {
    const member = isMemberNode(p) ? memberFields(p) : undefined;
    const viaMember = member?.object?.id === cur.id || member?.name?.id === cur.id;
    const parts = !viaMember && isCallNode(p) ? callParts(p) : undefined;
    const viaCall = parts && (parts.receiver?.id === cur.id || p.childForFieldName('function')?.id === cur.id);
    const viaAwait = p.type === 'await_expression' || p.type === 'non_null_expression';
    if (!viaMember && !viaCall && !viaAwait) return cur;
    cur = p;
  }
  return cur;
}

/** The calls of a chain, outermost first. */
function chainCalls(top: Node): { node: Node; parts: CallParts }[] {
  const out: { node: Node; parts: CallParts }[] = [];
  let cur: Node | undefined = top;
  while (cur) {
    const parts = callParts(cur);
    if (parts) {
      out.push({ node: cur, parts });
      cur = parts.receiver;
    } else if (isMemberNode(cur)) cur = memberFields(cur).object;
    else if (cur.type === 'await_expression' || cur.type === 'non_null_expression') cur = cur.namedChildren[0] ?? undefined;
    else cur = undefined;
  }
  return out;
}

/** The 1-based source line of an offset in a string's value. */
function lineAt(anchors: { offset: number; row: number; piece: string }[], offset: number): number {
  let anchor = anchors[0];
  for (const a of anchors) if (a.offset <= offset) anchor = a;
  if (!anchor) return 1;
  const before = anchor.piece.slice(0, Math.max(0, offset - anchor.offset));
  return anchor.row + 1 + (before.match(/\n/g)?.length ?? 0);
}
