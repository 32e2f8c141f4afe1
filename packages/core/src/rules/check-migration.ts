import { relationName, type AstNode } from '../sql/ast.js';
import type { SqlFile, SqlStatement } from '../sql/parse-sql.js';
import { doBlockStatements } from '../sql/do-blocks.js';
import { PositionMap } from '../sql/positions.js';
import { applyStatement, emptySchema } from '../schema/schema-builder.js';
import { findColumn, findTable, type SchemaModel } from '../schema/schema-model.js';
import { summarize, type CheckReport, type Finding } from '../findings/finding.js';
import { moveJoin, moveStatements } from '../intents/from-sql-moves.js';
import { detectMoves, moveFor, moveSuggestion, updateFromTables, type ColumnMove } from './detect-moves.js';
import { ignoresAbove } from './ignore-directives.js';
import { IGNORE_WITHOUT_REASON, rules as allRules } from './index.js';
import { fromSqlSentence } from './plan-hints.js';
import type { Rule, RuleContext, RuleFinding } from './rule.js';
import { smallTablesNote } from './small-table.js';
import { alterTableCmds, createdObject, statementTables } from './statement-facts.js';

export interface CheckOptions {
  /** The schema the previous deployment runs against (default: empty, every table counts as existing). */
  schema?: SchemaModel;
  /** Rules to run (default: all of rules/index.ts). */
  rules?: readonly Rule[];
}

/**
 * Runs every rule on every statement of the migrations, in order, replaying
 * each statement into the schema so later statements see earlier ones.
 *
 * @example checkMigration([parsed], { schema: buildSchema(applied) }).summary.errors
 */
export function checkMigration(files: SqlFile[], options: CheckOptions = {}): CheckReport {
  const schema = structuredClone(options.schema ?? emptySchema());
  const moves = detectMoves(files, schema);
  // Statements `plan --from-sql` folds into a move-columns change (it needs to see how the two tables join).
  const moved = new Set(moves.flatMap((m) => {
    const statements = moveStatements(files, m);
    return moveJoin(statements, m, schema) ? statements : [];
  }));
  const created = new Set<string>();
  const findings: Finding[] = [];
  for (const file of files) {
    const lines = file.text.split('\n');
    const positions = new PositionMap(file.text);
    for (const outer of file.statements) {
      for (const statement of [outer, ...doBlockStatements(outer)]) {
        const ctx: RuleContext = { file, statement, schema, isNew: (name) => created.has(name) };
        findings.push(...checkStatement(ctx, options.rules ?? allRules, lines, moves, positions, moved));
        trackCreated(created, statement, schema);
        applyStatement(schema, statement);
      }
    }
  }
  const statements = files.reduce((n, f) => n + f.statements.length, 0);
  return { findings, summary: summarize(findings, files.length, statements) };
}

function checkStatement(ctx: RuleContext, rules: readonly Rule[], lines: string[], moves: ColumnMove[], positions: PositionMap, moved: Set<SqlStatement>): Finding[] {
  const { statement: s, file } = ctx;
  const directives = ignoresAbove(lines, s.line);
  const out: Finding[] = [];
  for (const d of directives.filter((d) => !d.reason)) {
    out.push({ rule: IGNORE_WITHOUT_REASON, impacts: [], severity: 'warning', file: file.file, line: d.line, column: 1, message: `This switchback:ignore comment has no reason, so it silences nothing.`, suggestion: `Say why it is safe: -- switchback:ignore ${d.rules[0] ?? 'rule-id'} the table is empty in every environment`, references: [] });
  }
  const ignored = new Set(directives.filter((d) => d.reason).flatMap((d) => d.rules));
  const tables = statementTables(s);
  const move = moveFor(moves, tables, s.kind === 'UpdateStmt' ? updateFromTables(s.node) : []);
  const small = smallTablesNote(ctx.schema, tables);
  for (const rule of rules) {
    if (ignored.has(rule.id)) continue;
    for (const f of rule.check(ctx)) {
      const at = f.location === undefined || s.inDoBlock ? s : positions.at(f.location);
      const impacts = f.impacts ?? rule.impacts;
      // A brief lock on a small table is harmless; waiting for a lock (no lock_timeout) is not, whatever the size.
      const brief = small && rule.id !== 'require-lock-timeout' && impacts.length === 1 && impacts[0] === 'lock';
      out.push({
        rule: rule.id,
        impacts,
        severity: brief ? 'info' : (f.severity ?? rule.severity),
        file: file.file,
        line: at.line,
        column: at.column,
        message: `${s.inDoBlock ? `In the DO block: ${s.text}: ` : ''}${brief ? `${f.message} But ${small}, so this takes milliseconds.` : f.message}`,
        suggestion: suggestion(f, move, moved.has(s), s.inDoBlock ? undefined : file.file),
        references: [],
        ...(f.lock ? { lock: f.lock } : {}),
      });
    }
  }
  return out;
}

/** The rule's advice, after the move it is part of; naming `plan --from-sql` where it writes the change (not inside a DO block, which it does not read). */
function suggestion(f: RuleFinding, move: ColumnMove | undefined, moved: boolean, file: string | undefined): string {
  if (!move) return f.fromSql && file ? `${f.suggestion} ${fromSqlSentence(file)}` : f.suggestion;
  return `${moveSuggestion(move)}${moved && file ? ` ${fromSqlSentence(file)}` : ''} For this statement alone: ${f.suggestion}`;
}

/** Relations the checked migrations create: no running code uses them yet, so no lock or old-code findings. */
function trackCreated(created: Set<string>, s: SqlStatement, before: SchemaModel): void {
  const n = s.node;
  const added = alterTableCmds(s);
  if (added && !created.has(added.table)) {
    for (const cmd of added.cmds) if (cmd.subtype === 'AT_AddColumn' && !findColumnIn(before, added.table, String(cmd.def?.ColumnDef?.colname))) created.add(`column:${added.table}.${String(cmd.def?.ColumnDef?.colname)}`);
  }
  if (s.kind === 'CreateStmt') {
    // CREATE TABLE IF NOT EXISTS on a table the previous deployment has creates nothing.
    const name = relationName(n.relation as AstNode);
    if (!(n.if_not_exists && findTable(before, name))) created.add(name);
  }
  else if (s.kind === 'CreateTableAsStmt') created.add(relationName((n.into as AstNode | undefined)?.rel as AstNode));
  else if (s.kind === 'ViewStmt') created.add(relationName(n.view as AstNode));
  else if (s.kind === 'CreateFunctionStmt' || s.kind === 'CreateEnumStmt' || s.kind === 'CompositeTypeStmt' || s.kind === 'CreateDomainStmt') {
    // Keyed by kind, so a function and a table of the same name stay apart.
    // CREATE OR REPLACE FUNCTION may replace one the previous version calls: not new.
    const c = createdObject(s);
    if (c && !n.replace) created.add(`${c.kind}:${c.name}`);
  }
  else if (s.kind === 'IndexStmt' && n.idxname) created.add(String(n.idxname));
  else if (s.kind === 'RenameStmt' && n.renameType === 'OBJECT_TABLE') {
    const from = relationName(n.relation as AstNode);
    if (created.has(from)) created.add(String(n.newname));
  }
}

/** Whether the table already has the column (ADD COLUMN IF NOT EXISTS on it adds nothing). */
function findColumnIn(schema: SchemaModel, table: string, column: string): boolean {
  const t = findTable(schema, table);
  return !!t && !!findColumn(t, column);
}
