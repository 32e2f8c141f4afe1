import fs from 'node:fs';
import Ajv from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { checkSql } from '../rules/check-sql.js';
import type { CheckReport, Finding } from './finding.js';
import { formatSarif } from './format-sarif.js';

// The official SARIF 2.1.0 schema (source in __fixtures__/README.md).
const schema = JSON.parse(fs.readFileSync(new URL('./__fixtures__/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as object;
// The schema's language-tag pattern is not valid in unicode mode; its formats are checked by RFC 3986's character rules.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
const URI_REFERENCE = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#[\]]|%[0-9A-Fa-f]{2})*$/;
ajv.addFormat('uri-reference', URI_REFERENCE);
ajv.addFormat('uri', (s: string) => URI_REFERENCE.test(s) && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s));
ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
const validate = ajv.compile(schema);

function expectValid(report: CheckReport): void {
  const sarif = JSON.parse(formatSarif(report)) as unknown;
  const ok = validate(sarif);
  expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
  expect(ok).toBe(true);
}

const finding = (over: Partial<Finding>): Finding => ({ rule: 'drop-table', impacts: ['old-code', 'rollback'], severity: 'error', file: 'migrations/0002.sql', line: 3, column: 1, message: 'm', suggestion: 's', references: [], ...over });
const reportOf = (findings: Finding[]): CheckReport => ({ findings, summary: { files: 1, statements: 3, errors: findings.filter((f) => f.severity === 'error').length, warnings: findings.filter((f) => f.severity === 'warning').length } });

describe('formatSarif against the SARIF 2.1.0 schema', () => {
  it('the schema rejects what it should (the validator is live)', () => {
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false);
    expect(validate({ version: '9.9', runs: [] })).toBe(false);
  });

  it('is valid for the seed migration', async () => {
    const read = (p: string) => fs.readFileSync(new URL(`../../../../${p}`, import.meta.url), 'utf8');
    const r = await checkSql({
      applied: [{ file: 'migrations/0001.sql', text: read('examples/support-desk/migrations/0001_create_support_tables.sql') }],
      migrations: [{ file: 'migrations/0002.sql', text: read('examples/support-desk/migrations/0002_merge_contract_into_customer.sql') }],
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.report.findings.length).toBeGreaterThan(0);
    expectValid(r.report);
  });

  it.each([
    ['no findings', []],
    ['code references as related locations', [finding({ references: [{ file: 'src\\customers\\reader.ts', line: 42, symbol: 'SupportCustomerReader', access: 'read' }, { file: 'src/w.ts', line: 7, symbol: 'w', access: 'write' }] })]],
    ['info, warning and error levels with a lock', [finding({ severity: 'info', lock: 'SHARE' }), finding({ severity: 'warning', rule: 'require-lock-timeout', impacts: ['lock'], lock: 'ACCESS EXCLUSIVE' }), finding({})]],
    ['a rule outside the catalogue (no ruleIndex)', [finding({ rule: 'edited-applied-migration' }), finding({ rule: 'not-a-rule' })]],
    ['odd file names and multi-line text', [finding({ file: 'a b/ü,%.sql', message: 'line1\nline2 "q" <x>', suggestion: '' })]],
  ] as const)('is valid with %s', (_, findings) => {
    expectValid(reportOf([...findings]));
  });
});
