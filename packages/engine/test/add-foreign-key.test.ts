import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advance, registerChange, type Db } from '@switchback/engine';
import { targets, type TestDatabase } from '../../../test-support/databases.js';
import { changeFrom, constraintState, deskDatabase, exec, indexNames, readBy, walkLifecycle, WriteLog } from './intent-lifecycle.js';

const SCHEMA = 'desk';
const T = `${SCHEMA}.support_ticket`;
const FK = 'support_ticket_customer_id_fkey';

const changeYaml = (id: string) => `version: 1
id: ${id}
title: Tickets reference customers
intent: add-foreign-key
params: { table: ${T}, columns: [customer_id], references: { table: ${SCHEMA}.support_customer }, onDelete: restrict }
`;

describe.each(targets)('add-foreign-key lifecycle on $name', (target) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await deskDatabase(target, 60, 300);
  });
  afterEach(() => t.drop());

  it('checks new writes from expand, validates the old rows once no orphan is left, both ways, losing no write', async () => {
    const id = 'ticket-fkey';
    await registerChange(t.db, changeFrom(changeYaml(id), id), 'test');
    const log = new WriteLog();
    let round = 0;
    const app = async (db: Db, checked: boolean) => {
      round++;
      const { rows } = await db.query<{ id: string }>(`INSERT INTO ${T} (customer_id, subject) VALUES ($1, $2) RETURNING id::text AS id`, [1 + (round % 60), `i${round}`]);
      log.record(rows[0]!.id, `i${round}`);
      await db.query(`UPDATE ${T} SET subject = $2 WHERE id = $1`, [1 + round, `u${round}`]);
      log.record(1 + round, `u${round}`);
      const orphan = db.query(`INSERT INTO ${T} (customer_id, subject) VALUES (999999, 'orphan')`);
      if (checked) await expect(orphan, 'a write naming no customer fails from expand on').rejects.toThrow(/foreign key/);
      else await orphan.then(() => db.exec(`DELETE FROM ${T} WHERE subject = 'orphan'`));
    };
    const read = readBy(t.db, `SELECT id, subject AS v FROM ${T} WHERE id = ANY($1::int[])`);
    await walkLifecycle(t.db, id, async (applied) => {
      expect(await constraintState(t.db, T, FK)).toBe(applied === null ? 'missing' : applied === 'expand' ? 'not valid' : 'valid');
      expect((await indexNames(t.db, T)).map((i) => i.name).includes('support_ticket_customer_id_idx'), 'the referencing columns are indexed').toBe(applied !== null);
      await app(t.db, applied !== null);
      expect(await log.lost(read)).toEqual([]);
    });
    await expect(t.db.exec(`DELETE FROM ${SCHEMA}.support_customer WHERE id = 2`), 'ON DELETE RESTRICT').rejects.toThrow(/foreign key/);
  });

  it('will not validate while orphans exist, and shows them', async () => {
    await t.db.exec(`INSERT INTO ${T} (id, customer_id, subject) VALUES (100000, 424242, 'left behind')`);
    const id = 'ticket-fkey-orphans';
    await registerChange(t.db, changeFrom(changeYaml(id), id), 'test');
    expect((await advance(t.db, id, { ...exec, to: 'expand' })).outcome).toBe('succeeded');
    const r = await advance(t.db, id, exec);
    expect(r.outcome).toBe('failed');
    expect(r.reason).toMatch(/gate no-orphans failed: 1 violating rows, e\.g\. \{"id":"100000","customer_id_value":"424242"\}/);
    expect(await constraintState(t.db, T, FK)).toBe('not valid');
    await t.db.exec(`UPDATE ${T} SET customer_id = NULL WHERE id = 100000`);
    expect((await advance(t.db, id, exec)).outcome).toBe('succeeded');
    expect(await constraintState(t.db, T, FK)).toBe('valid');
  });
});
