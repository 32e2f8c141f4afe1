import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SqlClient } from '../sql-client.js';
import { DbMetricsReporter, DEFAULT_LATENCY_BOUNDS_MS, InvalidMetricsOptionsError } from './db-metrics-reporter.js';

let db: PGlite;

// The two tables as the ledger's migration v2 creates them.
beforeAll(async () => {
  db = await PGlite.create();
  await db.exec(`
    CREATE SCHEMA switchback;
    CREATE TABLE switchback.side_metrics (
      change_id text NOT NULL, instance_id text NOT NULL, app_version text,
      op text NOT NULL CHECK (op IN ('read', 'write')), side text NOT NULL CHECK (side IN ('old', 'new')),
      window_start timestamptz NOT NULL,
      calls bigint NOT NULL DEFAULT 0 CHECK (calls >= 0), errors bigint NOT NULL DEFAULT 0 CHECK (errors >= 0 AND errors <= calls),
      total_ms double precision NOT NULL DEFAULT 0, max_ms double precision NOT NULL DEFAULT 0,
      le_ms double precision[] NOT NULL DEFAULT '{}', le_counts bigint[] NOT NULL DEFAULT '{}',
      PRIMARY KEY (change_id, instance_id, op, side, window_start));
    CREATE TABLE switchback.shadow_compares (
      flag text NOT NULL, change_id text, instance_id text NOT NULL, window_start timestamptz NOT NULL,
      compares bigint NOT NULL DEFAULT 0 CHECK (compares >= 0),
      mismatches bigint NOT NULL DEFAULT 0 CHECK (mismatches >= 0 AND mismatches <= compares),
      PRIMARY KEY (flag, instance_id, window_start));`);
});

beforeEach(async () => {
  await db.exec('TRUNCATE switchback.side_metrics, switchback.shadow_compares');
});

afterAll(async () => {
  await db.close();
});

const CHANGE = 'move-contract-details';
const FLAG = 'ReadContractDetailsFromCustomer';
const T0 = Date.parse('2026-03-02T10:00:00Z');

/** A clock that moves only when told. */
function manualClock(start = T0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** Counts the statements that reach the database; `down` makes them fail. */
function counting() {
  let n = 0;
  const state = { down: false };
  const client: SqlClient = {
    query: (sql, params) => {
      n++;
      return state.down ? Promise.reject(Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' })) : db.query(sql, params);
    },
  };
  return { client, statements: () => n, state };
}

async function sideRows() {
  const { rows } = await db.query<{ change_id: string; instance_id: string; app_version: string | null; op: string; side: string; window_start: Date; calls: number; errors: number; total_ms: number; max_ms: number; le_ms: number[]; le_counts: number[] }>(
    `SELECT change_id, instance_id, app_version, op, side, window_start, calls::int AS calls, errors::int AS errors, total_ms, max_ms, le_ms, le_counts::int[] AS le_counts
       FROM switchback.side_metrics ORDER BY window_start, op, side`,
  );
  return rows;
}

async function compareRows() {
  const { rows } = await db.query<{ flag: string; change_id: string; window_start: Date; compares: number; mismatches: number }>(
    'SELECT flag, change_id, window_start, compares::int AS compares, mismatches::int AS mismatches FROM switchback.shadow_compares ORDER BY window_start',
  );
  return rows;
}

describe('DbMetricsReporter', () => {
  it('aggregates calls per change, op, side and window into a histogram, and writes them in one statement', async () => {
    const clock = manualClock(T0 + 3_000);
    const { client, statements } = counting();
    const r = new DbMetricsReporter(client, { now: clock.now, instanceId: 'i-1', appVersion: '2', latencyBoundsMs: [1, 5, 10], flushMs: 10_000 });
    for (const ms of [0.2, 1, 3, 5, 7, 10, 40]) r.recordCall(CHANGE, 'read', 'new', ms, true);
    r.recordCall(CHANGE, 'read', 'new', 2, false);
    r.recordCall(CHANGE, 'read', 'old', 4, true);
    r.recordCall(CHANGE, 'write', 'old', 12, true);
    r.recordCompare(FLAG, CHANGE, true);
    r.recordCompare(FLAG, CHANGE, false);
    await r.flush();
    expect(statements()).toBe(1);
    const window = new Date(T0);
    expect(await sideRows()).toEqual([
      { change_id: CHANGE, instance_id: 'i-1', app_version: '2', op: 'read', side: 'new', window_start: window, calls: 8, errors: 1, total_ms: 68.2, max_ms: 40, le_ms: [1, 5, 10], le_counts: [2, 3, 2] },
      { change_id: CHANGE, instance_id: 'i-1', app_version: '2', op: 'read', side: 'old', window_start: window, calls: 1, errors: 0, total_ms: 4, max_ms: 4, le_ms: [1, 5, 10], le_counts: [0, 1, 0] },
      { change_id: CHANGE, instance_id: 'i-1', app_version: '2', op: 'write', side: 'old', window_start: window, calls: 1, errors: 0, total_ms: 12, max_ms: 12, le_ms: [1, 5, 10], le_counts: [0, 0, 0] },
    ]);
    expect(await compareRows()).toEqual([{ flag: FLAG, change_id: CHANGE, window_start: window, compares: 2, mismatches: 1 }]);
    // Nothing new: no statement.
    await r.flush();
    expect(statements()).toBe(1);
    await r.stop();
  });

  it('puts calls in aligned windows, and a window written twice adds up (histogram included)', async () => {
    const clock = manualClock(T0 + 9_000);
    const r = new DbMetricsReporter(db, { now: clock.now, latencyBoundsMs: [1, 5], flushMs: 10_000 });
    r.recordCall(CHANGE, 'read', 'new', 0.5, true);
    r.recordCompare(FLAG, CHANGE, true);
    clock.advance(2_000); // next window
    r.recordCall(CHANGE, 'read', 'new', 3, true);
    await r.flush();
    r.recordCall(CHANGE, 'read', 'new', 4, false);
    r.recordCall(CHANGE, 'read', 'new', 0.1, true);
    r.recordCompare(FLAG, CHANGE, false);
    await r.stop();
    const rows = await sideRows();
    expect(rows.map((x) => [x.window_start.toISOString(), x.calls, x.errors, x.le_counts, x.max_ms])).toEqual([
      ['2026-03-02T10:00:00.000Z', 1, 0, [1, 0], 0.5],
      ['2026-03-02T10:00:10.000Z', 3, 1, [1, 2], 4],
    ]);
    expect((await compareRows()).map((x) => [x.window_start.toISOString(), x.compares, x.mismatches])).toEqual([
      ['2026-03-02T10:00:00.000Z', 1, 0],
      ['2026-03-02T10:00:10.000Z', 1, 1],
    ]);
  });

  it('counts every call in exactly the bucket the latency gate reads it from', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 20_000, noNaN: true }), { maxLength: 200 }), (durations) => {
        let written: { counts: number[]; calls: number }[] = [];
        const client: SqlClient = {
          query: async (_sql, params) => {
            written = JSON.parse(params![0] as string) as { counts: number[]; calls: number }[];
            return { rows: [] };
          },
        };
        const r = new DbMetricsReporter(client, { now: () => T0 });
        durations.forEach((d) => r.recordCall(CHANGE, 'read', 'new', d, true));
        void r.flush();
        const row = written[0] ?? { counts: DEFAULT_LATENCY_BOUNDS_MS.map(() => 0), calls: 0 };
        const b = DEFAULT_LATENCY_BOUNDS_MS;
        // counts[i]: more than bounds[i-1], at most bounds[i]; the rest are beyond the last bound.
        const expected = b.map((hi, i) => durations.filter((d) => d <= hi && (i === 0 || d > b[i - 1]!)).length);
        expect(row.counts).toEqual(expected);
        expect(row.calls - row.counts.reduce((a, c) => a + c, 0)).toBe(durations.filter((d) => d > b.at(-1)!).length);
      }),
    );
  });

  it('flushes on its own flushMs after the first call', async () => {
    const r = new DbMetricsReporter(db, { flushMs: 50 });
    r.recordCall(CHANGE, 'read', 'old', 1, true);
    await vi.waitFor(async () => expect(await sideRows()).toHaveLength(1));
    await r.stop();
  });

  it('drops and counts what the database refuses, never throws, and writes again once it is back', async () => {
    const { client, state } = counting();
    const errors: unknown[] = [];
    const r = new DbMetricsReporter(client, { now: () => T0, onError: (e) => errors.push(e) });
    state.down = true;
    for (let i = 0; i < 5; i++) r.recordCall(CHANGE, 'read', 'new', 1, i > 0);
    r.recordCompare(FLAG, CHANGE, false);
    await expect(r.flush()).resolves.toBeUndefined();
    expect(r.dropped).toEqual({ calls: 5, compares: 1, failedWrites: 1 });
    expect(errors).toHaveLength(1);
    expect(r.buffered).toBe(0);
    state.down = false;
    r.recordCall(CHANGE, 'read', 'new', 1, true);
    await r.stop();
    expect((await sideRows()).map((x) => x.calls)).toEqual([1]);
  });

  it('holds at most maxSeries series and counts what does not fit', async () => {
    const r = new DbMetricsReporter(db, { now: () => T0, maxSeries: 2 });
    r.recordCall('a', 'read', 'new', 1, true);
    r.recordCall('b', 'read', 'new', 1, true);
    r.recordCall('c', 'read', 'new', 1, true);
    r.recordCompare(FLAG, 'a', true);
    r.recordCall('a', 'read', 'new', 1, true); // an existing series still counts
    expect(r.dropped).toEqual({ calls: 1, compares: 1, failedWrites: 0 });
    await r.stop();
    expect((await sideRows()).map((x) => [x.change_id, x.calls])).toEqual([['a', 2], ['b', 1]]);
  });

  it('keeps one write in flight: a hanging database holds back one batch, not one per interval', async () => {
    let release: () => void = () => {};
    let n = 0;
    const client: SqlClient = {
      query: (sql, params) => {
        n++;
        if (n === 1) return new Promise((resolve) => (release = () => resolve(db.query(sql, params)))) as ReturnType<SqlClient['query']>;
        return db.query(sql, params);
      },
    };
    const r = new DbMetricsReporter(client, { now: () => T0, flushMs: 20 });
    r.recordCall(CHANGE, 'read', 'new', 1, true);
    await vi.waitFor(() => expect(n).toBe(1));
    r.recordCall(CHANGE, 'read', 'new', 1, true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(n).toBe(1);
    expect(r.buffered).toBe(1);
    release();
    await r.stop();
    expect(n).toBe(2);
    expect((await sideRows()).map((x) => x.calls)).toEqual([2]);
  });

  it('ignores calls after stop()', async () => {
    const { client, statements } = counting();
    const r = new DbMetricsReporter(client, { now: () => T0 });
    await r.stop();
    r.recordCall(CHANGE, 'read', 'new', 1, true);
    r.recordCompare(FLAG, CHANGE, true);
    await r.flush();
    expect(statements()).toBe(0);
  });

  it.each([
    ['no bounds', { latencyBoundsMs: [] }, 'latencyBoundsMs'],
    ['repeated bounds', { latencyBoundsMs: [1, 5, 5] }, 'latencyBoundsMs'],
    ['a zero bound', { latencyBoundsMs: [0, 5] }, 'latencyBoundsMs'],
    ['an infinite bound', { latencyBoundsMs: [1, Infinity] }, 'latencyBoundsMs'],
    ['a zero flushMs', { flushMs: 0 }, 'flushMs'],
    ['a flushMs longer than an hour', { flushMs: 2 ** 31 }, 'flushMs'],
    ['a fractional maxSeries', { maxSeries: 1.5 }, 'maxSeries'],
  ] as const)('refuses %s, naming the option', (_what, opts, option) => {
    const make = () => new DbMetricsReporter(db, opts);
    expect(make).toThrow(InvalidMetricsOptionsError);
    expect(make).toThrow(option);
  });
});
