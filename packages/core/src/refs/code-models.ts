import type { Node } from '@vscode/tree-sitter-wasm';
import { callParts, isClassNode, isStringNode, literalValue, trailingName, walk } from './code-syntax.js';

/** How an ORM maps a class (or table object) to a table. */
export type ModelKind = 'prisma' | 'drizzle' | 'typeorm' | 'sequelize' | 'activerecord' | 'sqlalchemy' | 'entity-framework' | 'jpa';

/** A class or object that an ORM maps to a table, and where it is declared. */
export interface CodeModel {
  kind: ModelKind;
  /** Names code uses for it: the class, a Drizzle table variable, an EF DbSet property, a Prisma delegate. */
  names: string[];
  /** The table, when the code names it; otherwise the ORM's convention applies to `names[0]`. */
  table?: string;
  /** Mapped properties → their columns; undefined when the ORM maps columns by convention at run time (ActiveRecord). */
  columns?: Map<string, string>;
  file: string;
  line: number;
  columnLines: { column: string; line: number }[];
}

/** Names bound to a plain identifier-like string: `const TABLE = 'support_contract'`, `contract: q('support_contract')`. */
export type Binding = [name: string, value: string];

/** What one file declares that other files' queries may use. */
export interface FileDeclarations {
  bindings: Binding[];
  models: CodeModel[];
  /** EF `DbSet<Entity> Property` declarations: entity class name → property name. */
  dbSets: [entity: string, property: string][];
  /** C# classes that become EF entities when a DbSet names them. */
  csharpClasses: CodeModel[];
}

const IDENTIFIER_LIKE = /^("?[A-Za-z_][\w$]*"?\.)?"?[A-Za-z_][\w$]*"?$/;
const TABLE_FACTORIES = new Set(['pgTable', 'mysqlTable', 'sqliteTable', 'pgView']);
const COLUMN_FACTORIES = /^(Column|mapped_column|column_property)$/;

/**
 * Pass one over a parsed file: string bindings and ORM model declarations,
 * which queries in any file can refer to.
 */
export function collectDeclarations(file: string, root: Node): FileDeclarations {
  const out: FileDeclarations = { bindings: [], models: [], dbSets: [], csharpClasses: [] };
  walk(root, (n) => {
    const binding = bindingOf(n);
    if (binding) out.bindings.push(binding);
    if (isClassNode(n)) classModel(n, file, out);
    if (n.type === 'generic_name' && n.namedChildren[0]?.text === 'DbSet') {
      const entity = n.namedChildren[1]?.namedChildren[0]?.text;
      const property = n.parent?.type === 'property_declaration' ? n.parent.childForFieldName('name')?.text : undefined;
      if (entity && property) out.dbSets.push([entity, property]);
    }
    const call = callParts(n);
    if (call) callModel(n, call.method, call.args, file, out);
  });
  return out;
}

/** String literal node types, for `descendantsOfType`. */
const STRINGS = ['string', 'template_string', 'interpreted_string_literal', 'raw_string_literal', 'string_literal', 'verbatim_string_literal'];
/** Node types that bind a name to a value in the six grammars. */
const BINDING_TYPES = new Set(['variable_declarator', 'pair', 'public_field_definition', 'assignment_expression', 'assignment', 'keyword_argument', 'const_spec', 'var_spec', 'short_var_declaration', 'element_value_pair']);

function bindingOf(n: Node): Binding | undefined {
  if (!BINDING_TYPES.has(n.type)) return undefined;
  const lhs = n.childForFieldName('name') ?? n.childForFieldName('left') ?? n.childForFieldName('key');
  let rhs = n.childForFieldName('value') ?? n.childForFieldName('right');
  if (!rhs && n.type === 'variable_declarator') rhs = n.namedChildren.filter((c): c is Node => !!c && c.id !== lhs?.id).pop() ?? null;
  if (!lhs || !rhs || rhs.descendantCount > 24) return undefined;
  const name = /([A-Za-z_$][\w$]*)['"]?\s*$/.exec(lhs.text)?.[1];
  // descendantsOfType includes the node itself when it is of the type.
  const strings = [...new Map([rhs, ...rhs.descendantsOfType([...STRINGS])].filter((s): s is Node => !!s && isStringNode(s)).map((s) => [s.id, s])).values()];
  if (!name || strings.length !== 1) return undefined;
  const value = literalValue(strings[0]!);
  return value !== undefined && IDENTIFIER_LIKE.test(value) ? [name, value] : undefined;
}

/** An annotation, decorator or attribute: its name and its string arguments (`key` for `name = "x"`). */
interface Annotation {
  name: string;
  values: { key?: string; value: string }[];
}

function annotations(n: Node): Annotation[] {
  const holders = [n, ...(n.parent?.type === 'export_statement' ? [n.parent] : [])];
  const nodes = holders.flatMap((h) => h.namedChildren.filter((c): c is Node => !!c).flatMap((c) => (c.type === 'modifiers' || c.type === 'attribute_list' ? c.namedChildren : [c])));
  const out: Annotation[] = [];
  for (const a of nodes) {
    if (!a || !['decorator', 'annotation', 'marker_annotation', 'attribute'].includes(a.type)) continue;
    const call = a.type === 'decorator' ? a.namedChildren[0] : a;
    const name = call?.type === 'call_expression' ? call.childForFieldName('function')?.text : (call?.childForFieldName('name')?.text ?? call?.text);
    if (!call || !name) continue;
    const values: Annotation['values'] = [];
    for (const s of call.descendantsOfType([...STRINGS])) {
      if (!s || !isStringNode(s)) continue;
      const value = literalValue(s);
      const holder = s.parent;
      const pair =
        holder?.type === 'pair' || holder?.type === 'element_value_pair' ? holder.childForFieldName('key')?.text
        : holder?.type === 'attribute_argument' && holder.namedChildCount > 1 ? holder.namedChildren[0]?.text.replace(/\s*=$/, '')
        : holder?.type === 'keyword_argument' ? holder.childForFieldName('name')?.text
        : undefined;
      if (value !== undefined) values.push({ ...(pair && pair !== s.text ? { key: pair.replace(/['"]/g, '') } : {}), value });
    }
    out.push({ name: name.replace(/^.*\./, ''), values });
  }
  return out;
}

/** The table an @Entity/@Table annotation names: its first plain string, or its `name`/`tableName`. */
function annotatedTable(list: Annotation[], names: string[]): string | undefined {
  for (const a of list.filter((x) => names.includes(x.name))) {
    const v = a.values.find((x) => !x.key || ['name', 'tableName', 'Name'].includes(x.key));
    if (v) return v.value;
  }
  return undefined;
}

function classModel(n: Node, file: string, out: FileDeclarations): void {
  const name = n.childForFieldName('name')?.text;
  if (!name) return;
  const line = n.startPosition.row + 1;
  const body = n.childForFieldName('body');
  const list = annotations(n);
  const superclass = (n.childForFieldName('superclass') ?? n.childForFieldName('superclasses'))?.text.replace(/^[<(\s]+|[)\s]+$/g, '');
  const base = { names: [name], file, line, columnLines: [] as CodeModel['columnLines'] };
  const columns = new Map<string, string>();
  const addColumn = (model: CodeModel, prop: string, column: string, at: Node) => {
    columns.set(prop, column);
    model.columnLines.push({ column, line: at.startPosition.row + 1 });
  };
  if (list.some((a) => ['Entity', 'Table'].includes(a.name)) && (n.type === 'class_declaration' || n.type === 'abstract_class_declaration') && body?.type === 'class_body' && !n.namedChildren.some((c) => c?.type === 'modifiers')) {
    // TypeORM / sequelize-typescript: decorated properties are the columns.
    const table = annotatedTable(list, ['Entity', 'Table']);
    const model: CodeModel = { kind: 'typeorm', ...base, ...(table ? { table } : {}), columns };
    for (const field of body.namedChildren) {
      if (field?.type !== 'public_field_definition') continue;
      const decorators = annotations(field);
      const prop = field.childForFieldName('name')?.text;
      if (!prop || !decorators.some((d) => /Column$/.test(d.name))) continue;
      addColumn(model, prop, decorators.flatMap((d) => d.values).find((v) => v.key === 'name')?.value ?? prop, field);
    }
    out.models.push(model);
  } else if (list.some((a) => a.name === 'Entity') && n.type === 'class_declaration') {
    // JPA: every field is a column unless @Transient; @Column(name = …) renames it.
    const model: CodeModel = { kind: 'jpa', ...base, ...tableOf(annotatedTable(list, ['Table', 'Entity'])), columns };
    for (const field of body?.namedChildren ?? []) {
      if (field?.type !== 'field_declaration') continue;
      const notes = annotations(field);
      const prop = field.childForFieldName('declarator')?.childForFieldName('name')?.text;
      if (!prop || notes.some((a) => a.name === 'Transient') || /\bstatic\b/.test(field.text.split(prop)[0] ?? '')) continue;
      addColumn(model, prop, notes.find((a) => a.name === 'Column')?.values.find((v) => v.key === 'name')?.value ?? prop, field);
    }
    out.models.push(model);
  } else if (n.type === 'class_declaration' && body?.type === 'declaration_list') {
    // C#: an entity if [Table] names it or a DbSet<> does (decided once every file is read).
    const model: CodeModel = { kind: 'entity-framework', ...base, ...tableOf(annotatedTable(list, ['Table'])), columns };
    for (const prop of body.namedChildren) {
      if (prop?.type !== 'property_declaration') continue;
      const notes = annotations(prop);
      const propName = prop.childForFieldName('name')?.text;
      if (!propName || notes.some((a) => a.name === 'NotMapped')) continue;
      addColumn(model, propName, notes.find((a) => a.name === 'Column')?.values[0]?.value ?? propName, prop);
    }
    (list.some((a) => a.name === 'Table') ? out.models : out.csharpClasses).push(model);
  } else if (n.type === 'class_definition' && body) {
    // SQLAlchemy declarative: __tablename__ plus Column()/mapped_column() attributes.
    let table: string | undefined;
    const model: CodeModel = { kind: 'sqlalchemy', ...base, columns };
    for (const stmt of body.namedChildren) {
      const assign = stmt?.type === 'expression_statement' ? stmt.namedChildren[0] : undefined;
      if (assign?.type !== 'assignment') continue;
      const left = assign.childForFieldName('left')?.text ?? '';
      const right = assign.childForFieldName('right');
      if (left === '__tablename__' && right) table = literalValue(right);
      const call = right ? callParts(right) : undefined;
      if (call && COLUMN_FACTORIES.test(call.method)) addColumn(model, left, (call.args[0] && literalValue(call.args[0])) ?? left, assign);
    }
    if (table) out.models.push({ ...model, table });
  } else if (n.type === 'class' && superclass && /^(ApplicationRecord|ActiveRecord::Base)$|Record$/.test(superclass)) {
    // ActiveRecord: columns come from the database at run time; `self.table_name =` overrides the plural convention.
    let table: string | undefined;
    walk(body ?? n, (x) => {
      if (x.type === 'assignment' && /^self\.table_name$/.test(x.childForFieldName('left')?.text ?? '')) table = literalValue(x.childForFieldName('right') ?? x);
    });
    out.models.push({ kind: 'activerecord', ...base, ...tableOf(table) });
  }
}

function tableOf(table: string | undefined): { table?: string } {
  return table ? { table } : {};
}

/** Drizzle `pgTable('t', { … })` and Sequelize `define('Model', { … }, { tableName })` / `Model.init({ … }, { tableName })`. */
function callModel(n: Node, method: string, args: Node[], file: string, out: FileDeclarations): void {
  const variable = n.parent?.type === 'variable_declarator' ? n.parent.childForFieldName('name')?.text : undefined;
  const line = n.startPosition.row + 1;
  const objectColumns = (obj: Node | undefined, model: CodeModel, columnOf: (value: Node | null) => string | undefined) => {
    for (const pair of obj?.type === 'object' ? obj.namedChildren : []) {
      if (pair?.type !== 'pair') continue;
      const prop = pair.childForFieldName('key')?.text.replace(/['"]/g, '');
      if (!prop) continue;
      const column = columnOf(pair.childForFieldName('value')) ?? prop;
      model.columns!.set(prop, column);
      model.columnLines.push({ column, line: pair.startPosition.row + 1 });
    }
  };
  const table = args[0] ? literalValue(args[0]) : undefined;
  if (TABLE_FACTORIES.has(method) && table) {
    const model: CodeModel = { kind: 'drizzle', names: variable ? [variable] : [], table, columns: new Map(), file, line, columnLines: [] };
    // `tier: text('tier')` names its column; `tier: text()` uses the key.
    objectColumns(args[1], model, (v) => {
      const first = v ? callParts(innermostCall(v))?.args[0] : undefined;
      return first ? literalValue(first) : undefined;
    });
    out.models.push(model);
  } else if ((method === 'define' || method === 'init') && args[0]) {
    const options = args.find((a, i) => i > 0 && a.type === 'object' && /tableName/.test(a.text));
    const owner = method === 'define' ? table : trailingName(n.childForFieldName('function')?.childForFieldName('object') ?? n);
    if (!owner || (method === 'init' && args[0].type !== 'object')) return;
    const tableName = options?.descendantsOfType('pair').find((p) => p?.childForFieldName('key')?.text === 'tableName')?.childForFieldName('value');
    const model: CodeModel = { kind: 'sequelize', names: [owner, ...(variable && variable !== owner ? [variable] : [])], ...tableOf(tableName ? literalValue(tableName) : undefined), columns: new Map(), file, line, columnLines: [] };
    objectColumns(method === 'define' ? args[1] : args[0], model, (v) => {
      const field = v?.descendantsOfType('pair').find((p) => p?.childForFieldName('key')?.text === 'field')?.childForFieldName('value');
      return field ? literalValue(field) : undefined;
    });
    out.models.push(model);
  }
}

/** `text('tier').notNull().default('x')` → the `text('tier')` call at the bottom of the chain. */
function innermostCall(n: Node): Node {
  let cur = n;
  for (let parts = callParts(cur); parts?.receiver && callParts(parts.receiver); parts = callParts(cur)) cur = parts.receiver;
  return cur;
}
