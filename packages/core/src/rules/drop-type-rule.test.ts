import { describe, expect, it } from 'vitest';
import { dropTypeRule as rule } from './drop-type-rule.js';
import { runRule, TEST_BASE_SCHEMA } from './rule-test-kit.js';

const BASE = `${TEST_BASE_SCHEMA}
CREATE TYPE tier AS ENUM ('basic', 'gold');
CREATE DOMAIN email AS text;`;

describe('drop-type', () => {
  const cases: [string, string, number][] = [
    ['drop an enum type', 'DROP TYPE tier;', 1],
    ['drop a domain with CASCADE', 'DROP DOMAIN email CASCADE;', 1],
    ['safe: replaced by a renamed copy (removing an enum value)', "CREATE TYPE tier_new AS ENUM ('basic'); DROP TYPE tier; ALTER TYPE tier_new RENAME TO tier;", 0],
    ['safe: a type created in the same file', "CREATE TYPE mood AS ENUM ('ok'); DROP TYPE mood;", 0],
    ['safe: the old type renamed away, then dropped', "ALTER TYPE tier RENAME TO tier_old; CREATE TYPE tier AS ENUM ('basic'); DROP TYPE tier_old;", 0],
    ['renamed away, then dropped with CASCADE (drops its columns)', "ALTER TYPE tier RENAME TO tier_old; DROP TYPE tier_old CASCADE;", 1],
    ['safe: dropped and created again', "DROP TYPE tier; CREATE TYPE tier AS ENUM ('basic', 'gold', 'platinum');", 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql, BASE);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
