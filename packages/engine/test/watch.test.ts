import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advance, answerApprovalRequest, enforceFlagPolicy, listApprovalRequests, readEvents, registerChange, runWatcher, verifyLedger, watchTick, webhookNotifier, type Db, type WatchDecision, type WatcherOptions } from '@switchback/engine';
import { DEFAULT_POLICY, policySchema } from '@switchback/core';
import { schemaSql, seedSql } from '@switchback/example-support-desk';
import { demoChange } from '../../cli/src/demo/demo-change.js';
import { targets, type TestDatabase } from '../../../test-support/databases.js';
import { FakeClock } from '../../../test-support/fake-clock.js';
import { localServer } from './local-http.js';

const ID = 'watch-me';
const FLAG = 'ReadContractDetailsFromCustomer';
const MIN = 60_000;

async function readFlag(db: Db): Promise<number> {
  const { rows } = await db.query<{ enabled: boolean; rollout_bps: number }>('SELECT enabled, rollout_bps FROM switchback.flags WHERE name = $1', [FLAG]);
  return rows[0] && rows[0].enabled ? rows[0].rollout_bps / 100 : 0;
}

/** What the SDK would report for one minute of read traffic. */
async function traffic(db: Db, at: Date, o: { compares: number; mismatches?: number; calls?: number; errors?: number }): Promise<void> {
  const instance = `i-${at.getTime()}`;
  await db.query(`INSERT INTO switchback.shadow_compares (flag, change_id, instance_id, window_start, compares, mismatches) VALUES ($1, $2, $3, $4, $5, $6)`, [FLAG, ID, instance, at, o.compares, o.mismatches ?? 0]);
  await db.query(`INSERT INTO switchback.side_metrics (change_id, instance_id, op, side, window_start, calls, errors) VALUES ($1, $2, 'read', 'new', $3, $4, $5)`, [ID, instance, at, o.calls ?? o.compares, o.errors ?? 0]);
}

async function events(db: Db, action: string) {
  return (await readEvents(db, ID)).filter((e) => e.action === action);
}

describe.each(targets)('the watcher on $name', (target) => {
  let t: TestDatabase;
  let clock: FakeClock;
  let options: WatcherOptions;
  const memory = new Map<string, { signature: string; at: number }>();
  const tick = async (): Promise<WatchDecision> => (await watchTick(t.db, options, memory, clock.now()))[0]!;

  beforeEach(async () => {
    t = await target.create();
    await t.db.exec(schemaSql('desk'));
    await t.db.exec(seedSql('desk', 200));
    await t.db.exec(`INSERT INTO switchback.app_instances (instance_id, app, version, stopped_at) VALUES ('v1-a', 'support-desk', '1', now())`);
    clock = new FakeClock();
    memory.clear();
    await registerChange(t.db, demoChange('desk', 'trigger', ID), 'test');
    await advance(t.db, ID, { actor: 'test', propagationMs: 0, to: 'read-switch', clock: () => clock.now() });
    options = { policy: DEFAULT_POLICY, actor: 'watcher', holder: 'watcher (test)', propagationMs: 0 };
  });
  afterEach(() => t.drop());

  it('zero traffic leaves the rollout paused, not healthy, and records it once', async () => {
    clock.advance(11 * MIN);
    const d = await tick();
    expect(d).toMatchObject({ action: 'paused', transition: 'read-switch@10%' });
    expect(d.gates.find((g) => g.id === 'rollout-mismatch-rate')).toMatchObject({ verdict: 'inconclusive', evidence: { compares: 0 } });
    expect(await readFlag(t.db)).toBe(1);
    clock.advance(10_000);
    expect((await tick()).action).toBe('paused');
    const paused = await events(t.db, 'watch.paused');
    expect(paused).toHaveLength(1);
    expect(paused[0]!.evidence).toMatchObject({ transition: 'read-switch@10%', gates: expect.arrayContaining([expect.objectContaining({ id: 'rollout-soak', verdict: 'pass' })]) });
  });

  it('takes rollout steps when the evidence is there, asks a named human beyond 50%, and never enters a phase alone', async () => {
    const start = clock.now().getTime();
    await traffic(t.db, new Date(start + MIN), { compares: 500 });
    clock.advance(5 * MIN);
    expect(await tick()).toMatchObject({ action: 'waiting', reason: expect.stringContaining('rollout-soak') });
    clock.advance(6 * MIN);
    expect(await tick()).toMatchObject({ action: 'advanced', transition: 'read-switch@10%' });
    expect(await readFlag(t.db)).toBe(10);
    // Numbers from before the step describe another exposure: they no longer count.
    clock.advance(11 * MIN);
    expect((await tick()).action).toBe('paused');
    await traffic(t.db, new Date(clock.now().getTime() - MIN), { compares: 800, mismatches: 0 });
    expect(await tick()).toMatchObject({ action: 'advanced', transition: 'read-switch@50%' });
    clock.advance(11 * MIN);
    await traffic(t.db, new Date(clock.now().getTime() - MIN), { compares: 2000 });
    const asked = await tick();
    expect(asked).toMatchObject({ action: 'asked', transition: 'read-switch@100%' });
    expect(await readFlag(t.db)).toBe(50);
    const [request] = await listApprovalRequests(t.db, { change: ID, status: 'open' });
    expect(request).toMatchObject({ id: asked.request, askedBy: 'watcher', requiredRole: 'owner', options: ['approve', 'reject'] });
    expect((await tick()).action).toBe('asked');
    expect(await listApprovalRequests(t.db, { change: ID })).toHaveLength(1);
    await answerApprovalRequest(t.db, request!.id, { by: 'ana', role: 'owner', approve: true, reason: 'tickets quiet' });
    expect(await tick()).toMatchObject({ action: 'advanced', transition: 'read-switch@100%' });
    expect(await readFlag(t.db)).toBe(100);
    expect(await tick()).toMatchObject({ action: 'refused', transition: 'cut-off', reason: expect.stringContaining('rules[2]') });
    expect((await verifyLedger(t.db)).ok).toBe(true);
  });

  it('a rejected approval stands: the watcher waits and does not ask again', async () => {
    await t.db.query(`UPDATE switchback.changes SET rollout_step = 2 WHERE id = $1`, [ID]);
    await t.db.query(`UPDATE switchback.flags SET rollout_bps = 5000 WHERE name = $1`, [FLAG]);
    clock.advance(11 * MIN);
    await traffic(t.db, new Date(clock.now().getTime() - MIN), { compares: 2000 });
    const asked = await tick();
    await answerApprovalRequest(t.db, asked.request!, { by: 'ana', role: 'owner', approve: false, reason: 'wait for Monday' });
    expect(await tick()).toMatchObject({ action: 'waiting', reason: expect.stringContaining('rejected by ana') });
    expect(await listApprovalRequests(t.db, { change: ID })).toHaveLength(1);
  });

  it('a mismatch spike rolls the read flag back within one interval, with the numbers, and notifies', async () => {
    const hook = await localServer(() => ({ body: 'ok' }));
    const logs: string[] = [];
    try {
      const secretUrl = `${hook.url}/services/T000/B000/s3cr3tT0ken`;
      options = { ...options, notifier: webhookNotifier(secretUrl, (m) => logs.push(m)), log: (l) => logs.push(l) };
      clock.advance(2 * MIN);
      await traffic(t.db, new Date(clock.now().getTime() - 30_000), { compares: 300, mismatches: 45 });
      const d = await tick();
      expect(d).toMatchObject({ action: 'rolled-back', transition: 'rollback:read-switch' });
      expect(d.reason).toContain('45/300');
      expect(await readFlag(t.db)).toBe(0);
      const [rb] = await events(t.db, 'watch.rollback');
      expect(rb!.evidence).toMatchObject({ flag: FLAG, fromPercent: 1, toPercent: 0, tripped: [{ id: 'rollback-mismatch-rate', evidence: { compares: 300, mismatches: 45 } }] });
      const { rows } = await t.db.query<{ applied_phase: string }>('SELECT applied_phase FROM switchback.changes WHERE id = $1', [ID]);
      expect(rows[0]!.applied_phase).toBe('backfill');
      const message = JSON.parse(hook.requests.at(-1)!.body) as { text: string; blocks: { type: string }[] };
      expect(message.text).toBe(`${ID}: rolled-back rollback:read-switch`);
      expect(message.blocks.map((b) => b.type)).toEqual(['section', 'section', 'context']);
      expect(hook.requests.at(-1)!.url).toBe('/services/T000/B000/s3cr3tT0ken');
      // Back at backfill, re-entering read-switch is a phase transition: a person's call.
      expect((await tick()).action).toBe('refused');
    } finally {
      await hook.close();
    }
    expect(logs.join('\n')).not.toContain('s3cr3t');
  });

  it('refuses what the policy forbids, naming the rule', async () => {
    options = { ...options, policy: policySchema.parse({ version: 1, rules: [{ transition: 'rollout', allow: ['watcher'] }, { transition: 'rollback', allow: ['watcher'] }], hours: { timezone: 'UTC', days: ['sun'], from: '00:00', to: '00:01' } }) };
    clock.advance(11 * MIN);
    expect(await tick()).toMatchObject({ action: 'refused', reason: expect.stringContaining('outside the allowed hours') });
    expect(await readFlag(t.db)).toBe(1);
  });

  it('applies the allowed hours in the policy time zone on the day clocks change', async () => {
    options = { ...options, policy: policySchema.parse({ ...DEFAULT_POLICY, hours: { timezone: 'Europe/Berlin', days: ['sun'], from: '09:00', to: '17:00' } }) };
    // 2026-03-29, Berlin springs forward: 06:59 UTC is 08:59 CEST, 07:00 UTC is 09:00.
    const at = async (iso: string) => (await watchTick(t.db, options, memory, new Date(iso)))[0]!;
    expect(await at('2026-03-29T06:59:00Z')).toMatchObject({ action: 'refused', reason: expect.stringContaining('outside the allowed hours (sun 09:00-17:00 Europe/Berlin)') });
    expect((await at('2026-03-29T07:00:00Z')).action).not.toBe('refused');
  });

  it('refuses a rollout step larger than the policy allows, naming the rule and who can take it', async () => {
    options = { ...options, policy: policySchema.parse({ ...DEFAULT_POLICY, rollout: { maxStepPercent: 5 } }) };
    clock.advance(11 * MIN);
    const d = await tick();
    expect(d).toMatchObject({ action: 'refused', transition: 'read-switch@10%' });
    expect(d.reason).toContain('the step 1% → 10% is 9 points, more than rollout.maxStepPercent (5) lets the watcher watcher take alone; human can take it');
    expect(await readFlag(t.db)).toBe(1);
  });

  it('judges a hand-made flag change like the transition it is: more exposure a rollout step, less a rollback', async () => {
    const agent = { kind: 'agent' as const, name: 'agent-7' };
    await expect(enforceFlagPolicy(t.db, FLAG, { percent: 100 }, DEFAULT_POLICY, agent)).rejects.toThrow(/Refused by the policy: flag ReadContractDetailsFromCustomer to 100% \(read-switch@100%\) of watch-me: the step 1% → 100% is 99 points.*Who can: human\./);
    await expect(enforceFlagPolicy(t.db, FLAG, { percent: 100 }, DEFAULT_POLICY, { kind: 'human', name: 'sam' })).rejects.toThrow(/read-switch@100% of watch-me needs the approval of an owner/);
    expect(await enforceFlagPolicy(t.db, FLAG, { percent: 100 }, DEFAULT_POLICY, { kind: 'human', name: 'ana', role: 'owner' })).toMatchObject({ kind: 'rollout', toPercent: 100 });
    expect(await enforceFlagPolicy(t.db, FLAG, { percent: 5, allowTenants: ['acme'] }, DEFAULT_POLICY, agent)).toMatchObject({ kind: 'rollout', fromPercent: 1, toPercent: 5 });
    expect(await enforceFlagPolicy(t.db, FLAG, { percent: 0 }, DEFAULT_POLICY, agent)).toEqual({ kind: 'rollback', phase: 'read-switch' });
    const nobody = policySchema.parse({ version: 1, rules: [{ transition: 'rollout', allow: ['human'] }] });
    await expect(enforceFlagPolicy(t.db, FLAG, { enabled: false }, nobody, agent)).rejects.toThrow(/no rule in the policy allows rollback transitions/);
  });

  it('runs as the only leader on its clock until stopped, and an unreachable webhook is only logged', async () => {
    const logs: string[] = [];
    const stop = new AbortController();
    let ticks = 0;
    const report = await runWatcher(t.db, {
      ...options,
      clock,
      intervalMs: 10_000,
      signal: stop.signal,
      notifier: webhookNotifier('http://127.0.0.1:9/hooks/secret-path', (m) => logs.push(m), { timeoutMs: 500, backoffMs: 1 }),
      log: (l) => logs.push(l),
      onTick: () => {
        if (++ticks === 3) stop.abort();
      },
    });
    expect(report).toMatchObject({ ticks: 3, led: true, decisions: [{ action: 'waiting', reason: expect.stringContaining('rollout-soak') }] });
    // Three intervals with the same verdicts: one record.
    expect(await events(t.db, 'watch.waiting')).toHaveLength(1);
    expect((await readEvents(t.db)).filter((e) => e.action === 'watch.leader')).toHaveLength(1);
    expect(logs.some((l) => l.includes('webhook at 127.0.0.1:9 could not be reached'))).toBe(true);
    expect(logs.join('\n')).not.toContain('secret-path');
  });
});
