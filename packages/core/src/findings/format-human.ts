import type { CheckReport, Finding } from './finding.js';
import { messageWithReferences } from './reference-sentence.js';

export interface HumanFormatOptions {
  /** ANSI colours (the CLI decides: TTY and no NO_COLOR). */
  color?: boolean;
  /** The checked files' text by file name, to quote each statement's line with a caret. */
  sources?: Record<string, string>;
}

const ANSI = { red: 31, yellow: 33, dim: 2, bold: 1, green: 32, cyan: 36 } as const;
type Paint = (style: keyof typeof ANSI, text: string) => string;

/**
 * Findings for a terminal, grouped by file: `line:col severity rule`, the
 * statement's line with a caret under the column, what is wrong, what to do
 * instead and the lock taken; a summary line last.
 *
 * @example formatHuman(report, { color: false, sources: { 'm.sql': text } })
 */
export function formatHuman(report: CheckReport, options: HumanFormatOptions = {}): string {
  const paint: Paint = (style, text) => (options.color ? `\u001b[${ANSI[style]}m${text}\u001b[0m` : text);
  const byFile = new Map<string, Finding[]>();
  for (const f of report.findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  const groups = [...byFile].map(([file, findings]) => {
    const lines = options.sources?.[file]?.split(/\r?\n/);
    return [paint('bold', file), ...findings.map((f) => finding(f, paint, lines))].join('\n\n');
  });
  return [...groups, summaryLine(report, paint)].join('\n\n') + '\n';
}

function finding(f: Finding, paint: Paint, source: string[] | undefined): string {
  const severity = f.severity === 'error' ? paint('red', 'error') : paint('yellow', 'warning');
  const impacts = f.impacts.length ? ` (${f.impacts.join(', ')})` : '';
  const lines = [`  ${f.line}:${f.column} ${severity} ${paint('bold', f.rule)}${impacts}`];
  const text = source?.[f.line - 1];
  if (text !== undefined) {
    const gutter = String(f.line);
    lines.push(`  ${paint('dim', `${gutter} |`)} ${text}`, `  ${' '.repeat(gutter.length)} ${paint('dim', '|')} ${' '.repeat(Math.max(0, f.column - 1))}${paint('cyan', '^')}`);
  }
  lines.push(`  ${messageWithReferences(f)}`, `  ${paint('dim', 'instead:')} ${f.suggestion}`);
  if (f.lock) lines.push(`  ${paint('dim', 'lock:')} ${f.lock}`);
  return lines.join('\n');
}

function summaryLine(report: CheckReport, paint: Paint): string {
  const { files, statements, errors, warnings } = report.summary;
  const scope = `${plural(files, 'file')}, ${plural(statements, 'statement')}`;
  if (!errors && !warnings) return paint('green', `No findings in ${scope}.`);
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${scope}.`;
}

/** `1 error`, `2 errors`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
