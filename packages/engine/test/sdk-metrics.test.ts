/**
 * The SDK's DbMetricsReporter feeding the engine's metric gates: an app reads
 * through the migration helper, its rows land in switchback.side_metrics and
 * switchback.shadow_compares, and the gates judge them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advance, evaluateGates, histogramQuantile, mergeHistograms, registerChange, type GateResult } from '@switchback/engine';
import type { Gate } from '@switchback/core';
import { SupportDeskApp, TENANTS, TIERS, type Customer } from '@switchback/example-support-desk';
import { demoChange } from '../../cli/src/demo/demo-change.js';
import { loadExample } from '../../../test-support/support-desk-change.js';
import { targets, type TestDatabase } from '../../../test-support/databases.js';
import { FakeClock } from '../../../test-support/fake-clock.js';

const ID = 'sdk-metrics';
const FLAG = 'ReadContractDetailsFromCustomer';
const MIN = 60_000;
const ROWS = 200;

const gates: Gate[] = [
  { id: 'traffic', kind: 'min-traffic', description: 'enough calls', minCalls: 100, windowSeconds: 600 },
  { id: 'new-errors', kind: 'error-rate', description: 'new reads rarely fail', side: 'new', op: 'read', maxRate: 0.02, minCalls: 100, windowSeconds: 600 },
  // Generous: a loaded machine must not fail the healthy case (the slow case asks for less).
  { id: 'new-p95', kind: 'latency', description: 'new reads are fast', side: 'new', op: 'read', quantile: 0.95, maxMs: 2000, minCalls: 100, windowSeconds: 600 },
  { id: 'mismatch-rate', kind: 'shadow-mismatch-rate', description: 'shadow reads agree', flag: FLAG, maxRate: 0.02, minCompares: 100, windowSeconds: 600 },
];

/** What the new read path does wrong for customer `id`, if anything. */
type Fault = (id: number) => 'corrupt' | 'fail' | 'slow' | undefined;

describe.each(targets)('SDK metrics through the gates on $name', (target) => {
  let t: TestDatabase;
  let clock: FakeClock;
  let app: SupportDeskApp;

  beforeEach(async () => {
    t = await target.create();
    await loadExample(t.db, 'desk', ROWS);
    clock = new FakeClock();
    await registerChange(t.db, demoChange('desk', 'trigger', ID), 'test');
    await advance(t.db, ID, { actor: 'test', propagationMs: 0, to: 'read-switch', clock: () => clock.now() });
    app = await SupportDeskApp.start({ db: t.db, version: '2', schema: 'desk', change: ID, sync: 'trigger', pollMs: 60_000, metrics: { now: () => clock.now().getTime() } });
    clock.advance(MIN);
  });
  afterEach(async () => {
    await app.stop();
    await t.drop();
  });

  /** `n` reads of customers 1..n through the helper, the new side misbehaving as `fault` says; then a flush. */
  async function reads(n: number, fault: Fault = () => undefined): Promise<void> {
    const m = app.migration!;
    for (let id = 1; id <= n; id++) {
      const ctx = { key: String(id) };
      const f = fault(id);
      await m.read<Customer | null>(ctx, {
        old: () => app.reader.readOld(t.db, id),
        new: async () => {
          if (f === 'fail') throw new Error('new shape unreachable');
          if (f === 'slow') await new Promise((r) => setTimeout(r, 30));
          const c = await app.reader.readNew(t.db, id);
          return f === 'corrupt' && c ? { ...c, tier: `${c.tier}-wrong` } : c;
        },
        // Every read compared (none skipped for being over maxComparesInFlight) and counted before the flush.
        awaitCompare: true,
      });
    }
    await app.metrics!.flush();
  }

  async function judge(which = gates): Promise<Record<string, GateResult>> {
    clock.advance(MIN);
    const results = await evaluateGates(t.db, which, { change: ID, now: clock.now() });
    return Object.fromEntries(results.map((r) => [r.id, r]));
  }

  it('healthy traffic passes every gate, with the numbers the app produced', async () => {
    await reads(150);
    const r = await judge();
    expect(Object.values(r).map((g) => [g.id, g.verdict])).toEqual([['traffic', 'pass'], ['new-errors', 'pass'], ['new-p95', 'pass'], ['mismatch-rate', 'pass']]);
    // Every read runs both sides at 1% (shadow for most keys, live for the rest): 150 calls each.
    expect(r.traffic!.evidence).toMatchObject({ calls: 300, errors: 0 });
    expect(r['new-errors']!.evidence).toMatchObject({ calls: 150, errors: 0 });
    expect(r['mismatch-rate']!.evidence).toMatchObject({ compares: 150, mismatches: 0 });
    expect(app.metrics!.dropped).toEqual({ calls: 0, compares: 0, failedWrites: 0 });
  });

  it('the histogram the SDK writes is one the latency gate reads: a slow new side fails it', async () => {
    await reads(120, () => 'slow');
    // Every new read sleeps 30 ms first, so its p95 is above 20 ms however fast the machine is.
    const r = await judge(gates.map((g) => (g.kind === 'latency' ? { ...g, maxMs: 20 } : g)));
    expect(r['new-p95']!.verdict).toBe('fail');
    expect(r['new-p95']!.evidence.quantileMs).toBeGreaterThanOrEqual(25);
    expect(r['new-p95']!.evidence).toMatchObject({ callsWithOtherBuckets: 0 });
    const { rows } = await t.db.query<{ le_ms: number[]; le_counts: string[]; calls: string; max_ms: number }>(`SELECT le_ms, le_counts, calls, max_ms FROM switchback.side_metrics WHERE side = 'new' AND op = 'read'`);
    const { merged } = mergeHistograms(rows.map((x) => ({ bounds: x.le_ms, counts: x.le_counts.map(Number), calls: Number(x.calls), maxMs: x.max_ms })));
    // No call faster than the sleep: nothing below the 25 ms bound.
    expect(merged!.counts.slice(0, merged!.bounds.indexOf(25) + 1).every((c) => c === 0)).toBe(true);
    expect(histogramQuantile(merged!, 0.95)).toBe(r['new-p95']!.evidence.quantileMs);
  });

  it('a failing new side fails the error-rate gate; the failed reads are not comparisons', async () => {
    await reads(150, (id) => (id % 10 === 0 ? 'fail' : undefined));
    const r = await judge();
    expect(r['new-errors']).toMatchObject({ verdict: 'fail', evidence: { calls: 150, errors: 15 } });
    expect(r['mismatch-rate']).toMatchObject({ verdict: 'pass', evidence: { compares: 135, mismatches: 0 } });
  });

  it('a new side that reads other values fails the mismatch-rate gate', async () => {
    await reads(150, (id) => (id % 10 === 0 ? 'corrupt' : undefined));
    const r = await judge();
    expect(r['mismatch-rate']).toMatchObject({ verdict: 'fail', evidence: { compares: 150, mismatches: 15 } });
    expect(r['mismatch-rate']!.detail).toContain('15/150');
    expect(r['new-errors']!.verdict).toBe('pass');
  });

  it('too little traffic is inconclusive on every gate, even when all of it is bad', async () => {
    await reads(30, () => 'corrupt');
    const r = await judge();
    expect(Object.values(r).map((g) => g.verdict)).toEqual(['inconclusive', 'inconclusive', 'inconclusive', 'inconclusive']);
  });

  it('writes through the helper are counted per side too', async () => {
    await app.writer.update(1, TENANTS[0]!, { tier: TIERS[0]!, endDate: '2027-01-01' });
    await app.metrics!.flush();
    const { rows } = await t.db.query<{ op: string; side: string; calls: string }>(`SELECT op, side, calls::text AS calls FROM switchback.side_metrics WHERE op = 'write'`);
    expect(rows).toEqual([{ op: 'write', side: 'old', calls: '1' }]);
  });
});
