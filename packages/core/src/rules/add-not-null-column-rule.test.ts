import { describe, expect, it } from 'vitest';
import { addNotNullColumnRule as rule } from './add-not-null-column-rule.js';
import { runRule } from './rule-test-kit.js';

describe('add-not-null-column', () => {
  const cases: [string, string, number][] = [
    ["NOT NULL without default on an existing table", "ALTER TABLE support_customer ADD COLUMN tier text NOT NULL;", 1],
    ["safe: nullable column", "ALTER TABLE support_customer ADD COLUMN tier text;", 0],
    ["safe: NOT NULL with a constant default", "ALTER TABLE support_customer ADD COLUMN tier text NOT NULL DEFAULT 'basic';", 0],
    ["safe: NOT NULL identity column", "ALTER TABLE support_customer ADD COLUMN n int NOT NULL GENERATED ALWAYS AS IDENTITY;", 0],
    ["safe: table created in the same file", "CREATE TABLE t (id int); ALTER TABLE t ADD COLUMN tier text NOT NULL;", 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
