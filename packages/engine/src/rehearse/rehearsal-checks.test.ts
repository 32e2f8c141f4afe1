import { describe, expect, it } from 'vitest';
import type { PlannedRewrite } from '@switchback/core';
import { lostWrites } from './rehearsal-checks.js';
import { readCatalog } from './rehearsal-catalog.js';
import { createScratchDatabase } from './scratch-database.js';
import { recordOf } from './write-log.js';

const serverUrl = process.env.DATABASE_URL;
const where = [{ name: 'pglite', url: undefined as string | undefined }, ...(serverUrl ? [{ name: 'postgres', url: serverUrl }] : [])];
const fill = (value: string, column = 'customer_id'): PlannedRewrite => ({ kind: 'fill-nulls', table: 'support_ticket', column, value });

/** A committed value of customer_id, what the row holds now, the plan's rewrites, and whether the write counts as lost. */
const cases: { name: string; committed: string | null; now: string; rewrites: PlannedRewrite[]; lost: string | undefined }[] = [
  { name: 'a NULL now holding the fill', committed: null, now: '0', rewrites: [fill('0')], lost: undefined },
  { name: 'a NULL now holding a fill of another type, cast as the backfill assigns it (2.6 → 3)', committed: null, now: '3', rewrites: [fill('2.6')], lost: undefined },
  { name: 'a NULL now holding another value', committed: null, now: '7', rewrites: [fill('0')], lost: 'customer_id = "7" (committed NULL)' },
  { name: 'a value now holding the fill (only a NULL may be filled)', committed: '3', now: '0', rewrites: [fill('0')], lost: 'customer_id = "0" (committed "3")' },
  { name: 'a NULL now holding the fill, with no rewrite declared', committed: null, now: '0', rewrites: [], lost: 'customer_id = "0" (committed NULL)' },
  { name: 'a NULL now holding a fill declared for another column', committed: null, now: '0', rewrites: [fill('0', 'priority')], lost: 'customer_id = "0" (committed NULL)' },
];

describe.each(where)('lostWrites on $name', ({ url }) => {
  it.each(cases)('$name', async ({ committed, now, rewrites, lost }) => {
    const scratch = await createScratchDatabase(url ? { url } : {});
    try {
      const { db } = scratch;
      await db.exec('CREATE TABLE support_ticket (id serial PRIMARY KEY, customer_id bigint, priority integer);');
      const { rows } = await db.query<Record<string, string | null>>('INSERT INTO support_ticket (customer_id, priority) VALUES ($1, 1) RETURNING id::text, customer_id::text', [committed]);
      const catalog = await readCatalog(db);
      const record = recordOf(catalog.get('support_ticket')!, rows[0]!, ['customer_id'], 'INSERT INTO support_ticket …', false);
      await db.query('UPDATE support_ticket SET customer_id = $1', [now]);
      const r = await lostWrites(db, catalog, [record], rewrites);
      expect(r.checked).toBe(1);
      expect(r.lost.map((l) => l.found)).toEqual(lost ? [lost] : []);
    } finally {
      await scratch.dispose();
    }
  });
});

describe.each(where)('lostWrites across a split on $name', ({ url }) => {
  it('finds a row that moved to the table its split made (same key), and only when the plan says the two hold the same rows', async () => {
    const scratch = await createScratchDatabase(url ? { url } : {});
    try {
      const { db } = scratch;
      await db.exec("CREATE TABLE contract (id bigint PRIMARY KEY, tier text); CREATE TABLE platinum_contract (LIKE contract INCLUDING ALL); INSERT INTO contract VALUES (1, 'platinum'), (2, 'gold');");
      const catalog = await readCatalog(db);
      const records = [1, 2].map((id) => recordOf(catalog.get('contract')!, { id: String(id), tier: id === 1 ? 'platinum' : 'gold' }, ['tier'], 'UPDATE contract …', false));
      await db.exec("INSERT INTO platinum_contract SELECT * FROM contract WHERE tier = 'platinum'; DELETE FROM contract WHERE tier = 'platinum';");
      expect((await lostWrites(db, catalog, records, [], [['platinum_contract', 'contract']])).lost).toEqual([]);
      expect((await lostWrites(db, catalog, records)).lost.map((l) => `${l.record.key.id}: ${l.found}`)).toEqual(['1: no row']);
    } finally {
      await scratch.dispose();
    }
  });
});
