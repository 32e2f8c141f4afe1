import { describe, expect, it } from 'vitest';
import { changeColumnTypeRule as rule } from './change-column-type-rule.js';
import { runRule } from './rule-test-kit.js';

describe('change-column-type', () => {
  const cases: [string, string, number][] = [
    ["int \u2192 bigint rewrites", "ALTER TABLE support_customer ALTER COLUMN visits TYPE bigint;", 1],
    ["varchar narrowing breaks old code", "ALTER TABLE support_customer ALTER COLUMN code TYPE varchar(10);", 1],
    ["text \u2192 integer", "ALTER TABLE support_customer ALTER COLUMN address TYPE integer USING address::integer;", 1],
    ["unknown column type", "ALTER TABLE other ALTER COLUMN x TYPE bigint;", 1],
    ["safe: varchar(20) \u2192 varchar(50)", "ALTER TABLE support_customer ALTER COLUMN code TYPE varchar(50);", 0],
    ["safe: varchar \u2192 text", "ALTER TABLE support_customer ALTER COLUMN code TYPE text;", 0],
    ["safe: numeric precision increase", "ALTER TABLE support_customer ALTER COLUMN balance TYPE numeric(14,2);", 0],
    ["safe: table created in the same file", "CREATE TABLE t (id int); ALTER TABLE t ALTER COLUMN id TYPE bigint;", 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
