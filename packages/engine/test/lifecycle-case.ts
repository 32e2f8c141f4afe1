/**
 * The lifecycle harness for any intent: forward through every phase (back
 * one and forward again at each), back to the start, forward again to the
 * end; at every stop the old app version's queries, the new version's
 * queries and "no committed write is lost" are checked against what the
 * applied phase promises.
 */
import { expect } from 'vitest';
import { advance, changeStatus, registerChange, rollback, verifyLedger, type Db } from '@switchback/engine';
import type { ChangeSpec, PhaseId, Plan } from '@switchback/core';

const exec = { actor: 'test', propagationMs: 0 };

export interface LifecycleCase {
  change: ChangeSpec;
  /** Queries of the previous app version: they must succeed in every state before contract, and fail after it (unless `oldQueriesRunAfterContract`). */
  oldQueries: string[];
  /** The old shape's tables survive contract (split-table), so its queries still run, on fewer rows. */
  oldQueriesRunAfterContract?: boolean;
  /** Queries of the new app version, and the first phase after which they must succeed. */
  newQueries: string[];
  newQueriesFrom: PhaseId | 'start';
  /** One write by the old version (`n` is unique per call); it records what it committed. */
  oldWrite(db: Db, n: number): Promise<void>;
  /** One write by the new version, made from `newWritesFrom` on. */
  newWrite?(db: Db, n: number): Promise<void>;
  newWritesFrom?: PhaseId;
  /** Committed writes the old shape (before contract) or the new shape (from `newHoldsFrom`) does not hold. */
  lost(db: Db, shape: 'old' | 'new'): Promise<string[]>;
  newHoldsFrom: PhaseId;
  /** Further checks of the state with `applied` as the last applied phase (-1 = none). */
  expectState?(db: Db, applied: number, plan: Plan): Promise<void>;
}

async function succeeds(db: Db, sql: string): Promise<string | undefined> {
  try {
    await db.query(sql);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Run `c` through the whole lifecycle on `db` (which holds the tables and rows already). */
export async function runLifecycle(db: Db, c: LifecycleCase): Promise<void> {
  const id = c.change.id;
  const row = await registerChange(db, c.change, 'test');
  const plan = row.plan;
  const ids = plan.phases.map((p) => p.id);
  const at = (p: PhaseId | 'start' | undefined, fallback: number) => (p === undefined ? fallback : p === 'start' ? -1 : ids.indexOf(p));
  const contract = at('contract', ids.length);
  const newQueriesFrom = at(c.newQueriesFrom, -1);
  const newWritesFrom = at(c.newWritesFrom, ids.length);
  const newHoldsFrom = at(c.newHoldsFrom, ids.length);
  let n = 0;

  const check = async (applied: number, where: string) => {
    const state = `${where} (applied: ${applied < 0 ? 'none' : ids[applied]})`;
    expect((await changeStatus(db, id)).appliedPhase, state).toBe(applied < 0 ? null : ids[applied]);
    for (const q of c.oldQueries) {
      const error = await succeeds(db, q);
      if (applied < contract) expect(error, `old version query fails ${state}: ${q}`).toBeUndefined();
      else if (!c.oldQueriesRunAfterContract) expect(error, `old version query still works after contract ${state}: ${q}`).toBeDefined();
    }
    if (applied >= newQueriesFrom) for (const q of c.newQueries) expect(await succeeds(db, q), `new version query fails ${state}: ${q}`).toBeUndefined();
    if (applied < contract) expect(await c.lost(db, 'old'), `writes lost from the old shape ${state}`).toEqual([]);
    if (applied >= newHoldsFrom) expect(await c.lost(db, 'new'), `writes lost from the new shape ${state}`).toEqual([]);
    await c.expectState?.(db, applied, plan);
    // The apps keep writing in every state they may run in.
    if (applied < contract) await c.oldWrite(db, ++n);
    if (c.newWrite && applied >= newWritesFrom) await c.newWrite(db, ++n);
  };

  await check(-1, 'before the change');
  for (const [i, phase] of ids.entries()) {
    const r = await advance(db, id, { ...exec, to: phase });
    expect(r.outcome, r.reason).toBe('succeeded');
    await check(i, `after advancing to ${phase}`);
    const back = await rollback(db, id, exec);
    expect(back.outcome, back.reason).toBe('succeeded');
    await check(i - 1, `after rolling ${phase} back`);
    const again = await advance(db, id, { ...exec, to: phase });
    expect(again.outcome, again.reason).toBe('succeeded');
    await check(i, `after advancing to ${phase} again`);
  }
  const all = await rollback(db, id, { ...exec, to: 'start' });
  expect(all.outcome, all.reason).toBe('succeeded');
  await check(-1, 'after rolling back to the start');
  const forward = await advance(db, id, { ...exec, to: ids[ids.length - 1]! });
  expect(forward.outcome, forward.reason).toBe('succeeded');
  await check(ids.length - 1, 'after going forward again');
  expect((await advance(db, id, exec)).reason).toMatch(/complete/);
  await check(ids.length - 1, 'when complete');
  expect((await verifyLedger(db)).ok).toBe(true);
}
