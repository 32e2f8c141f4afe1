import { describe, expect, it } from 'vitest';
import { dropColumnRule as rule } from './drop-column-rule.js';
import { runRule } from './rule-test-kit.js';

describe('drop-column', () => {
  const cases: [string, string, number][] = [
    ["drop a column", "ALTER TABLE support_contract DROP COLUMN tier;", 1],
    ["two columns in one statement", "ALTER TABLE support_contract DROP COLUMN tier, DROP COLUMN end_date;", 2],
    ["safe: table created in the same file", "CREATE TABLE t (id int, x int); ALTER TABLE t DROP COLUMN x;", 0],
    ["safe: adding a column", "ALTER TABLE support_contract ADD COLUMN note text;", 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
