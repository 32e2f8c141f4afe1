import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advance, registerChange, type Db } from '@switchback/engine';
import { targets, type TestDatabase } from '../../../test-support/databases.js';
import { changeFrom, constraintState, deskDatabase, exec, indexNames, readBy, walkLifecycle, WriteLog } from './intent-lifecycle.js';

const SCHEMA = 'desk';
const T = `${SCHEMA}.support_customer`;
const NAME = 'support_customer_contact_name_key';

const changeYaml = (id: string) => `version: 1
id: ${id}
title: Contact names are unique
intent: add-unique
params: { table: ${T}, columns: [contact_name] }
`;

describe.each(targets)('add-unique lifecycle on $name', (target) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await deskDatabase(target, 300);
  });
  afterEach(() => t.drop());

  it('enforces uniqueness from a concurrently built index, then as a constraint, both ways, losing no write', async () => {
    const id = 'unique-contact';
    await registerChange(t.db, changeFrom(changeYaml(id), id), 'test');
    const log = new WriteLog();
    let round = 0;
    const app = async (db: Db, enforced: boolean) => {
      round++;
      const { rows } = await db.query<{ id: string }>(`INSERT INTO ${T} (contact_name, company_name) VALUES ($1, 'co') RETURNING id::text AS id`, [`new contact ${round}`]);
      log.record(rows[0]!.id, `new contact ${round}`);
      await db.query(`UPDATE ${T} SET contact_name = $2 WHERE id = $1`, [1 + round, `renamed ${round}`]);
      log.record(1 + round, `renamed ${round}`);
      const upsert = await db.query<{ id: string }>(`INSERT INTO ${T} (contact_name, company_name) VALUES ($1, 'co') ON CONFLICT (contact_name) DO NOTHING RETURNING id`, [`renamed ${round}`]).catch((e: Error) => e);
      if (enforced) expect(upsert, 'ON CONFLICT finds the unique index').toMatchObject({ rows: [] });
      const duplicate = db.query(`INSERT INTO ${T} (contact_name, company_name) VALUES ($1, 'dup')`, [`renamed ${round}`]);
      if (enforced) await expect(duplicate).rejects.toThrow(/duplicate key/);
      else await duplicate.then(() => db.exec(`DELETE FROM ${T} WHERE company_name = 'dup'`));
    };
    const read = readBy(t.db, `SELECT id, contact_name AS v FROM ${T} WHERE id = ANY($1::bigint[])`);
    await walkLifecycle(t.db, id, async (applied) => {
      const index = (await indexNames(t.db, T)).find((i) => i.name === NAME);
      expect(index?.valid ?? false, 'the unique index').toBe(applied !== null);
      expect(await constraintState(t.db, T, NAME)).toBe(applied === 'contract' ? 'valid' : 'missing');
      await app(t.db, applied !== null);
      expect(await log.lost(read)).toEqual([]);
    });
  });

  it('will not build while duplicates exist, and shows them', async () => {
    await t.db.exec(`UPDATE ${T} SET contact_name = 'Contact 1' WHERE id = 2`);
    const id = 'unique-contact-dups';
    await registerChange(t.db, changeFrom(changeYaml(id), id), 'test');
    const r = await advance(t.db, id, exec);
    expect(r.outcome).toBe('failed');
    expect(r.reason).toMatch(/gate no-duplicates failed: 1 violating rows, e\.g\. \{"contact_name":"Contact 1","rows":"?2"?\}/);
    expect((await indexNames(t.db, T)).map((i) => i.name)).not.toContain(NAME);
  });
});
