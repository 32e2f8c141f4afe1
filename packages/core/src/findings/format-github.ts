import type { CheckReport } from './finding.js';
import { messageWithReferences } from './reference-sentence.js';

/**
 * GitHub Actions workflow commands: one `::error`/`::warning` annotation per
 * finding, shown on the pull request's diff.
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 *
 * @example formatGithub(report) // '::error file=m.sql,line=3,col=1,title=drop-table::Dropping …'
 */
export function formatGithub(report: CheckReport): string {
  return report.findings
    .map((f) => {
      const props = [`file=${prop(f.file)}`, `line=${f.line}`, `col=${f.column}`, `title=${prop(`switchback ${f.rule}`)}`].join(',');
      const lock = f.lock ? `\nLock: ${f.lock}` : '';
      return `::${f.severity} ${props}::${data(`${messageWithReferences(f)}\nInstead: ${f.suggestion}${lock}`)}\n`;
    })
    .join('');
}

function data(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function prop(s: string): string {
  return data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
