import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advance, answerApprovalRequest, changeStatus, FeedbackTokenError, listApprovalRequests, flagStateAt, readEvents, recordSignals, registerChange, startFeedbackServer, updateFlag, watchTick, type Db, type WatcherOptions } from '@switchback/engine';
import { DEFAULT_POLICY } from '@switchback/core';
import { schemaSql, seedSql } from '@switchback/example-support-desk';
import { demoChange } from '../../cli/src/demo/demo-change.js';
import { targets, type TestDatabase } from '../../../test-support/databases.js';
import { FakeClock } from '../../../test-support/fake-clock.js';

const ID = 'signals-change';
const FLAG = 'ReadContractDetailsFromCustomer';
const MIN = 60_000;

describe.each(targets)('signals on $name', (target) => {
  let t: TestDatabase;
  let clock: FakeClock;
  /** When the read flag went on (1%), and when acme was allow-listed. */
  let flagOn: number;
  let allowListed: number;
  beforeEach(async () => {
    t = await target.create();
    await t.db.exec(schemaSql('desk'));
    await t.db.exec(seedSql('desk', 100));
    await t.db.exec(`INSERT INTO switchback.app_instances (instance_id, app, version, stopped_at) VALUES ('v1-a', 'support-desk', '1', now())`);
    clock = new FakeClock();
    await registerChange(t.db, demoChange('desk', 'trigger', ID), 'test');
    await advance(t.db, ID, { actor: 'test', propagationMs: 0, to: 'read-switch' });
    await new Promise((r) => setTimeout(r, 50));
    await updateFlag(t.db, FLAG, { allowTenants: ['acme'] }, 'ana');
    const events = await readEvents(t.db, ID);
    flagOn = Date.parse(events.find((e) => e.action === 'step.flag' && (e.evidence as { flag: string }).flag === FLAG)!.at);
    allowListed = Date.parse(events.find((e) => e.action === 'flag.updated')!.at);
  });
  afterEach(() => t.drop());

  it('replays the read flag as it was at a moment', async () => {
    expect(await flagStateAt(t.db, FLAG, new Date(flagOn - 1))).toEqual({ enabled: false, percent: 0, allowTenants: [] });
    expect(await flagStateAt(t.db, FLAG, new Date(flagOn))).toEqual({ enabled: true, percent: 1, allowTenants: [] });
    expect(await flagStateAt(t.db, FLAG, new Date(allowListed))).toEqual({ enabled: true, percent: 1, allowTenants: ['acme'] });
  });

  it('correlates by time, tenant cohort at that moment, and content', async () => {
    const now = new Date(Date.now() + 1000);
    const [acme, globex, before, earlier] = await recordSignals(t.db, 'zendesk', [
      { externalId: '1', at: now, tenant: 'acme', body: 'The tier shows Basic but we pay for Premium, this is wrong' },
      { externalId: '2', at: now, tenant: 'globex', body: 'Can you resend the March invoice?' },
      { externalId: '3', at: new Date(flagOn - 60 * MIN), tenant: 'acme', body: 'tier is wrong' },
      { externalId: '4', at: new Date(allowListed - 1), tenant: 'acme', body: 'the end date looks wrong' },
    ], 'test');
    expect(acme).toMatchObject({ classification: { polarity: 'negative', severity: 2 }, correlations: [{ change: ID, evidence: { tenant: { allowListed: true, score: 1 }, content: { terms: ['tier'] } } }] });
    expect(acme!.correlations[0]!.relevance).toBeGreaterThan(0.6);
    expect(globex!.correlations).toEqual([]);
    // Before the change began nothing can be about it.
    expect(before!.correlations).toEqual([]);
    // Just before the allow-list, acme only had its 1% share of rows exposed.
    expect(earlier!.correlations[0]!.evidence.tenant).toMatchObject({ allowListed: false, percent: 1 });
    expect((await readEvents(t.db, ID)).filter((e) => e.action === 'signal.correlated')).toHaveLength(2);
    const again = await recordSignals(t.db, 'zendesk', [{ externalId: '1', at: now, tenant: 'acme', body: 'The tier shows Basic' }], 'test');
    expect(again[0]).toMatchObject({ duplicate: true, id: null, correlations: [] });
  });

  describe('and the watcher', () => {
    const memory = new Map<string, { signature: string; at: number }>();
    const options: WatcherOptions = { policy: DEFAULT_POLICY, actor: 'watcher', holder: 'watcher (test)', propagationMs: 0 };
    const readyToStep = async (db: Db) => {
      clock = new FakeClock(new Date(Date.now() + 11 * MIN));
      await db.query(`INSERT INTO switchback.shadow_compares (flag, change_id, instance_id, window_start, compares, mismatches) VALUES ($1, $2, 'i', $3, 1000, 0)`, [FLAG, ID, new Date(clock.now().getTime() - MIN)]);
      await db.query(`INSERT INTO switchback.side_metrics (change_id, instance_id, op, side, window_start, calls, errors) VALUES ($1, 'i', 'read', 'new', $2, 1000, 0)`, [ID, new Date(clock.now().getTime() - MIN)]);
      memory.clear();
    };
    const tick = async () => (await watchTick(t.db, options, memory, clock.now()))[0]!;
    const flagPercent = async () => (await t.db.query<{ rollout_bps: number }>('SELECT rollout_bps FROM switchback.flags WHERE name = $1', [FLAG])).rows[0]!.rollout_bps / 100;

    it('negative tickets from an exposed tenant pause the rollout and ask a person; continuing takes the step', async () => {
      await readyToStep(t.db);
      await recordSignals(t.db, 'zendesk', [{ at: new Date(clock.now().getTime() - 2 * MIN), tenant: 'acme', body: 'Our contract end date is missing on the customer page' }], 'test');
      const d = await tick();
      expect(d).toMatchObject({ action: 'asked', transition: 'read-switch@10%', reason: expect.stringContaining('negative signals correlate') });
      expect(await flagPercent()).toBe(1);
      await answerApprovalRequest(t.db, d.request!, { by: 'ana', approve: true, reason: 'that tenant has a known import issue' });
      expect(await tick()).toMatchObject({ action: 'advanced', transition: 'read-switch@10%' });
      expect(await flagPercent()).toBe(10);
    });

    it('end to end: a ticket posted to the endpoint pauses the rollout, opens a question, and status shows it', async () => {
      await readyToStep(t.db);
      const token = 'end-to-end-token-0123';
      const server = await startFeedbackServer(t.db, { port: 0, token, actor: 'feedback' });
      try {
        const res = await fetch(`${server.url}/signals?source=zendesk`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ id: 'z-41', created_at: new Date(clock.now().getTime() - 2 * MIN).toISOString(), organization: 'acme', subject: 'Contract', description: 'The end date on our customer page is blank since this morning' }),
        });
        expect(res.status).toBe(201);
      } finally {
        await server.close();
      }
      const d = await tick();
      expect(d).toMatchObject({ action: 'asked', transition: 'read-switch@10%', reason: expect.stringContaining('negative signals correlate') });
      expect(await flagPercent()).toBe(1);
      const [request] = await listApprovalRequests(t.db, { change: ID, status: 'open' });
      expect(request).toMatchObject({ id: d.request, transition: 'signals:read-switch@10%', askedBy: 'watcher', options: ['approve', 'reject'] });
      expect(JSON.stringify(request!.evidence)).toContain('end date on our customer page');
      const status = await changeStatus(t.db, ID, { now: clock.now(), policy: DEFAULT_POLICY });
      expect(status.openRequests).toEqual([expect.objectContaining({ id: d.request })]);
      expect(status.next!.waitingOn.join('\n')).toContain('rollout-no-complaints');
      // Asked once: the next interval waits on the same question.
      expect(await tick()).toMatchObject({ action: 'asked', request: d.request });
      expect(await listApprovalRequests(t.db, { change: ID })).toHaveLength(1);
    });

    it('rejecting the question rolls the rollout back', async () => {
      await readyToStep(t.db);
      await recordSignals(t.db, 'zendesk', [{ at: new Date(clock.now().getTime() - 2 * MIN), tenant: 'acme', body: 'the tier is wrong' }], 'test');
      const d = await tick();
      await answerApprovalRequest(t.db, d.request!, { by: 'ana', approve: false });
      expect(await tick()).toMatchObject({ action: 'rolled-back' });
      expect(await flagPercent()).toBe(0);
    });

    it('a severity-3 ticket trips the rollback rule', async () => {
      await readyToStep(t.db);
      await recordSignals(t.db, 'zendesk', [{ at: new Date(clock.now().getTime() - MIN), tenant: 'acme', body: 'URGENT: our contract tier reverted and we were overcharged' }], 'test');
      expect(await tick()).toMatchObject({ action: 'rolled-back', reason: expect.stringContaining('rollback-severe-complaints') });
    });
  });
});

describe('the feedback endpoint', () => {
  it('never starts without a token long enough to protect anything', async () => {
    const t = await targets[0]!.create();
    try {
      await expect(startFeedbackServer(t.db, { port: 0, token: '', actor: 'feedback' })).rejects.toThrow(FeedbackTokenError);
      await expect(startFeedbackServer(t.db, { port: 0, token: 'short', actor: 'feedback' })).rejects.toThrow(/5 characters; use at least 16/);
    } finally {
      await t.drop();
    }
  });

  it('records posted messages, and refuses bad input, a missing and a wrong token', async () => {
    const t = await targets[0]!.create();
    const secret = 's3cret-s3cret-s3cret';
    const server = await startFeedbackServer(t.db, { port: 0, token: secret, actor: 'feedback' });
    const post = (body: string, token = secret) => fetch(`${server.url}/signals?source=intercom`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
    try {
      const ok = await post(JSON.stringify({ text: 'the tier is wrong', tenant: 'acme', id: 'c-1' }));
      expect(ok.status).toBe(201);
      const { recorded } = (await ok.json()) as { recorded: { classification: { severity: number } }[] };
      expect(recorded).toEqual([expect.objectContaining({ classification: expect.objectContaining({ polarity: 'negative', severity: 2 }) })]);
      expect((await post(JSON.stringify({ messages: [{ text: 'a' }, { text: 'b' }] }))).status).toBe(201);
      expect((await post('{not json')).status).toBe(400);
      expect((await post(JSON.stringify([{ created_at: 'x' }]))).status).toBe(400);
      for (const wrong of ['wrong', `${secret}x`, secret.slice(0, -1)]) expect((await post(JSON.stringify({ text: 'the tier is wrong' }), wrong)).status).toBe(401);
      const bare = await fetch(`${server.url}/signals`, { method: 'POST', body: JSON.stringify({ text: 'the tier is wrong' }) });
      expect(bare.status).toBe(401);
      expect(bare.headers.get('www-authenticate')).toBe('Bearer');
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      const { rows } = await t.db.query<{ source: string; n: number }>('SELECT source, count(*)::int AS n FROM switchback.signals GROUP BY source');
      expect(rows).toEqual([{ source: 'intercom', n: 3 }]);
    } finally {
      await server.close();
      await t.drop();
    }
  });
});
