import { describe, expect, it } from 'vitest';
import { requireConcurrentIndexDropRule as rule } from './require-concurrent-index-drop-rule.js';
import { runRule } from './rule-test-kit.js';

describe('require-concurrent-index-drop', () => {
  const cases: [string, string, number][] = [
    ["DROP INDEX on an existing table", "DROP INDEX support_contract_customer_id;", 1],
    ["safe: CONCURRENTLY", "DROP INDEX CONCURRENTLY support_contract_customer_id;", 0],
    ["safe: index created in the same file", "CREATE INDEX CONCURRENTLY customer_code ON support_customer (code);\nDROP INDEX customer_code;", 0],
    ["safe: index on a table created in the same file", "CREATE TABLE t (id int); CREATE INDEX t_id ON t (id); DROP INDEX t_id;", 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
