import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvent, LEDGER_VERSION, LedgerTooNewError, migrateLedger, readEvents, verifyLedger } from '@switchback/engine';
import { targets, type TestDatabase } from '../../../test-support/databases.js';

describe.each(targets)('ledger on $name', (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await target.create();
    for (let i = 0; i < 5; i++) {
      await t.db.transaction((tx) => appendEvent(tx, { change: 'c1', phase: 'expand', actor: 'ana@host', action: 'step.sql', outcome: 'succeeded', sql: `ALTER TABLE x ADD COLUMN c${i} text`, evidence: { i, nested: { b: 1, a: [1, 'two', null] }, text: 'nul\u0000byte' } }));
    }
  });
  afterAll(() => t.drop());

  it('chains every event to the one before', async () => {
    const events = await readEvents(t.db);
    expect(events.map((e) => Number(e.seq))).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < events.length; i++) expect(events[i]!.prev_hash).toBe(events[i - 1]!.hash);
    expect(await verifyLedger(t.db)).toEqual({ ok: true, events: 5 });
  });

  it('refuses updates, deletes and truncation', async () => {
    await expect(t.db.query(`UPDATE switchback.events SET actor = 'mallory' WHERE seq = 2`)).rejects.toThrow(/append-only/);
    await expect(t.db.query(`DELETE FROM switchback.events WHERE seq = 2`)).rejects.toThrow(/append-only/);
    await expect(t.db.query(`TRUNCATE switchback.events`)).rejects.toThrow(/append-only/);
  });

  it.each([
    ['an edited event', `UPDATE switchback.events SET evidence = '{"i": 99}' WHERE seq = 3`, 3, /edited/],
    ['a deleted event', `DELETE FROM switchback.events WHERE seq = 2`, 3, /deleted/],
    ['a rewritten actor', `UPDATE switchback.events SET actor = 'mallory' WHERE seq = 5`, 5, /edited/],
  ])('detects %s even when the guard trigger is bypassed', async (_what, tamper, seq, reason) => {
    await t.db.transaction(async (tx) => {
      await tx.exec('ALTER TABLE switchback.events DISABLE TRIGGER USER');
      await tx.exec(tamper);
      const r = await verifyLedger(tx as never);
      expect(r.ok).toBe(false);
      expect(r.broken?.seq).toBe(seq);
      expect(r.broken?.reason).toMatch(reason);
      throw new Error('rollback');
    }).catch((e: Error) => expect(e.message).toBe('rollback'));
    expect((await verifyLedger(t.db)).ok).toBe(true);
  });

  it('migrates forward idempotently and refuses a ledger newer than it knows', async () => {
    expect(await migrateLedger(t.db)).toEqual({ from: LEDGER_VERSION, to: LEDGER_VERSION });
    await t.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO switchback.schema_version (version, description) VALUES ($1, 'from the future')`, [LEDGER_VERSION + 1]);
      throw new Error('rollback');
    }).catch(() => {});
    const fresh = await target.create({ ledger: false });
    try {
      const runs = await Promise.all([migrateLedger(fresh.db), migrateLedger(fresh.db)]);
      expect(runs.map((r) => r.to)).toEqual([LEDGER_VERSION, LEDGER_VERSION]);
      await fresh.db.query(`INSERT INTO switchback.schema_version (version, description) VALUES ($1, 'from the future')`, [LEDGER_VERSION + 1]);
      await expect(migrateLedger(fresh.db)).rejects.toBeInstanceOf(LedgerTooNewError);
    } finally {
      await fresh.drop();
    }
  });

  it('allows one running phase per change, enforced by the database', async () => {
    await t.db.query(`INSERT INTO switchback.changes (id, intent, title, sync, spec, plan, plan_hash) VALUES ('c1', 'move-columns', 't', 'trigger', '{}', '{}', 'h')`);
    await t.db.query(`INSERT INTO switchback.phase_runs (change_id, phase, direction, status, actor) VALUES ('c1', 'expand', 'forward', 'running', 'a')`);
    await expect(t.db.query(`INSERT INTO switchback.phase_runs (change_id, phase, direction, status, actor) VALUES ('c1', 'dual-write', 'forward', 'running', 'b')`)).rejects.toThrow(/phase_runs_one_active/);
  });
});
