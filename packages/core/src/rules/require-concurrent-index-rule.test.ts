import { describe, expect, it } from 'vitest';
import { requireConcurrentIndexRule as rule } from './require-concurrent-index-rule.js';
import { runRule } from './rule-test-kit.js';

describe('require-concurrent-index', () => {
  const cases: [string, string, number][] = [
    ["CREATE INDEX on an existing table", "CREATE INDEX customer_code ON support_customer (code);", 1],
    ["CREATE UNIQUE INDEX on an existing table", "CREATE UNIQUE INDEX customer_code ON support_customer (code);", 1],
    ["safe: CONCURRENTLY", "CREATE INDEX CONCURRENTLY customer_code ON support_customer (code);", 0],
    ["safe: table created in the same file", "CREATE TABLE t (id int); CREATE INDEX t_id ON t (id);", 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
