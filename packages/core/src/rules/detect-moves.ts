import { defaultFlags } from '../intents/move-columns-flags.js';
import { list, relationName, type AstNode } from '../sql/ast.js';
import type { SqlFile } from '../sql/parse-sql.js';
import { objectName } from '../schema/schema-builder.js';
import { findTable, type SchemaModel } from '../schema/schema-model.js';
import { plan } from './plan-hints.js';
import { alterTableCmds } from './statement-facts.js';

/** Columns a migration moves in one step: added to `to`, while `from` (or its columns) is dropped. */
export interface ColumnMove {
  from: string;
  to: string;
  columns: string[];
}

/**
 * Finds the "greenfield move" pattern: columns added to one table while the
 * table (or columns) they come from is dropped in the same migration.
 *
 * @example detectMoves([file], schema) // [{ from: 'support_contract', to: 'support_customer', columns: ['tier', 'end_date'] }]
 */
export function detectMoves(files: SqlFile[], base: SchemaModel): ColumnMove[] {
  // Column name → tables it is added to: each dropped column is then one lookup, not a scan of every table.
  const addedTo = new Map<string, Set<string>>();
  const dropped: { table: string; columns: string[] }[] = [];
  for (const stmt of files.flatMap((f) => f.statements)) {
    const alter = alterTableCmds(stmt);
    for (const cmd of alter?.cmds ?? []) {
      if (cmd.subtype === 'AT_AddColumn' && alter) {
        const column = String((cmd.def as AstNode).ColumnDef?.colname);
        addedTo.set(column, (addedTo.get(column) ?? new Set<string>()).add(alter.table));
      } else if (cmd.subtype === 'AT_DropColumn' && alter) dropped.push({ table: alter.table, columns: [String(cmd.name)] });
    }
    if (stmt.kind === 'DropStmt' && stmt.node.removeType === 'OBJECT_TABLE') {
      for (const t of list(stmt.node.objects).map(objectName)) dropped.push({ table: t, columns: findTable(base, t)?.columns.map((c) => c.name) ?? [] });
    }
  }
  const moves = new Map<string, { from: string; to: string; columns: Set<string> }>();
  for (const d of dropped) {
    for (const column of d.columns) {
      for (const to of addedTo.get(column) ?? []) {
        if (to === d.table) continue;
        const key = `${d.table}->${to}`;
        const move = moves.get(key) ?? { from: d.table, to, columns: new Set<string>() };
        move.columns.add(column);
        moves.set(key, move);
      }
    }
  }
  return [...moves.values()].map((m) => ({ from: m.from, to: m.to, columns: [...m.columns] }));
}

/** The safe sequence for a move, naming the read-switch flag the move-columns plan would use. */
export function moveSuggestion(move: ColumnMove): string {
  const flag = defaultFlags(move.from, move.to).readSwitch;
  return `This migration moves ${move.columns.join(', ')} from ${move.from} to ${move.to} in one step. Consider splitting it into expand, dual-write, backfill and read-switch phases behind ${flag}, then cut-off, and drop ${move.from} only in the contract phase (${plan('move-columns')}).`;
}

/** The move a statement takes part in, if any (it touches the source or the target table). */
export function moveFor(moves: ColumnMove[], tables: string[], updateFrom: string[] = []): ColumnMove | undefined {
  return moves.find((m) => tables.includes(m.from) || tables.includes(m.to) || updateFrom.includes(m.from));
}

/** Tables in an UPDATE's FROM list. */
export function updateFromTables(node: AstNode): string[] {
  return list(node.fromClause).map((f) => relationName(f.RangeVar as AstNode)).filter(Boolean);
}
