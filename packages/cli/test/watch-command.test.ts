/**
 * `switchback watch` through the built binary: one evaluation with --json on
 * the embedded database, bad input, and (on the real server) two replicas
 * electing one leader, the follower taking over when the leader is killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advance, readEvents, registerChange, type Db } from '@switchback/engine';
import { schemaSql, seedSql } from '@switchback/example-support-desk';
import { demoChange } from '../src/demo/demo-change.js';
import { serverTarget, type TestDatabase } from '../../../test-support/databases.js';
import { bin, makeWorkdir, removeWorkdir, runCli, SLOW_MS, workdirDb } from './cli-harness.js';

async function atReadSwitch(db: Db): Promise<void> {
  await db.exec(schemaSql('desk'));
  await db.exec(seedSql('desk', 100));
  await db.exec(`INSERT INTO switchback.app_instances (instance_id, app, version, stopped_at) VALUES ('v1-a', 'support-desk', '1', now())`);
  await registerChange(db, demoChange('desk', 'trigger', 'watched'), 'test');
  await advance(db, 'watched', { actor: 'test', propagationMs: 0, to: 'read-switch' });
}

describe('switchback watch on the embedded database', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = makeWorkdir();
    await workdirDb(cwd, async (db) => {
      const { migrateLedger } = await import('@switchback/engine');
      await migrateLedger(db);
      await atReadSwitch(db);
    });
  }, SLOW_MS);
  afterAll(() => removeWorkdir(cwd));

  it('--once --json prints one decision per change and records it', async () => {
    const r = await runCli(['watch', '--once', '--json', '--actor', 'watcher-1'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const decisions = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { change: string; action: string; transition: string; reason: string });
    expect(decisions).toEqual([expect.objectContaining({ change: 'watched', action: 'waiting', transition: 'read-switch@10%', reason: expect.stringContaining('rollout-soak') })]);
    expect(r.stderr).toContain('watching with the default policy');
    const status = await runCli(['status', 'watched', '--json'], { cwd });
    expect(JSON.parse(status.stdout).lastEvents.map((e: { action: string }) => e.action)).toContain('watch.waiting');
  }, SLOW_MS);

  it('refuses a bad interval and a policy file with an unknown key, naming the line', async () => {
    expect(await runCli(['watch', '--once', '--interval', 'soon'], { cwd })).toMatchObject({ code: 2, stderr: expect.stringContaining('--interval must be a duration') });
    fs.writeFileSync(path.join(cwd, 'strict.policy.yaml'), 'version: 1\nrollout:\n  maxStep: 10\n');
    const r = await runCli(['watch', '--once', '--policy', 'strict.policy.yaml'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/strict\.policy\.yaml:3:\d+: rollout\.maxStep: unknown field "maxStep"/);
  }, SLOW_MS);
});

/** A running watcher process and what it printed so far. */
interface Replica {
  name: string;
  child: ChildProcess;
  stderr: string;
  exited: Promise<number | null>;
}

function startReplica(name: string, url: string, cwd: string): Replica {
  const child = spawn(process.execPath, [bin, 'watch', '--interval', '300ms', '--actor', name], { cwd, env: { ...process.env, DATABASE_URL: url, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  const r: Replica = { name, child, stderr: '', exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
  child.stderr!.on('data', (c: Buffer) => (r.stderr += c.toString()));
  return r;
}

async function until(what: string, cond: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!serverTarget)('switchback watch replicas on the server', () => {
  let t: TestDatabase;
  let cwd: string;
  const replicas: Replica[] = [];
  beforeAll(async () => {
    t = await serverTarget!.create();
    await atReadSwitch(t.db);
    cwd = makeWorkdir();
  }, SLOW_MS);
  afterAll(async () => {
    for (const r of replicas) r.child.kill('SIGKILL');
    await t?.drop();
    removeWorkdir(cwd);
  });

  it('exactly one of two replicas leads; when it is killed, the other takes over', async () => {
    replicas.push(startReplica('watcher-a', t.url!, cwd), startReplica('watcher-b', t.url!, cwd));
    const leading = () => replicas.filter((r) => r.stderr.includes('leading the watch'));
    await until('a leader', () => leading().length > 0);
    // Several more intervals: the other replica must stay a follower.
    await until("the leader's first decision", () => /watched: waiting/.test(leading()[0]!.stderr));
    // Several more intervals and follower polls: the other replica must stay a follower.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(leading()).toHaveLength(1);
    const [leader] = leading();
    const follower = replicas.find((r) => r !== leader)!;
    const before = (await readEvents(t.db)).filter((e) => e.action.startsWith('watch.'));
    expect(new Set(before.map((e) => e.actor))).toEqual(new Set([leader!.name]));

    leader!.child.kill('SIGKILL');
    const killedAt = Date.now();
    await until('the follower to take over', () => follower.stderr.includes('leading the watch'));
    const tookMs = Date.now() - killedAt;
    const after = (await readEvents(t.db)).filter((e) => e.action === 'watch.leader');
    expect(after.map((e) => e.actor)).toEqual([leader!.name, follower.name]);
    // Reported, not asserted tightly: the follower polls every second and the server frees the lock when the socket closes.
    console.log(`failover took ${tookMs} ms`);

    follower.child.kill('SIGTERM');
    expect(await follower.exited).toBe(0);
    const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = x'53574257'::int::oid`);
    expect(rows[0]!.n).toBe(0);
  }, SLOW_MS);
});
