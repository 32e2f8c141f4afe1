/**
 * The locks `switchback check` names are the locks PostgreSQL takes: each
 * statement runs in a transaction on the real server, and pg_locks must
 * show exactly the mode the findings print (and require-lock-timeout must
 * fire exactly when it is ACCESS EXCLUSIVE).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSql, type LockMode } from '@switchback/core';
import { serverTarget, type TestDatabase } from '../../../test-support/databases.js';

const SCHEMA = `
CREATE TABLE customer (id bigint PRIMARY KEY, email text, created_at timestamp(3));
CREATE TABLE contract (id bigint PRIMARY KEY, customer_id bigint REFERENCES customer (id), tier text);
CREATE INDEX contract_customer_id ON contract (customer_id);
ALTER TABLE contract ADD CONSTRAINT tier_nn CHECK (tier IS NOT NULL) NOT VALID;
CREATE TABLE audit_log (id bigint, payload jsonb);
CREATE VIEW active_customer AS SELECT id, email FROM customer;
CREATE TYPE tier AS ENUM ('basic', 'gold');
`;

const cases: [sql: string, relation: string, lock: LockMode][] = [
  ['ALTER INDEX contract_customer_id RENAME TO contract_customer_idx', 'contract_customer_id', 'SHARE UPDATE EXCLUSIVE'],
  ['ALTER TABLE customer DISABLE TRIGGER ALL', 'customer', 'SHARE ROW EXCLUSIVE'],
  ['ALTER TABLE customer ENABLE TRIGGER USER', 'customer', 'SHARE ROW EXCLUSIVE'],
  ['LOCK TABLE customer', 'customer', 'ACCESS EXCLUSIVE'],
  ['LOCK TABLE customer IN SHARE MODE', 'customer', 'SHARE'],
  ['CLUSTER contract USING contract_customer_id', 'contract', 'ACCESS EXCLUSIVE'],
  ['ALTER TABLE audit_log SET UNLOGGED', 'audit_log', 'ACCESS EXCLUSIVE'],
  ['ALTER TABLE audit_log SET LOGGED', 'audit_log', 'ACCESS EXCLUSIVE'],
  ['DROP VIEW active_customer', 'active_customer', 'ACCESS EXCLUSIVE'],
  ['ALTER TABLE contract RENAME CONSTRAINT tier_nn TO tier_not_null', 'contract', 'ACCESS EXCLUSIVE'],
  ['ALTER TABLE contract VALIDATE CONSTRAINT tier_nn', 'contract', 'SHARE UPDATE EXCLUSIVE'],
  ['CREATE INDEX customer_email ON customer (email)', 'customer', 'SHARE'],
  ['ALTER TABLE customer ALTER COLUMN created_at TYPE timestamp(6)', 'customer', 'ACCESS EXCLUSIVE'],
  ["ALTER TYPE tier RENAME VALUE 'gold' TO 'premium'", 'customer', 'ACCESS SHARE'],
];

const MODES: Record<string, LockMode> = {
  AccessShareLock: 'ACCESS SHARE',
  RowShareLock: 'ROW SHARE',
  RowExclusiveLock: 'ROW EXCLUSIVE',
  ShareUpdateExclusiveLock: 'SHARE UPDATE EXCLUSIVE',
  ShareLock: 'SHARE',
  ShareRowExclusiveLock: 'SHARE ROW EXCLUSIVE',
  ExclusiveLock: 'EXCLUSIVE',
  AccessExclusiveLock: 'ACCESS EXCLUSIVE',
};
const ORDER = Object.values(MODES);

describe.runIf(serverTarget)('lock modes named by check, on the server', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await serverTarget!.create({ ledger: false });
    await t.db.exec(SCHEMA);
  });
  afterAll(() => t.drop());

  /** The strongest lock the statement holds on the relation, read from pg_locks inside its (rolled back) transaction. */
  async function serverLock(sql: string, relation: string): Promise<LockMode> {
    const { rows } = await t.db.query<{ oid: number }>('SELECT to_regclass($1)::oid AS oid', [relation]);
    const oid = rows[0]?.oid;
    let held: LockMode = 'ACCESS SHARE';
    await t.db
      .transaction(async (tx) => {
        await tx.exec(sql);
        const locks = await tx.query<{ mode: string }>('SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND relation = $1', [oid]);
        for (const l of locks.rows) {
          const mode = MODES[l.mode];
          if (mode && ORDER.indexOf(mode) > ORDER.indexOf(held)) held = mode;
        }
        throw new Error('rollback');
      })
      .catch((e: unknown) => {
        if (!(e instanceof Error) || e.message !== 'rollback') throw e;
      });
    return held;
  }

  it.each(cases)('%s takes %s on %s', async (sql, relation, lock) => {
    expect(await serverLock(sql, relation)).toBe(lock);
    const r = await checkSql({ applied: [{ file: 'schema.sql', text: SCHEMA }], migrations: [{ file: 'm.sql', text: `${sql};` }] });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.report.findings.some((f) => f.rule === 'require-lock-timeout')).toBe(lock === 'ACCESS EXCLUSIVE');
    for (const f of r.report.findings) if (f.lock) expect(f.lock, f.rule).toBe(lock);
  });
});
