import type { CheckReport } from './finding.js';
import { plural } from './format-human.js';
import { messageWithReferences } from './reference-sentence.js';

/**
 * A pull-request comment: a heading with the counts and one table row per
 * finding (where, rule, problem, what to do instead, lock).
 *
 * @example formatMarkdown(report).startsWith('### switchback check')
 */
export function formatMarkdown(report: CheckReport): string {
  const { files, statements, errors, warnings } = report.summary;
  const scope = `${plural(files, 'file')}, ${plural(statements, 'statement')}`;
  if (!report.findings.length) return `### switchback check: no findings\n\n✅ Nothing breaks the previous app version, a rollback, or holds a long lock (${scope}).\n`;
  const rows = report.findings.map((f) =>
    [f.severity === 'error' ? '❌ error' : '⚠️ warning', `\`${f.rule}\``, `\`${f.file}:${f.line}:${f.column}\``, f.impacts.join(', ') || '–', cell(messageWithReferences(f)), cell(f.suggestion), f.lock ?? '–'].join(' | '),
  );
  return [
    `### switchback check: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`,
    '',
    `Checked ${scope}.`,
    '',
    '| Severity | Rule | Where | Impacts | Problem | Do instead | Lock |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r} |`),
    '',
    'Silence a finding that is safe with `-- switchback:ignore rule-id reason` on the line before the statement.',
    '',
  ].join('\n');
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}
