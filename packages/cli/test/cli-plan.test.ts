/**
 * `switchback plan <file> --schema <sql>` end to end: text, JSON and Markdown
 * output of the seed change, planned against the example app's schema.
 * Each run loads the schema into a fresh in-memory PGlite (~5 s).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_ID, exampleChange, exampleSchema, makeWorkdir, parseJson, PHASES, removeWorkdir, runCli } from './cli-harness.js';

const change = 'changes/0001-contract-into-customer.yaml';

describe('switchback plan --schema', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = makeWorkdir([exampleChange]);
  });
  afterAll(() => removeWorkdir(cwd));

  it('prints a text plan naming all six phases, in order', async () => {
    const r = await runCli(['plan', change, '--schema', exampleSchema], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${EXAMPLE_ID}: Move contract tier and end date onto the customer`);
    const headings = [...r.stdout.matchAll(/^(\d) ([a-z-]+) — /gm)].map((m) => [Number(m[1]), m[2]]);
    expect(headings).toEqual(PHASES.map((p, i) => [i + 1, p]));
    for (const section of ['gates (before entering)', 'forward', 'backward', 'verify']) expect(r.stdout).toContain(section);
  });

  it('prints the plan as one JSON object with --json: version 1, six phases, each with forward/backward/verify/gates/flags/app', async () => {
    const r = await runCli(['plan', change, '--schema', exampleSchema, '--json'], { cwd });
    expect(r.code).toBe(0);
    const plan = parseJson<{ version: number; change: string; phases: Record<string, unknown>[] }>(r);
    expect(plan.version).toBe(1);
    expect(plan.change).toBe(EXAMPLE_ID);
    expect(plan.phases.map((p) => p.id)).toEqual([...PHASES]);
    for (const phase of plan.phases) {
      for (const key of ['forward', 'backward', 'verify', 'gates', 'flags', 'app']) {
        expect(Array.isArray(phase[key]), `phase ${String(phase.id)}.${key} is a list`).toBe(true);
      }
    }
    expect((plan.phases[0]!.forward as unknown[]).length).toBeGreaterThan(0);
  });

  it('prints Markdown with --format markdown: one ```mermaid diagram per phase', async () => {
    const r = await runCli(['plan', change, '--schema', exampleSchema, '--format', 'markdown'], { cwd });
    expect(r.code).toBe(0);
    const sections = r.stdout.split(/^### Phase \d+: /m).slice(1);
    expect(sections).toHaveLength(6);
    for (const s of sections) expect(s.match(/^```mermaid$/gm), s.split('\n')[0]).toHaveLength(1);
    // The overview table lists each phase by number and id.
    PHASES.forEach((p, i) => expect(r.stdout).toContain(`| ${i + 1} ${p} |`));
  });

  it('rejects --format bogus with exit 2, naming the formats, before reading anything', async () => {
    const r = await runCli(['plan', change, '--schema', exampleSchema, '--format', 'bogus'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--format must be text, json or markdown (got "bogus")');
  });

  it('reports a --schema path that does not exist with exit 2', async () => {
    const r = await runCli(['plan', change, '--schema', 'migrations/'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--schema migrations/: no such file or directory');
  });
});
