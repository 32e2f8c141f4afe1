import { describe, expect, it } from 'vitest';
import { renameTableRule as rule } from './rename-table-rule.js';
import { runRule } from './rule-test-kit.js';

describe('rename-table', () => {
  const cases: [string, string, number][] = [
    ["rename a table", "ALTER TABLE support_contract RENAME TO contract;", 1],
    ["safe: table created in the same file", "CREATE TABLE t (id int); ALTER TABLE t RENAME TO u;", 0],
    ["safe: renaming a column is another rule", "ALTER TABLE support_contract RENAME COLUMN tier TO level;", 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
