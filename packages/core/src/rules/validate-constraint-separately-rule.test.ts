import { describe, expect, it } from 'vitest';
import { validateConstraintSeparatelyRule as rule } from './validate-constraint-separately-rule.js';
import { runRule } from './rule-test-kit.js';

describe('validate-constraint-separately', () => {
  const cases: [string, string, number][] = [
    ["CHECK without NOT VALID", "ALTER TABLE support_contract ADD CONSTRAINT tier_nn CHECK (tier IS NOT NULL);", 1],
    ["FOREIGN KEY without NOT VALID", "ALTER TABLE support_customer ADD CONSTRAINT fk FOREIGN KEY (visits) REFERENCES support_contract (id);", 1],
    ["VALIDATE in the same transaction as the ADD", "BEGIN;\nALTER TABLE support_contract ADD CONSTRAINT tier_nn CHECK (tier IS NOT NULL) NOT VALID;\nALTER TABLE support_contract VALIDATE CONSTRAINT tier_nn;\nCOMMIT;", 1],
    ["safe: NOT VALID then VALIDATE in a separate transaction", "BEGIN;\nALTER TABLE support_contract ADD CONSTRAINT tier_nn CHECK (tier IS NOT NULL) NOT VALID;\nCOMMIT;\nBEGIN;\nALTER TABLE support_contract VALIDATE CONSTRAINT tier_nn;\nCOMMIT;", 0],
    ["safe: NOT VALID then VALIDATE outside transaction blocks", "ALTER TABLE support_contract ADD CONSTRAINT fk FOREIGN KEY (customer_id) REFERENCES support_customer (id) NOT VALID;\nALTER TABLE support_contract VALIDATE CONSTRAINT fk;", 0],
    ["safe: table created in the same file", "CREATE TABLE t (id int); ALTER TABLE t ADD CONSTRAINT pos CHECK (id > 0);", 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });

  it.each([
    ['a CHECK validated in its ADD transaction keeps ACCESS EXCLUSIVE', 'tier_nn', 'CHECK (tier IS NOT NULL)', 'ACCESS EXCLUSIVE'],
    ['a FOREIGN KEY validated in its ADD transaction keeps SHARE ROW EXCLUSIVE', 'fk', 'FOREIGN KEY (customer_id) REFERENCES support_customer (id)', 'SHARE ROW EXCLUSIVE'],
  ])('%s', async (_, name, def, lock) => {
    const findings = await runRule(rule, `BEGIN;\nALTER TABLE support_contract ADD CONSTRAINT ${name} ${def} NOT VALID;\nALTER TABLE support_contract VALIDATE CONSTRAINT ${name};\nCOMMIT;`);
    expect(findings.map((f) => [f.line, f.lock])).toEqual([[3, lock]]);
  });

  it('a domain CHECK without NOT VALID holds SHARE on the tables of the domain', async () => {
    const base = "CREATE DOMAIN score AS integer; CREATE TABLE game (id int, points score);";
    const [f, ...rest] = await runRule(rule, 'ALTER DOMAIN score ADD CONSTRAINT pos CHECK (VALUE >= 0);', base);
    expect(rest).toEqual([]);
    expect(f?.lock).toBe('SHARE');
    expect(f?.message).toContain('SHARE lock on game');
    expect(await runRule(rule, 'ALTER DOMAIN score ADD CONSTRAINT pos CHECK (VALUE >= 0) NOT VALID;', base)).toEqual([]);
  });
});
