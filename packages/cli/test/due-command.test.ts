/** `switchback due` through the built binary: a change cut off a month ago, its flags still named in code. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advance, registerChange } from '@switchback/engine';
import { demoChange } from '../src/demo/demo-change.js';
import { deskWithLedger, makeWorkdir, removeWorkdir, runCli, SLOW_MS, workdirDb } from './cli-harness.js';

const DAY = 86_400_000;

describe('switchback due', () => {
  let cwd: string;
  const month = new Date(Date.now() + 30 * DAY).toISOString();
  const cli = (...args: string[]) => runCli(args, { cwd });
  beforeAll(async () => {
    cwd = makeWorkdir();
    await workdirDb(cwd, async (db) => {
      await deskWithLedger(db);
      const spec = demoChange('desk', 'trigger', 'old-path');
      await registerChange(db, { ...spec, params: { ...spec.params, retention: 21 * DAY } }, 'test');
      await advance(db, 'old-path', { actor: 'test', propagationMs: 0, to: 'cut-off' });
      await db.query(`INSERT INTO switchback.side_metrics (change_id, instance_id, op, side, window_start, calls) VALUES ('old-path', 'i', 'read', 'new', now() + interval '1 day', 900)`);
    });
    fs.mkdirSync(path.join(cwd, 'src'));
    fs.writeFileSync(path.join(cwd, 'src', 'reader.ts'), "const useNew = flags.isEnabled('ReadContractDetailsFromCustomer', ctx);\n");
  }, SLOW_MS);
  afterAll(() => removeWorkdir(cwd));

  it('says when the change becomes due, and lists it a month later with the flag references', async () => {
    const now = await cli('due');
    expect(now.code, now.stderr).toBe(0);
    expect(now.stdout).toMatch(/old-path .*: due \d{4}-/);
    const later = await cli('due', '--at', month, '--json');
    const [item] = JSON.parse(later.stdout) as { change: string; eligible: boolean; references: Record<string, { file: string; line: number }[]> }[];
    expect(item).toMatchObject({ change: 'old-path', eligible: true, references: { ReadContractDetailsFromCustomer: [{ file: path.join('src', 'reader.ts'), line: 1 }] } });
    const md = await cli('due', '--at', month, '--markdown');
    expect(md.stdout).toContain('## Contract: ');
    expect(md.stdout).toContain('- [ ] `src/reader.ts:1` names `ReadContractDetailsFromCustomer`');
    expect(md.stdout).toContain('```sql');
  }, SLOW_MS);

  it('status shows the same date for contract, weeks ahead, and what else it waits on', async () => {
    const due = (JSON.parse((await cli('due', '--json')).stdout) as { dueAt: string }[])[0]!.dueAt;
    const human = await cli('status', 'old-path');
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`next: contract, due ${due.replace(/[.]/g, '\\.')} \\(in 2\\d?d`));
    expect(human.stdout).toContain('waiting on approval-owner: needs approval by an owner');
    const json = JSON.parse((await cli('status', 'old-path', '--json')).stdout) as { next: { transition: string; dueAt: string; waitingOn: string[] }; openRequests: unknown[] };
    expect(json).toMatchObject({ next: { transition: 'contract', dueAt: due }, openRequests: [] });
    expect(JSON.parse((await cli('status', 'old-path', '--json', '--at', month)).stdout)).toMatchObject({ next: { transition: 'contract', dueAt: null } });
  }, SLOW_MS);

  it('refuses a bad --at', async () => {
    expect(await cli('due', '--at', 'next month')).toMatchObject({ code: 2, stderr: expect.stringContaining('--at must be an ISO 8601 time') });
    expect(await cli('status', '--at', 'next month')).toMatchObject({ code: 2, stderr: expect.stringContaining('--at must be an ISO 8601 time') });
  }, SLOW_MS);
});
