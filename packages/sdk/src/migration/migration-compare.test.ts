/**
 * Compared reads off the request's path: the returned side's value never
 * waits for the other side, and comparisons are bounded in number.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { FlagClient } from '../flags/flag-client.js';
import { Migration, type MigrationOptions } from './migration.js';
import type { Mismatch } from './mismatch-reporter.js';

const CHANGE = 'move-contract-details';
const READ = 'ReadContractDetailsFromCustomer';
const ctx = { key: 'customer-42' };

const clients: FlagClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

/** A Migration at read-switch: shadow with the read flag off, live with it on. */
async function migration(stage: 'shadow' | 'live', opts: Partial<MigrationOptions> = {}): Promise<Migration> {
  const read = { name: READ, enabled: true, rolloutBps: stage === 'live' ? 10_000 : 0, allowTenants: [], version: 1 };
  const flags = await FlagClient.fromSource({ load: async () => ({ flags: new Map([[READ, read]]), phases: new Map([[CHANGE, 'read-switch']]), loadedAt: new Date() }) });
  clients.push(flags);
  const m = new Migration({ flags, change: CHANGE, sync: 'app', readFlag: READ, dualWriteFlag: 'DualWriteContractDetails', ...opts });
  expect(m.stage(ctx)).toBe(stage);
  return m;
}

/** A side whose calls each wait until released, with a value or an error. */
function heldSide<T>() {
  const waiting: Array<{ resolve: (v: T) => void; reject: (e: Error) => void }> = [];
  let calls = 0;
  return {
    call: () => {
      calls++;
      return new Promise<T>((resolve, reject) => waiting.push({ resolve, reject }));
    },
    get calls() {
      return calls;
    },
    get held() {
      return waiting.length;
    },
    release: (value: T) => waiting.shift()!.resolve(value),
    fail: (error: Error) => waiting.shift()!.reject(error),
  };
}

/** Whether `p` has settled once pending callbacks have run. */
async function isSettled(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  p.then(() => (settled = true), () => (settled = true));
  await new Promise((r) => setTimeout(r, 0));
  return settled;
}

describe.each([
  { stage: 'shadow' as const, returned: 'old' as const, other: 'new' as const, errors: 'newSideErrors' as const },
  { stage: 'live' as const, returned: 'new' as const, other: 'old' as const, errors: 'oldSideErrors' as const },
])('$stage: a compared read returns $returned without waiting for $other', ({ stage, returned, other, errors }) => {
  const impl = (held: ReturnType<typeof heldSide<string>>) =>
    ({ [returned]: async () => 'returned', [other]: held.call }) as { old: () => Promise<string>; new: () => Promise<string> };

  it(`returns at once; the comparison and its report follow when ${other} is in`, async () => {
    const reported: Mismatch[] = [];
    const m = await migration(stage, { reporter: { report: (x) => reported.push(x) } });
    const held = heldSide<string>();
    expect(await m.read(ctx, impl(held))).toBe('returned');
    expect(held.calls).toBe(1);
    expect(m.counters()).toMatchObject({ reads: 1, shadowCompares: 0, mismatches: 0 });
    const settled = m.settled();
    expect(await isSettled(settled)).toBe(false);
    held.release('differs');
    await settled;
    expect(m.counters()).toMatchObject({ shadowCompares: 1, mismatches: 1 });
    expect(reported).toHaveLength(1);
  });

  it(`a ${other} failure after the read returned is counted, never thrown`, async () => {
    const m = await migration(stage);
    const held = heldSide<string>();
    expect(await m.read(ctx, impl(held))).toBe('returned');
    held.fail(new Error(`${other} down`));
    await m.settled();
    expect(m.counters()).toMatchObject({ [errors]: 1, shadowCompares: 0 });
    expect(m.counters().sides[other]).toMatchObject({ calls: 1, errors: 1 });
  });

  it(`a ${returned} failure is thrown at once; ${other} finishes off the path and is not compared`, async () => {
    const m = await migration(stage);
    const held = heldSide<string>();
    const failing = { ...impl(held), [returned]: async () => { throw new Error(`${returned} down`); } };
    await expect(m.read(ctx, failing)).rejects.toThrow(`${returned} down`);
    held.release('late');
    await m.settled();
    expect(m.counters()).toMatchObject({ shadowCompares: 0, [errors]: 0 });
    expect(m.counters().sides[other]).toMatchObject({ calls: 1, errors: 0 });
  });

  it('with awaitCompare, returns only once compared (both sides on one transaction)', async () => {
    const m = await migration(stage);
    const held = heldSide<string>();
    const read = m.read(ctx, { ...impl(held), awaitCompare: true });
    expect(await isSettled(read)).toBe(false);
    held.release('returned');
    expect(await read).toBe('returned');
    expect(m.counters()).toMatchObject({ shadowCompares: 1, mismatches: 0 });
  });
});

describe('maxComparesInFlight', () => {
  it('runs at most that many comparisons; a sampled read beyond reads one side and is counted as skipped', async () => {
    const m = await migration('shadow', { maxComparesInFlight: 2 });
    const held = heldSide<string>();
    const read = { old: async () => 'old', new: held.call };
    for (let i = 0; i < 5; i++) expect(await m.read(ctx, read)).toBe('old');
    expect(held.calls).toBe(2);
    expect(m.counters()).toMatchObject({ reads: 5, shadowCompares: 0, comparesSkipped: 3 });
    expect(m.counters().sides.old.calls).toBe(5);
    held.release('old');
    await new Promise((r) => setTimeout(r, 0));
    // One finished, so the next sampled read is compared again.
    expect(await m.read(ctx, read)).toBe('old');
    expect(held.calls).toBe(3);
    while (held.held > 0) held.release('old');
    await m.settled();
    expect(m.counters()).toMatchObject({ reads: 6, shadowCompares: 3, comparesSkipped: 3, mismatches: 0 });
  });

  it('property: reads never wait for the other side, at most the bound run at once, and every sampled read is compared or skipped', async () => {
    const step = fc.oneof(fc.constant({ kind: 'read' as const }), fc.record({ kind: fc.constant('release' as const), at: fc.nat(), same: fc.boolean() }));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.array(step, { maxLength: 40 }), async (max, every, steps) => {
        const m = await migration('shadow', { maxComparesInFlight: max, sampleEvery: every });
        const held: Array<(v: string) => void> = [];
        let reads = 0;
        let peak = 0;
        const release = (at: number, value: string) => held.splice(at % held.length, 1)[0]!(value);
        for (const s of steps) {
          if (s.kind === 'release') {
            if (held.length > 0) release(s.at, s.same ? 'old' : 'other');
            await new Promise((r) => setTimeout(r, 0));
            continue;
          }
          reads++;
          expect(await m.read(ctx, { old: async () => 'old', new: () => new Promise<string>((r) => held.push(r)) })).toBe('old');
          peak = Math.max(peak, held.length);
        }
        while (held.length > 0) release(0, 'old');
        await m.settled();
        const c = m.counters();
        expect(peak).toBeLessThanOrEqual(max);
        expect(c.shadowCompares + c.comparesSkipped).toBe(Math.ceil(reads / every));
        expect(c.sides.new.calls).toBe(c.shadowCompares);
        await clients.pop()!.close();
      }),
      { numRuns: 200, seed: 380 },
    );
  });
});
