/**
 * `switchback plan --from-sql`: the seed's one-step merge (0002) becomes the
 * move-columns change the example ships (0001-contract-into-customer.yaml),
 * written with --write and planned again from the written file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleChange, exampleSchema, makeWorkdir, parseJson, removeWorkdir, runCli, SLOW_MS, PHASES } from './cli-harness.js';

const naive = path.join(path.dirname(exampleSchema), '0002_merge_contract_into_customer.sql');
const ID = 'move-support-contract-into-support-customer';

describe('switchback plan --from-sql', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = makeWorkdir();
    fs.copyFileSync(naive, path.join(cwd, '0002.sql'));
    fs.writeFileSync(path.join(cwd, 'mixed.sql'), "ALTER TABLE support_customer RENAME COLUMN address TO street;\nTRUNCATE support_contract;\nCREATE INDEX CONCURRENTLY contract_tier ON support_contract (tier);\n");
    fs.writeFileSync(path.join(cwd, 'safe.sql'), "SET lock_timeout = '2s';\nALTER TABLE support_customer ADD COLUMN phone text;\n");
    fs.writeFileSync(path.join(cwd, 'broken.sql'), 'ALTER TABLE support_customer ADD COLUMN;\n');
  });
  afterAll(() => removeWorkdir(cwd));

  it('writes the seed merge as the example move-columns change, and plans it in the six phases', async () => {
    const r = await runCli(['plan', '--from-sql', '0002.sql', '--schema', exampleSchema, '--write', 'changes'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`── changes/${ID}.yaml (move-columns)`);
    expect([...r.stdout.matchAll(/^\d ([a-z-]+) — /gm)].map((m) => m[1])).toEqual([...PHASES]);
    expect(r.stdout).toMatch(/0002\.sql: 1 change, 1 planned, 1 written\.\n$/);

    const written = fs.readFileSync(path.join(cwd, 'changes', `${ID}.yaml`), 'utf8');
    expect(written).toContain('#   0002.sql:7: DROP TABLE support_contract');
    const ours = parse(written) as { intent: string; params: Record<string, unknown> };
    const example = parse(fs.readFileSync(exampleChange, 'utf8')) as { intent: string; params: Record<string, unknown> };
    expect(ours.intent).toBe(example.intent);
    const { from, to, columns, retire } = example.params;
    expect(ours.params).toEqual({ from, to, columns, retire });

    // The written file is an ordinary change file: plan reads it like any other.
    const again = await runCli(['plan', `changes/${ID}.yaml`, '--schema', exampleSchema, '--json'], { cwd });
    expect(again.code).toBe(0);
    expect(parseJson<{ phases: { id: string }[] }>(again).phases.map((p) => p.id)).toEqual([...PHASES]);

    // A second --write refuses to overwrite.
    const twice = await runCli(['plan', '--from-sql', '0002.sql', '--schema', exampleSchema, '--write', 'changes'], { cwd });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain(`changes/${ID}.yaml already exists; nothing was written`);
  }, SLOW_MS);

  it('--json: the changes with their plans, and the statements no intent plans (exit 1)', async () => {
    const r = await runCli(['plan', '--from-sql', 'mixed.sql', '--schema', exampleSchema, '--json'], { cwd });
    expect(r.code).toBe(1);
    const out = parseJson<{ version: number; changes: { id: string; intent: string; plannable: boolean; plan: unknown; problems: string[] }[]; unmatched: { line: number; message: string }[] }>(r);
    expect(out.version).toBe(1);
    expect(out.changes.map((c) => [c.id, c.intent])).toEqual([['rename-support-customer-address', 'rename-column']]);
    const rename = out.changes[0]!;
    if (rename.plannable) expect(rename.plan).not.toBeNull();
    else expect(rename.problems).toEqual(['the planner for rename-column is not available yet; the change file is ready for it.']);
    expect(out.unmatched).toEqual([expect.objectContaining({ line: 2, message: expect.stringMatching(/no intent plans this \(truncate-table\)/) })]);
  }, SLOW_MS);

  it('says when a migration is already safe', async () => {
    const r = await runCli(['plan', '--from-sql', 'safe.sql', '--schema', exampleSchema], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('safe.sql: nothing to plan; every statement is already safe.\n');
  }, SLOW_MS);

  it('a drop-column change naming a column the schema lacks: the problem at the line of params.column, exit 2', async () => {
    fs.writeFileSync(path.join(cwd, 'changes', 'drop-street.yaml'), 'version: 1\ntitle: Drop the street\nintent: drop-column\nparams:\n  table: support_customer\n  column: street\n');
    const r = await runCli(['plan', 'changes/drop-street.yaml', '--schema', exampleSchema], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^changes\/drop-street\.yaml:6:11: params\.column: column "street" does not exist in support_customer \(columns: id, tenant, contact_name, company_name, address\)/);
  }, SLOW_MS);

  it.each([
    ['broken.sql', /broken\.sql:1:\d+: syntax error at or near ";"\. Fix the SQL/],
    ['nope.sql', /--from-sql nope\.sql: no such file/],
  ])('%s: exit 2 with file and reason', async (file, message) => {
    const r = await runCli(['plan', '--from-sql', file, '--schema', exampleSchema], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  }, SLOW_MS);
});
