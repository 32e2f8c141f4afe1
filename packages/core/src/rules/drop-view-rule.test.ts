import { describe, expect, it } from 'vitest';
import { dropViewRule as rule } from './drop-view-rule.js';
import { runRule, TEST_BASE_SCHEMA } from './rule-test-kit.js';

const BASE = `${TEST_BASE_SCHEMA}
CREATE VIEW active_customer AS SELECT id, contact_name FROM support_customer;
CREATE MATERIALIZED VIEW customer_stats AS SELECT count(*) AS n FROM support_customer;`;

describe('drop-view', () => {
  const cases: [string, string, number][] = [
    ['drop a view', 'DROP VIEW active_customer;', 1],
    ['drop a materialized view', 'DROP MATERIALIZED VIEW customer_stats;', 1],
    ['two views in one statement', 'DROP VIEW active_customer, other_view;', 2],
    ['safe: dropped and created again in the same file', 'DROP VIEW active_customer; CREATE VIEW active_customer AS SELECT id, contact_name FROM support_customer;', 0],
    ['safe: IF EXISTS on a view that does not exist', 'DROP VIEW IF EXISTS no_such_view;', 0],
    ['safe: a view created in the same file', 'CREATE VIEW v AS SELECT 1 AS one; DROP VIEW v;', 0],
    ['safe: dropping a table is another rule', 'DROP TABLE support_contract;', 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql, BASE);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
