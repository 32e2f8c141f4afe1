import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { registerChange, type Db } from '@switchback/engine';
import { targets, type TestDatabase } from '../../../test-support/databases.js';
import { changeFrom, deskDatabase, oldVersionGone, readBy, relkind, walkLifecycle, WriteLog } from './intent-lifecycle.js';

const SCHEMA = 'desk';
const OLD = `${SCHEMA}.support_contract`;
const NEW = `${SCHEMA}.service_agreement`;

const changeYaml = (id: string) => `version: 1
id: ${id}
title: Rename support_contract to service_agreement
intent: rename-table
params:
  from: ${OLD}
  to: service_agreement
  window: 0
  oldVersions: { app: support-desk, versions: ["1"], within: 1m }
`;

describe.each(targets)('rename-table lifecycle on $name', (target) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await deskDatabase(target, 200);
    await oldVersionGone(t.db);
  });
  afterEach(() => t.drop());

  it('keeps the old name readable and writable through the view until contract, and loses no write', async () => {
    const id = 'rename-contract-table';
    const role = `sb_old_app_${randomBytes(4).toString('hex')}`;
    await t.db.exec(`CREATE ROLE ${role}; GRANT USAGE ON SCHEMA ${SCHEMA} TO ${role}; GRANT SELECT, UPDATE ON ${OLD} TO ${role};`);
    await registerChange(t.db, changeFrom(changeYaml(id), id), 'test');
    const log = new WriteLog();
    let round = 0;

    /** One round of an app version's queries against `table`: insert (column defaults apply), update, read back. */
    const app = async (db: Db, table: string, tag: string) => {
      round++;
      const { rows } = await db.query<{ id: string; start_date: string | null }>(`INSERT INTO ${table} (customer_id, tier) VALUES ($1, $2) RETURNING id::text AS id, start_date::text`, [1 + (round % 50), `${tag}-i${round}`]);
      expect(rows[0]!.start_date, 'the table default applies through the view').not.toBeNull();
      log.record(rows[0]!.id, `${tag}-i${round}`);
      const updated = 1 + ((round * 7) % 150);
      await db.query(`UPDATE ${table} SET tier = $2 WHERE id = $1`, [updated, `${tag}-u${round}`]);
      log.record(updated, `${tag}-u${round}`);
      const read = await db.query<{ tier: string }>(`SELECT tier FROM ${table} WHERE id = $1`, [rows[0]!.id]);
      expect(read.rows[0]?.tier).toBe(`${tag}-i${round}`);
    };
    const read = (table: string) => readBy(t.db, `SELECT id, tier AS v FROM ${table} WHERE id = ANY($1::bigint[])`);
    /** The previous version's role still has its privileges under the old name. */
    const oldRoleReads = () => t.db.transaction(async (tx) => {
      await tx.exec(`SET LOCAL ROLE ${role}`);
      return (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${OLD}`)).rows[0]!.n;
    });

    await walkLifecycle(t.db, id, async (applied) => {
      const i = applied === null ? -1 : applied === 'expand' ? 0 : 1;
      expect(await relkind(t.db, OLD)).toBe(i < 0 ? 'r' : i === 0 ? 'v' : null);
      expect(await relkind(t.db, NEW)).toBe(i < 0 ? null : 'r');
      if (i < 1) {
        await app(t.db, OLD, 'old');
        expect(await oldRoleReads()).toBeGreaterThan(0);
      } else {
        await expect(app(t.db, OLD, 'old'), 'the old name goes only at contract').rejects.toThrow(/does not exist/);
      }
      if (i >= 0) await app(t.db, NEW, 'new');
      expect(await log.lost(read(i < 0 ? OLD : NEW))).toEqual([]);
      if (i === 0) expect(await log.lost(read(OLD))).toEqual([]);
    });
    await t.db.exec(`DROP OWNED BY ${role}; DROP ROLE ${role};`);
  });
});
