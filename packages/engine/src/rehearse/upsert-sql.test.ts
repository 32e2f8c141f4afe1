import { describe, expect, it } from 'vitest';
import type { CatalogTable } from './rehearsal-catalog.js';
import { rowPerParent, upsertSql } from './upsert-sql.js';

const column = (name: string, type = 'text') => ({ name, type, category: type === 'bigint' ? 'N' : 'S', nullable: true, default: null, auto: false });
const table = (name: string, primaryKey: string[], foreignKeys: CatalogTable['foreignKeys'], columns = ['customer_id', 'address']): CatalogTable => ({
  name,
  sql: `"${name}"`,
  columns: columns.map((c) => column(c, c.endsWith('id') ? 'bigint' : 'text')),
  primaryKey,
  foreignKeys,
  unique: [],
});
const toCustomer = (columns: string[]) => ({ columns, table: 'support_customer', references: columns.map(() => 'id') });

describe('rowPerParent', () => {
  const cases: [string, CatalogTable, boolean][] = [
    ['a key that is a foreign key (an extracted table)', table('customer_address', ['customer_id'], [toCustomer(['customer_id'])]), true],
    ['a key of its own beside a foreign key', table('support_contract', ['id'], [toCustomer(['customer_id'])], ['id', 'customer_id']), false],
    ['a composite key, part of it a foreign key', table('contract_line', ['customer_id', 'line'], [toCustomer(['customer_id'])], ['customer_id', 'line']), false],
    ['no key', table('customer_note', [], [toCustomer(['customer_id'])]), false],
  ];
  it.each(cases)('%s: %s', (_name, t, expected) => {
    expect(rowPerParent(t)).toBe(expected);
  });
});

describe('upsertSql', () => {
  it('inserts the row under its key from $2 on, or updates the written columns where it exists', () => {
    const t = table('customer_address', ['customer_id'], [toCustomer(['customer_id'])], ['customer_id', 'address', 'company_name']);
    expect(upsertSql(t, ['address', 'company_name'], ["'a-' || $1::bigint", 'NULL'], '"customer_id"::text AS "customer_id"')).toBe(
      `INSERT INTO "customer_address" ("customer_id", "address", "company_name") VALUES ($2::bigint, 'a-' || $1::bigint, NULL)
  ON CONFLICT ("customer_id") DO UPDATE SET "address" = EXCLUDED."address", "company_name" = EXCLUDED."company_name" RETURNING "customer_id"::text AS "customer_id"`,
    );
  });
});
