import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advance, registerChange, type Db } from '@switchback/engine';
import { targets, type TestDatabase } from '../../../test-support/databases.js';
import { changeFrom, deskDatabase, exec, isNotNull, oldVersionGone, readBy, walkLifecycle, WriteLog } from './intent-lifecycle.js';

const SCHEMA = 'desk';
const T = `${SCHEMA}.support_customer`;
const PHASES = ['expand', 'backfill', 'contract'];

const changeYaml = (id: string, fill: boolean) => `version: 1
id: ${id}
title: Require an address
intent: add-not-null
params:
  table: ${T}
  column: address
  default: "'(none)'"
${fill ? `  fill: "'unknown'"\n` : ''}  oldVersions: { app: support-desk, versions: ["1"], within: 1m }
execution: { batchSize: 70, targetBatchTime: 0 }
`;

describe.each(targets)('add-not-null lifecycle on $name', (target) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await deskDatabase(target, 300);
    await t.db.exec(`UPDATE ${T} SET address = NULL WHERE id % 3 = 0`);
  });
  afterEach(() => t.drop());

  it('rejects new NULLs from expand, fills the old ones, and ends NOT NULL with every write kept', async () => {
    await oldVersionGone(t.db);
    const id = 'require-address';
    await registerChange(t.db, changeFrom(changeYaml(id, true), id), 'test');
    const log = new WriteLog();
    let round = 0;

    /** The current version: always writes an address, and sometimes omits it (the default applies). */
    const app = async (db: Db, applied: number) => {
      round++;
      const { rows } = await db.query<{ id: string }>(`INSERT INTO ${T} (contact_name, company_name, address) VALUES ('c', 'co', $1) RETURNING id::text AS id`, [`a${round}`]);
      log.record(rows[0]!.id, `a${round}`);
      const target = 2 + ((round * 11) % 290);
      await db.query(`UPDATE ${T} SET address = $2 WHERE id = $1`, [target, `u${round}`]);
      log.record(target, `u${round}`);
      const omitted = await db.query<{ id: string; address: string | null }>(`INSERT INTO ${T} (contact_name, company_name) VALUES ('c', 'co') RETURNING id::text AS id, address`);
      expect(omitted.rows[0]!.address, 'the default applies from expand').toBe(applied >= 0 ? '(none)' : null);
      // A write that leaves the column NULL: accepted before expand only.
      const nullWrite = db.query(`UPDATE ${T} SET address = NULL WHERE id = $1`, [1]);
      if (applied < 0) await nullWrite;
      else await expect(nullWrite).rejects.toThrow(/support_customer_address_not_null|null value/);
    };
    const read = readBy(t.db, `SELECT id, address AS v FROM ${T} WHERE id = ANY($1::bigint[])`);

    await walkLifecycle(t.db, id, async (applied) => {
      const i = applied ? PHASES.indexOf(applied) : -1;
      expect(await isNotNull(t.db, T, 'address')).toBe(i === 2);
      // Back at the start, the previous version writes NULLs again (not over rows the test wrote).
      if (i < 0) await t.db.query(`UPDATE ${T} SET address = NULL WHERE id % 3 = 0 AND NOT (id = ANY($1::bigint[]))`, [[...log.expected.keys()]]);
      await app(t.db, i);
      expect(await log.lost(read)).toEqual([]);
      const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${T} WHERE address IS NULL`);
      if (i >= 1) expect(rows[0]!.n, 'no NULL left after the fill').toBe(0);
    });
    const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${T} WHERE address = 'unknown'`);
    expect(rows[0]!.n).toBeGreaterThan(90);
  });

  it('without a fill, stops before contract with the NULL rows as evidence', async () => {
    await oldVersionGone(t.db);
    const id = 'require-address-nofill';
    await registerChange(t.db, changeFrom(changeYaml(id, false), id), 'test');
    expect((await advance(t.db, id, { ...exec, to: 'expand' })).outcome).toBe('succeeded');
    const r = await advance(t.db, id, exec);
    expect(r.outcome).toBe('failed');
    expect(r.reason).toMatch(/gate no-nulls failed: 20\+ violating rows, e\.g\. \{"key":"3"\}/);
    expect(await isNotNull(t.db, T, 'address')).toBe(false);
  });

  it('will not reject NULLs while the previous version, which writes them, still runs', async () => {
    await t.db.exec(`INSERT INTO switchback.app_instances (instance_id, app, version) VALUES ('v1-live', 'support-desk', '1')`);
    const id = 'require-address-early';
    await registerChange(t.db, changeFrom(changeYaml(id, true), id), 'test');
    const r = await advance(t.db, id, exec);
    expect(r.outcome).toBe('failed');
    expect(r.reason).toMatch(/gate old-versions-gone failed: 1 instance\(s\) of support-desk 1 still live/);
  });

  it('fills in batches over a uuid key (ordered, but with no min() or max())', async () => {
    await t.db.exec(`CREATE TABLE ${SCHEMA}.device (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), label text);
      INSERT INTO ${SCHEMA}.device (label) SELECT CASE WHEN g % 4 = 0 THEN NULL ELSE 'd' || g END FROM generate_series(1, 250) AS g;`);
    const id = 'require-device-label';
    const yaml = `version: 1\nid: ${id}\ntitle: Require a label\nintent: add-not-null\nparams:\n  table: ${SCHEMA}.device\n  column: label\n  fill: "'unnamed'"\n  nullWriters: none\nexecution: { batchSize: 70, targetBatchTime: 0 }\n`;
    await registerChange(t.db, changeFrom(yaml, id), 'test');
    const r = await advance(t.db, id, { ...exec, to: 'contract' });
    expect(r.outcome, r.reason).toBe('succeeded');
    const fill = r.transitions.flatMap((x) => x.steps).find((s) => s.id === 'backfill.forward.fill');
    expect(fill?.backfill).toMatchObject({ rows_visited: 250, rows_changed: 62, batches: 4 });
    const { rows } = await t.db.query<{ n: number; unnamed: number }>(`SELECT count(*)::int AS n, count(*) FILTER (WHERE label = 'unnamed')::int AS unnamed FROM ${SCHEMA}.device`);
    expect(rows[0]).toEqual({ n: 250, unnamed: 62 });
    expect(await isNotNull(t.db, `${SCHEMA}.device`, 'label')).toBe(true);
  });
});
