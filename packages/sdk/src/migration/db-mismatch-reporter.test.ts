import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SqlClient } from '../sql-client.js';
import { DbMismatchReporter } from './db-mismatch-reporter.js';
import type { Mismatch } from './mismatch-reporter.js';

let db: PGlite;

beforeAll(async () => {
  db = await PGlite.create();
  await db.exec(`
    CREATE SCHEMA switchback;
    CREATE TABLE switchback.shadow_mismatches (
      id bigserial PRIMARY KEY, flag text NOT NULL, change_id text, key text NOT NULL, tenant text,
      old_value jsonb, new_value jsonb, diff jsonb, app_version text, at timestamptz NOT NULL DEFAULT now());`);
});

beforeEach(async () => {
  await db.exec('TRUNCATE switchback.shadow_mismatches');
});

afterAll(async () => {
  await db.close();
});

const mismatch = (key: string, over: Partial<Mismatch> = {}): Mismatch => ({
  flag: 'ReadContractDetailsFromCustomer',
  changeId: 'move-contract-details',
  key,
  oldValue: { id: 1, tier: 'gold', endDate: new Date('2025-01-01T00:00:00Z') },
  newValue: { id: 1, tier: 'silver', endDate: new Date('2025-01-01T00:00:00Z') },
  at: new Date('2025-06-01T12:00:00Z'),
  ...over,
});

const count = async (): Promise<number> =>
  (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM switchback.shadow_mismatches')).rows[0]?.n ?? -1;

/** Counts the statements that reach the database. */
function counting(): { client: SqlClient; statements: () => number } {
  let n = 0;
  return { client: { query: (sql, params) => (n++, db.query(sql, params)) }, statements: () => n };
}

describe('DbMismatchReporter', () => {
  it('inserts rows with a diff of the differing top-level fields', async () => {
    const reporter = new DbMismatchReporter(db);
    reporter.report(mismatch('customer-42', { tenant: 'acme', appVersion: 'v2' }));
    reporter.report(mismatch('customer-7', { oldValue: 'gold', newValue: null }));
    await reporter.close();
    const { rows } = await db.query(
      'SELECT flag, change_id, key, tenant, old_value, new_value, diff, app_version, at FROM switchback.shadow_mismatches ORDER BY id',
    );
    expect(rows).toEqual([
      {
        flag: 'ReadContractDetailsFromCustomer', change_id: 'move-contract-details', key: 'customer-42', tenant: 'acme',
        old_value: { id: 1, tier: 'gold', endDate: '2025-01-01T00:00:00.000Z' },
        new_value: { id: 1, tier: 'silver', endDate: '2025-01-01T00:00:00.000Z' },
        diff: { tier: { old: 'gold', new: 'silver' } },
        app_version: 'v2', at: new Date('2025-06-01T12:00:00Z'),
      },
      {
        flag: 'ReadContractDetailsFromCustomer', change_id: 'move-contract-details', key: 'customer-7', tenant: null,
        old_value: 'gold', new_value: null, diff: null, app_version: null, at: new Date('2025-06-01T12:00:00Z'),
      },
    ]);
  });

  it('flushes a full batch at once, in one statement', async () => {
    const { client, statements } = counting();
    const reporter = new DbMismatchReporter(client, { batchSize: 100, flushMs: 60_000 });
    for (let i = 0; i < 100; i++) reporter.report(mismatch(`k${i}`));
    await vi.waitFor(async () => expect(await count()).toBe(100));
    expect(statements()).toBe(1);
    await reporter.close();
  });

  it('flushes a partial batch after flushMs', async () => {
    const reporter = new DbMismatchReporter(db, { flushMs: 50 });
    reporter.report(mismatch('k1'));
    reporter.report(mismatch('k2'));
    expect(await count()).toBe(0);
    await vi.waitFor(async () => expect(await count()).toBe(2), { timeout: 2000 });
    await reporter.close();
  });

  it('stores bigints as strings and survives values JSON cannot hold', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const reporter = new DbMismatchReporter(db);
    reporter.report(mismatch('big', { oldValue: { n: 1n }, newValue: { n: 2n } }));
    reporter.report(mismatch('cyclic', { oldValue: cyclic, newValue: {} }));
    await reporter.flush();
    const { rows } = await db.query('SELECT key, old_value, diff FROM switchback.shadow_mismatches ORDER BY id');
    expect(rows).toEqual([
      { key: 'big', old_value: { n: '1' }, diff: { n: { old: '1', new: '2' } } },
      { key: 'cyclic', old_value: null, diff: null },
    ]);
    await reporter.close();
  });

  it('reports a failed insert and ignores mismatches after close', async () => {
    const errors: unknown[] = [];
    const down: SqlClient = { query: () => Promise.reject(new Error('connection refused')) };
    const reporter = new DbMismatchReporter(down, { onError: (e) => errors.push(e) });
    reporter.report(mismatch('k1'));
    await expect(reporter.close()).resolves.toBeUndefined();
    expect(errors).toEqual([new Error('connection refused')]);
    reporter.report(mismatch('k2'));
    await reporter.flush();
    expect(errors).toHaveLength(1);
  });

  it('keeps at most maxPerSecond, counting and reporting the dropped ones', async () => {
    let t = 0;
    const dropped: string[] = [];
    const reporter = new DbMismatchReporter(db, { maxPerSecond: 5, now: () => t, onDrop: (m) => dropped.push(m.key) });
    for (let i = 0; i < 8; i++) reporter.report(mismatch(`k${i}`));
    t = 1000;
    for (let i = 8; i < 16; i++) reporter.report(mismatch(`k${i}`));
    await reporter.close();
    expect(await count()).toBe(10);
    expect(reporter.dropped).toBe(6);
    expect(dropped).toEqual(['k5', 'k6', 'k7', 'k13', 'k14', 'k15']);
  });

  it('keeps rows small: values and diffs over maxValueChars are replaced by a marker', async () => {
    const reporter = new DbMismatchReporter(db, { maxValueChars: 40 });
    const big = 'x'.repeat(100);
    reporter.report(mismatch('big', { oldValue: { id: 1, notes: big }, newValue: { id: 1, notes: 'short' } }));
    await reporter.close();
    const { rows } = await db.query('SELECT old_value, new_value, diff FROM switchback.shadow_mismatches');
    expect(rows).toEqual([{
      old_value: { truncated: true, chars: JSON.stringify({ id: 1, notes: big }).length },
      new_value: { id: 1, notes: 'short' },
      diff: { truncated: true, chars: JSON.stringify({ notes: { old: big, new: 'short' } }).length },
    }]);
  });
});
