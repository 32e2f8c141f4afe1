import { expect } from 'vitest';
import { changeFrom, describeLifecycles, type LifecycleCase } from './intent-lifecycle.js';

const S = 'desk';

/** Platinum contracts move from support_contract into platinum_contract. */
function splitCase(id: string): LifecycleCase {
  const change = changeFrom(
    `version: 1
id: ${id}
title: Platinum contracts in a table of their own
intent: split-table
params:
  table: ${S}.support_contract
  into: ${S}.platinum_contract
  where: tier = 'platinum'
  soak: { readSwitch: 0 }
  retention: 0
`,
    id,
  );
  // Contract id → "tier end_date" as committed.
  const written = new Map<number, string>();
  const RET = `RETURNING id, tier || ' ' || to_char(end_date, 'YYYY-MM-DD') AS v`;
  const record = (rows: { id: string; v: string }[]) => rows.forEach((r) => written.set(Number(r.id), r.v));
  return {
    change,
    oldQueries: [`SELECT id, tier, end_date FROM ${S}.support_contract WHERE customer_id = 4`],
    oldQueriesRunAfterContract: true,
    newQueries: [`SELECT id, tier FROM ${S}.platinum_contract WHERE customer_id = 4`],
    newQueriesFrom: 'expand',
    // The old version upgrades and downgrades contracts (rows move between the two tables) and signs some up.
    async oldWrite(db, n) {
      record((await db.query<{ id: string; v: string }>(`UPDATE ${S}.support_contract SET tier = $2, end_date = date '2031-01-01' + $3::int WHERE id = $1 ${RET}`, [1 + (n % 40), n % 2 ? 'platinum' : 'gold', n])).rows);
      record((await db.query<{ id: string; v: string }>(`INSERT INTO ${S}.support_contract (customer_id, tier, end_date) VALUES ($1, 'platinum', date '2032-01-01' + $2::int) ${RET}`, [1 + (n % 40), n])).rows);
    },
    // The new version writes platinum contracts into their own table, which holds no other (nor one of no tier).
    async newWrite(db, n) {
      record((await db.query<{ id: string; v: string }>(`INSERT INTO ${S}.platinum_contract (customer_id, tier, end_date) VALUES ($1, 'platinum', date '2033-01-01' + $2::int) ${RET}`, [41 + (n % 40), n])).rows);
      for (const tier of ['gold', null]) {
        await expect(db.query(`INSERT INTO ${S}.platinum_contract (customer_id, tier) VALUES ($1, $2)`, [41 + (n % 40), tier])).rejects.toThrow(/platinum_contract_where_check/);
      }
    },
    newWritesFrom: 'cut-off',
    // Every committed contract exactly once: in support_contract (old), or in the table its tier says (new).
    async lost(db, shape) {
      const v = `tier || ' ' || to_char(end_date, 'YYYY-MM-DD')`;
      const sql =
        shape === 'old'
          ? `SELECT id::int8 AS id, ${v} AS v FROM ${S}.support_contract WHERE id = ANY($1::int8[])`
          : `SELECT id::int8 AS id, ${v} AS v FROM ${S}.platinum_contract WHERE id = ANY($1::int8[])
             UNION ALL SELECT id::int8, ${v} FROM ${S}.support_contract WHERE id = ANY($1::int8[]) AND (tier = 'platinum') IS NOT TRUE`;
      const { rows } = await db.query<{ id: string; v: string }>(sql, [[...written.keys()]]);
      const have = new Map<number, string[]>();
      for (const r of rows) have.set(Number(r.id), [...(have.get(Number(r.id)) ?? []), r.v]);
      return [...written].filter(([k, want]) => JSON.stringify(have.get(k)) !== JSON.stringify([want])).map(([k, want]) => `contract ${k}: wrote ${want}, ${shape} shape holds ${JSON.stringify(have.get(k) ?? [])}`);
    },
    newHoldsFrom: 'backfill',
  };
}

describeLifecycles('split-table lifecycle', [
  ['keeps the old version seeing every row until contract, loses none, forward, backward and forward again', () => splitCase('split-platinum')],
]);
