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
});
