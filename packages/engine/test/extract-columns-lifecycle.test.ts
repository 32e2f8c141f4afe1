import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advance, registerChange } from '@switchback/engine';
import { serverTarget, type TestDatabase } from '../../../test-support/databases.js';
import { advanceAgainstOpenWriter, changeFrom, deskDatabase, describeLifecycles, exec, readBy, WriteLog, type LifecycleCase } from './intent-lifecycle.js';

const S = 'desk';

/** support_customer.address and company_name move into a new customer_address table (one row per customer). */
function extractCase(id: string): LifecycleCase {
  const change = changeFrom(
    `version: 1
id: ${id}
title: Extract the customer's address
intent: extract-columns
params:
  from: { table: ${S}.support_customer }
  into: { table: ${S}.customer_address }
  columns: [address, company_name]
  soak: { readSwitch: 0 }
  retention: 0
`,
    id,
  );
  const written = new WriteLog();
  return {
    change,
    oldQueries: [`SELECT id, contact_name, address, company_name FROM ${S}.support_customer WHERE id = 2`],
    newQueries: [`SELECT c.id, c.contact_name, a.address FROM ${S}.support_customer c LEFT JOIN ${S}.customer_address a ON a.customer_id = c.id WHERE c.id = 2`],
    newQueriesFrom: 'expand',
    async oldWrite(db, n) {
      await db.query(`UPDATE ${S}.support_customer SET address = $2 WHERE id = $1`, [1 + (n % 30), `old-${n}`]);
      written.record(1 + (n % 30), `old-${n}`);
      const { rows } = await db.query<{ id: string }>(`INSERT INTO ${S}.support_customer (contact_name, company_name, address) VALUES ($1, 'Old Co', $2) RETURNING id`, [`old ${n}`, `old-signup-${n}`]);
      written.record(Number(rows[0]!.id), `old-signup-${n}`);
      if (n % 3 === 0) {
        // A customer signed up and deleted again: gone from both shapes.
        const { rows: gone } = await db.query<{ id: string }>(`INSERT INTO ${S}.support_customer (contact_name, company_name, address) VALUES ('brief', 'Gone Co', 'x') RETURNING id`);
        await db.query(`DELETE FROM ${S}.support_customer WHERE id = $1`, [gone[0]!.id]);
        written.record(Number(gone[0]!.id), null);
      }
    },
    // The new version writes the address to the new table (upsert), and signs customers up in both tables.
    async newWrite(db, n) {
      await db.query(`INSERT INTO ${S}.customer_address (customer_id, address) VALUES ($1, $2) ON CONFLICT (customer_id) DO UPDATE SET address = EXCLUDED.address`, [31 + (n % 30), `new-${n}`]);
      written.record(31 + (n % 30), `new-${n}`);
      const { rows } = await db.query<{ id: string }>(`INSERT INTO ${S}.support_customer (contact_name) VALUES ($1) RETURNING id`, [`new ${n}`]);
      await db.query(`INSERT INTO ${S}.customer_address (customer_id, address, company_name) VALUES ($1, $2, 'New Co') ON CONFLICT (customer_id) DO UPDATE SET address = EXCLUDED.address, company_name = EXCLUDED.company_name`, [rows[0]!.id, `new-signup-${n}`]);
      written.record(Number(rows[0]!.id), `new-signup-${n}`);
    },
    newWritesFrom: 'cut-off',
    async lost(db, shape) {
      const sql = shape === 'old'
        ? `SELECT id, address AS v FROM ${S}.support_customer WHERE id = ANY($1::int8[])`
        : `SELECT c.id, a.address AS v FROM ${S}.support_customer c LEFT JOIN ${S}.customer_address a ON a.customer_id = c.id WHERE c.id = ANY($1::int8[])`;
      return written.lost(readBy(db, sql));
    },
    newHoldsFrom: 'backfill',
  };
}

describeLifecycles('extract-columns lifecycle', [
  ['keeps the old version working until contract and loses no write, forward, backward and forward again', () => extractCase('extract-address')],
]);

describe.runIf(serverTarget)('extract-columns backfill against a concurrent writer on the server', () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await deskDatabase(serverTarget!, 3_000);
  });
  afterEach(() => t.drop());

  it('copies past a customer whose row the trigger inserts while the batch waits for it', async () => {
    const id = 'extract-race';
    await registerChange(t.db, extractCase(id).change, 'test');
    await advance(t.db, id, { ...exec, to: 'dual-write' });
    // Customer 1500 has neither column, so the trigger gave it no customer_address row.
    await t.db.exec(`UPDATE ${S}.support_customer SET address = NULL, company_name = NULL WHERE id = 1500`);
    // The previous version gives it an address; the trigger inserts its row, and the transaction stays open.
    // The batch waits for the writer's row lock; its snapshot predates the row the trigger inserted.
    const r = await advanceAgainstOpenWriter(t, id, 'backfill', [`UPDATE ${S}.support_customer SET address = 'first' WHERE id = 1500`]);
    expect(r.outcome, r.reason).toBe('succeeded');
    const { rows } = await t.db.query<{ address: string }>(`SELECT address FROM ${S}.customer_address WHERE customer_id = 1500`);
    expect(rows).toEqual([{ address: 'first' }]);
  });
});
