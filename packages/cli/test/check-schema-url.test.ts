/**
 * `switchback check --schema postgres://…` on the real server: the catalog's
 * table sizes turn lock findings on small tables into info.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_TABLE_LIMITS } from '@switchback/core';
import { serverTarget, type TestDatabase } from '../../../test-support/databases.js';
import { runCheck } from '../src/commands/check-command.js';

describe.runIf(serverTarget)('switchback check --schema postgres://', () => {
  let t: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    t = await serverTarget!.create({ ledger: false });
    await t.db.exec(`
      CREATE TABLE tiny (id int PRIMARY KEY, email text);
      INSERT INTO tiny SELECT g, 'x' || g FROM generate_series(1, 50) g;
      CREATE TABLE big (id int PRIMARY KEY, email text);
      INSERT INTO big SELECT g, 'x' || g FROM generate_series(1, ${SMALL_TABLE_LIMITS.rows * 2}) g;
      ANALYZE tiny; ANALYZE big;`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchback-check-url-'));
  });
  afterAll(async () => {
    await t.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function check(sql: string): Promise<{ rule: string; severity: string; message: string }[]> {
    const file = path.join(dir, 'm.sql');
    fs.writeFileSync(file, sql);
    let out = '';
    await runCheck([file], { schema: t.url!, format: 'json' }, (s) => (out += s));
    return (JSON.parse(out) as { findings: { rule: string; severity: string; message: string }[] }).findings;
  }

  it('downgrades a lock finding on a small table to info, stating its size', async () => {
    const findings = await check("SET lock_timeout = '2s';\nCREATE INDEX tiny_email ON tiny (email);\n");
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([['require-concurrent-index', 'info']]);
    expect(findings[0]?.message).toMatch(/But tiny has ~50 rows \(\d+ kB\), so this takes milliseconds\./);
  });

  it('keeps it a warning on a table past the limit', async () => {
    const findings = await check("SET lock_timeout = '2s';\nCREATE INDEX big_email ON big (email);\n");
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([['require-concurrent-index', 'warning']]);
  });

  it('knows the column types from the catalog (int → bigint rewrites; on a small table: info)', async () => {
    const findings = await check("SET lock_timeout = '2s';\nALTER TABLE tiny ALTER COLUMN id TYPE bigint;\nALTER TABLE big ALTER COLUMN id TYPE bigint;\n");
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([['change-column-type', 'info'], ['change-column-type', 'warning']]);
  });
});
