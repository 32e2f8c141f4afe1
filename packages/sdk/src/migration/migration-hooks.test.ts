import { afterEach, describe, expect, it } from 'vitest';
import { FlagClient } from '../flags/flag-client.js';
import { Migration } from './migration.js';
import type { CompareEvent, MigrationHooks, SideEvent } from './migration-hooks.js';

const CHANGE = 'move-contract-details';
const READ = 'ReadContractDetailsFromCustomer';
const DUAL = 'DualWriteContractDetails';
const ctx = { key: 'customer-42' };
const clients: FlagClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function migrationAt(phase: string, events: { sides: SideEvent[]; compares: CompareEvent[] }, throwing = false): Promise<Migration> {
  const on = (name: string) => ({ name, enabled: true, rolloutBps: 0, allowTenants: [], version: 1 });
  const flags = await FlagClient.fromSource({
    load: async () => ({ flags: new Map([[READ, on(READ)], [DUAL, { ...on(DUAL), rolloutBps: 10_000 }]]), phases: new Map([[CHANGE, phase]]), loadedAt: new Date() }),
  });
  clients.push(flags);
  const record = <E>(list: E[]) => (e: E): void => {
    list.push(e);
    if (throwing) throw new Error('broken hook');
  };
  return new Migration({
    flags, change: CHANGE, sync: 'app', readFlag: READ, dualWriteFlag: DUAL,
    hooks: { onRead: record(events.sides), onWrite: record(events.sides), onCompare: record(events.compares) },
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Migration hooks and side counters', () => {
  it('reports every side call with its latency and outcome, and every comparison', async () => {
    const events = { sides: [] as SideEvent[], compares: [] as CompareEvent[] };
    const m = await migrationAt('read-switch', events);
    await m.read(ctx, { old: async () => (await sleep(30), 'gold'), new: async () => { throw new Error('new down'); } });
    await m.read(ctx, { old: async () => 'gold', new: async () => 'silver' });
    await m.settled();
    await m.write(ctx, { old: async () => {}, new: async () => {} });
    const brief = events.sides.map(({ op, side, outcome }) => `${op}:${side}:${outcome}`).sort();
    expect(brief).toEqual(['read:new:error', 'read:new:ok', 'read:old:ok', 'read:old:ok', 'write:new:ok', 'write:old:ok']);
    const slow = events.sides.find((e) => e.op === 'read' && e.side === 'old');
    expect(slow?.durationMs).toBeGreaterThanOrEqual(25);
    expect(events.sides.find((e) => e.outcome === 'error')?.error).toEqual(new Error('new down'));
    expect(events.compares).toEqual([{ change: CHANGE, flag: READ, equal: false }]);
    const { sides } = m.counters();
    expect(sides.old).toMatchObject({ calls: 3, errors: 0 });
    expect(sides.new).toMatchObject({ calls: 3, errors: 1 });
    expect(sides.old.maxMs).toBeGreaterThanOrEqual(25);
    expect(sides.old.totalMs).toBeGreaterThanOrEqual(sides.old.maxMs);
  });

  it('counts authoritative failures too, and still throws them', async () => {
    const m = await migrationAt('cut-off', { sides: [], compares: [] });
    await expect(m.read(ctx, { old: async () => 1, new: async () => { throw new Error('down'); } })).rejects.toThrow('down');
    await expect(m.write(ctx, { old: async () => {}, new: () => { throw new Error('sync down'); } })).rejects.toThrow('sync down');
    expect(m.counters().sides).toMatchObject({ old: { calls: 0 }, new: { calls: 2, errors: 2 } });
  });

  it('a throwing hook does not fail the request', async () => {
    const events = { sides: [] as SideEvent[], compares: [] as CompareEvent[] };
    const m = await migrationAt('read-switch', events, true);
    expect(await m.read(ctx, { old: async () => 'a', new: async () => 'a' })).toBe('a');
    await m.settled();
    expect(events.sides).toHaveLength(2);
    expect(events.compares).toHaveLength(1);
  });

  describe('wrapSide', () => {
    const migrationWith = async (wrapSide: MigrationHooks['wrapSide']) => {
      const flags = await FlagClient.fromSource({ load: async () => ({ flags: new Map(), phases: new Map([[CHANGE, 'dual-write']]), loadedAt: new Date() }) });
      clients.push(flags);
      return new Migration({ flags, change: CHANGE, sync: 'app', readFlag: READ, dualWriteFlag: DUAL, hooks: { wrapSide } });
    };

    it('runs around every side call, which runs inside it', async () => {
      const log: string[] = [];
      const m = await migrationWith(async (call, run) => {
        log.push(`enter ${call.change} ${call.op} ${call.side}`);
        try {
          return await run();
        } finally {
          log.push(`leave ${call.side}`);
        }
      });
      expect(await m.read(ctx, { old: async () => (log.push('old runs'), 'v'), new: async () => 'n' })).toBe('v');
      expect(log).toEqual([`enter ${CHANGE} read old`, 'old runs', 'leave old']);
    });

    it.each([
      ['throws before calling', (): Promise<never> => { throw new Error('broken wrapper'); }],
      ['rejects before calling', async (): Promise<never> => { throw new Error('broken wrapper'); }],
      ['calls, then throws', async (_c: unknown, run: () => Promise<unknown>) => { await run(); throw new Error('broken wrapper'); }],
      ['calls twice, returns something else', async (_c: unknown, run: () => Promise<unknown>) => { await run(); await run(); return 'other'; }],
      ['calls without waiting', (_c: unknown, run: () => Promise<unknown>) => { void run(); return Promise.resolve('other'); }],
    ])('a wrapper that %s: the side runs exactly once and its own result counts', async (_name, wrap) => {
      const m = await migrationWith(wrap as MigrationHooks['wrapSide']);
      let runs = 0;
      expect(await m.read(ctx, { old: async () => (runs++, 'v'), new: async () => 'n' })).toBe('v');
      expect(runs).toBe(1);
      await expect(m.read(ctx, { old: async () => { runs++; throw new Error('old down'); }, new: async () => 'n' })).rejects.toThrow('old down');
      expect(runs).toBe(2);
      expect(m.counters().sides.old).toMatchObject({ calls: 2, errors: 1 });
    });
  });
});
