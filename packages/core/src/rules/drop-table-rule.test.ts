import { describe, expect, it } from 'vitest';
import { dropTableRule as rule } from './drop-table-rule.js';
import { runRule } from './rule-test-kit.js';

describe('drop-table', () => {
  const cases: [string, string, number][] = [
    ["drop an existing table", "DROP TABLE support_contract;", 1],
    ["drop two tables", "DROP TABLE IF EXISTS support_contract, support_customer CASCADE;", 2],
    ["safe: table created in the same file", "CREATE TABLE t (id int); DROP TABLE t;", 0],
    ["safe: dropping a view", "DROP VIEW v;", 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
