import { describe, expect, it } from 'vitest';
import { concurrentlyInTransactionRule as rule } from './concurrently-in-transaction-rule.js';
import { runRule } from './rule-test-kit.js';

describe('concurrently-in-transaction', () => {
  const cases: [string, string, number][] = [
    ["CREATE INDEX CONCURRENTLY inside BEGIN", "BEGIN;\nCREATE INDEX CONCURRENTLY customer_code ON support_customer (code);\nCOMMIT;", 1],
    ["DROP INDEX CONCURRENTLY inside BEGIN", "BEGIN;\nDROP INDEX CONCURRENTLY support_contract_customer_id;\nCOMMIT;", 1],
    ["safe: CONCURRENTLY outside a transaction", "BEGIN;\nSELECT 1;\nCOMMIT;\nCREATE INDEX CONCURRENTLY customer_code ON support_customer (code);", 0],
    ["safe: non-concurrent index in a transaction", "BEGIN; CREATE TABLE t (id int); CREATE INDEX t_id ON t (id); COMMIT;", 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
