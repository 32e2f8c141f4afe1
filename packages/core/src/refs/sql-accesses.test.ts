import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParser } from '../sql/parse-sql.js';
import { fragmentAccesses, neutralizeParams, sqlAccesses } from './sql-accesses.js';

const known = new Map([
  ['support_contract', new Set(['id', 'customer_id', 'start_date', 'tier', 'end_date'])],
  ['support_customer', new Set(['id', 'tenant', 'contact_name', 'company_name', 'address', 'tier'])],
]);

/** `table.column access` for each access, the form the cases below read best in. */
const uses = (sql: string) => (sqlAccesses(sql, known) ?? []).map((a) => `${a.table}${a.column ? `.${a.column}` : ''} ${a.access}`);

beforeAll(() => loadSqlParser());

describe('sqlAccesses', () => {
  it.each([
    ['SELECT reads the table and its columns', 'SELECT tier, end_date FROM support_contract WHERE id = $1', ['support_contract read', 'support_contract.tier read', 'support_contract.end_date read', 'support_contract.id read']],
    ['aliases qualify columns in joins', 'SELECT k.tier FROM support_customer c JOIN support_contract k ON k.customer_id = c.id', ['support_customer read', 'support_contract read', 'support_contract.tier read', 'support_contract.customer_id read', 'support_customer.id read']],
    ['an unqualified column goes to the joined table that has it', 'SELECT end_date FROM support_customer c JOIN support_contract k ON k.customer_id = c.id', ['support_customer read', 'support_contract read', 'support_contract.end_date read', 'support_contract.customer_id read', 'support_customer.id read']],
    ['UPDATE writes the table and its SET columns', 'UPDATE support_contract SET tier = $2 WHERE customer_id = $1', ['support_contract write', 'support_contract.tier write', 'support_contract.customer_id read']],
    ['INSERT with a column list writes those columns', 'INSERT INTO support_contract (customer_id, tier) VALUES ($1, $2)', ['support_contract write', 'support_contract.customer_id write', 'support_contract.tier write']],
    ['INSERT without a column list writes every column', 'INSERT INTO support_contract VALUES (1, 2)', ['support_contract write', 'support_contract.* write']],
    ['SELECT * reads every column', 'SELECT * FROM support_contract', ['support_contract read', 'support_contract.* read']],
    ['DELETE writes the table', 'DELETE FROM support_contract WHERE id = $1', ['support_contract write', 'support_contract.id read']],
    ['INSERT … SELECT writes one table and reads the other', 'INSERT INTO support_customer (tier) SELECT tier FROM support_contract', ['support_customer write', 'support_contract read', 'support_customer.tier write', 'support_contract.tier read']],
    ['a CTE name is not a table', 'WITH support_contract AS (SELECT 1 AS tier) SELECT tier FROM support_contract', []],
    ['a schema-qualified, quoted name is the table', 'SELECT "k"."tier" FROM "public"."support_contract" "k"', ['support_contract read', 'support_contract.tier read']],
    ['a column the table does not have is not reported', 'SELECT g FROM support_contract, generate_series(1, 3) AS g', ['support_contract read']],
    ['JDBC ? placeholders', 'UPDATE support_contract SET tier = ? WHERE id = ?', ['support_contract write', 'support_contract.tier write', 'support_contract.id read']],
    ['psycopg %s and %(name)s placeholders', 'SELECT tier FROM support_contract WHERE id = %s AND tier = %(tier)s', ['support_contract read', 'support_contract.tier read', 'support_contract.id read', 'support_contract.tier read']],
    ['named :param (not ::cast) and @param placeholders', 'SELECT id::int8 FROM support_contract WHERE tier = :tier AND id = @id', ['support_contract read', 'support_contract.id read', 'support_contract.tier read', 'support_contract.id read']],
    ['the other table only', 'SELECT tier FROM support_customer', ['support_customer read', 'support_customer.tier read']],
    ['DDL is not a read or write of data', 'CREATE TABLE x (id int)', []],
  ])('%s', (_, sql, expected) => {
    expect(uses(sql)).toEqual(expected);
  });

  it('reports character offsets of the names', () => {
    const sql = "SELECT 'é', tier FROM support_contract";
    const found = sqlAccesses(sql, known) ?? [];
    expect(found.map((a) => sql.slice(a.offset, a.offset + (a.column ?? a.table).length))).toEqual(['support_contract', 'tier']);
  });

  it('returns undefined for text that does not parse', () => {
    expect(sqlAccesses('UPDATE support_contract SET tier =', known)).toBeUndefined();
  });

  it('keeps lengths when neutralising placeholders', () => {
    for (const sql of ['a = ? AND b = %s', 'x = %(name)s', 'y = :name::int', 'z = @p']) expect(neutralizeParams(sql)).toHaveLength(sql.length);
    expect(neutralizeParams('y = :name::int')).toBe('y = 0    ::int');
  });
});

describe('fragmentAccesses (text that does not parse)', () => {
  it.each([
    ['a fragment naming one table', 'UPDATE support_contract SET tier = ', ['support_contract write', 'support_contract.tier write']],
    ['a clause fragment', 'FROM support_contract WHERE tier = ', ['support_contract read', 'support_contract.tier read']],
    ['prose that mentions a table', 'Failed to update support_contract for customer', []],
    ['two tables: the column cannot be placed', 'SELECT tier FROM support_contract, support_customer WHERE', []],
    ['a column without its table', 'SET tier = ', []],
    ['a table name inside a string literal', "SELECT * FROM audit WHERE note = 'support_contract'", []],
  ])('%s', (_, sql, expected) => {
    expect(fragmentAccesses(sql, known).map((a) => `${a.table}${a.column ? `.${a.column}` : ''} ${a.access}`)).toEqual(expected);
  });
});
