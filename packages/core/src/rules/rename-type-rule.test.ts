import { describe, expect, it } from 'vitest';
import { renameTypeRule as rule } from './rename-type-rule.js';
import { runRule, TEST_BASE_SCHEMA } from './rule-test-kit.js';

const BASE = `${TEST_BASE_SCHEMA}
CREATE TYPE tier AS ENUM ('basic', 'gold');
CREATE DOMAIN email AS text;
CREATE TABLE plan (id int, tier tier, tiers tier[]);`;

describe('rename-type', () => {
  const cases: [string, string, number][] = [
    ['rename an enum type', 'ALTER TYPE tier RENAME TO plan_tier;', 1],
    ['rename a domain', 'ALTER DOMAIN email RENAME TO email_address;', 1],
    ['rename a type the schema does not know (still named by code)', 'ALTER TYPE money_kind RENAME TO currency;', 1],
    ['safe: a type created in the same file', "CREATE TYPE mood AS ENUM ('ok'); ALTER TYPE mood RENAME TO feeling;", 0],
    ['safe: renamed away and a new type created under the name', "ALTER TYPE tier RENAME TO tier_old; CREATE TYPE tier AS ENUM ('basic', 'gold', 'vip');", 0],
    ['safe: a new copy renamed to the old name', "CREATE TYPE tier_new AS ENUM ('basic'); DROP TYPE tier CASCADE; ALTER TYPE tier_new RENAME TO tier;", 0],
    ['safe: ADD VALUE is not a rename', "ALTER TYPE tier ADD VALUE 'vip';", 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql, BASE);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });

  it('names the columns of the type, which keep working', async () => {
    const [f] = await runRule(rule, 'ALTER TYPE tier RENAME TO plan_tier;', BASE);
    expect(f?.message).toContain('plan.tier, plan.tiers keep working');
    expect(f?.impacts).toEqual(['old-code', 'rollback']);
    expect(f?.severity).toBe('error');
  });
});
