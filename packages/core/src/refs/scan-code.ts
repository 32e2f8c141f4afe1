import type { Tree } from '@vscode/tree-sitter-wasm';
import { loadSqlParser } from '../sql/parse-sql.js';
import type { SchemaModel } from '../schema/schema-model.js';
import { fileAccesses, type CodeAccess, type ScanContext } from './code-accesses.js';
import { collectDeclarations, type CodeModel } from './code-models.js';
import { languageOf, parseCode } from './code-parser.js';
import { bareTable, sameName, words } from './naming.js';
import { prismaModels } from './prisma-schema.js';
import type { KnownTables } from './sql-accesses.js';

/** A source file's path (as it should be reported) and text, read by the caller. */
export interface CodeSource {
  file: string;
  text: string;
}

export interface ScanCodeOptions {
  /** Tables whose reads and writes are wanted (as the schema model keys them). */
  tables: string[];
  /** The schema the code runs against: resolves unqualified columns and column names in ORM code. */
  schema?: SchemaModel;
}

/**
 * Finds where application code reads and writes the given tables: SQL in
 * string literals (parsed with the PostgreSQL parser), query-builder chains,
 * and ORM models (Prisma, Drizzle, TypeORM, Sequelize, ActiveRecord,
 * SQLAlchemy, Entity Framework, JPA) and their uses, in TypeScript,
 * JavaScript, Python, Go, Java, C# and Ruby. Code is parsed with tree-sitter.
 *
 * Two passes: the first reads string bindings and model declarations from
 * files that mention a table under any naming convention; the second finds
 * uses in those files and in files that use one of the names found.
 *
 * @example await scanCode([{ file: 'src/reader.ts', text }], { tables: ['support_contract'] })
 */
export async function scanCode(sources: CodeSource[], options: ScanCodeOptions): Promise<CodeAccess[]> {
  const targets = new Set(options.tables.map(bareTable));
  if (!targets.size) return [];
  await loadSqlParser();
  const known = knownTables(options.schema, targets);
  const compactKeys = [...targets].map((t) => words(t).join(''));
  const mentionsTable = (text: string) => {
    const compact = text.toLowerCase().replace(/_/g, '');
    return compactKeys.some((k) => compact.includes(k));
  };
  const trees = new Map<CodeSource, Tree>();
  try {
    const bindings = new Map<string, Set<string>>();
    const models: CodeModel[] = [];
    const csharpClasses: CodeModel[] = [];
    const dbSets: [string, string][] = [];
    const collected = new Set<CodeSource>();
    const collect = async (source: CodeSource) => {
      if (collected.has(source)) return;
      collected.add(source);
      if (source.file.endsWith('.prisma')) {
        models.push(...prismaModels(source.file, source.text));
        return;
      }
      const tree = await parsed(source, trees);
      if (!tree) return;
      const found = collectDeclarations(source.file, tree.rootNode);
      for (const [name, value] of found.bindings) bindings.set(name, (bindings.get(name) ?? new Set()).add(value));
      models.push(...found.models);
      csharpClasses.push(...found.csharpClasses);
      dbSets.push(...found.dbSets);
    };
    const context = () => {
      const promoted = csharpClasses.flatMap((c) => {
        const sets = dbSets.filter(([entity]) => entity === c.names[0]).map(([, property]) => property);
        return sets.length ? [{ ...c, names: [...c.names, ...sets] }] : [];
      });
      return scanContext(targets, known, bindings, [...models, ...promoted]);
    };
    for (const source of sources) if (mentionsTable(source.text)) await collect(source);
    // Files that use a name found so far are read too: their own bindings may make a name ambiguous.
    const first = context();
    const names = [...first.models.keys(), ...[...first.bindings].filter(([, v]) => targets.has(bareTable(v))).map(([k]) => k)];
    const usesName = names.length ? new RegExp(`(^|[^\\w$])(${names.map(escape).join('|')})([^\\w$]|$)`) : undefined;
    const candidates = sources.filter((s) => mentionsTable(s.text) || usesName?.test(s.text));
    for (const source of candidates) await collect(source);
    const ctx = context();
    const out: CodeAccess[] = declarationAccesses(ctx);
    for (const source of candidates) {
      if (source.file.endsWith('.prisma')) continue;
      const tree = await parsed(source, trees);
      if (tree) out.push(...fileAccesses(source.file, source.text, tree.rootNode, ctx));
    }
    // Code names a column by its property (`EndDate`); report it by the column's name when the schema knows it.
    return dedupe(out.map((a) => (a.column && a.column !== '*' ? { ...a, column: columnName(known, a.table, a.column) } : a)));
  } finally {
    for (const tree of trees.values()) tree.delete();
  }
}

async function parsed(source: CodeSource, trees: Map<CodeSource, Tree>): Promise<Tree | undefined> {
  const language = languageOf(source.file);
  if (!language) return undefined;
  let tree = trees.get(source);
  if (!tree) {
    tree = await parseCode(language, source.text);
    trees.set(source, tree);
  }
  return tree;
}

/** Every table of the schema with its columns, plus the targets (possibly unknown to it). */
export function knownTables(schema: SchemaModel | undefined, targets: Iterable<string> = []): KnownTables {
  const known = new Map<string, Set<string>>();
  for (const [key, t] of Object.entries(schema?.tables ?? {})) known.set(key, new Set(t.columns.map((c) => c.name)));
  for (const t of targets) if (!known.has(t)) known.set(t, new Set());
  return known;
}

function scanContext(targets: Set<string>, known: KnownTables, bindingSets: Map<string, Set<string>>, models: CodeModel[]): ScanContext {
  const bindings = new Map<string, string>();
  // A name bound to different strings in different places cannot be resolved.
  for (const [name, values] of bindingSets) if (values.size === 1) bindings.set(name, [...values][0]!);
  const byName = new Map<string, { model: CodeModel; table: string }>();
  for (const model of models) {
    const table = model.table !== undefined ? bareTable(model.table) : [...targets].find((t) => model.names.some((n) => sameName(n, t)));
    if (!table || !targets.has(table)) continue;
    for (const name of model.names) byName.set(name, { model, table });
  }
  return { targets, known, bindings, models: byName };
}

/** A model's declaration uses its table (every column) and each mapped column. */
function declarationAccesses(ctx: ScanContext): CodeAccess[] {
  const seen = new Set<CodeModel>();
  const out: CodeAccess[] = [];
  for (const { model, table } of ctx.models.values()) {
    if (seen.has(model)) continue;
    seen.add(model);
    const symbol = model.names[0] ?? table;
    out.push({ table, column: '*', access: 'read', file: model.file, line: model.line, symbol });
    for (const c of model.columnLines) out.push({ table, column: c.column, access: 'read', file: model.file, line: c.line, symbol });
  }
  return out;
}

function columnName(known: KnownTables, table: string, column: string): string {
  const columns = known.get(table);
  if (!columns || columns.has(column)) return column;
  return [...columns].find((c) => sameName(column, c)) ?? column;
}

function dedupe(accesses: CodeAccess[]): CodeAccess[] {
  const byKey = new Map<string, CodeAccess>();
  for (const a of accesses) byKey.set([a.file, a.line, a.symbol, a.access, a.table, a.column ?? ''].join('\u0000'), a);
  return [...byKey.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.access < b.access ? -1 : a.access > b.access ? 1 : 0)));
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
