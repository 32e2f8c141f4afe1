import { describe, expect, it } from 'vitest';
import { addColumnVolatileDefaultRule as rule } from './add-column-volatile-default-rule.js';
import { runRule } from './rule-test-kit.js';

describe('add-column-volatile-default', () => {
  const cases: [string, string, number][] = [
    ["random()", "ALTER TABLE support_customer ADD COLUMN r float8 DEFAULT random();", 1],
    ["clock_timestamp()", "ALTER TABLE support_customer ADD COLUMN at timestamptz DEFAULT clock_timestamp();", 1],
    ["gen_random_uuid() inside a cast", "ALTER TABLE support_customer ADD COLUMN u text DEFAULT gen_random_uuid()::text;", 1],
    ["a serial column", "ALTER TABLE support_customer ADD COLUMN seq bigserial;", 1],
    ["a stored generated column", "ALTER TABLE support_customer ADD COLUMN v2 int GENERATED ALWAYS AS (visits * 2) STORED;", 1],
    ["safe: now() is stable", "ALTER TABLE support_customer ADD COLUMN at timestamptz DEFAULT now();", 0],
    ["safe: current_timestamp is stable", "ALTER TABLE support_customer ADD COLUMN at timestamptz NOT NULL DEFAULT current_timestamp;", 0],
    ["safe: constant default", "ALTER TABLE support_customer ADD COLUMN tier text DEFAULT 'basic';", 0],
    ["safe: table created in the same file", "CREATE TABLE t (id int); ALTER TABLE t ADD COLUMN r float8 DEFAULT random();", 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
