import { describe, expect, it } from 'vitest';
import { renameConstraintRule as rule } from './rename-constraint-rule.js';
import { runRule } from './rule-test-kit.js';

describe('rename-constraint', () => {
  const cases: [string, string, number][] = [
    ['rename a table constraint', 'ALTER TABLE support_contract RENAME CONSTRAINT support_contract_pkey TO contract_pk;', 1],
    ['safe: a table created in the same file', 'CREATE TABLE t (id int CONSTRAINT t_pk PRIMARY KEY); ALTER TABLE t RENAME CONSTRAINT t_pk TO t_pkey;', 0],
    ['safe: renaming an index', 'ALTER INDEX support_contract_customer_id RENAME TO support_contract_customer_idx;', 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
