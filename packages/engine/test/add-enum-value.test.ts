import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advance, registerChange, rollback } from '@switchback/engine';
import { targets, type TestDatabase } from '../../../test-support/databases.js';
import { changeFrom, deskDatabase, exec, walkLifecycle } from './intent-lifecycle.js';

const SCHEMA = 'desk';
const T = `${SCHEMA}.support_ticket`;
const yaml = (id: string) => `version: 1
id: ${id}
title: Tickets can be escalated
intent: add-enum-value
params: { type: ${SCHEMA}.ticket_status, value: escalated, after: pending }
`;

async function labels(db: TestDatabase['db']): Promise<string[]> {
  const { rows } = await db.query<{ l: string }>(`SELECT enumlabel AS l FROM pg_enum WHERE enumtypid = '${SCHEMA}.ticket_status'::regtype ORDER BY enumsortorder`);
  return rows.map((r) => r.l);
}

describe.each(targets)('add-enum-value lifecycle on $name', (target) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await deskDatabase(target, 50, 100);
  });
  afterEach(() => t.drop());

  it('adds the value usable at once; going back leaves it unused in the type', async () => {
    const id = 'status-escalated';
    await registerChange(t.db, changeFrom(yaml(id), id), 'test');
    let added = false;
    await walkLifecycle(t.db, id, async (applied, how) => {
      if (applied) added = true;
      expect(await labels(t.db)).toEqual(added ? ['open', 'pending', 'escalated', 'closed'] : ['open', 'pending', 'closed']);
      // The previous version's writes work throughout; the new value only once added.
      await t.db.query(`UPDATE ${T} SET status = 'closed' WHERE id = 1`);
      if (applied) {
        await t.db.query(`UPDATE ${T} SET status = 'escalated' WHERE id = 2`);
        const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${T} WHERE status > 'pending' AND status < 'closed'`);
        expect(rows[0]!.n, 'sorts between pending and closed').toBe(1);
        if (how === 'forward') await t.db.query(`UPDATE ${T} SET status = 'pending' WHERE id = 2`);
      }
    });
  });

  it('refuses to go back while rows hold the value, naming where', async () => {
    const id = 'status-escalated-used';
    await registerChange(t.db, changeFrom(yaml(id), id), 'test');
    expect((await advance(t.db, id, exec)).outcome).toBe('succeeded');
    await t.db.exec(`UPDATE ${T} SET status = 'escalated' WHERE id <= 3`);
    const r = await rollback(t.db, id, exec);
    expect(r.outcome).toBe('failed');
    expect(r.reason).toMatch(/rows still hold desk\.ticket_status\.escalated in desk\.support_ticket\.status/);
    await t.db.exec(`UPDATE ${T} SET status = 'pending' WHERE status = 'escalated'`);
    expect((await rollback(t.db, id, exec)).outcome).toBe('succeeded');
  });
});
