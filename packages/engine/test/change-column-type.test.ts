import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { advance, changeStatus, registerChange, type Db, type Queryable } from '@switchback/engine';
import { serverTarget, targets, type TestDatabase } from '../../../test-support/databases.js';
import { changeFrom, columnsOf, exec, isNotNull, walkLifecycle, WriteLog, readBy } from './intent-lifecycle.js';

const SCHEMA = 'desk';
const T = `${SCHEMA}.support_ticket`;
const PHASES = ['expand', 'backfill', 'cut-off', 'contract'];

const TABLE_SQL = `CREATE SCHEMA ${SCHEMA};
CREATE TABLE ${T} (
  id serial PRIMARY KEY,
  customer_id bigint,
  priority integer NOT NULL DEFAULT 3,
  subject text
);
CREATE INDEX support_ticket_priority ON ${T} (priority);
INSERT INTO ${T} (customer_id, priority, subject) SELECT g, g % 5, 'ticket ' || g FROM generate_series(1, 400) AS g;
ANALYZE ${T};`;

const changeYaml = (id: string, column: string) => `version: 1
id: ${id}
title: Widen ${column} to bigint
intent: change-column-type
params: { table: ${T}, column: ${column}, type: int8, retention: 0 }
execution: { batchSize: 150, targetBatchTime: 0 }
`;

async function typeOf(db: Queryable, column: string): Promise<string> {
  const { rows } = await db.query<{ t: string }>(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2 AND NOT attisdropped`, [T, column]);
  return rows[0]?.t ?? 'missing';
}

/** Valid indexes whose only key column is `column`, and whether one is the primary key. */
async function indexesOn(db: Queryable, column: string): Promise<{ n: number; primary: boolean }> {
  const { rows } = await db.query<{ n: number; primary: boolean }>(
    `SELECT count(*)::int AS n, coalesce(bool_or(x.indisprimary), false) AS primary FROM pg_index x
       JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[0]
      WHERE x.indrelid = to_regclass($1) AND x.indnkeyatts = 1 AND x.indisvalid AND a.attname = $2`,
    [T, column],
  );
  return rows[0]!;
}

describe.each(targets)('change-column-type lifecycle on $name', (target) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await target.create();
    await t.db.exec(TABLE_SQL);
  });
  afterEach(() => t.drop());

  it.each(['id', 'priority'] as const)('widens %s to bigint with the same queries working in every phase, and loses no write', async (column) => {
    const id = `widen-${column}`;
    await registerChange(t.db, changeFrom(changeYaml(id, column), id), 'test');
    const log = new WriteLog();
    let round = 0;
    let inserted = 0;

    /** Both app versions run the same SQL: the column keeps its name, only its type changes. */
    const app = async (db: Db) => {
      round++;
      const { rows } = await db.query<{ id: string }>(`INSERT INTO ${T} (customer_id, priority, subject) VALUES ($1, $2, $3) RETURNING id::text AS id`, [round, round % 7, `i${round}`]);
      inserted++;
      log.record(rows[0]!.id, `${round % 7}|i${round}`);
      const target = 1 + ((round * 13) % 390);
      await db.query(`UPDATE ${T} SET priority = $2, subject = $3 WHERE id = $1`, [target, 40 + round, `u${round}`]);
      log.record(target, `${40 + round}|u${round}`);
      const read = await db.query<{ p: string }>(`SELECT priority::text AS p FROM ${T} WHERE id = $1`, [target]);
      expect(read.rows[0]?.p).toBe(String(40 + round));
    };
    const read = readBy(t.db, `SELECT id, priority || '|' || subject AS v FROM ${T} WHERE id = ANY($1::bigint[])`);

    await walkLifecycle(t.db, id, async (applied) => {
      const i = applied ? PHASES.indexOf(applied) : -1;
      expect(await typeOf(t.db, column)).toBe(i >= 2 ? 'bigint' : 'integer');
      const columns = await columnsOf(t.db, SCHEMA, 'support_ticket');
      expect(columns.includes(`${column}__new`), 'shadow column').toBe(i === 0 || i === 1);
      expect(columns.includes(`${column}__old`), 'retired column').toBe(i === 2);
      expect(await isNotNull(t.db, T, column)).toBe(true);
      const idx = await indexesOn(t.db, column);
      expect(idx.n, `an index on ${column} serves its queries`).toBeGreaterThanOrEqual(1);
      if (column === 'id') expect(idx.primary, 'id is the primary key').toBe(true);
      await app(t.db);
      expect(await log.lost(read)).toEqual([]);
      const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${T}`);
      expect(rows[0]!.n, 'no row lost or added').toBe(400 + inserted);
    });

    // The point of it all: values beyond 2^31 - 1 now fit, and the key's sequence may pass it too.
    const big = '3000000000';
    if (column === 'id') {
      await t.db.exec(`SELECT setval('${SCHEMA}.support_ticket_id_seq', ${big})`);
      const { rows } = await t.db.query<{ id: string }>(`INSERT INTO ${T} (subject) VALUES ('big') RETURNING id::text AS id`);
      expect(rows[0]!.id).toBe('3000000001');
    } else {
      await t.db.query(`UPDATE ${T} SET priority = $1 WHERE id = 1`, [big]);
    }
    expect((await indexesOn(t.db, column)).n).toBe(1);
    const names = await t.db.query<{ n: string }>(`SELECT indexrelid::regclass::text AS n FROM pg_index WHERE indrelid = to_regclass($1) ORDER BY 1`, [T]);
    expect(names.rows.map((r) => r.n), 'indexes keep their original names').toEqual([`${SCHEMA}.support_ticket_pkey`, `${SCHEMA}.support_ticket_priority`]);
  });

  it('refuses to start while a foreign key uses the column, with the evidence', async () => {
    await t.db.exec(`CREATE TABLE ${SCHEMA}.ticket_note (id serial PRIMARY KEY, ticket_id integer REFERENCES ${T} (id))`);
    const id = 'widen-referenced';
    await registerChange(t.db, changeFrom(changeYaml(id, 'id'), id), 'test');
    const r = await advance(t.db, id, exec);
    expect(r.outcome).toBe('failed');
    expect(r.reason).toMatch(/gate no-dependents failed: 1 violating rows, e\.g\. \{"dependent":"constraint ticket_note_ticket_id_fkey"\}/);
  });
});

describe.skipIf(!serverTarget)('change-column-type under concurrent sessions (server)', () => {
  let t: TestDatabase;
  let other: pg.Client;
  beforeEach(async () => {
    t = await serverTarget!.create();
    await t.db.exec(`${TABLE_SQL}\nALTER TABLE ${T} ADD COLUMN score integer; CREATE INDEX support_ticket_score ON ${T} (score);`);
    other = new pg.Client({ connectionString: t.url });
    await other.connect();
  });
  afterEach(async () => {
    await other.end();
    await t.drop();
  });

  it('gives up on a concurrent index build that waits for a writer, then cleans up the invalid index and builds it', async () => {
    const id = 'widen-score';
    await registerChange(t.db, changeFrom(changeYaml(id, 'score'), id), 'test');
    expect((await advance(t.db, id, { ...exec, to: 'expand' })).outcome).toBe('succeeded');
    // An open write transaction: CREATE INDEX CONCURRENTLY must wait for it to end.
    await other.query(`BEGIN; INSERT INTO ${T} (subject, score) VALUES ('in flight', 7)`);
    const stuck = await advance(t.db, id, { ...exec, to: 'backfill', settings: { lockTimeout: 150, lockRetries: 1 } });
    expect(stuck.outcome).toBe('failed');
    expect(stuck.reason).toMatch(/step backfill\.forward\.build-indexes failed: .*lock/i);
    const invalid = await t.db.query<{ valid: boolean }>(`SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass('${SCHEMA}.support_ticket_score__new')`);
    expect(invalid.rows, 'the timed-out build left an invalid index behind').toEqual([{ valid: false }]);
    await other.query('COMMIT');
    const done = await advance(t.db, id, { ...exec, to: 'backfill' });
    expect(done.outcome, done.reason).toBe('succeeded');
    const valid = await t.db.query<{ valid: boolean }>(`SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass('${SCHEMA}.support_ticket_score__new')`);
    expect(valid.rows).toEqual([{ valid: true }]);
    const { rows } = await t.db.query<{ v: string }>(`SELECT score__new::text AS v FROM ${T} WHERE subject = 'in flight'`);
    expect(rows[0]?.v, 'the write that held the build up reached the shadow column').toBe('7');
  });

  it('swaps only under lock_timeout: a long reader makes it give up and change nothing, then it goes through', async () => {
    const id = 'widen-swap';
    await registerChange(t.db, changeFrom(changeYaml(id, 'priority'), id), 'test');
    expect((await advance(t.db, id, { ...exec, to: 'backfill' })).outcome).toBe('succeeded');
    await other.query(`BEGIN; SELECT count(*) FROM ${T}`);
    const stuck = await advance(t.db, id, { ...exec, to: 'cut-off', settings: { lockTimeout: 100, lockRetries: 2 } });
    expect(stuck.outcome).toBe('failed');
    expect(stuck.reason).toMatch(/cut-off\.forward\.swap/);
    expect(await typeOf(t.db, 'priority')).toBe('integer');
    expect((await changeStatus(t.db, id)).appliedPhase).toBe('backfill');
    await other.query('COMMIT');
    const done = await advance(t.db, id, { ...exec, to: 'cut-off' });
    expect(done.outcome, done.reason).toBe('succeeded');
    expect(await typeOf(t.db, 'priority')).toBe('bigint');
  });
});

