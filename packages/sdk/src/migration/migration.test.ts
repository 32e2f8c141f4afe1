import { afterEach, describe, expect, it } from 'vitest';
import type { FlagDefinition } from '../flags/evaluate.js';
import { FlagClient } from '../flags/flag-client.js';
import { Migration, type MigrationOptions } from './migration.js';
import type { Side, SideEvent } from './migration-hooks.js';
import type { MetricsReporter } from './metrics-reporter.js';
import type { Mismatch } from './mismatch-reporter.js';
import type { Stage } from './stage.js';

const CHANGE = 'move-contract-details';
const READ = 'ReadContractDetailsFromCustomer';
const DUAL = 'DualWriteContractDetails';
const ctx = { key: 'customer-42', tenant: 'acme' };

const flag = (name: string, rolloutBps: number, over: Partial<FlagDefinition> = {}): FlagDefinition => ({
  name, enabled: true, rolloutBps, allowTenants: [], version: 1, ...over,
});

const clients: FlagClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

/** A Migration over a fixed snapshot: the change at `phase`, read flag at 0% or 100%. */
async function migration(
  phase: string | null,
  { readOn = false, dual = flag(DUAL, 10_000), rollingBack = false, ...opts }: { readOn?: boolean; dual?: FlagDefinition; rollingBack?: boolean } & Partial<MigrationOptions> = {},
): Promise<Migration> {
  const flags = await FlagClient.fromSource({
    load: async () => ({
      flags: new Map([[READ, flag(READ, readOn ? 10_000 : 0)], [DUAL, dual]]),
      phases: new Map([[CHANGE, phase]]),
      rollingBack: new Set(rollingBack ? [CHANGE] : []),
      loadedAt: new Date(),
    }),
  });
  clients.push(flags);
  return new Migration({ flags, change: CHANGE, sync: 'app', readFlag: READ, dualWriteFlag: DUAL, ...opts });
}

/** Read and write sides that record what ran, in order. */
function sides<T>(oldValue: T, newValue: T, fail: { old?: boolean; new?: boolean } = {}) {
  const calls: string[] = [];
  const side = (name: 'old' | 'new', value: T) => async (): Promise<T> => {
    calls.push(name);
    if (fail[name]) throw new Error(`${name} side down`);
    return value;
  };
  const write = (name: 'old' | 'new') => async (): Promise<void> => {
    await side(name, oldValue)();
  };
  return { calls, read: { old: side('old', oldValue), new: side('new', newValue) }, write: { old: write('old'), new: write('new') } };
}

describe('Migration.read', () => {
  it('does not compare while the change rolls back (the old shape is catching up by design)', async () => {
    const m = await migration('read-switch', { readOn: true, rollingBack: true });
    const s = sides('stale', 'current');
    expect(await m.read(ctx, s.read)).toBe('current');
    expect(s.calls).toEqual(['new']);
    await m.settled();
    expect(m.counters()).toMatchObject({ reads: 1, shadowCompares: 0, mismatches: 0 });
  });

  it('shadow: returns old, compares with new and reports the mismatch', async () => {
    const reported: Mismatch[] = [];
    const m = await migration('read-switch', { reporter: { report: (x) => reported.push(x) }, appVersion: 'v2' });
    expect(m.stage(ctx)).toBe('shadow');
    const s = sides({ tier: 'gold' }, { tier: 'silver' });
    expect(await m.read(ctx, s.read)).toEqual({ tier: 'gold' });
    expect(s.calls.sort()).toEqual(['new', 'old']);
    await m.settled();
    expect(m.counters()).toMatchObject({ reads: 1, shadowCompares: 1, mismatches: 1 });
    expect(reported).toEqual([
      { flag: READ, changeId: CHANGE, key: 'customer-42', tenant: 'acme', oldValue: { tier: 'gold' }, newValue: { tier: 'silver' }, appVersion: 'v2', at: expect.any(Date) },
    ]);
  });

  it('live: returns new and compares with old', async () => {
    const reported: Mismatch[] = [];
    const m = await migration('read-switch', { readOn: true, reporter: { report: (x) => reported.push(x) } });
    expect(m.stage(ctx)).toBe('live');
    const s = sides({ end: new Date('2025-01-01') }, { end: new Date('2025-01-01') });
    expect(await m.read(ctx, s.read)).toEqual({ end: new Date('2025-01-01') });
    await m.settled();
    expect(m.counters()).toMatchObject({ shadowCompares: 1, mismatches: 0 });
    expect(reported).toEqual([]);
  });

  it('uses a custom equality', async () => {
    const m = await migration('read-switch');
    await m.read(ctx, { ...sides('Gold', 'gold').read, equal: (a, b) => a.toLowerCase() === b.toLowerCase() });
    await m.settled();
    expect(m.counters()).toMatchObject({ shadowCompares: 1, mismatches: 0 });
  });

  it('shadow: a failing new side is counted, not thrown', async () => {
    const m = await migration('read-switch');
    expect(await m.read(ctx, sides('old', 'new', { new: true }).read)).toBe('old');
    await m.settled();
    expect(m.counters()).toMatchObject({ newSideErrors: 1, shadowCompares: 0, mismatches: 0 });
  });

  it('shadow: a new side that throws synchronously is counted, not thrown', async () => {
    const m = await migration('read-switch');
    const read = { old: async () => 'old', new: (): Promise<string> => { throw new Error('not async'); } };
    expect(await m.read(ctx, read)).toBe('old');
    await m.settled();
    expect(m.counters()).toMatchObject({ newSideErrors: 1 });
  });

  it('live: a failing old side is counted, not thrown', async () => {
    const m = await migration('read-switch', { readOn: true });
    expect(await m.read(ctx, sides('old', 'new', { old: true }).read)).toBe('new');
    await m.settled();
    expect(m.counters()).toMatchObject({ oldSideErrors: 1, shadowCompares: 0 });
  });

  it('compares one read in sampleEvery', async () => {
    const m = await migration('read-switch', { sampleEvery: 3 });
    const s = sides('old', 'new');
    for (let i = 0; i < 9; i++) expect(await m.read(ctx, s.read)).toBe('old');
    expect(s.calls.filter((c) => c === 'new')).toHaveLength(3);
    await m.settled();
    expect(m.counters()).toMatchObject({ reads: 9, shadowCompares: 3, mismatches: 3 });
  });
});

/**
 * Every stage, as the application sees it: the phase and read flag that lead
 * there, which sides a read calls and which value it returns, and the order of
 * the app's writes (authoritative first) with the dual-write flag on. With
 * sync 'app' the app writes the other side itself; with sync 'trigger' it
 * writes only the authoritative side and the database copies it.
 */
const stages: Array<{ phase: string | null; readOn: boolean; stage: Stage; reads: string[]; returns: string; appWrites: string[] }> = [
  { phase: null, readOn: true, stage: 'off', reads: ['old'], returns: 'old', appWrites: ['old'] },
  { phase: 'expand', readOn: true, stage: 'off', reads: ['old'], returns: 'old', appWrites: ['old'] },
  { phase: 'dual-write', readOn: true, stage: 'dual-write', reads: ['old'], returns: 'old', appWrites: ['old', 'new'] },
  { phase: 'backfill', readOn: true, stage: 'dual-write', reads: ['old'], returns: 'old', appWrites: ['old', 'new'] },
  { phase: 'read-switch', readOn: false, stage: 'shadow', reads: ['new', 'old'], returns: 'old', appWrites: ['old', 'new'] },
  { phase: 'read-switch', readOn: true, stage: 'live', reads: ['new', 'old'], returns: 'new', appWrites: ['old', 'new'] },
  { phase: 'cut-off', readOn: false, stage: 'ramp-down', reads: ['new'], returns: 'new', appWrites: ['new', 'old'] },
  { phase: 'cut-off', readOn: true, stage: 'ramp-down', reads: ['new'], returns: 'new', appWrites: ['new', 'old'] },
  { phase: 'contract', readOn: true, stage: 'complete', reads: ['new'], returns: 'new', appWrites: ['new'] },
];
const bothSyncModes = (['app', 'trigger'] as const).flatMap((sync) =>
  stages.map(({ appWrites, ...s }) => ({ ...s, sync, writes: sync === 'app' ? appWrites : appWrites.slice(0, 1) })),
);
const appSync = bothSyncModes.filter((x) => x.sync === 'app');

describe('every stage', () => {
  it.each(bothSyncModes)('sync $sync: $phase (read flag $readOn) → $stage: reads $reads, returns $returns, the app writes $writes', async ({ phase, readOn, sync, stage, reads, returns, writes }) => {
    const m = await migration(phase, { readOn, sync });
    expect(m.stage(ctx)).toBe(stage);
    const r = sides('old', 'new');
    expect(await m.read(ctx, r.read)).toBe(returns);
    expect(r.calls.sort()).toEqual(reads);
    const w = sides(null, null);
    await m.write(ctx, w.write);
    expect(w.calls).toEqual(writes);
    expect(m.counters()).toMatchObject({ dualWrites: writes.length - 1, dualWriteErrors: 0 });
  });

  it.each(bothSyncModes)('sync $sync, $stage: when the authoritative write ($writes.0) fails, the write throws and the other side is not attempted', async ({ phase, readOn, sync, writes }) => {
    const m = await migration(phase, { readOn, sync });
    const s = sides(null, null, { [writes[0]!]: true });
    await expect(m.write(ctx, s.write)).rejects.toThrow(`${writes[0]} side down`);
    expect(s.calls).toEqual([writes[0]]);
    expect(m.counters()).toMatchObject({ dualWrites: 0, dualWriteErrors: 0 });
  });

  it.each(appSync.filter((x) => x.writes.length === 2))('sync app, $stage: when the other write ($writes.1) fails, it is recorded, never thrown', async ({ phase, readOn, writes }) => {
    const sideEvents: SideEvent[] = [];
    const m = await migration(phase, { readOn, hooks: { onWrite: (e) => sideEvents.push(e) } });
    const s = sides(null, null, { [writes[1]!]: true });
    await expect(m.write(ctx, s.write)).resolves.toBeUndefined();
    expect(s.calls).toEqual(writes);
    expect(m.counters()).toMatchObject({ dualWrites: 1, dualWriteErrors: 1 });
    expect(m.counters().sides[writes[1] as Side]).toMatchObject({ calls: 1, errors: 1 });
    expect(sideEvents.map((e) => `${e.side}:${e.outcome}`)).toEqual([`${writes[0]}:ok`, `${writes[1]}:error`]);
  });

  it.each(appSync)('$stage: a failing read of the returned side ($returns) throws', async ({ phase, readOn, returns }) => {
    const m = await migration(phase, { readOn });
    await expect(m.read(ctx, sides('o', 'n', { [returns]: true }).read)).rejects.toThrow(`${returns} side down`);
  });
});

describe('Migration.write', () => {
  it('ramp-down: old is written only where the dual-write flag is on, so it can ramp down per key', async () => {
    const m = await migration('cut-off', { dual: flag(DUAL, 0, { allowTenants: ['acme'] }) });
    const inTenant = sides(null, null);
    await m.write(ctx, inTenant.write);
    expect(inTenant.calls).toEqual(['new', 'old']);
    const elsewhere = sides(null, null);
    await m.write({ key: 'customer-42', tenant: 'globex' }, elsewhere.write);
    expect(elsewhere.calls).toEqual(['new']);
  });

  it('writes new only where the dual-write flag is on for the context', async () => {
    const m = await migration('dual-write', { dual: flag(DUAL, 0, { allowTenants: ['acme'] }) });
    const inTenant = sides(null, null);
    await m.write(ctx, inTenant.write);
    expect(inTenant.calls).toEqual(['old', 'new']);
    const elsewhere = sides(null, null);
    await m.write({ key: 'customer-42', tenant: 'globex' }, elsewhere.write);
    expect(elsewhere.calls).toEqual(['old']);
  });
});

describe('Migration with a metrics reporter', () => {
  /** A MetricsReporter that remembers what it was told. */
  function recording() {
    const calls: string[] = [];
    const compares: string[] = [];
    const metrics: MetricsReporter = {
      recordCall: (change, op, side, durationMs, ok) => {
        expect(durationMs).toBeGreaterThanOrEqual(0);
        calls.push(`${change} ${op} ${side} ${ok ? 'ok' : 'error'}`);
      },
      recordCompare: (flag, change, equal) => compares.push(`${flag} ${change} ${equal ? 'equal' : 'differ'}`),
    };
    return { metrics, calls, compares };
  }

  it('feeds every side call and every comparison, failures included', async () => {
    const r = recording();
    const m = await migration('read-switch', { metrics: r.metrics });
    await m.read(ctx, sides('gold', 'gold').read);
    await m.read(ctx, sides('gold', 'silver').read);
    await m.read(ctx, sides('gold', 'gold', { new: true }).read);
    await m.write(ctx, sides(1, 1, { new: true }).write);
    await m.settled();
    expect([...r.calls].sort()).toEqual([
      `${CHANGE} read new error`, `${CHANGE} read new ok`, `${CHANGE} read new ok`,
      `${CHANGE} read old ok`, `${CHANGE} read old ok`, `${CHANGE} read old ok`,
      `${CHANGE} write new error`, `${CHANGE} write old ok`,
    ]);
    // A failed side is not a comparison.
    expect(r.compares).toEqual([`${READ} ${CHANGE} equal`, `${READ} ${CHANGE} differ`]);
  });

  it('a throwing reporter never fails a read or a write', async () => {
    const metrics: MetricsReporter = {
      recordCall: () => {
        throw new Error('metrics broken');
      },
      recordCompare: () => {
        throw new Error('metrics broken');
      },
    };
    const m = await migration('read-switch', { metrics });
    expect(await m.read(ctx, sides('gold', 'silver').read)).toBe('gold');
    await m.write(ctx, sides(1, 1).write);
    await m.settled();
    expect(m.counters()).toMatchObject({ reads: 1, shadowCompares: 1, mismatches: 1, dualWrites: 1 });
  });
});
