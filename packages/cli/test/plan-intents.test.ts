/**
 * `switchback plan` on every example change file of the catalogue, the way a
 * user runs it: each plans against its example schema (the renderings are
 * golden-tested in core), and a parameter that does not match the schema is
 * reported at its line in the file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleSchema, runCli, SLOW_MS } from './cli-harness.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const catalogueSchema = path.join(repo, 'examples/changes/schema.sql');
const examples: [string, string][] = [
  ['examples/support-desk/changes/0002-rename-company-name.yaml', exampleSchema],
  ['examples/support-desk/changes/0003-rename-contract-table.yaml', exampleSchema],
  ...fs
    .readdirSync(path.join(repo, 'examples/changes'))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f): [string, string] => [`examples/changes/${f}`, catalogueSchema]),
];
const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'switchback-plan-intents-'));
afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

describe('switchback plan on the example change files', () => {
  it('has an example for every intent of the catalogue', () => {
    const intents = examples.map(([file]) => /^intent: (.+)$/m.exec(fs.readFileSync(path.join(repo, file), 'utf8'))?.[1]);
    expect(new Set(intents)).toEqual(new Set(['rename-column', 'rename-table', 'change-column-type', 'add-not-null', 'add-foreign-key', 'add-unique', 'add-index', 'add-enum-value']));
  });

  it.each(examples)('%s plans', async (file, schema) => {
    const r = await runCli(['plan', path.join(repo, file), '--schema', schema, '--json'], { cwd });
    expect(r.code, r.output).toBe(0);
    const plan = JSON.parse(r.stdout) as { intent: string; phases: { id: string; forward: unknown[] }[] };
    expect(fs.readFileSync(path.join(repo, file), 'utf8')).toContain(`intent: ${plan.intent}`);
    expect(plan.phases.length).toBeGreaterThan(0);
    expect(plan.phases.every((p) => p.forward.length > 0)).toBe(true);
  }, SLOW_MS);

  it('reports a parameter the schema does not have at its line, with exit code 2', async () => {
    const file = path.join(cwd, '0010-widen.yaml');
    fs.writeFileSync(file, 'version: 1\ntitle: Widen\nintent: change-column-type\nparams:\n  table: support_ticket\n  column: priorty\n  type: bigint\n');
    const r = await runCli(['plan', file, '--schema', catalogueSchema], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('0010-widen.yaml:6:11: params.column: column "priorty" does not exist in support_ticket');
  }, SLOW_MS);
});
