import { describe, expect, it } from 'vitest';
import { setLoggedUnloggedRule as rule } from './set-logged-unlogged-rule.js';
import { runRule } from './rule-test-kit.js';

describe('set-logged-unlogged', () => {
  const cases: [string, string, number][] = [
    ['SET LOGGED', 'ALTER TABLE support_customer SET LOGGED;', 1],
    ['SET UNLOGGED', 'ALTER TABLE support_customer SET UNLOGGED;', 1],
    ['safe: a table created in the same file', 'CREATE UNLOGGED TABLE t (id int); ALTER TABLE t SET LOGGED;', 0],
    ['safe: SET (fillfactor)', 'ALTER TABLE support_customer SET (fillfactor = 90);', 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
