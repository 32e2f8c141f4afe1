import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseChangeFile } from '@switchback/core';
import { schemaSql, seedSql } from '@switchback/example-support-desk';
import type { Db } from '@switchback/engine';
import { targets, type TestDatabase } from '../../../test-support/databases.js';
import { runLifecycle, type LifecycleCase } from './lifecycle-case.js';

const S = 'desk';

/** support_contract.tier as an enum becomes tier_id → contract_tier(id, name). */
function enumCase(id: string): LifecycleCase {
  const parsed = parseChangeFile(
    `version: 1
id: ${id}
title: Contract tiers in a lookup table
intent: replace-enum-with-lookup
params:
  table: ${S}.support_contract
  column: tier
  lookup: { table: ${S}.contract_tier }
  soak: { readSwitch: 0 }
  retention: 0
`,
    `changes/${id}.yaml`,
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const written = new Map<number, string | null>();
  const record = (rows: { id: string }[], tier: string | null) => written.set(Number(rows[0]!.id), tier);
  return {
    change: parsed.change,
    oldQueries: [`SELECT id, tier FROM ${S}.support_contract WHERE tier = 'gold' LIMIT 3`, `SELECT 'platinum'::${S}.tier_level`],
    newQueries: [`SELECT c.id, l.name FROM ${S}.support_contract c LEFT JOIN ${S}.contract_tier l ON l.id = c.tier_id WHERE c.id = 9`],
    newQueriesFrom: 'expand',
    async oldWrite(db, n) {
      const tier = ['bronze', 'silver', 'gold', 'platinum'][n % 4]!;
      // Now and then the old version clears the tier: tier_id must follow to NULL too.
      const set = n % 5 === 4 ? null : tier;
      record((await db.query<{ id: string }>(`UPDATE ${S}.support_contract SET tier = $2 WHERE id = $1 RETURNING id`, [1 + (n % 40), set])).rows, set);
      record((await db.query<{ id: string }>(`INSERT INTO ${S}.support_contract (customer_id, tier) VALUES ($1, $2) RETURNING id`, [1 + (n % 40), tier])).rows, tier);
    },
    // The new version writes tier_id only.
    async newWrite(db, n) {
      const tier = ['gold', 'bronze'][n % 2]!;
      record((await db.query<{ id: string }>(`UPDATE ${S}.support_contract SET tier_id = (SELECT id FROM ${S}.contract_tier WHERE name = $2) WHERE id = $1 RETURNING id`, [41 + (n % 40), tier])).rows, tier);
      record((await db.query<{ id: string }>(`INSERT INTO ${S}.support_contract (customer_id, tier_id) VALUES ($1, (SELECT id FROM ${S}.contract_tier WHERE name = $2)) RETURNING id`, [41 + (n % 40), tier])).rows, tier);
    },
    newWritesFrom: 'cut-off',
    async lost(db, shape) {
      const sql = shape === 'old'
        ? `SELECT id::int8 AS id, tier::text AS v FROM ${S}.support_contract WHERE id = ANY($1::int8[])`
        : `SELECT c.id::int8 AS id, l.name AS v FROM ${S}.support_contract c LEFT JOIN ${S}.contract_tier l ON l.id = c.tier_id WHERE c.id = ANY($1::int8[])`;
      const { rows } = await db.query<{ id: string; v: string | null }>(sql, [[...written.keys()]]);
      const have = new Map(rows.map((r) => [Number(r.id), r.v]));
      return [...written].filter(([k, v]) => (have.get(k) ?? null) !== v).map(([k, v]) => `contract ${k}: wrote ${v}, ${shape} shape holds ${have.get(k) ?? 'nothing'}`);
    },
    newHoldsFrom: 'backfill',
    async expectState(db, applied, plan) {
      const { rows } = await db.query<{ t: string | null }>(`SELECT to_regtype('${S}.tier_level')::text AS t`);
      expect(rows[0]!.t === null, 'enum type dropped only in contract').toBe(plan.phases[applied]?.id === 'contract');
    },
  };
}

describe.each(targets)('replace-enum-with-lookup lifecycle on $name', (target) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await target.create();
    await t.db.exec(schemaSql(S));
    await t.db.exec(seedSql(S, 300));
    await t.db.exec(`CREATE TYPE ${S}.tier_level AS ENUM ('bronze', 'silver', 'gold', 'platinum');
ALTER TABLE ${S}.support_contract ALTER COLUMN tier TYPE ${S}.tier_level USING tier::${S}.tier_level;`);
  });
  afterEach(() => t.drop());

  it('keeps the old version working until contract and loses no write, forward, backward and forward again', async () => {
    await runLifecycle(t.db as Db, enumCase('enum-tier'));
  });
});
