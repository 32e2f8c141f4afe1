import { describe, expect, it } from 'vitest';
import { dropEnumValueRule as rule } from './drop-enum-value-rule.js';
import { runRule, TEST_BASE_SCHEMA } from './rule-test-kit.js';

const BASE = `${TEST_BASE_SCHEMA}
CREATE TYPE tier AS ENUM ('basic', 'gold', 'platinum');
ALTER TABLE support_contract ALTER COLUMN tier TYPE tier USING tier::tier;`;

describe('drop-enum-value', () => {
  const cases: [string, string, number][] = [
    ['moving a column to an enum without a value', "CREATE TYPE tier_new AS ENUM ('basic', 'gold'); ALTER TABLE support_contract ALTER COLUMN tier TYPE tier_new USING tier::text::tier_new;", 1],
    ['two values dropped', "CREATE TYPE tier_new AS ENUM ('basic'); ALTER TABLE support_contract ALTER COLUMN tier TYPE tier_new USING tier::text::tier_new;", 1],
    ['deleting from pg_enum', "DELETE FROM pg_enum WHERE enumlabel = 'gold';", 1],
    ['safe: a new enum with every value and more', "CREATE TYPE tier_new AS ENUM ('basic', 'gold', 'platinum', 'diamond'); ALTER TABLE support_contract ALTER COLUMN tier TYPE tier_new USING tier::text::tier_new;", 0],
    ['safe: ALTER TYPE ADD VALUE', "ALTER TYPE tier ADD VALUE 'diamond';", 0],
    ['safe: a column of a new table', "CREATE TYPE t2 AS ENUM ('a'); CREATE TABLE x (v tier); ALTER TABLE x ALTER COLUMN v TYPE t2 USING v::text::t2;", 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql, BASE);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
