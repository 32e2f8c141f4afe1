/** Who a finding hurts; see CONTRACTS.md (`switchback check`, Impacts). */
export type Impact = 'old-code' | 'rollback' | 'lock';

/** `info`: worth knowing, harmless here (e.g. a lock on a table too small for it to matter); not counted in the summary. */
export type Severity = 'error' | 'warning' | 'info';

/**
 * PostgreSQL table lock modes, weakest first.
 * https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES
 */
export type LockMode =
  | 'ACCESS SHARE'
  | 'ROW SHARE'
  | 'ROW EXCLUSIVE'
  | 'SHARE UPDATE EXCLUSIVE'
  | 'SHARE'
  | 'SHARE ROW EXCLUSIVE'
  | 'EXCLUSIVE'
  | 'ACCESS EXCLUSIVE';

/** Application code that uses what a finding is about (filled by later code scanning). */
export interface FindingReference {
  file: string;
  line: number;
  symbol: string;
  access: 'read' | 'write';
}

/** What `check` reports about one statement. */
export interface Finding {
  rule: string;
  impacts: Impact[];
  severity: Severity;
  file: string;
  line: number;
  column: number;
  /** What is wrong and why. */
  message: string;
  /** What to do instead. */
  suggestion: string;
  references: FindingReference[];
  /** The lock the statement takes, when it matters (not part of the JSON contract's required fields). */
  lock?: LockMode;
}

export interface CheckSummary {
  files: number;
  statements: number;
  errors: number;
  warnings: number;
}

/** The result of checking a set of migration files. */
export interface CheckReport {
  findings: Finding[];
  summary: CheckSummary;
}

/** Counts errors and warnings. */
export function summarize(findings: Finding[], files: number, statements: number): CheckSummary {
  return {
    files,
    statements,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
  };
}
