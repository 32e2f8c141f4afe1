import { describe, expect, it } from 'vitest';
import { renameColumnRule as rule } from './rename-column-rule.js';
import { runRule } from './rule-test-kit.js';

describe('rename-column', () => {
  const cases: [string, string, number][] = [
    ["rename a column", "ALTER TABLE support_contract RENAME COLUMN tier TO level;", 1],
    ["safe: table created in the same file", "CREATE TABLE t (id int); ALTER TABLE t RENAME COLUMN id TO key;", 0],
    ["safe: renaming a table is another rule", "ALTER TABLE support_contract RENAME TO contract;", 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
