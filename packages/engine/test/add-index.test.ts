import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerChange } from '@switchback/engine';
import { targets, type TestDatabase } from '../../../test-support/databases.js';
import { changeFrom, deskDatabase, indexNames, walkLifecycle } from './intent-lifecycle.js';

const SCHEMA = 'desk';
const T = `${SCHEMA}.support_ticket`;

describe.each(targets)('add-index lifecycle on $name', (target) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await deskDatabase(target, 50, 500);
  });
  afterEach(() => t.drop());

  it('builds a partial index concurrently and drops it going back, clearing an invalid one left by a failed build', async () => {
    const id = 'index-open-tickets';
    const yaml = `version: 1
id: ${id}
title: Index open tickets by customer
intent: add-index
params: { table: ${T}, columns: [customer_id, opened_at], name: open_by_customer, where: "status <> 'closed'" }
`;
    // What a failed CREATE INDEX CONCURRENTLY leaves behind: an invalid index of the same name.
    await t.db.exec(`CREATE INDEX open_by_customer ON ${T} (subject); UPDATE pg_index SET indisvalid = false WHERE indexrelid = '${SCHEMA}.open_by_customer'::regclass`);
    await registerChange(t.db, changeFrom(yaml, id), 'test');
    let writes = 0;
    await walkLifecycle(t.db, id, async (applied) => {
      const index = (await indexNames(t.db, T)).find((i) => i.name === 'open_by_customer');
      if (applied === null) expect(index?.valid ?? false).toBe(false);
      else expect(index).toEqual({ name: 'open_by_customer', valid: true });
      // Writes go on in every state.
      await t.db.query(`INSERT INTO ${T} (customer_id, subject) VALUES ($1, 'x')`, [++writes]);
    });
    const { rows } = await t.db.query<{ def: string }>(`SELECT pg_get_indexdef('${SCHEMA}.open_by_customer'::regclass) AS def`);
    expect(rows[0]!.def).toBe(`CREATE INDEX open_by_customer ON ${T} USING btree (customer_id, opened_at) WHERE (status <> 'closed'::${SCHEMA}.ticket_status)`);
    const count = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${T}`);
    expect(count.rows[0]!.n).toBe(500 + writes);
  });
});
