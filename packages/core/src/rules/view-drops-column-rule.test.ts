import { describe, expect, it } from 'vitest';
import { viewDropsColumnRule as rule } from './view-drops-column-rule.js';
import { runRule, TEST_BASE_SCHEMA } from './rule-test-kit.js';

const BASE = `${TEST_BASE_SCHEMA}
CREATE VIEW active_customer AS SELECT id, contact_name, company_name FROM support_customer;
CREATE VIEW everything AS SELECT * FROM support_customer;`;

describe('view-drops-column', () => {
  const cases: [string, string, number][] = [
    ['CREATE OR REPLACE without a column fails', 'CREATE OR REPLACE VIEW active_customer AS SELECT id, contact_name FROM support_customer;', 1],
    ['CREATE OR REPLACE reordering columns fails', 'CREATE OR REPLACE VIEW active_customer AS SELECT id, company_name, contact_name FROM support_customer;', 1],
    ['CREATE OR REPLACE renaming a column by alias fails', 'CREATE OR REPLACE VIEW active_customer AS SELECT id, contact_name AS name, company_name FROM support_customer;', 1],
    ['DROP + CREATE without a column breaks old code', 'DROP VIEW active_customer; CREATE VIEW active_customer AS SELECT id, contact_name FROM support_customer;', 1],
    ['safe: CREATE OR REPLACE adding a column at the end', 'CREATE OR REPLACE VIEW active_customer AS SELECT id, contact_name, company_name, address FROM support_customer;', 0],
    ['safe: CREATE OR REPLACE with the same columns from another table', 'CREATE OR REPLACE VIEW active_customer AS SELECT c.id, c.contact_name, c.company_name FROM support_customer c WHERE c.id > 0;', 0],
    ['safe: DROP + CREATE with the same columns', 'DROP VIEW active_customer; CREATE VIEW active_customer AS SELECT id, contact_name, company_name, address FROM support_customer;', 0],
    ['safe: a view with * is not judged', 'CREATE OR REPLACE VIEW everything AS SELECT id FROM support_customer;', 0],
    ['safe: a new view', 'CREATE VIEW fresh AS SELECT id FROM support_customer;', 0],
  ];
  it.each(cases)('%s', async (_, sql, expected) => {
    const findings = await runRule(rule, sql, BASE);
    expect(findings.map((f) => f.rule)).toEqual(Array(expected).fill(rule.id));
    for (const f of findings) expect(f.message.length * f.suggestion.length).toBeGreaterThan(0);
  });
});
