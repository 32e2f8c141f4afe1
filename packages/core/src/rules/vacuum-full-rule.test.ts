import { describe, expect, it } from 'vitest';
import { vacuumFullRule as rule } from './vacuum-full-rule.js';
import { runRule } from './rule-test-kit.js';

describe('vacuum-full', () => {
  const cases: [string, string, number][] = [
    ['VACUUM FULL a table', 'VACUUM FULL support_customer;', 1],
    ['VACUUM (FULL, ANALYZE)', 'VACUUM (FULL, ANALYZE) support_customer;', 1],
    ['VACUUM FULL of the whole database', 'VACUUM FULL;', 1],
    ['safe: plain VACUUM', 'VACUUM support_customer;', 0],
    ['safe: VACUUM (FULL false)', 'VACUUM (FULL false) support_customer;', 0],
    ['safe: VACUUM ANALYZE', 'VACUUM ANALYZE support_customer;', 0],
    ['safe: ANALYZE', 'ANALYZE support_customer;', 0],
    ['safe: a table created in the same file', 'CREATE TABLE t (id int); VACUUM FULL t;', 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
