import type { CheckReport, Finding, FindingReference } from '../findings/finding.js';
import { list, relationName, type AstNode } from '../sql/ast.js';
import { parseSql, type SqlFile, type SqlStatement } from '../sql/parse-sql.js';
import { buildSchema, objectName } from '../schema/schema-builder.js';
import type { SchemaModel } from '../schema/schema-model.js';
import { alterTableCmds, statementTables } from '../rules/statement-facts.js';
import type { CodeAccess } from './code-accesses.js';
import { bareTable, sameName } from './naming.js';
import { scanCode, type CodeSource } from './scan-code.js';

/** What a statement changes that running code may depend on: a table, or some of its columns; only its writers when `writes`. */
export interface Touch {
  table: string;
  /** Empty: the table as a whole. */
  columns: string[];
  /** Only code that writes is affected (a new NOT NULL, a dropped default, a new constraint). */
  writes: boolean;
  /** `table.column` for one command of an ALTER TABLE, which rules' messages name: it ties a finding to its command. */
  subject?: string;
}

/** Commands that only break code that writes: inserts and updates may now fail. */
const WRITE_ONLY = new Set(['AT_SetNotNull', 'AT_ColumnDefault', 'AT_AddConstraint', 'AT_AddColumn']);
const COLUMN_COMMANDS = new Set(['AT_DropColumn', 'AT_AlterColumnType', 'AT_SetNotNull', 'AT_DropNotNull', 'AT_ColumnDefault']);

/**
 * The tables and columns a migration statement changes, as far as application
 * code is concerned.
 *
 * @example statementTouches(alterDropColumn) // [{ table: 'support_contract', columns: ['tier'], writes: false }]
 */
export function statementTouches(s: SqlStatement): Touch[] {
  const n = s.node;
  if (s.kind === 'RenameStmt') {
    const table = relationName(n.relation as AstNode);
    if (n.renameType === 'OBJECT_COLUMN') return [{ table, columns: [String(n.subname)], writes: false }];
    return table ? [{ table, columns: [], writes: false }] : [];
  }
  if (s.kind === 'DropStmt' && ['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_FOREIGN_TABLE'].includes(String(n.removeType))) {
    return list(n.objects).map((o) => ({ table: objectName(o), columns: [], writes: false }));
  }
  const alter = alterTableCmds(s);
  if (alter) {
    return alter.cmds.map((cmd) => {
      const subtype = String(cmd.subtype);
      const column = COLUMN_COMMANDS.has(subtype) ? String(cmd.name ?? '') : undefined;
      const added = subtype === 'AT_AddColumn' ? String((cmd.def as AstNode | undefined)?.ColumnDef?.colname ?? '') : undefined;
      const subject = column || added ? { subject: `${alter.table}.${column || added}` } : {};
      return { table: alter.table, columns: column ? [column] : [], writes: WRITE_ONLY.has(subtype), ...subject };
    });
  }
  if (s.kind === 'UpdateStmt') {
    const columns = list(n.targetList).map((t) => String(t.ResTarget?.name ?? '')).filter(Boolean);
    return [{ table: relationName(n.relation as AstNode), columns, writes: false }];
  }
  return statementTables(s).map((table) => ({ table, columns: [], writes: false }));
}

/** The code accesses a touch affects: any use of the table for a table-wide change, uses of the columns (or of every column) otherwise. */
export function referencesFor(touches: Touch[], accesses: CodeAccess[]): FindingReference[] {
  const out = new Map<string, FindingReference>();
  for (const a of accesses) {
    const hit = touches.some((t) => {
      if (bareTable(t.table) !== a.table || (t.writes && a.access !== 'write')) return false;
      if (!t.columns.length) return a.column === undefined || a.column === '*';
      return a.column === '*' || (a.column !== undefined && t.columns.some((c) => sameName(a.column!, c)));
    });
    if (hit) out.set([a.file, a.line, a.symbol, a.access].join('\u0000'), { file: a.file, line: a.line, symbol: a.symbol, access: a.access });
  }
  return [...out.values()];
}

/** Whether any finding is about code (the previous version, or a rollback to it): only then is code worth scanning. */
export function needsCodeReferences(report: CheckReport): boolean {
  return report.findings.some((f) => f.impacts.includes('old-code') || f.impacts.includes('rollback'));
}

export interface CodeReferencesInput {
  /** The checked migrations, as given to `checkSql`. */
  migrations: { file: string; text: string }[];
  /** The previous deployment's migrations and schema, as given to `checkSql`. */
  applied?: { file: string; text: string }[];
  schema?: SchemaModel;
  /** The application's source files. */
  code: CodeSource[];
}

/**
 * Fills each old-code or rollback finding's `references` with the application
 * code that uses what its statement changes. Findings are matched to their
 * statements by file and line.
 *
 * @example const withRefs = await addCodeReferences(report, { migrations, applied, code })
 */
export async function addCodeReferences(report: CheckReport, input: CodeReferencesInput): Promise<CheckReport> {
  // Nothing to search: skip re-parsing the migrations (a generated 10,000-statement file takes a while).
  if (!needsCodeReferences(report) || !input.code.length) return report;
  const files = new Map<string, SqlFile>();
  for (const m of input.migrations) {
    const r = parseSql(m.file, m.text);
    if (r.ok) files.set(m.file, r.file);
  }
  const applied = (input.applied ?? []).map((a) => parseSql(a.file, a.text)).flatMap((r) => (r.ok ? [r.file] : []));
  const schema = buildSchema(applied, input.schema ? structuredClone(input.schema) : undefined);
  const touches = new Map<Finding, Touch[]>();
  for (const f of report.findings) {
    if (!f.impacts.includes('old-code') && !f.impacts.includes('rollback')) continue;
    const statement = statementAt(files.get(f.file), f.line);
    if (!statement) continue;
    // A finding about one command of a multi-command ALTER TABLE names its column: only that command counts.
    const all = statementTouches(statement);
    const named = all.filter((t) => t.subject && new RegExp(`(^|[^\\w.])${escapeRegExp(t.subject)}([^\\w]|$)`).test(f.message));
    touches.set(f, named.length ? named : all);
  }
  const tables = [...new Set([...touches.values()].flat().map((t) => t.table))];
  const accesses = await scanCode(input.code, { tables, schema });
  return { ...report, findings: report.findings.map((f) => (touches.has(f) ? { ...f, references: referencesFor(touches.get(f)!, accesses) } : f)) };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The statement a finding points into: the last one starting at or before its line. */
function statementAt(file: SqlFile | undefined, line: number): SqlStatement | undefined {
  let found: SqlStatement | undefined;
  for (const s of file?.statements ?? []) if (s.line <= line) found = s;
  return found;
}
