import { describe, expect, it } from 'vitest';
import { addUniqueWithoutIndexRule as rule } from './add-unique-without-index-rule.js';
import { runRule } from './rule-test-kit.js';

describe('add-unique-without-index', () => {
  const cases: [string, string, number][] = [
    ["ADD UNIQUE", "ALTER TABLE support_customer ADD CONSTRAINT code_key UNIQUE (code);", 1],
    ["ADD PRIMARY KEY", "ALTER TABLE support_contract ADD PRIMARY KEY (id);", 1],
    ["safe: UNIQUE USING INDEX", "ALTER TABLE support_customer ADD CONSTRAINT code_key UNIQUE USING INDEX code_idx;", 0],
    ["safe: table created in the same file", "CREATE TABLE t (id int); ALTER TABLE t ADD PRIMARY KEY (id);", 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
