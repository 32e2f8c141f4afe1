import { loadModule, parseSync } from 'libpg-query';
import { constText, list, names, nodeKind, type AstNode } from './ast.js';
import { PositionMap, positionOfCharIndex } from './positions.js';
import { stripMetaCommands } from './strip-meta-commands.js';

/** One top-level statement of a migration file, with where it is and the session state around it. */
export interface SqlStatement {
  /** 0-based index within its file. */
  index: number;
  /** The node type, e.g. `AlterTableStmt`. */
  kind: string;
  /** The node itself (the value under `kind`). */
  node: AstNode;
  line: number;
  column: number;
  /** The statement's source text, without the trailing semicolon. */
  text: string;
  /** Inside an explicit BEGIN … COMMIT block. */
  inTransaction: boolean;
  /** A non-zero `lock_timeout` was set earlier in the file (and is still in force). */
  lockTimeoutSet: boolean;
  /** Run by a DO block: positioned at the DO statement, and its byte offsets are not the file's. */
  inDoBlock?: boolean;
}

/** A parsed migration file. */
export interface SqlFile {
  file: string;
  text: string;
  statements: SqlStatement[];
}

/** The file is not valid PostgreSQL; line and column point at the offending token. */
export interface SqlSyntaxError {
  kind: 'sql-syntax-error';
  file: string;
  line: number;
  column: number;
  message: string;
}

export type ParseSqlResult = { ok: true; file: SqlFile } | { ok: false; error: SqlSyntaxError };

let loading: Promise<void> | undefined;

/** Loads the PostgreSQL parser (WebAssembly); call once before `parseSql`. */
export function loadSqlParser(): Promise<void> {
  loading ??= loadModule();
  return loading;
}

/**
 * Parses a migration file with the real PostgreSQL parser. psql meta-commands
 * are blanked first; positions are 1-based lines and columns in the original.
 *
 * @example await loadSqlParser(); parseSql('m.sql', 'BEGIN; DROP TABLE t; COMMIT;')
 */
export function parseSql(file: string, text: string): ParseSqlResult {
  const source = stripMetaCommands(text);
  let raw: { stmts?: AstNode[] };
  try {
    // The parser rejects an empty string; an empty migration is simply one with no statements.
    raw = source === '' ? {} : (parseSync(source) as unknown as { stmts?: AstNode[] });
  } catch (e) {
    const details = (e as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
    const message = details?.message ?? (e instanceof Error ? e.message : String(e));
    const at = positionOfCharIndex(source, details?.cursorPosition ?? 0);
    // Blanked meta-commands hold a space per UTF-8 byte: keep the column inside the original line.
    const original = text.split('\n')[at.line - 1] ?? '';
    return { ok: false, error: { kind: 'sql-syntax-error', file, line: at.line, column: Math.min(at.column, [...original].length + 1), message } };
  }
  const map = new PositionMap(text);
  const session = new SessionState();
  const statements: SqlStatement[] = [];
  for (const entry of list(raw.stmts)) {
    const wrapped = entry.stmt as AstNode;
    const kind = nodeKind(wrapped);
    const node = wrapped[kind] as AstNode;
    const start = Number(entry.stmt_location ?? 0);
    // stmt_len 0 (omitted) means "to the end of the input".
    const len = entry.stmt_len === undefined ? Buffer.byteLength(source) - start : Number(entry.stmt_len);
    const at = map.at(start);
    statements.push({ index: statements.length, kind, node, line: at.line, column: at.column, text: map.slice(start, start + len).trim(), inTransaction: session.inTransaction, lockTimeoutSet: session.lockTimeoutSet });
    session.apply(kind, node);
  }
  return { ok: true, file: { file, text, statements } };
}

/**
 * What BEGIN/COMMIT and SET change for the statements that follow, as
 * PostgreSQL scopes them: a SET inside a transaction takes effect at once but
 * is undone by ROLLBACK; SET LOCAL (even to 0) overrides the session value
 * until the transaction ends.
 */
class SessionState {
  inTransaction = false;
  /** The committed session value: lock_timeout on or off. */
  private session = false;
  /** A session SET made in the open transaction (kept on COMMIT, dropped on ROLLBACK). */
  private pending: boolean | undefined;
  /** A SET LOCAL in the open transaction. */
  private local: boolean | undefined;

  get lockTimeoutSet(): boolean {
    return this.local ?? this.pending ?? this.session;
  }

  apply(kind: string, node: AstNode): void {
    if (kind === 'TransactionStmt') this.transaction(String(node.kind ?? ''));
    else if (kind === 'VariableSetStmt' && (node.name === 'lock_timeout' || node.kind === 'VAR_RESET_ALL')) this.set(node);
    else if (kind === 'SelectStmt') this.setConfig(node);
  }

  /** `SELECT set_config('lock_timeout', '2s', is_local)`, as some migration tools write it. */
  private setConfig(node: AstNode): void {
    for (const target of list(node.targetList)) {
      const call = target.ResTarget?.val?.FuncCall as AstNode | undefined;
      const args = list(call?.args);
      if (names(call?.funcname).pop() !== 'set_config' || constText(args[0]) !== 'lock_timeout') continue;
      const local = constText(args[2]) === 'true';
      this.set({ kind: 'VAR_SET_VALUE', args: [args[1]], ...(local ? { is_local: true } : {}) });
    }
  }

  private transaction(kind: string): void {
    if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') this.inTransaction = true;
    else if (['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_PREPARE'].includes(kind)) {
      // PREPARE TRANSACTION ends the session's transaction; its settings persist like a COMMIT's.
      if (kind !== 'TRANS_STMT_ROLLBACK' && this.pending !== undefined) this.session = this.pending;
      this.inTransaction = false;
      this.pending = undefined;
      this.local = undefined;
    }
  }

  private set(node: AstNode): void {
    const value = node.kind === 'VAR_SET_VALUE' ? constText(list(node.args)[0]) : undefined;
    const on = value !== undefined && !/^0+(\.0*)?\s*(ms|s|min|h|d)?$/i.test(value.trim());
    // SET LOCAL outside a transaction block has no effect (PostgreSQL only warns).
    if (node.is_local) {
      if (this.inTransaction) this.local = on;
    } else if (this.inTransaction) {
      this.pending = on;
      this.local = undefined;
    } else this.session = on;
  }
}
