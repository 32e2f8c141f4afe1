import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, PgCode } from '@switchback/engine';
import { targets, type TestDatabase } from '../../../test-support/databases.js';

/** The one contract both database implementations must pass. */
describe.each(targets)('Db contract on $name', (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await target.create({ ledger: false });
    await t.db.exec('CREATE TABLE kv (k int8 PRIMARY KEY, v text); CREATE TABLE other (x int)');
  });
  afterAll(() => t.drop());

  it('returns rows with int8 as numbers and counts affected rows', async () => {
    await t.db.query('INSERT INTO kv VALUES ($1, $2), ($3, $4)', [1, 'a', 2, 'b']);
    expect((await t.db.query<{ k: number; v: string }>('SELECT k, v FROM kv ORDER BY k')).rows).toEqual([{ k: 1, v: 'a' }, { k: 2, v: 'b' }]);
    expect((await t.db.query(`UPDATE kv SET v = v || '!'`)).rowCount).toBe(2);
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    await t.db.transaction((tx) => tx.query(`INSERT INTO kv VALUES (10, 'kept')`));
    await expect(t.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO kv VALUES (11, 'lost')`);
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect((await t.db.query('SELECT k FROM kv WHERE k >= 10 ORDER BY k')).rows).toEqual([{ k: 10 }]);
  });

  it('refuses to report as committed a transaction whose statement failed and was caught (PostgreSQL rolls it back at COMMIT)', async () => {
    const swallowed = t.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO kv VALUES (30, 'lost')`);
      await tx.query(`INSERT INTO kv VALUES (30, 'duplicate')`).catch(() => undefined);
      return 'done';
    });
    await expect(swallowed).rejects.toThrow(/rolled back/);
    expect((await t.db.query('SELECT k FROM kv WHERE k = 30')).rows).toEqual([]);
    await t.db.transaction((tx) => tx.query(`INSERT INTO kv VALUES (31, 'kept')`));
    expect((await t.db.query('SELECT k FROM kv WHERE k = 31')).rows).toEqual([{ k: 31 }]);
  });

  it('runs multiple statements in exec and reports SQL errors with their code', async () => {
    await t.db.exec(`INSERT INTO other VALUES (1); INSERT INTO other VALUES (2);`);
    expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM other')).rows[0]!.n).toBe(2);
    const e = await t.db.query('SELECT * FROM missing_table').catch((x: unknown) => x);
    expect(errorCode(e)).toBe(PgCode.undefinedTable);
  });

  it('honours isolation and read-only options', async () => {
    await expect(t.db.transaction((tx) => tx.query(`INSERT INTO kv VALUES (20, 'x')`), { readOnly: true })).rejects.toThrow(/read-only/);
    const level = await t.db.transaction((tx) => tx.query<{ l: string }>("SELECT current_setting('transaction_isolation') AS l"), { isolation: 'repeatable read' });
    expect(level.rows[0]!.l).toBe('repeatable read');
  });

  it('keeps session state on a pinned session', async () => {
    const held = await t.db.session(async (s) => {
      await s.query('SELECT pg_advisory_lock(42)');
      const { rows } = await s.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = 42 AND pid = pg_backend_pid()`);
      await s.query('SELECT pg_advisory_unlock(42)');
      return rows[0]!.n;
    });
    expect(held).toBe(1);
  });
});
