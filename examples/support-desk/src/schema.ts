import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** The example's files, for tools that read them (demo, check, plan). */
export const files = {
  migrations: here('../migrations'),
  initialMigration: here('../migrations/0001_create_support_tables.sql'),
  naiveMigration: here('../migrations/0002_merge_contract_into_customer.sql'),
  change: here('../changes/0001-contract-into-customer.yaml'),
};

export const TIERS = ['bronze', 'silver', 'gold', 'platinum'] as const;
export const TENANTS = ['acme', 'globex', 'initech', 'umbrella', 'hooli'] as const;

/** The initial schema inside `schema` (created if missing). */
export function schemaSql(schema: string): string {
  const ddl = fs.readFileSync(files.initialMigration, 'utf8');
  return `CREATE SCHEMA IF NOT EXISTS "${schema}"; SET search_path TO "${schema}";\n${ddl}\nRESET search_path;`;
}

/** `rows` customers, each with one contract; deterministic, so tests can predict values. */
export function seedSql(schema: string, rows: number): string {
  const s = `"${schema}"`;
  return `
INSERT INTO ${s}.support_customer (id, tenant, contact_name, company_name, address)
SELECT g, (ARRAY['${TENANTS.join("','")}'])[1 + g % ${TENANTS.length}], 'Contact ' || g, 'Company ' || g, g || ' Main Street'
  FROM generate_series(1, ${rows}) AS g;
INSERT INTO ${s}.support_contract (id, customer_id, start_date, tier, end_date)
SELECT g, g, date '2024-01-01' + (g % 365), (ARRAY['${TIERS.join("','")}'])[1 + g % ${TIERS.length}], date '2027-01-01' + (g % 730)
  FROM generate_series(1, ${rows}) AS g;
SELECT setval(pg_get_serial_sequence('${s}.support_customer', 'id'), ${rows});
SELECT setval(pg_get_serial_sequence('${s}.support_contract', 'id'), ${rows});
ANALYZE ${s}.support_customer; ANALYZE ${s}.support_contract;`;
}
