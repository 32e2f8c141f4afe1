/**
 * A step whose lock order crosses an application transaction's must be the
 * one PostgreSQL aborts, and be retried: the request goes through. Real
 * deadlock detection exists only on the server.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { errorCode, withLockRetry } from '@switchback/engine';
import { serverTarget, type TestDatabase } from '../../../test-support/databases.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!serverTarget)('deadlocks between a step and the application (server)', () => {
  let t: TestDatabase;
  let app: pg.Client | undefined;
  afterEach(async () => {
    await app?.end().catch(() => {});
    await t?.drop();
  });

  it('the step gives way even when the application started waiting first', async () => {
    t = await serverTarget!.create({ ledger: false });
    await t.db.exec(`CREATE TABLE customer (id bigint PRIMARY KEY, note text); CREATE TABLE ticket (id bigint PRIMARY KEY, customer_id bigint);`);
    app = new pg.Client({ connectionString: t.url });
    await app.connect();
    await app.query('BEGIN');
    await app.query('INSERT INTO ticket VALUES (1, 1)');

    const retries: string[] = [];
    // The step locks customer, works a moment, then wants ticket (which the app holds).
    const step = withLockRetry(t.db, 'add-key', { lockTimeoutMs: 5_000, retries: 5, baseDelayMs: 10, onRetry: (_n, _ms, e) => void retries.push(e) }, async (tx) => {
      await tx.exec('ALTER TABLE customer ADD COLUMN IF NOT EXISTS tier text');
      await tx.exec('SELECT pg_sleep(0.3)');
      await tx.exec('ALTER TABLE ticket ADD CONSTRAINT ticket_customer_fk FOREIGN KEY (customer_id) REFERENCES customer NOT VALID');
    });
    await sleep(50);
    // The app now wants customer, which the step holds: it waits first, ~0.3 s before the step does.
    const write = app.query('INSERT INTO customer VALUES (1, $1)', ['from the app']).then(
      () => 'ok',
      (e: unknown) => `failed: ${errorCode(e)}`,
    );
    expect(await write).toBe('ok');
    await app.query('COMMIT');
    await step;

    expect(retries.some((e) => /deadlock/.test(e))).toBe(true);
    const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_constraint WHERE conname = 'ticket_customer_fk'`);
    expect(rows[0]!.n).toBe(1);
  });
});
