import { describe, expect, it } from 'vitest';
import { deleteWithoutWhereRule as rule } from './delete-without-where-rule.js';
import { runRule } from './rule-test-kit.js';

describe('delete-without-where', () => {
  const cases: [string, string, number][] = [
    ["DELETE without WHERE", "DELETE FROM support_contract;", 1],
    ["safe: DELETE with a WHERE", "DELETE FROM support_contract WHERE end_date < now();", 0],
    ["safe: table created in the same file", "CREATE TABLE t (id int); DELETE FROM t;", 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
