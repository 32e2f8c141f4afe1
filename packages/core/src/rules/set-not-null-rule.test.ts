import { describe, expect, it } from 'vitest';
import { setNotNullRule as rule } from './set-not-null-rule.js';
import { runRule } from './rule-test-kit.js';

describe('set-not-null', () => {
  const cases: [string, string, number][] = [
    ["SET NOT NULL on an existing table", "ALTER TABLE support_contract ALTER COLUMN tier SET NOT NULL;", 1],
    ["a CHECK that is not validated yet does not help", "ALTER TABLE support_contract ADD CONSTRAINT tier_nn CHECK (tier IS NOT NULL) NOT VALID;\nALTER TABLE support_contract ALTER COLUMN tier SET NOT NULL;", 1],
    ["safe: after a validated CHECK (tier IS NOT NULL)", "ALTER TABLE support_contract ADD CONSTRAINT tier_nn CHECK (tier IS NOT NULL) NOT VALID;\nALTER TABLE support_contract VALIDATE CONSTRAINT tier_nn;\nALTER TABLE support_contract ALTER COLUMN tier SET NOT NULL;", 0],
    ["safe: table created in the same file", "CREATE TABLE t (id int); ALTER TABLE t ALTER COLUMN id SET NOT NULL;", 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
