import { list, names, relationName, type AstNode } from '../sql/ast.js';
import type { SqlFile, SqlStatement } from '../sql/parse-sql.js';
import { applyAlterTable } from './alter-table-replay.js';
import { columnFromDef, constraintFromNode } from './column-def.js';
import type { SchemaModel, TableModel } from './schema-model.js';
import { viewColumns } from './view-columns.js';

/** A schema with nothing in it. */
export function emptySchema(): SchemaModel {
  return { tables: {}, indexes: {}, views: [], enums: {} };
}

/**
 * Replays parsed migrations into a schema model, the way the database would
 * end up after running them in order.
 *
 * @example buildSchema([parsed0001, parsed0002]).tables.support_customer
 */
export function buildSchema(files: SqlFile[], start: SchemaModel = emptySchema()): SchemaModel {
  for (const f of files) for (const s of f.statements) applyStatement(start, s);
  return start;
}

/** Applies one statement's DDL to the model in place; statements that change no structure are ignored. */
export function applyStatement(schema: SchemaModel, stmt: SqlStatement): void {
  const n = stmt.node;
  switch (stmt.kind) {
    case 'CreateStmt':
      return createTable(schema, n);
    case 'AlterTableStmt':
      if (n.objtype === 'OBJECT_TABLE') applyAlterTable(schema, relationName(n.relation as AstNode), list(n.cmds).map((c) => c.AlterTableCmd as AstNode));
      return;
    case 'RenameStmt':
      return rename(schema, n);
    case 'IndexStmt': {
      const name = String(n.idxname ?? `${relationName(n.relation as AstNode)}_idx`);
      const columns = list(n.indexParams).map((p) => String(p.IndexElem?.name ?? '(expression)'));
      (schema.indexes ??= {})[name] = { name, table: relationName(n.relation as AstNode), columns, unique: !!n.unique };
      return;
    }
    case 'DropStmt':
      return drop(schema, n);
    case 'ViewStmt': {
      const name = relationName(n.view as AstNode);
      if (!schema.views?.includes(name)) (schema.views ??= []).push(name);
      const columns = viewColumns(n);
      if (columns) (schema.viewColumns ??= {})[name] = columns;
      else delete schema.viewColumns?.[name];
      return;
    }
    case 'CreateEnumStmt':
      (schema.enums ??= {})[names(n.typeName).join('.')] = list(n.vals).map((v) => String(v.String?.sval ?? ''));
      return;
    case 'AlterEnumStmt': {
      const labels = schema.enums?.[names(n.typeName).join('.')];
      if (!labels || !n.newVal) return;
      const renamed = n.oldVal ? labels.indexOf(String(n.oldVal)) : -1;
      if (renamed >= 0) labels[renamed] = String(n.newVal);
      else if (!labels.includes(String(n.newVal))) labels.push(String(n.newVal));
      return;
    }
    default:
      return;
  }
}

function createTable(schema: SchemaModel, n: AstNode): void {
  const range = n.relation as AstNode;
  const key = relationName(range);
  if (schema.tables[key] && n.if_not_exists) return;
  const table: TableModel = { name: String(range.relname ?? ''), schema: String(range.schemaname ?? 'public'), columns: [], primaryKey: [], constraints: [] };
  for (const elt of list(n.tableElts)) {
    if (elt.ColumnDef) {
      const { column, constraints, primaryKey } = columnFromDef(elt.ColumnDef as AstNode, table.name);
      table.columns.push(column);
      table.constraints?.push(...constraints);
      if (primaryKey) table.primaryKey = [column.name];
    } else if (elt.Constraint) {
      const c = constraintFromNode(elt.Constraint as AstNode);
      if (c?.type === 'primary-key') {
        table.primaryKey = c.columns;
        for (const col of table.columns) if (c.columns.includes(col.name)) col.nullable = false;
      } else if (c) table.constraints?.push(c);
    }
  }
  schema.tables[key] = table;
}

function rename(schema: SchemaModel, n: AstNode): void {
  const key = relationName(n.relation as AstNode);
  const table = schema.tables[key];
  const to = String(n.newname ?? '');
  if (n.renameType === 'OBJECT_COLUMN' && table) {
    const col = table.columns.find((c) => c.name === n.subname);
    if (col) col.name = to;
    table.primaryKey = table.primaryKey.map((c) => (c === n.subname ? to : c));
  } else if (n.renameType === 'OBJECT_TABLE' && table) {
    delete schema.tables[key];
    const newKey = table.schema === 'public' ? to : `${table.schema}.${to}`;
    schema.tables[newKey] = { ...table, name: to };
    for (const idx of Object.values(schema.indexes ?? {})) if (idx.table === key) idx.table = newKey;
  } else if (n.renameType === 'OBJECT_TYPE' && n.object) {
    const from = objectName(n.object as AstNode);
    const labels = schema.enums?.[from];
    const renamed = from.includes('.') ? `${from.slice(0, from.lastIndexOf('.'))}.${to}` : to;
    if (labels && schema.enums) {
      delete schema.enums[from];
      schema.enums[renamed] = labels;
    }
    // Columns of the type follow it: they hold its identity, not its name.
    for (const t of Object.values(schema.tables)) {
      for (const c of t.columns) if (c.type === from || c.type === `${from}[]`) c.type = c.type === from ? renamed : `${renamed}[]`;
    }
  } else if (n.renameType === 'OBJECT_INDEX' && schema.indexes?.[key]) {
    const idx = schema.indexes[key];
    delete schema.indexes[key];
    schema.indexes[to] = { ...idx, name: to };
  }
}

function drop(schema: SchemaModel, n: AstNode): void {
  const keys = new Set(list(n.objects).map(objectName));
  if (n.removeType === 'OBJECT_TABLE') {
    const gone = [...keys].filter((key) => key in schema.tables);
    for (const key of gone) delete schema.tables[key];
    // One pass over the indexes for all dropped tables, and none for DROP TABLE IF EXISTS of a table that is not there.
    const indexes = schema.indexes;
    if (!gone.length || !indexes) return;
    const dropped = new Set(gone);
    for (const name in indexes) if (dropped.has(indexes[name]!.table)) delete indexes[name];
  } else if (n.removeType === 'OBJECT_INDEX') for (const key of keys) delete schema.indexes?.[key];
  else if (n.removeType === 'OBJECT_VIEW' || n.removeType === 'OBJECT_MATVIEW') schema.views = (schema.views ?? []).filter((v) => !keys.has(v));
  else if (n.removeType === 'OBJECT_TYPE') for (const key of keys) delete schema.enums?.[key];
}

/** `{ List: { items: [s, t] } }` → `s.t` (or `t` in public); type names come as TypeName nodes. */
export function objectName(obj: AstNode): string {
  const parts = obj.List ? names(obj.List.items) : obj.TypeName ? names(obj.TypeName.names) : obj.String ? [String(obj.String.sval)] : [];
  return parts[0] === 'public' && parts.length > 1 ? parts.slice(1).join('.') : parts.join('.');
}
