import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkSql } from '../rules/check-sql.js';
import type { CheckReport, Finding } from './finding.js';
import { CHECK_FORMATS, formatReport } from './format-report.js';

const read = (p: string) => fs.readFileSync(new URL(`../../../../${p}`, import.meta.url), 'utf8');

let report: CheckReport;
beforeAll(async () => {
  const r = await checkSql({
    applied: [{ file: 'migrations/0001_create_support_tables.sql', text: read('examples/support-desk/migrations/0001_create_support_tables.sql') }],
    migrations: [{ file: 'migrations/0002_merge_contract_into_customer.sql', text: read('examples/support-desk/migrations/0002_merge_contract_into_customer.sql') }],
  });
  if (!r.ok) throw new Error(r.error.message);
  report = r.report;
});

const empty: CheckReport = { findings: [], summary: { files: 1, statements: 2, errors: 0, warnings: 0 } };
const golden = { human: 'check.txt', json: 'check.json', sarif: 'check.sarif', github: 'check-github.txt', markdown: 'check.md' } as const;

describe('formatReport', () => {
  it.each(CHECK_FORMATS)('%s matches its golden file', async (format) => {
    const sources = { 'migrations/0002_merge_contract_into_customer.sql': read('examples/support-desk/migrations/0002_merge_contract_into_customer.sql') };
    await expect(formatReport(report, format, { sources })).toMatchFileSnapshot(`./__golden__/${golden[format]}`);
  });

  it('json has exactly the contract fields', () => {
    const json = JSON.parse(formatReport(report, 'json')) as { version: number; findings: Record<string, unknown>[]; summary: Record<string, number> };
    expect(Object.keys(json)).toEqual(['version', 'findings', 'summary']);
    expect(json.version).toBe(1);
    expect(Object.keys(json.findings[0] ?? {})).toEqual(['rule', 'impacts', 'severity', 'file', 'line', 'column', 'message', 'suggestion', 'references']);
    expect(json.findings.every((f) => Array.isArray(f.references))).toBe(true);
    expect(Object.keys(json.summary)).toEqual(['files', 'statements', 'errors', 'warnings']);
  });

  it('sarif is 2.1.0 with every result pointing at a listed rule', () => {
    const sarif = JSON.parse(formatReport(report, 'sarif')) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; level: string }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0]!;
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]?.id).toBe(r.ruleId);
    expect(run.results.map((r) => r.level)).toEqual(report.findings.map((f) => f.severity));
  });

  const tricky: Finding = { rule: 'drop-table', impacts: ['old-code'], severity: 'error', file: 'a,b:c.sql', line: 2, column: 3, message: '100% gone\nreally | truly', suggestion: 'x', references: [] };
  const trickyReport: CheckReport = { findings: [tricky], summary: { files: 1, statements: 1, errors: 1, warnings: 0 } };
  it.each([
    ['github escapes properties and data', 'github', '::error file=a%2Cb%3Ac.sql,line=2,col=3,title=switchback drop-table::100%25 gone%0Areally | truly%0AInstead: x\n'],
    ['markdown escapes table cells', 'markdown', '| ❌ error | `drop-table` | `a,b:c.sql:2:3` | old-code | 100% gone<br>really \\| truly | x | – |'],
    ['human says where, what and what instead', 'human', 'a,b:c.sql\n\n  2:3 error drop-table (old-code)\n  100% gone\nreally | truly\n  instead: x'],
  ] as const)('%s', (_, format, expected) => {
    expect(formatReport(trickyReport, format)).toContain(expected);
  });

  it.each([
    ['human', 'No findings in 1 file, 2 statements.\n'],
    ['github', ''],
    ['markdown', '### switchback check: no findings'],
  ] as const)('%s with no findings', (format, expected) => {
    expect(formatReport(empty, format)).toContain(expected);
  });

  it('groups human findings by file, in first-seen order, with the statement line and a caret under the column', () => {
    const at = (file: string, line: number, column: number): Finding => ({ ...tricky, file, line, column, message: `${file}:${line}` });
    const two: CheckReport = { findings: [at('b.sql', 2, 5), at('a.sql', 1, 1), at('b.sql', 1, 1)], summary: { files: 2, statements: 3, errors: 3, warnings: 0 } };
    const out = formatReport(two, 'human', { sources: { 'b.sql': 'SELECT 1;\nALTER TABLE t DROP COLUMN c;', 'a.sql': 'DROP TABLE t;' } });
    const groups = out.split(/\n(?=[ab]\.sql\n)/);
    expect(groups.map((g) => g.split('\n')[0])).toEqual(['b.sql', 'a.sql']);
    expect(groups[0]).toContain('b.sql:2');
    expect(groups[0]).toContain('b.sql:1');
    expect(groups[0]).toContain('  2 | ALTER TABLE t DROP COLUMN c;\n    |     ^');
    expect(groups[1]).toContain('  1 | DROP TABLE t;\n    | ^');
    expect(out.trimEnd().split('\n').at(-1)).toBe('3 errors, 0 warnings in 2 files, 3 statements.');
  });

  it('colours severities only when asked', () => {
    expect(formatReport(report, 'human', { color: true })).toContain('\u001b[31merror\u001b[0m');
    expect(formatReport(report, 'human')).not.toContain('\u001b[');
  });
});
