import { describe, expect, it } from 'vitest';
import { requireLockTimeoutRule as rule } from './require-lock-timeout-rule.js';
import { runRule } from './rule-test-kit.js';

describe('require-lock-timeout', () => {
  const cases: [string, string, number][] = [
    ["ALTER TABLE without lock_timeout", "ALTER TABLE support_customer ADD COLUMN tier text;", 1],
    ["statement_timeout does not count", "SET statement_timeout = '5s';\nALTER TABLE support_customer ADD COLUMN tier text;", 1],
    ["DROP TABLE without lock_timeout", "DROP TABLE support_contract;", 1],
    ["lock_timeout turned off again", "SET lock_timeout = '2s'; RESET lock_timeout;\nALTER TABLE support_customer ADD COLUMN tier text;", 1],
    ["safe: lock_timeout set earlier", "SET lock_timeout = '2s';\nALTER TABLE support_customer ADD COLUMN tier text;", 0],
    ["safe: SET LOCAL in the transaction", "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE support_customer ADD COLUMN tier text;\nCOMMIT;", 0],
    ["safe: CREATE INDEX CONCURRENTLY takes no ACCESS EXCLUSIVE", "CREATE INDEX CONCURRENTLY customer_code ON support_customer (code);", 0],
    ["safe: VALIDATE CONSTRAINT takes SHARE UPDATE EXCLUSIVE", "ALTER TABLE support_contract VALIDATE CONSTRAINT fk;", 0],
    ["safe: table created in the same file", "CREATE TABLE t (id int); ALTER TABLE t ADD COLUMN x int;", 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
