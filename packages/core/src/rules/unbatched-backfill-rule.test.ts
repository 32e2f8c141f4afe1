import { describe, expect, it } from 'vitest';
import { unbatchedBackfillRule as rule } from './unbatched-backfill-rule.js';
import { runRule } from './rule-test-kit.js';

describe('unbatched-backfill', () => {
  const cases: [string, string, number][] = [
    ["UPDATE without WHERE", "UPDATE support_customer SET tenant = 'x';", 1],
    ["UPDATE \u2026 FROM a join", "UPDATE support_customer c SET address = k.tier FROM support_contract k WHERE k.customer_id = c.id;", 1],
    ["safe: UPDATE with a WHERE", "UPDATE support_customer SET tenant = 'x' WHERE id = 1;", 0],
    ["safe: table created in the same file", "CREATE TABLE t (id int); UPDATE t SET id = 1;", 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
