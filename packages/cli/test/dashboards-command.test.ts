/** `switchback dashboards` through the built binary, from a change file planned against the database. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_ID, exampleChange, exampleSchema, makeWorkdir, removeWorkdir, runCli, SLOW_MS, workdirDb } from './cli-harness.js';

describe('switchback dashboards', () => {
  let cwd: string;
  const file = `changes/${path.basename(exampleChange)}`;
  const cli = (...args: string[]) => runCli(args, { cwd });
  beforeAll(async () => {
    cwd = makeWorkdir([exampleChange]);
    await workdirDb(cwd, (db) => db.exec(fs.readFileSync(exampleSchema, 'utf8')));
  }, SLOW_MS);
  afterAll(() => removeWorkdir(cwd));

  it('prints SQL and PromQL, and an importable Grafana dashboard, without registering the change', async () => {
    const all = await cli('dashboards', file);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain(`-- SQL for ${EXAMPLE_ID}`);
    expect(all.stdout).toContain(`switchback_shadow_compares_total{change="${EXAMPLE_ID}"}`);
    const g = JSON.parse((await cli('dashboards', file, '--format', 'grafana')).stdout) as { title: string; panels: unknown[] };
    expect(g.title).toBe('Switchback: Move contract tier and end date onto the customer');
    expect(g.panels.length).toBeGreaterThan(8);
    expect(JSON.parse((await cli('status', '--json')).stdout)).toEqual([]);
  }, SLOW_MS);

  it('refuses an unknown change id and a bad format', async () => {
    expect(await cli('dashboards', 'nope')).toMatchObject({ code: 2, stderr: expect.stringContaining('No change "nope" in the ledger') });
    expect(await cli('dashboards', file, '--format', 'png')).toMatchObject({ code: 2, stderr: expect.stringContaining('--format must be sql, promql or grafana') });
  }, SLOW_MS);
});
