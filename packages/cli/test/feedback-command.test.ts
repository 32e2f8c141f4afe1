/** `switchback feedback` through the built binary: one message, an import, and a bad export. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advance, registerChange } from '@switchback/engine';
import { demoChange } from '../src/demo/demo-change.js';
import { deskWithLedger, makeWorkdir, removeWorkdir, runCli, SLOW_MS, workdirDb } from './cli-harness.js';

describe('switchback feedback', () => {
  let cwd: string;
  const cli = (...args: string[]) => runCli(args, { cwd });
  beforeAll(async () => {
    cwd = makeWorkdir();
    await workdirDb(cwd, async (db) => {
      await deskWithLedger(db);
      await registerChange(db, demoChange('desk', 'trigger', 'moving'), 'test');
      await advance(db, 'moving', { actor: 'test', propagationMs: 0, to: 'read-switch' });
    });
    expect((await cli('flag', 'set', 'ReadContractDetailsFromCustomer', '--allow-tenants', 'acme')).code).toBe(0);
  }, SLOW_MS);
  afterAll(() => removeWorkdir(cwd));

  it('classifies one message and correlates it with the change', async () => {
    const r = await cli('feedback', 'Our tier shows Basic, that is wrong', '--tenant', 'acme', '--json');
    expect(r.code, r.stderr).toBe(0);
    const [s] = JSON.parse(r.stdout) as { classification: { polarity: string; severity: number }; correlations: { change: string; evidence: { tenant: { allowListed: boolean } } }[] }[];
    expect(s).toMatchObject({ classification: { polarity: 'negative', severity: 2 }, correlations: [{ change: 'moving', evidence: { tenant: { allowListed: true } } }] });
    const human = await cli('feedback', 'Thanks, the end date shows fine', '--tenant', 'globex');
    expect(human.stdout).toMatch(/^#\d+ positive/);
  }, SLOW_MS);

  it('imports a CSV export once, and refuses a broken one naming the record', async () => {
    fs.writeFileSync(path.join(cwd, 'tickets.csv'), 'id,created_at,organization,subject,description\n7,2030-01-01T00:00:00Z,acme,Contract,"End date is blank, tier missing"\n8,2030-01-01T00:05:00Z,initech,Invoice,"please resend"\n');
    const r = await cli('feedback', '--import', 'tickets.csv', '--source', 'zendesk');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('2 recorded, 1 correlated with a change.');
    expect((await cli('feedback', '--import', 'tickets.csv', '--source', 'zendesk')).stdout).toContain('0 recorded, 2 already known');
    fs.writeFileSync(path.join(cwd, 'bad.csv'), 'id,text,created_at\n1,hello,not a date\n');
    expect(await cli('feedback', '--import', 'bad.csv')).toMatchObject({ code: 2, stderr: expect.stringContaining('line 2 (record 1): "not a date" is not a time') });
  }, SLOW_MS);

  it('refuses to serve the endpoint without a token, even on this machine alone', async () => {
    const env = { SWITCHBACK_FEEDBACK_TOKEN: '' };
    const r = await runCli(['feedback', '--listen', '127.0.0.1:0'], { cwd, env });
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toContain('The feedback endpoint records signals, so it needs a token: set SWITCHBACK_FEEDBACK_TOKEN');
    expect((await runCli(['feedback', '--listen', '0'], { cwd, env: { SWITCHBACK_FEEDBACK_TOKEN: 'abc' } })).stderr).toContain('use at least 16');
  }, SLOW_MS);
});
