import { describe, expect, it } from 'vitest';
import { renameEnumValueRule as rule } from './rename-enum-value-rule.js';
import { runRule, TEST_BASE_SCHEMA } from './rule-test-kit.js';

const BASE = `${TEST_BASE_SCHEMA}
CREATE TYPE tier AS ENUM ('basic', 'gold');
CREATE TYPE billing_state AS ENUM ('open');`;

describe('rename-enum-value', () => {
  const cases: [string, string, number][] = [
    ['rename a value', "ALTER TYPE tier RENAME VALUE 'gold' TO 'premium';", 1],
    ['schema-qualified type', "ALTER TYPE public.billing_state RENAME VALUE 'open' TO 'due';", 1],
    ['safe: ADD VALUE', "ALTER TYPE tier ADD VALUE 'premium';", 0],
    ['safe: ADD VALUE IF NOT EXISTS … AFTER', "ALTER TYPE tier ADD VALUE IF NOT EXISTS 'silver' AFTER 'basic';", 0],
    ['safe: an enum created in the same file', "CREATE TYPE mood AS ENUM ('ok'); ALTER TYPE mood RENAME VALUE 'ok' TO 'fine';", 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql, BASE);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
