import { expect } from 'vitest';
import type { ChangeSpec } from '@switchback/core';
import type { Db } from '@switchback/engine';
import { changeFrom, describeLifecycles, readBy, WriteLog, type LifecycleCase } from './intent-lifecycle.js';

const S = 'desk';

function change(id: string, intent: string, params: string): ChangeSpec {
  return changeFrom(`version: 1\nid: ${id}\ntitle: ${intent} lifecycle\nintent: ${intent}\nparams:\n${params}  soak: { readSwitch: 0 }\n  retention: 0\n`, id);
}

/** support_customer.company_name (NOT NULL, no default) goes away; the previous version reads and writes it. */
function dropColumnCase(id: string): LifecycleCase {
  const old = new WriteLog();
  const rows = new WriteLog();
  const lost = (db: Db, log: WriteLog, column: string) => log.lost(readBy(db, `SELECT id, ${column} AS v FROM ${S}.support_customer WHERE id = ANY($1::int8[])`));
  return {
    change: change(id, 'drop-column', `  table: ${S}.support_customer\n  column: company_name\n`),
    oldQueries: [`SELECT id, contact_name, company_name FROM ${S}.support_customer WHERE id = 3`, `UPDATE ${S}.support_customer SET company_name = company_name WHERE id = 4`],
    newQueries: [`SELECT id, contact_name FROM ${S}.support_customer WHERE id = 3`],
    newQueriesFrom: 'start',
    async oldWrite(db, n) {
      await db.query(`UPDATE ${S}.support_customer SET company_name = $2 WHERE id = $1`, [1 + (n % 30), `old-${n}`]);
      old.record(1 + (n % 30), `old-${n}`);
      const { rows: r } = await db.query<{ id: string }>(`INSERT INTO ${S}.support_customer (contact_name, company_name) VALUES ($1, $2) RETURNING id`, [`old ${n}`, `old-signup-${n}`]);
      old.record(Number(r[0]!.id), `old-signup-${n}`);
      rows.record(Number(r[0]!.id), `old ${n}`);
    },
    // The new version leaves company_name out of its inserts (possible once expand made it optional).
    async newWrite(db, n) {
      const { rows: r } = await db.query<{ id: string }>(`INSERT INTO ${S}.support_customer (contact_name) VALUES ($1) RETURNING id`, [`new ${n}`]);
      rows.record(Number(r[0]!.id), `new ${n}`);
    },
    newWritesFrom: 'expand',
    lost: async (db, shape) => (shape === 'old' ? [...(await lost(db, old, 'company_name')), ...(await lost(db, rows, 'contact_name'))] : lost(db, rows, 'contact_name')),
    newHoldsFrom: 'expand',
    async expectState(db, applied, plan) {
      const { rows: r } = await db.query<{ nullable: string }>(`SELECT is_nullable AS nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'support_customer' AND column_name = 'company_name'`, [S]);
      const phase = plan.phases[applied]?.id;
      if (phase === 'contract') expect(r, 'company_name dropped').toEqual([]);
      else if (applied >= 0) expect(r[0]?.nullable, 'company_name optional').toBe('YES');
    },
  };
}

/** support_contract goes away; the previous version reads and writes it. */
function dropTableCase(id: string): LifecycleCase {
  const old = new WriteLog();
  return {
    change: change(id, 'drop-table', `  table: ${S}.support_contract\n`),
    oldQueries: [`SELECT c.id, k.tier FROM ${S}.support_customer c JOIN ${S}.support_contract k ON k.customer_id = c.id WHERE c.id = 5`],
    newQueries: [`SELECT id, contact_name FROM ${S}.support_customer WHERE id = 5`],
    newQueriesFrom: 'start',
    async oldWrite(db, n) {
      await db.query(`UPDATE ${S}.support_contract SET tier = $2 WHERE customer_id = $1`, [1 + (n % 30), `old-${n}`]);
      old.record(1 + (n % 30), `old-${n}`);
    },
    lost: async (db, shape) => (shape === 'old' ? old.lost(readBy(db, `SELECT customer_id AS id, tier AS v FROM ${S}.support_contract WHERE customer_id = ANY($1::int8[])`)) : []),
    newHoldsFrom: 'contract',
    async expectState(db, applied, plan) {
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "switchback_archive__${id}".support_contract`).catch(() => ({ rows: [{ n: -1 }] }));
      const archived = plan.phases[applied]?.id === 'contract';
      expect(rows[0]!.n, 'archived with every row').toBe(archived ? 300 : -1);
      // Archived, the table keeps no foreign key, so the new version may delete a customer that had a contract;
      // on the way back the key returns.
      const { rows: fks } = await db.query<{ schema: string }>(`SELECT n.nspname AS schema FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'support_contract' AND k.contype = 'f'`);
      expect(fks.map((f) => f.schema), 'support_contract foreign keys').toEqual(archived ? [] : [S]);
      if (archived) {
        const deleted = await db
          .transaction(async (tx) => {
            const { rows: r } = await tx.query(`DELETE FROM ${S}.support_customer WHERE id = 299 RETURNING id`);
            throw Object.assign(new Error('roll back'), { deleted: r.length });
          })
          .catch((e: { deleted?: number; message: string }) => e.deleted ?? e.message);
        expect(deleted, 'a customer with an archived contract can be deleted').toBe(1);
      }
    },
  };
}

describeLifecycles('drop-column and drop-table lifecycles', [
  ['drop-column: the old version works until contract; every value comes back from the archive', () => dropColumnCase('drop-company-name')],
  ['drop-table: the old version works until contract; the archived table comes back whole', () => dropTableCase('drop-contract')],
]);
