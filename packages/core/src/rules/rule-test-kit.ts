import type { Finding } from '../findings/finding.js';
import { checkSql } from './check-sql.js';
import type { Rule } from './rule.js';

/**
 * The schema rule tests run against: the seed scenario's tables plus a few
 * typed columns. Test support; not part of the public API.
 */
export const TEST_BASE_SCHEMA = `
CREATE TABLE support_customer (
  id bigserial PRIMARY KEY,
  tenant text NOT NULL DEFAULT 'default',
  contact_name text NOT NULL,
  company_name text NOT NULL,
  address text,
  code varchar(20),
  balance numeric(10,2),
  visits integer
);
CREATE TABLE support_contract (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES support_customer (id),
  start_date date NOT NULL DEFAULT current_date,
  tier text,
  end_date date
);
CREATE INDEX support_contract_customer_id ON support_contract (customer_id);
`;

/** Runs one rule over `sql` against TEST_BASE_SCHEMA (or `base`); throws on a syntax error. */
export async function runRule(rule: Rule, sql: string, base = TEST_BASE_SCHEMA): Promise<Finding[]> {
  const r = await checkSql({ applied: [{ file: 'base.sql', text: base }], migrations: [{ file: 'm.sql', text: sql }], rules: [rule] });
  if (!r.ok) throw new Error(`${r.error.line}:${r.error.column} ${r.error.message}`);
  return r.report.findings;
}
