import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advance, registerChange, type Db } from '@switchback/engine';
import { targets, type TestDatabase } from '../../../test-support/databases.js';
import { changeFrom, columnsOf, deskDatabase, exec, indexNames, isNotNull, oldVersionGone, readBy, walkLifecycle, WriteLog } from './intent-lifecycle.js';

const SCHEMA = 'desk';
const T = `${SCHEMA}.support_customer`;
const PHASES = ['expand', 'backfill', 'read-switch', 'contract'];

const changeYaml = (id: string, from: string, to: string) => `version: 1
id: ${id}
title: Rename ${from} to ${to}
intent: rename-column
params:
  table: ${T}
  from: ${from}
  to: ${to}
  rollout: [10, 100]
  soak: 0
  oldVersions: { app: support-desk, versions: ["1"], within: 1m }
execution: { batchSize: 100, targetBatchTime: 0 }
`;

/** Every NOT NULL column of support_customer with a value, minus the one renamed. */
function insertSql(column: string, skip: string): string {
  const base: Record<string, string> = { tenant: `'acme'`, contact_name: `'contact ' || $1`, company_name: `'company'` };
  delete base[skip];
  const cols = [...Object.keys(base), column];
  return `INSERT INTO ${T} (${cols.join(', ')}) VALUES (${[...Object.values(base), '$1'].join(', ')}) RETURNING id::text AS id`;
}

describe.each(targets)('rename-column lifecycle on $name', (target) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await deskDatabase(target, 300);
    await t.db.exec(`CREATE INDEX support_customer_company ON ${T} (company_name); ALTER TABLE ${T} ADD CONSTRAINT support_customer_tenant_contact UNIQUE (tenant, contact_name);`);
    await oldVersionGone(t.db);
  });
  afterEach(() => t.drop());

  it.each([
    ['company_name', 'organisation', false],
    ['tenant', 'account', true],
  ] as const)('renames %s to %s with both versions working until contract, and loses no write', async (from, to, hasDefault) => {
    const id = `rename-${from.replace(/_/g, '-')}`;
    await registerChange(t.db, changeFrom(changeYaml(id, from, to), id), 'test');
    const log = new WriteLog();
    let round = 0;

    /** An app version that reads and writes `column` only: the previous one `from`, the new one `to`. */
    const version = (column: string, tag: 'old' | 'new', firstUpdated: number) => async (db: Db) => {
      round++;
      const inserted = (await db.query<{ id: string }>(insertSql(column, from), [`${tag}-i${round}`])).rows[0]!.id;
      log.record(inserted, `${tag}-i${round}`);
      const updated = firstUpdated + (round % 40);
      await db.query(`UPDATE ${T} SET ${column} = $2 WHERE id = $1`, [updated, `${tag}-u${round}`]);
      log.record(updated, `${tag}-u${round}`);
      const { rows } = await db.query<{ v: string }>(`SELECT ${column} AS v FROM ${T} WHERE id = $1`, [inserted]);
      expect(rows[0]?.v).toBe(`${tag}-i${round}`);
    };
    const oldApp = version(from, 'old', 1);
    const newApp = version(to, 'new', 100);
    const read = (column: string) => readBy(t.db, `SELECT id, ${column} AS v FROM ${T} WHERE id = ANY($1::bigint[])`);

    await walkLifecycle(t.db, id, async (applied) => {
      const i = applied ? PHASES.indexOf(applied) : -1;
      const columns = await columnsOf(t.db, SCHEMA, 'support_customer');
      expect(columns.includes(to), `${to} present`).toBe(i >= 0);
      expect(columns.includes(from), `${from} present`).toBe(i < 3);
      if (i < 3) await oldApp(t.db);
      else await expect(oldApp(t.db), 'the previous version stops working only at contract').rejects.toThrow(new RegExp(`column "${from}"`));
      if (i >= 0) await newApp(t.db);
      if (i < 3) expect(await log.lost(read(from))).toEqual([]);
      if (i >= 1) expect(await log.lost(read(to))).toEqual([]);
      if (i < 3) expect(await isNotNull(t.db, T, from), `${from} keeps NOT NULL`).toBe(true);
      if (i >= 0) expect(await isNotNull(t.db, T, to), `${to} NOT NULL only after contract`).toBe(i === 3);
      // Queries by either name are served by an index, and (tenant, contact_name) stays unique throughout.
      const indexed = await indexNames(t.db, T);
      if (i < 3) expect(indexed.some((x) => x.name === (from === 'tenant' ? 'support_customer_tenant_contact' : 'support_customer_company'))).toBe(true);
      if (i >= 1) expect(indexed.filter((x) => x.valid).length, 'the indexes of the old column exist on the new one too').toBe(i === 3 ? 3 : 4);
      const name = (c: string) => (c === from && i === 3 ? to : c);
      await expect(t.db.query(`INSERT INTO ${T} (${name('tenant')}, contact_name, ${name('company_name')}) VALUES ('acme', 'Contact 200', 'x')`), 'still unique').rejects.toThrow(/duplicate key/);
      if (i === 3 && hasDefault) {
        const { rows } = await t.db.query<{ v: string }>(`INSERT INTO ${T} (contact_name, company_name) VALUES ($1, 'co') RETURNING ${to} AS v`, [`default check ${round}`]);
        expect(rows[0]!.v, 'the default moved to the new column').toBe('default');
      }
    });
    expect((await indexNames(t.db, T)).map((x) => x.name), 'the indexes keep their names').toEqual(['support_customer_company', 'support_customer_pkey', 'support_customer_tenant_contact']);
  });

  it('stops before contract while a view still uses the old name, and goes on once it is gone', async () => {
    const id = 'rename-with-view';
    await t.db.exec(`CREATE VIEW ${SCHEMA}.company_names AS SELECT id, company_name FROM ${T}`);
    await registerChange(t.db, changeFrom(changeYaml(id, 'company_name', 'organisation'), id), 'test');
    expect((await advance(t.db, id, { ...exec, to: 'read-switch' })).outcome).toBe('succeeded');
    const r = await advance(t.db, id, { ...exec, to: 'contract' });
    expect(r.outcome).toBe('failed');
    expect(r.reason).toMatch(/gate no-dependents failed: 1 violating rows, e\.g\. \{"dependent":"view desk\.company_names"\}/);
    expect(await columnsOf(t.db, SCHEMA, 'support_customer')).toContain('company_name');
    await t.db.exec(`CREATE OR REPLACE VIEW ${SCHEMA}.company_names_v2 AS SELECT id, organisation FROM ${T}; DROP VIEW ${SCHEMA}.company_names`);
    expect((await advance(t.db, id, { ...exec, to: 'contract' })).outcome).toBe('succeeded');
  });
});
