import type { AstNode } from '../sql/ast.js';
import { exprText } from '../sql/expressions.js';
import { formatType } from '../sql/type-name.js';
import { columnFromDef, constraintFromNode } from './column-def.js';
import type { SchemaModel } from './schema-model.js';

/** Applies the commands of one ALTER TABLE to the model (a missing table is ignored). */
export function applyAlterTable(schema: SchemaModel, key: string, cmds: AstNode[]): void {
  const table = schema.tables[key];
  if (!table) return;
  const column = (name: unknown) => table.columns.find((c) => c.name === name);
  for (const cmd of cmds) {
    const def = cmd.def as AstNode | undefined;
    switch (cmd.subtype) {
      case 'AT_AddColumn': {
        const { column: col, constraints, primaryKey } = columnFromDef(def?.ColumnDef as AstNode, table.name);
        if (column(col.name)) break;
        table.columns.push(col);
        (table.constraints ??= []).push(...constraints);
        if (primaryKey) table.primaryKey = [col.name];
        break;
      }
      case 'AT_DropColumn':
        table.columns = table.columns.filter((c) => c.name !== cmd.name);
        table.primaryKey = table.primaryKey.filter((c) => c !== cmd.name);
        table.constraints = table.constraints?.filter((c) => !c.columns.includes(String(cmd.name)));
        break;
      case 'AT_AlterColumnType': {
        const col = column(cmd.name);
        if (col) col.type = formatType(def?.ColumnDef?.typeName as AstNode);
        break;
      }
      case 'AT_SetNotNull':
      case 'AT_DropNotNull': {
        const col = column(cmd.name);
        if (col) col.nullable = cmd.subtype === 'AT_DropNotNull';
        break;
      }
      case 'AT_ColumnDefault': {
        const col = column(cmd.name);
        if (col) col.default = def ? exprText(def) : null;
        break;
      }
      case 'AT_AddConstraint': {
        const c = constraintFromNode(def?.Constraint as AstNode);
        const usingIndex = def?.Constraint?.indexname as string | undefined;
        // ADD … USING INDEX names no columns: they are the index's.
        if (c && usingIndex && !c.columns.length) c.columns = schema.indexes?.[usingIndex]?.columns ?? [];
        if (c?.type === 'primary-key') {
          table.primaryKey = c.columns;
          for (const col of table.columns) if (c.columns.includes(col.name)) col.nullable = false;
        } else if (c) (table.constraints ??= []).push(c);
        break;
      }
      case 'AT_DropConstraint':
        table.constraints = table.constraints?.filter((c) => c.name !== cmd.name);
        break;
      case 'AT_ValidateConstraint':
        for (const c of table.constraints ?? []) if (c.name === cmd.name) c.validated = true;
        break;
      default:
        break;
    }
  }
}
