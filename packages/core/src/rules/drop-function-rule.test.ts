import { describe, expect, it } from 'vitest';
import { dropFunctionRule as rule } from './drop-function-rule.js';
import { runRule } from './rule-test-kit.js';

describe('drop-function', () => {
  const cases: [string, string, number][] = [
    ['drop a function', 'DROP FUNCTION touch();', 1],
    ['drop a procedure', 'DROP PROCEDURE archive_rows(int);', 1],
    ['two functions', 'DROP FUNCTION IF EXISTS a(), b(int);', 2],
    ['safe: dropped and created again (signature change)', "DROP FUNCTION touch(); CREATE FUNCTION touch(at timestamptz) RETURNS void LANGUAGE sql AS 'select 1';", 0],
    ['safe: a function created in the same file', "CREATE FUNCTION helper() RETURNS int LANGUAGE sql AS 'select 1'; DROP FUNCTION helper();", 0],
    ['safe: CREATE OR REPLACE FUNCTION', "CREATE OR REPLACE FUNCTION touch() RETURNS int LANGUAGE sql AS 'select 2';", 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
