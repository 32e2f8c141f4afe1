import type { CheckReport, Finding } from './finding.js';

export interface HumanFormatOptions {
  /** ANSI colours (the CLI decides: TTY and no NO_COLOR). */
  color?: boolean;
}

const ANSI = { red: 31, yellow: 33, dim: 2, bold: 1, green: 32 } as const;

/**
 * Findings for a terminal: `file:line:col severity rule`, then what is wrong,
 * what to do instead and the lock taken; a summary line last.
 *
 * @example formatHuman(report, { color: false })
 */
export function formatHuman(report: CheckReport, options: HumanFormatOptions = {}): string {
  const paint = (style: keyof typeof ANSI, text: string) => (options.color ? `\u001b[${ANSI[style]}m${text}\u001b[0m` : text);
  const blocks = report.findings.map((f) => finding(f, paint));
  return [...blocks, summaryLine(report, paint)].join('\n\n') + '\n';
}

function finding(f: Finding, paint: (style: keyof typeof ANSI, text: string) => string): string {
  const severity = f.severity === 'error' ? paint('red', 'error') : paint('yellow', 'warning');
  const impacts = f.impacts.length ? ` (${f.impacts.join(', ')})` : '';
  const lines = [`${paint('bold', `${f.file}:${f.line}:${f.column}`)} ${severity} ${f.rule}${impacts}`, `  ${f.message}`, `  ${paint('dim', 'instead:')} ${f.suggestion}`];
  if (f.lock) lines.push(`  ${paint('dim', 'lock:')} ${f.lock}`);
  return lines.join('\n');
}

function summaryLine(report: CheckReport, paint: (style: keyof typeof ANSI, text: string) => string): string {
  const { files, statements, errors, warnings } = report.summary;
  const scope = `${plural(files, 'file')}, ${plural(statements, 'statement')}`;
  if (!errors && !warnings) return paint('green', `No findings in ${scope}.`);
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${scope}.`;
}

/** `1 error`, `2 errors`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
