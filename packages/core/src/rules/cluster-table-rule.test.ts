import { describe, expect, it } from 'vitest';
import { clusterTableRule as rule } from './cluster-table-rule.js';
import { runRule } from './rule-test-kit.js';

describe('cluster-table', () => {
  const cases: [string, string, number][] = [
    ['CLUSTER a table on an index', 'CLUSTER support_contract USING support_contract_customer_id;', 1],
    ['CLUSTER everything clustered before', 'CLUSTER;', 1],
    ['safe: ALTER TABLE … CLUSTER ON only marks the index', 'ALTER TABLE support_contract CLUSTER ON support_contract_customer_id;', 0],
    ['safe: a table created in the same file', 'CREATE TABLE t (id int PRIMARY KEY); CLUSTER t USING t_pkey;', 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
