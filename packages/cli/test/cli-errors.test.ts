/**
 * What a user sees when something is wrong: a bad change file, an unreachable
 * database, a bad option. Always exit 2, a message that says what, where and how
 * to fix it, no stack trace, no password, no colour codes. Tests in a suite run
 * concurrently (each in its own directory where they would disturb each other).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { exampleChange, exampleSchema, fixtures, makeWorkdir, once, removeWorkdir, runCli, SLOW_MS, type CliResult } from './cli-harness.js';

const fixture = (name: string) => path.join(fixtures, name);
/** `file:line:column: field: message`, the shape editors and terminals link to. */
const PROBLEM = /^(?<file>[^\s:]+):(?<line>\d+):(?<column>\d+): (?:(?<field>[\w.[\]]+): )?(?<message>.+)$/;

function problems(r: CliResult): Array<{ file: string; line: number; column: number; field?: string; message: string }> {
  return r.stderr
    .trimEnd()
    .split('\n')
    .map((l) => {
      const m = PROBLEM.exec(l);
      if (!m?.groups) throw new Error(`not a file:line:column problem: ${l}`);
      const g = m.groups;
      return { file: g.file!, line: Number(g.line), column: Number(g.column), ...(g.field ? { field: g.field } : {}), message: g.message! };
    });
}

function expectNoStack(r: CliResult): void {
  expect(r.output).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
  expect(r.output).not.toContain('unexpected error');
}

describe.concurrent('bad change files: exit 2 and file:line:column: field: message', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = makeWorkdir(['unknown-key.yaml', 'missing-title.yaml', 'missing-column.yaml', 'missing-table.yaml', 'bad-yaml.yaml'].map(fixture));
  });
  afterAll(() => removeWorkdir(cwd));

  const plan = (file: string, ...extra: string[]) => runCli(['plan', `changes/${file}`, ...extra], { cwd });
  const missingColumn = once(() => plan('missing-column.yaml', '--schema', exampleSchema));

  it('an unknown key: its line, and the known fields', async () => {
    const r = await plan('unknown-key.yaml');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(problems(r)).toEqual([
      { file: 'changes/unknown-key.yaml', line: 4, column: 1, field: 'colour', message: 'unknown field "colour"; remove it (known fields: version, id, title, intent, sync, params, execution)' },
    ]);
  });

  it('a missing title', async () => {
    const r = await plan('missing-title.yaml');
    expect(r.code).toBe(2);
    expect(problems(r)).toEqual([{ file: 'changes/missing-title.yaml', line: 2, column: 1, field: 'title', message: 'required field "title" is missing' }]);
  });

  it('a column the table does not have (planned against --schema): names the column, the table, its columns, at params.columns[1]', async () => {
    const r = await missingColumn();
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const [p, ...rest] = problems(r);
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ file: 'changes/missing-column.yaml', line: 10, column: 7, field: 'params.columns[1]' });
    expect(p!.message).toContain('column "renewal_date" does not exist in support_contract');
    expect(p!.message).toContain('(columns: id, customer_id, start_date, tier, end_date)');
    expectNoStack(r);
  }, SLOW_MS);

  it('a missing column: the message also says how to fix it', async () => {
    const r = await missingColumn();
    expect(r.code).toBe(2);
    expect(problems(r)[0]!.message).toMatch(/check|add the column|fix/i);
  }, SLOW_MS);

  it('a table that does not exist: names it and the tables there are, at params.from.table', async () => {
    const r = await plan('missing-table.yaml', '--schema', exampleSchema);
    expect(r.code).toBe(2);
    const [p, ...rest] = problems(r);
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ file: 'changes/missing-table.yaml', line: 6, column: 18, field: 'params.from.table' });
    expect(p!.message).toContain('table "support_agreement" does not exist');
    expect(p!.message).toContain('(tables: support_contract, support_customer)');
    expect(p!.message).toContain('Check the name, or create the table first.');
    expectNoStack(r);
  }, SLOW_MS);

  it('a YAML syntax error: position and what the parser expected, no field', async () => {
    const r = await plan('bad-yaml.yaml');
    expect(r.code).toBe(2);
    const [p, ...rest] = problems(r);
    expect(rest).toEqual([]);
    // The flow sequence opens on line 8; the parser reports where it expected the "]" (line 9).
    expect(p).toMatchObject({ file: 'changes/bad-yaml.yaml', line: 9, column: 3 });
    expect(p!.field).toBeUndefined();
    expect(p!.message).toContain('end with a ]');
    expectNoStack(r);
  });

  it('a missing file: names it, exit 2, for plan and status alike', async () => {
    for (const args of [['plan', 'changes/nope.yaml'], ['status', 'changes/nope.yaml']]) {
      const r = await runCli(args, { cwd });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^changes\/nope\.yaml:\d+:\d+: no such file/);
      expectNoStack(r);
    }
    // Reading the file comes first: none of these created an embedded database.
    expect(fs.existsSync(path.join(cwd, '.switchback'))).toBe(false);
  });

  it('a missing file given to advance is reported before any database is created', async () => {
    const own = makeWorkdir();
    try {
      const r = await runCli(['advance', 'changes/nope.yaml'], { cwd: own });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^changes\/nope\.yaml:\d+:\d+: no such file/);
      expect(fs.existsSync(path.join(own, '.switchback'))).toBe(false);
    } finally {
      removeWorkdir(own);
    }
  }, SLOW_MS);

  it('a missing file: a 1-based position and a hint how to fix it', async () => {
    const r = await runCli(['plan', 'changes/nope.yaml'], { cwd });
    expect(problems(r)[0]).toMatchObject({ line: 1, column: 1 });
    expect(r.stderr).toMatch(/check the path|current directory/i);
  });
});

describe.concurrent('database URLs', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = makeWorkdir([exampleChange]);
  });
  afterAll(() => removeWorkdir(cwd));
  const change = 'changes/0001-contract-into-customer.yaml';

  it('an unreachable server: exit 2, says it cannot connect, where, and what to check', async () => {
    const r = await runCli(['--database-url', 'postgres://postgres@127.0.0.1:1/x', 'advance', change], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Cannot connect to postgres://postgres@127.0.0.1:1/x');
    expect(r.stderr).toContain('connection refused (is the server running on that host and port?)');
    expect(r.stderr).toMatch(/Check .*\(host, port, user, password, database name\) and that the server is running/);
    expectNoStack(r);
  });

  it('never prints the password: --database-url, DATABASE_URL, --json', async () => {
    const url = 'postgres://u:s3cret@127.0.0.1:1/x';
    const runs = await Promise.all([
      runCli(['--database-url', url, 'advance', change], { cwd }),
      runCli(['--database-url', url, '--json', 'status'], { cwd }),
      runCli(['verify-ledger'], { cwd, env: { DATABASE_URL: url } }),
      runCli(['--database-url', 'mysql://u:s3cret@127.0.0.1:1/x', 'status'], { cwd }),
      runCli(['--database-url', 'postgres://u:s3cret@[::1/x', 'status'], { cwd }),
    ]);
    for (const r of runs) {
      expect(r.code).toBe(2);
      expect(r.output).not.toContain('s3cret');
      expect(r.stderr).toMatch(/Cannot connect to|is not a PostgreSQL URL/);
    }
    expect(runs[0]!.stderr).toContain('postgres://u@127.0.0.1:1/x');
  });

  it('a URL that is not postgres://: exit 2, says which schemes work', async () => {
    const r = await runCli(['--database-url', 'mysql://root@127.0.0.1/x', 'status'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Use a postgres://user@host:port/database URL.');
    expectNoStack(r);
    expect(fs.existsSync(path.join(cwd, '.switchback'))).toBe(false);
  });

  it('a URL that is not postgres://: the fix is about the URL given with --database-url, not a server to start', async () => {
    const r = await runCli(['--database-url', 'mysql://root@127.0.0.1/x', 'status'], { cwd });
    expect(r.stderr).not.toContain('the server is running');
    expect(r.stderr).toContain('--database-url');
  });
});

describe.concurrent('bad options and arguments', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = makeWorkdir();
  });
  afterAll(() => removeWorkdir(cwd));

  it.each([
    [['bogus-command'], /unknown command 'bogus-command'/],
    [['plan'], /plan needs a change file \(switchback plan changes\/0001-x.yaml\) or a migration/],
    [['plan', 'x.yaml', '--from-sql', 'm.sql'], /give either a change file or --from-sql, not both/],
    [['plan', 'x.yaml', '--write', 'changes'], /--write goes with --from-sql/],
    [['plan', 'x.yaml', '--bogus-option'], /unknown option '--bogus-option'/],
    [['demo', '--rows', 'abc'], /--rows must be a whole number from 10 to 100000000 \(got "abc"\)/],
    [['demo', '--mode', 'sideways'], /--mode must be both, trigger or app \(got "sideways"\)/],
    [['advance', 'x', '--override', 'no-reason'], /--override needs gate=reason \(got "no-reason"\)/],
  ])('switchback %j → exit 2: %s', async (args, message) => {
    const r = await runCli(args, { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expectNoStack(r);
    // Rejected before any database was opened.
    expect(fs.existsSync(path.join(cwd, '.switchback'))).toBe(false);
  });
});
