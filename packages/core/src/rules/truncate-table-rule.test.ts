import { describe, expect, it } from 'vitest';
import { truncateTableRule as rule } from './truncate-table-rule.js';
import { runRule } from './rule-test-kit.js';

describe('truncate-table', () => {
  const cases: [string, string, number][] = [
    ["TRUNCATE an existing table", "TRUNCATE support_contract;", 1],
    ["safe: table created in the same file", "CREATE TABLE t (id int); TRUNCATE t;", 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
