/**
 * What the commands that need no prepared database print, through the built
 * binary: `plan --schema` in text, JSON and Markdown; `demo --json` (the public
 * contract in /work/shared/design/CONTRACTS.md); `--help`; colour. The tests
 * run concurrently (vitest gives this file one worker; the children use the
 * other core): each `plan --schema` loads the schema into a fresh in-memory
 * PGlite (~5 s) and the demo takes ~15 s.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ANSI, bin, SLOW_MS, EXAMPLE_ID, exampleChange, exampleSchema, makeWorkdir, parseJson, PHASES, removeWorkdir, runCli } from './cli-harness.js';

const change = 'changes/0001-contract-into-customer.yaml';
const COMMANDS = ['plan', 'advance', 'rollback', 'status', 'flag', 'verify-ledger', 'demo'] as const;

/** The fields CONTRACTS.md promises, with their JSON types. Others may be added; none of these may go. */
const CONTRACT_FIELDS = {
  scenario: 'string',
  rows: 'number',
  phases: 'array',
  rollbacks: 'array',
  writes: 'object',
  oldVersionErrors: 'number',
  parityMismatches: 'number',
  seconds: 'number',
} as const;

const jsonType = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

/** util-linux `script` gives the child a pseudo-terminal, where switchback colours its output unless told not to. */
const hasScript = (() => {
  try {
    execFileSync('script', ['-qec', 'true', '/dev/null'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** Run switchback on a pseudo-terminal; `undefined` in `env` removes the variable. */
function onTty(args: string[], cwd: string, env: Record<string, string | undefined>): Promise<{ code: number; output: string }> {
  const e: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const k of ['DATABASE_URL', ...Object.keys(env).filter((k) => env[k] === undefined)]) delete e[k];
  const command = [process.execPath, bin, ...args].map(quote).join(' ');
  return new Promise((resolve) => {
    execFile('script', ['-qec', command, '/dev/null'], { cwd, env: e, timeout: 60_000 }, (error, stdout) =>
      resolve({ code: error ? Number(error.code ?? -1) : 0, output: String(stdout) }),
    );
  });
}

// One level of concurrent tests: vitest runs sibling suites one after another, so they are not nested.
describe.concurrent('what switchback prints', () => {
  let cwd: string;
  let demoCwd: string;
  beforeAll(() => {
    cwd = makeWorkdir([exampleChange]);
    demoCwd = makeWorkdir();
  });
  afterAll(() => {
    removeWorkdir(cwd);
    removeWorkdir(demoCwd);
  });

  // demo --json first: it is the longest.
  it('demo --rows 2000 --json: runs the seed scenario on PGlite, exit 0, the contracted JSON object', async () => {
    const r = await runCli(['demo', '--rows', '2000', '--json'], { cwd: demoCwd });
    expect(r.code, r.stderr).toBe(0);
    const result = parseJson<Record<string, unknown>>(r);

    expect(Object.fromEntries(Object.keys(CONTRACT_FIELDS).map((k) => [k, jsonType(result[k])]))).toEqual(CONTRACT_FIELDS);
    expect(result).toMatchObject({
      scenario: 'support-contract-into-customer',
      rows: 2000,
      phases: [...PHASES],
      rollbacks: [{ from: 'read-switch', to: 'backfill' }],
      oldVersionErrors: 0,
      parityMismatches: 0,
    });
    expect(result.rollbacks).toEqual([{ from: 'read-switch', to: 'backfill' }]);
    const writes = result.writes as Record<string, unknown>;
    expect(Object.keys(writes).sort()).toEqual(['attempted', 'committed', 'lost']);
    expect(writes.lost).toBe(0);
    expect(writes.committed).toBeGreaterThan(0);
    expect(writes.committed as number).toBeLessThanOrEqual(writes.attempted as number);
    expect(Number.isFinite(result.seconds) && (result.seconds as number) > 0).toBe(true);

    // The embedded database lands in the cwd, where `switchback status --data-dir .switchback/demo` finds it.
    expect(fs.existsSync(path.join(demoCwd, '.switchback', 'demo'))).toBe(true);
  }, SLOW_MS);

  it('demo --rows abc: exit 2, says what --rows takes, prints no JSON', async () => {
    const r = await runCli(['demo', '--rows', 'abc', '--json'], { cwd: demoCwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--rows must be a whole number from 10 to 100000000 (got "abc")');
  });

  it('plan --schema: a text plan naming all six phases, in order', async () => {
    const r = await runCli(['plan', change, '--schema', exampleSchema], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${EXAMPLE_ID}: Move contract tier and end date onto the customer`);
    const headings = [...r.stdout.matchAll(/^(\d) ([a-z-]+) — /gm)].map((m) => [Number(m[1]), m[2]]);
    expect(headings).toEqual(PHASES.map((p, i) => [i + 1, p]));
    for (const section of ['gates (before entering)', 'forward', 'backward', 'verify']) expect(r.stdout).toContain(section);
  }, SLOW_MS);

  it('plan --schema --json: one JSON object, version 1, six phases each with forward/backward/verify/gates/flags/app', async () => {
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
  }, SLOW_MS);

  it('plan --schema --format markdown: one ```mermaid diagram per phase', async () => {
    const r = await runCli(['plan', change, '--schema', exampleSchema, '--format', 'markdown'], { cwd });
    expect(r.code).toBe(0);
    const sections = r.stdout.split(/^### Phase \d+: /m).slice(1);
    expect(sections).toHaveLength(6);
    for (const s of sections) expect(s.match(/^```mermaid$/gm), s.split('\n')[0]).toHaveLength(1);
    // The overview table lists each phase by number and id.
    PHASES.forEach((p, i) => expect(r.stdout).toContain(`| ${i + 1} ${p} |`));
  }, SLOW_MS);

  it('plan --format bogus: exit 2, names the formats', async () => {
    const r = await runCli(['plan', change, '--schema', exampleSchema, '--format', 'bogus'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--format must be text, json or markdown (got "bogus")');
  });

  it('plan --schema <missing path>: exit 2, names it', async () => {
    const r = await runCli(['plan', change, '--schema', 'migrations/'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--schema migrations/: no such file or directory');
  });

  it('switchback --help: exit 0, lists every command and a quick start of example invocations', async () => {
    const r = await runCli(['--help'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Usage: switchback \[options\] \[command\]/);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    expect(r.stdout).toContain('Quick start:');
    for (const c of ['demo', 'plan', 'advance', 'status', 'rollback']) expect(r.stdout).toMatch(new RegExp(`^  switchback ${c}\\b`, 'm'));
    expect(r.stdout).not.toMatch(ANSI);
  });

  it('switchback --version: exit 0', async () => {
    const r = await runCli(['--version'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  /** An "Examples:" section with at least one `switchback <command> ...` line. */
  async function expectExamples(command: string): Promise<void> {
    const r = await runCli([...command.split(' '), '--help'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`^Usage: switchback ${command} `));
    const examples = r.stdout.split(/^Examples:$/m)[1];
    expect(examples, `${command} --help has an Examples: section`).toBeDefined();
    expect(examples).toMatch(new RegExp(`^  switchback ${command}\\b`, 'm'));
  }

  it.each(['plan', 'advance', 'rollback', 'status', 'flag set'])('switchback %s --help: exit 0, with examples', expectExamples);

  it.each(['verify-ledger', 'demo', 'flag', 'flag list'])('switchback %s --help: exit 0, with examples', expectExamples);

  it('help <command> is the same as <command> --help', async () => {
    const [a, b] = await Promise.all([runCli(['help', 'advance'], { cwd }), runCli(['advance', '--help'], { cwd })]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.stdout).toBe(b.stdout);
  });

  it.skipIf(!hasScript)('NO_COLOR=1: no ANSI escape codes even on a terminal (where, without it, there are some)', async () => {
    const ttyCwd = makeWorkdir();
    try {
      fs.cpSync(inject('pgliteTemplate'), path.join(ttyCwd, '.switchback', 'pgdata'), { recursive: true });
      const plain = await onTty(['verify-ledger'], ttyCwd, { NO_COLOR: '1' });
      expect(plain.code).toBe(0);
      expect(plain.output).toContain('ledger intact: 0 events');
      expect(plain.output).not.toMatch(ANSI);

      const coloured = await onTty(['verify-ledger'], ttyCwd, { NO_COLOR: undefined, TERM: 'xterm' });
      expect(coloured.code).toBe(0);
      expect(coloured.output).toMatch(ANSI);
    } finally {
      removeWorkdir(ttyCwd);
    }
  }, SLOW_MS);
});

