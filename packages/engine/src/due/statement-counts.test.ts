import { describe, expect, it } from 'vitest';
import { ownSql, readsSinceCutOff, readsTables, type StatementCounts } from './statement-counts.js';

describe('readsTables: which statements pg_stat_statements printed read the old tables', () => {
  const tables = ['support_contract'];
  it.each([
    ['a plain read', 'SELECT tier, end_date FROM support_contract WHERE customer_id = $1', true],
    ['schema-qualified and quoted', 'select "tier" from desk."support_contract" where id = $1', true],
    ['a join', 'SELECT c.name FROM support_customer c JOIN support_contract k ON k.customer_id = c.id', true],
    ['a write into it', 'INSERT INTO support_contract (customer_id, tier) VALUES ($1, $2)', false],
    ['a write into it, schema-qualified', 'insert into desk.support_contract (customer_id) values ($1) on conflict do nothing', false],
    ['an update of it', 'UPDATE support_contract SET tier = $1 WHERE customer_id = $2', false],
    ['an update of it, quoted', 'UPDATE ONLY "support_contract" SET tier = $1 WHERE id = $2', false],
    ['a delete from it', 'DELETE FROM support_contract WHERE id = $1', false],
    ['a write into it that reads it too', 'INSERT INTO support_contract (customer_id) SELECT customer_id FROM support_contract WHERE id = $1', true],
    ['an update of another table from it', 'UPDATE support_customer c SET tier = k.tier FROM support_contract k WHERE k.customer_id = c.id', true],
    ['a write in a CTE (unsure: counted)', 'WITH x AS (SELECT $1 AS id) DELETE FROM support_contract USING x WHERE support_contract.id = x.id', true],
    ['a table whose name only starts the same', 'SELECT * FROM support_contract_archive', false],
    ['another table', 'SELECT * FROM support_customer WHERE id = $1', false],
    ['DDL', 'ALTER TABLE support_contract ADD COLUMN x int', false],
    ['the engine\'s own query', ownSql('SELECT k FROM support_contract EXCEPT SELECT k FROM support_customer'), false],
  ])('%s', (_name, query, reads) => {
    expect(readsTables(query, tables)).toBe(reads);
  });
});

describe('readsSinceCutOff: the calls after cut-off, statement by statement', () => {
  const cutOffAt = new Date('2026-11-01T00:00:00Z');
  const counts = (since: string | null, calls: Record<string, number>): StatementCounts => ({ since, statements: Object.entries(calls).map(([queryid, n]) => ({ queryid, query: `q${queryid}`, calls: n })) });
  const before = '2026-10-01T00:00:00.000000Z';
  const after = '2026-11-05T00:00:00.000000Z';
  it.each([
    { name: 'no call since cut-off', now: counts(before, { 1: 50 }), base: counts(before, { 1: 50 }), want: { calls: 0, from: 'cut-off' } },
    { name: 'calls since cut-off, less the counts then', now: counts(before, { 1: 57, 2: 3 }), base: counts(before, { 1: 50 }), want: { calls: 10, from: 'cut-off' } },
    { name: 'a statement evicted and seen again counts from zero', now: counts(before, { 1: 4 }), base: counts(before, { 1: 50 }), want: { calls: 4, from: 'cut-off' } },
    { name: 'counts reset after cut-off count from the reset', now: counts(after, { 1: 2 }), base: counts(before, { 1: 50 }), want: { calls: 2, from: 'reset' } },
    { name: 'reset after cut-off with no baseline', now: counts(after, { 1: 0 }), base: undefined, want: { calls: 0, from: 'reset' } },
    { name: 'no baseline, counting since before cut-off: cannot split', now: counts(before, { 1: 5 }), base: undefined, want: undefined },
    { name: 'a reset before cut-off that the baseline did not see: cannot split', now: counts('2026-10-20T00:00:00.000000Z', { 1: 5 }), base: counts(before, { 1: 50 }), want: undefined },
    { name: 'no reset time known (PostgreSQL 13), with a baseline', now: counts(null, { 1: 51 }), base: counts(null, { 1: 50 }), want: { calls: 1, from: 'cut-off' } },
  ])('$name', ({ now, base, want }) => {
    const r = readsSinceCutOff(now, base, cutOffAt);
    if (!want) return expect(r).toBeUndefined();
    expect(r).toMatchObject(want);
    expect(r!.statements.every((s) => s.calls > 0)).toBe(true);
  });
});
