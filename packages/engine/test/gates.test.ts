import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evaluateGates, type Db, type GateResult } from '@switchback/engine';
import type { Gate } from '@switchback/core';
import { targets, type TestDatabase } from '../../../test-support/databases.js';
import { fakePrometheus, type LocalServer } from './local-http.js';

const CHANGE = 'gates-test';
const T0 = new Date('2026-03-02T10:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

async function one(db: Db, gate: Gate, ctx: { now?: Date; transition?: string; prometheusUrl?: string } = {}): Promise<GateResult> {
  const [r] = await evaluateGates(db, [gate], { change: CHANGE, now: ctx.now ?? at(60), ...ctx });
  return r!;
}

/** The change entered read-switch at T0. */
async function enteredReadSwitch(db: Db, when = T0): Promise<void> {
  await db.query(`INSERT INTO switchback.phase_runs (change_id, phase, direction, status, actor, started_at, finished_at) VALUES ($1, 'read-switch', 'forward', 'succeeded', 'test', $2, $2)`, [CHANGE, when]);
}

async function sideRow(db: Db, o: { side: 'old' | 'new'; op?: 'read' | 'write'; at: Date; calls: number; errors?: number; counts?: number[]; instance?: string }): Promise<void> {
  await db.query(
    `INSERT INTO switchback.side_metrics (change_id, instance_id, op, side, window_start, calls, errors, total_ms, max_ms, le_ms, le_counts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 900, '{1,5,10,50,100,500}', $8)`,
    [CHANGE, o.instance ?? 'i-1', o.op ?? 'read', o.side, o.at, o.calls, o.errors ?? 0, o.counts ?? [0, 0, o.calls, 0, 0, 0]],
  );
}

describe.each(targets)('gates on $name', (target) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await target.create();
    await t.db.query(`INSERT INTO switchback.changes (id, intent, title, sync, spec, plan, plan_hash) VALUES ($1, 'move-columns', 'test', 'app', '{}', '{}', 'x')`, [CHANGE]);
  });
  afterEach(() => t.drop());

  it('parity compares old and new by key in one snapshot', async () => {
    await t.db.exec(`CREATE TABLE old_t (id int, v text); CREATE TABLE new_t (id int, v text);
      INSERT INTO old_t VALUES (1, 'a'), (2, 'b'), (3, 'c'); INSERT INTO new_t VALUES (1, 'a'), (2, 'b'), (3, 'c');`);
    const gate: Gate = { id: 'parity', kind: 'parity', description: 'old = new', oldSql: 'SELECT id AS k, v FROM old_t', newSql: 'SELECT id AS k, v FROM new_t' };
    expect(await one(t.db, gate)).toMatchObject({ verdict: 'pass', evidence: { rowsCompared: 3, mismatches: 0 } });
    await t.db.exec(`UPDATE new_t SET v = 'B' WHERE id = 2; DELETE FROM new_t WHERE id = 3; INSERT INTO new_t VALUES (4, 'd');`);
    const r = await one(t.db, gate);
    expect(r.verdict).toBe('fail');
    expect(r.evidence).toMatchObject({ rowsCompared: 4, mismatches: 3, samples: [{ key: '2', old: 'b', new: 'B' }, { key: '3', old: 'c', new: null }, { key: '4', old: null, new: 'd' }] });
    expect(r.detail).toContain('3 of 4 keys differ');
    expect((await one(t.db, { ...gate, maxMismatches: 3 })).verdict).toBe('pass');
  });

  describe('shadow mismatch rate', () => {
    const gate: Gate = { id: 'mismatch-rate', kind: 'shadow-mismatch-rate', description: 'few mismatches', flag: 'ReadX', maxRate: 0.01, minCompares: 100, windowSeconds: 3600 };
    const compares = (db: Db, when: Date, n: number, bad: number, instance = 'i-1') =>
      db.query(`INSERT INTO switchback.shadow_compares (flag, change_id, instance_id, window_start, compares, mismatches) VALUES ('ReadX', $1, $2, $3, $4, $5)`, [CHANGE, instance, when, n, bad]);

    it('is inconclusive without comparisons, never healthy', async () => {
      await enteredReadSwitch(t.db);
      const r = await one(t.db, gate);
      expect(r).toMatchObject({ verdict: 'inconclusive', evidence: { compares: 0, mismatches: 0 } });
      expect(r.detail).toContain('needs ≥ 100');
    });

    it('passes and fails on the rate, counting only since the current state began', async () => {
      await enteredReadSwitch(t.db);
      await compares(t.db, at(-5), 1000, 900); // before read-switch: another exposure
      await compares(t.db, at(10), 500, 2);
      await compares(t.db, at(20), 500, 3, 'i-2');
      expect(await one(t.db, gate)).toMatchObject({ verdict: 'pass', evidence: { compares: 1000, mismatches: 5 } });
      await compares(t.db, at(30), 1000, 40);
      const r = await one(t.db, gate);
      expect(r).toMatchObject({ verdict: 'fail', evidence: { compares: 2000, mismatches: 45 } });
      expect(r.detail).toContain('45/2000');
    });

    it('takes the sampled mismatch rows as a floor when the counts lag', async () => {
      await enteredReadSwitch(t.db);
      await compares(t.db, at(10), 200, 0);
      for (let i = 0; i < 5; i++) await t.db.query(`INSERT INTO switchback.shadow_mismatches (flag, change_id, key, at) VALUES ('ReadX', $1, $2, $3)`, [CHANGE, `k${i}`, at(11)]);
      expect(await one(t.db, gate)).toMatchObject({ verdict: 'fail', evidence: { compares: 200, mismatches: 5, mismatchSamples: 5 } });
    });
  });

  describe('error rate, latency and traffic per side', () => {
    beforeEach(() => enteredReadSwitch(t.db));

    it('judges only the side asked about, and needs enough calls', async () => {
      const gate: Gate = { id: 'new-errors', kind: 'error-rate', description: 'new side healthy', side: 'new', op: 'read', maxRate: 0.01, minCalls: 50, windowSeconds: 600 };
      await sideRow(t.db, { side: 'new', at: at(55), calls: 20, errors: 0 });
      await sideRow(t.db, { side: 'old', at: at(55), calls: 5000, errors: 2000 });
      expect((await one(t.db, gate)).verdict).toBe('inconclusive');
      await sideRow(t.db, { side: 'new', at: at(56), calls: 80, errors: 1, instance: 'i-2' });
      expect(await one(t.db, gate)).toMatchObject({ verdict: 'pass', evidence: { calls: 100, errors: 1 } });
      await sideRow(t.db, { side: 'new', at: at(57), calls: 100, errors: 9, instance: 'i-3' });
      expect(await one(t.db, gate)).toMatchObject({ verdict: 'fail', evidence: { calls: 200, errors: 10, rate: 0.05 } });
      // Outside the 10-minute window, the same rows no longer count.
      expect((await one(t.db, gate, { now: at(90) })).verdict).toBe('inconclusive');
    });

    it('computes a latency quantile from the merged histograms', async () => {
      const gate: Gate = { id: 'new-p95', kind: 'latency', description: 'fast enough', side: 'new', quantile: 0.95, maxMs: 60, minCalls: 10, windowSeconds: 3600 };
      await sideRow(t.db, { side: 'new', at: at(30), calls: 100, counts: [0, 0, 50, 50, 0, 0] });
      const fast = await one(t.db, gate);
      expect(fast.verdict).toBe('pass');
      expect(fast.evidence.quantileMs).toBeCloseTo(46, 5);
      await sideRow(t.db, { side: 'new', at: at(31), calls: 100, counts: [0, 0, 0, 0, 0, 100], instance: 'i-2' });
      const slow = await one(t.db, gate);
      expect(slow.verdict).toBe('fail');
      expect(slow.detail).toMatch(/p95 of 200 calls to the new side is \d+\.\dms/);
    });

    it('min-traffic: zero requests is inconclusive', async () => {
      const gate: Gate = { id: 'traffic', kind: 'min-traffic', description: 'enough reads', op: 'read', minCalls: 1, windowSeconds: 600 };
      const r = await one(t.db, gate);
      expect(r).toMatchObject({ verdict: 'inconclusive', evidence: { calls: 0 } });
      await sideRow(t.db, { side: 'old', at: at(59), calls: 3 });
      expect((await one(t.db, gate)).verdict).toBe('pass');
    });
  });

  describe('Prometheus', () => {
    let prom: LocalServer | undefined;
    afterEach(async () => prom?.close());

    it('reads the SDK metrics of the change and side through the HTTP API', async () => {
      await enteredReadSwitch(t.db);
      prom = await fakePrometheus({ side_duration_seconds_count: 400, side_errors_total: 2, histogram_quantile: 12.5 });
      const url = prom.url.replace('http://', 'http://scraper:s3cret@');
      const err: Gate = { id: 'new-errors', kind: 'error-rate', description: 'x', side: 'new', maxRate: 0.01, minCalls: 100, windowSeconds: 300, source: 'prometheus' };
      const r = await one(t.db, err, { prometheusUrl: url });
      expect(r).toMatchObject({ verdict: 'pass', evidence: { calls: 400, errors: 2, source: 'prometheus' } });
      expect(JSON.stringify(r)).not.toContain('s3cret');
      expect(prom.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('scraper:s3cret').toString('base64')}`);
      const sent = new URLSearchParams(prom.requests[0]!.body);
      expect(sent.get('query')).toBe('sum(increase(switchback_migration_side_duration_seconds_count{change="gates-test",side=~"new",op=~"read|write"}[300s]))');
      expect(sent.get('time')).toBe(String(at(60).getTime() / 1000));
      const lat: Gate = { id: 'p99', kind: 'latency', description: 'x', side: 'new', quantile: 0.99, maxMs: 10, minCalls: 100, windowSeconds: 300, source: 'prometheus' };
      expect(await one(t.db, lat, { prometheusUrl: prom.url })).toMatchObject({ verdict: 'fail', evidence: { quantileMs: 12.5 } });
    });

    it('promql gates: bounds, no data, errors and an unreachable server', async () => {
      prom = await fakePrometheus({ good: 0.2, bad: 7, nodata: undefined, broken: 'error', traffic_low: 3, traffic_ok: 1000 });
      const g = (query: string, extra: Partial<Gate> = {}): Gate => ({ id: 'q', kind: 'promql', description: 'x', query, max: 1, ...extra }) as Gate;
      const u = { prometheusUrl: prom.url };
      expect((await one(t.db, g('good'), u)).verdict).toBe('pass');
      expect(await one(t.db, g('bad'), u)).toMatchObject({ verdict: 'fail', detail: 'bad = 7 (needs ≤ 1)' });
      expect((await one(t.db, g('nodata'), u)).verdict).toBe('inconclusive');
      expect(await one(t.db, g('broken'), u)).toMatchObject({ verdict: 'inconclusive', detail: expect.stringContaining('query timed out') });
      expect((await one(t.db, g('good', { traffic: { query: 'traffic_low', min: 100 } } as Partial<Gate>), u)).verdict).toBe('inconclusive');
      expect((await one(t.db, g('good', { traffic: { query: 'traffic_ok', min: 100 } } as Partial<Gate>), u)).verdict).toBe('pass');
      expect((await one(t.db, g('good'))).detail).toContain('no Prometheus URL configured');
      const closed = prom.url;
      await prom.close();
      prom = undefined;
      expect(await one(t.db, g('good'), { prometheusUrl: closed })).toMatchObject({ verdict: 'inconclusive', detail: expect.stringContaining('unreachable') });
    });
  });

  describe('version window', () => {
    const gate: Gate = { id: 'v42', kind: 'version-window', description: 'no instance older than v42', app: 'desk', minVersion: 'v42', withinSeconds: 600 };
    const beat = (db: Db, id: string, version: string, lastSeen: Date) =>
      db.query(`INSERT INTO switchback.app_instances (instance_id, app, version, last_seen) VALUES ($1, 'desk', $2, $3)`, [id, version, lastSeen]);

    it('is inconclusive with no heartbeat in the window', async () => {
      await beat(t.db, 'a', 'v43', at(0));
      expect((await one(t.db, gate)).verdict).toBe('inconclusive');
    });

    it('fails on an older version seen in the window and passes once it is out of it', async () => {
      await beat(t.db, 'a', 'v43', at(58));
      await beat(t.db, 'b', 'v9', at(55));
      await beat(t.db, 'c', 'v42.0.1', at(59));
      const r = await one(t.db, gate);
      expect(r.verdict).toBe('fail');
      expect(r.detail).toContain('b running v9');
      expect((await one(t.db, gate, { now: at(66) })).verdict).toBe('pass');
    });

    it('is inconclusive when a version cannot be ordered', async () => {
      await beat(t.db, 'a', 'a1b2c3d', at(59));
      expect((await one(t.db, gate)).detail).toContain('"a1b2c3d"');
    });
  });

  describe('approval', () => {
    const gate: Gate = { id: 'approved', kind: 'approval', description: 'a lead approved', role: 'lead' };
    const ask = (db: Db) => db.query<{ id: number }>(`INSERT INTO switchback.approval_requests (change_id, transition, question, options, asked_by) VALUES ($1, 'cut-off', 'Stop writing the old shape?', '{approve,reject}', 'watcher') RETURNING id`, [CHANGE]);
    const answer = (db: Db, id: number, status: string, who: string, role: string) => db.query(`UPDATE switchback.approval_requests SET status = $2, answered_by = $3, answered_role = $4, answered_at = now() WHERE id = $1`, [id, status, who, role]);

    it('passes only once someone holding the role approved this transition', async () => {
      expect((await one(t.db, gate, { transition: 'cut-off' })).detail).toContain('switchback ask');
      const { rows } = await ask(t.db);
      expect((await one(t.db, gate, { transition: 'cut-off' })).detail).toContain('waiting for a lead');
      await answer(t.db, rows[0]!.id, 'approved', 'sam', 'intern');
      expect((await one(t.db, gate, { transition: 'cut-off' })).verdict).toBe('fail');
      const second = await t.db.query<{ id: number }>(`INSERT INTO switchback.approval_requests (change_id, transition, question, options, asked_by) VALUES ($1, 'cut-off', 'again', '{approve}', 'watcher') RETURNING id`, [CHANGE]);
      await answer(t.db, second.rows[0]!.id, 'approved', 'ana', 'lead');
      expect(await one(t.db, gate, { transition: 'cut-off' })).toMatchObject({ verdict: 'pass', detail: expect.stringContaining('ana') });
      expect((await one(t.db, gate, { transition: 'contract' })).verdict).toBe('fail');
    });

    it('the asker cannot answer their own request, by a database constraint', async () => {
      const { rows } = await ask(t.db);
      await expect(answer(t.db, rows[0]!.id, 'approved', 'watcher', 'lead')).rejects.toThrow(/check constraint/);
    });
  });

  describe('negative human signals', () => {
    const gate: Gate = { id: 'signals', kind: 'no-negative-signals', description: 'no complaints', minSeverity: 2, windowSeconds: 3600 };
    const signal = async (db: Db, when: Date, polarity: string, severity: number) => {
      const { rows } = await db.query<{ id: number }>(`INSERT INTO switchback.signals (source, at, tenant, body, polarity, severity) VALUES ('cli', $1, 'acme', 'tier shows Basic, we pay Premium', $2, $3) RETURNING id`, [when, polarity, severity]);
      await db.query(`INSERT INTO switchback.signal_correlations (signal_id, change_id, relevance) VALUES ($1, $2, 0.9)`, [rows[0]!.id, CHANGE]);
    };

    it('passes with no signals and fails on a correlated negative one in the window', async () => {
      expect(await one(t.db, gate)).toMatchObject({ verdict: 'pass', evidence: { count: 0 } });
      await signal(t.db, at(50), 'negative', 1);
      await signal(t.db, at(50), 'positive', 3);
      await signal(t.db, at(-70), 'negative', 3);
      expect((await one(t.db, gate)).verdict).toBe('pass');
      await signal(t.db, at(55), 'negative', 2);
      expect(await one(t.db, gate)).toMatchObject({ verdict: 'fail', detail: expect.stringContaining('tenant acme') });
    });
  });

  it('soak since the last rollout step follows the injected clock', async () => {
    await enteredReadSwitch(t.db);
    await t.db.query(`INSERT INTO switchback.events (seq, at, change_id, phase, actor, action, outcome, prev_hash, hash) VALUES (1, $1, $2, 'read-switch', 't', 'rollout.step', 'succeeded', '0', 'h')`, [at(30), CHANGE]);
    const gate: Gate = { id: 'step-soak', kind: 'soak', description: 'x', phase: 'read-switch', seconds: 3600, since: 'rollout-step' };
    expect(await one(t.db, gate, { now: at(60) })).toMatchObject({ verdict: 'fail', dueAt: at(90).toISOString() });
    expect((await one(t.db, gate, { now: at(91) })).verdict).toBe('pass');
  });
});
