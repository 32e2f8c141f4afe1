import { expect } from 'vitest';
import { changeFrom, describeLifecycles, readBy, WriteLog, type LifecycleCase } from './intent-lifecycle.js';

const S = 'desk';

function mergeChange(id: string) {
  return changeFrom(
    `version: 1
id: ${id}
title: Merge the contract into the customer
intent: merge-tables
params:
  from: { table: ${S}.support_contract, join: customer_id }
  into: { table: ${S}.support_customer, key: id, tenant: tenant }
  drop: [start_date]
  soak: { readSwitch: 0, cutOff: 0 }
  retention: 0
`,
    id,
  );
}

/** The support desk before (contract joined) and after (tier and end_date on the customer). */
function mergeCase(id: string): LifecycleCase {
  const written = new WriteLog();
  return {
    change: mergeChange(id),
    oldQueries: [
      `SELECT c.id, c.contact_name, k.tier, k.end_date, k.start_date FROM ${S}.support_customer c JOIN ${S}.support_contract k ON k.customer_id = c.id WHERE c.id = 7`,
      `UPDATE ${S}.support_contract SET end_date = end_date WHERE customer_id = 8`,
    ],
    newQueries: [`SELECT id, contact_name, tier, end_date FROM ${S}.support_customer WHERE id = 7`],
    newQueriesFrom: 'expand',
    // The old version updates a contract and signs up a customer with one.
    async oldWrite(db, n) {
      await db.query(`UPDATE ${S}.support_contract SET tier = $2, end_date = date '2030-01-01' + $3::int WHERE customer_id = $1`, [1 + (n % 40), `old-${n}`, n]);
      written.record(1 + (n % 40), `old-${n}`);
      const { rows } = await db.query<{ id: string }>(`INSERT INTO ${S}.support_customer (contact_name, company_name) VALUES ($1, 'Old Co') RETURNING id`, [`old signup ${n}`]);
      await db.query(`INSERT INTO ${S}.support_contract (customer_id, tier) VALUES ($1, $2)`, [rows[0]!.id, `old-signup-${n}`]);
      written.record(Number(rows[0]!.id), `old-signup-${n}`);
    },
    // The new version writes the customer only.
    async newWrite(db, n) {
      await db.query(`UPDATE ${S}.support_customer SET tier = $2 WHERE id = $1`, [41 + (n % 40), `new-${n}`]);
      written.record(41 + (n % 40), `new-${n}`);
      const { rows } = await db.query<{ id: string }>(`INSERT INTO ${S}.support_customer (contact_name, company_name, tier) VALUES ($1, 'New Co', $2) RETURNING id`, [`new signup ${n}`, `new-signup-${n}`]);
      written.record(Number(rows[0]!.id), `new-signup-${n}`);
    },
    newWritesFrom: 'cut-off',
    async lost(db, shape) {
      const sql =
        shape === 'new'
          ? `SELECT id, tier AS v FROM ${S}.support_customer WHERE id = ANY($1::int8[])`
          : `SELECT c.id, k.tier AS v FROM ${S}.support_customer c LEFT JOIN ${S}.support_contract k ON k.customer_id = c.id WHERE c.id = ANY($1::int8[])`;
      return written.lost(readBy(db, sql));
    },
    newHoldsFrom: 'backfill',
    async expectState(db, applied, plan) {
      const archived = await db.query(`SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'support_contract' AND column_name = 'start_date'`, [`switchback_archive__${id}`]);
      expect(archived.rows.length, 'start_date kept in the archive').toBe(plan.phases[applied]?.id === 'contract' ? 1 : 0);
    },
  };
}

describeLifecycles('merge-tables lifecycle', [
  ['keeps the old version working until contract and loses no write, forward, backward and forward again', () => mergeCase('merge-contract')],
]);
