import type { CheckReport } from './finding.js';

/** The JSON contract's version (CONTRACTS.md, `switchback check`). */
export const CHECK_JSON_VERSION = 1;

/**
 * The one JSON object `check --format json` prints, with exactly the fields
 * CONTRACTS.md lists, in that order.
 *
 * @example JSON.parse(formatJson(report)).summary.errors
 */
export function formatJson(report: CheckReport): string {
  const findings = report.findings.map((f) => ({
    rule: f.rule,
    impacts: f.impacts,
    severity: f.severity,
    file: f.file,
    line: f.line,
    column: f.column,
    message: f.message,
    suggestion: f.suggestion,
    references: f.references,
  }));
  const { files, statements, errors, warnings } = report.summary;
  return `${JSON.stringify({ version: CHECK_JSON_VERSION, findings, summary: { files, statements, errors, warnings } }, null, 2)}\n`;
}
