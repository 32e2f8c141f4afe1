import { expect } from 'vitest';
import { changeFrom, describeLifecycles, readBy, WriteLog, type LifecycleCase } from './intent-lifecycle.js';

const S = 'desk';
const NULL_TIER = '(no tier)';

/** support_contract.tier as an enum becomes tier_id → contract_tier(id, name). */
function enumCase(id: string): LifecycleCase {
  const change = changeFrom(
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
    id,
  );
  const written = new WriteLog();
  // A cleared tier is a value too (the row stays): logged as NULL_TIER, read back through COALESCE.
  const record = (rows: { id: string }[], tier: string | null) => written.record(rows[0]!.id, tier ?? NULL_TIER);
  return {
    change,
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
        ? `SELECT id, COALESCE(tier::text, '${NULL_TIER}') AS v FROM ${S}.support_contract WHERE id = ANY($1::int8[])`
        : `SELECT c.id, COALESCE(l.name, '${NULL_TIER}') AS v FROM ${S}.support_contract c LEFT JOIN ${S}.contract_tier l ON l.id = c.tier_id WHERE c.id = ANY($1::int8[])`;
      return written.lost(readBy(db, sql));
    },
    newHoldsFrom: 'backfill',
    async expectState(db, applied, plan) {
      const { rows } = await db.query<{ t: string | null }>(`SELECT to_regtype('${S}.tier_level')::text AS t`);
      expect(rows[0]!.t === null, 'enum type dropped only in contract').toBe(plan.phases[applied]?.id === 'contract');
    },
  };
}

describeLifecycles('replace-enum-with-lookup lifecycle', [
  ['keeps the old version working until contract and loses no write, forward, backward and forward again', () => enumCase('enum-tier')],
], `CREATE TYPE ${S}.tier_level AS ENUM ('bronze', 'silver', 'gold', 'platinum');
ALTER TABLE ${S}.support_contract ALTER COLUMN tier TYPE ${S}.tier_level USING tier::${S}.tier_level;`);
