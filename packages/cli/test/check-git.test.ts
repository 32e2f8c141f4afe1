/**
 * `switchback check` without --schema, in real git repositories made for
 * each test: the base branch's migrations are the deployed past.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isSwitchbackError } from '@switchback/engine';
import { runCheck } from '../src/commands/check-command.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A repository with `files` committed on main, then a `feature` branch checked out. */
function repo(files: Record<string, string>, base = 'main'): { root: string; git: (...args: string[]) => string; write: (file: string, text: string) => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'switchback-check-git-'));
  dirs.push(root);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  git('init', '-q', '-b', base);
  git('config', 'user.email', 'check@example.com');
  git('config', 'user.name', 'check');
  git('config', 'commit.gpgsign', 'false');
  for (const [file, text] of Object.entries(files)) write(file, text);
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  git('checkout', '-q', '-b', 'feature');
  return { root, git, write };
}

interface Run {
  code: number | unknown;
  stdout: string;
  json: { findings: { rule: string; file: string; line: number; severity: string }[]; summary: { files: number; statements: number; errors: number; warnings: number } };
  notes: string;
}

async function check(root: string, args: string[], options: Record<string, unknown> = {}): Promise<Run> {
  let stdout = '';
  let notes = '';
  const code = await runCheck(args.map((a) => path.join(root, a)), { format: 'json', ...options }, (t) => (stdout += t), { cwd: root, note: (t) => (notes += t) }).catch((e: unknown) => e);
  return { code, stdout, json: stdout.startsWith('{') ? (JSON.parse(stdout) as Run['json']) : { findings: [], summary: { files: 0, statements: 0, errors: 0, warnings: 0 } }, notes };
}

const CREATE = 'CREATE TABLE account (id bigint PRIMARY KEY, email text, plan text);\n';
const rules = (r: Run) => r.json.findings.map((f) => `${f.rule}@${path.basename(f.file)}:${f.line}`);

describe('switchback check against the base branch', () => {
  it('checks only the migrations added on the branch, against the ones on main', async () => {
    const { root, write } = repo({ 'db/0001_create.sql': CREATE, 'db/0002_index.sql': 'CREATE INDEX account_email ON account (email);\n' });
    write('db/0003_drop.sql', "SET lock_timeout = '2s';\nALTER TABLE account DROP COLUMN plan;\n");
    const r = await check(root, ['db']);
    expect(rules(r)).toEqual(['drop-column@0003_drop.sql:2']);
    expect(r.json.summary).toEqual({ files: 1, statements: 2, errors: 1, warnings: 0 });
    expect(r.code).toBe(1);
  });

  it('sees committed migrations on the branch as new, and the base version of an edited one as applied', async () => {
    const { root, git, write } = repo({ 'db/0001_create.sql': CREATE });
    write('db/0001_create.sql', 'CREATE TABLE account (id bigint PRIMARY KEY, email text, plan text, extra text);\n-- edited\n');
    write('db/0002_rename.sql', "SET lock_timeout = '2s';\nALTER TABLE account RENAME COLUMN plan TO tier;\n");
    git('add', '-A');
    git('commit', '-q', '-m', 'change');
    const r = await check(root, ['db']);
    expect(rules(r)).toEqual(['edited-applied-migration@0001_create.sql:1', 'rename-column@0002_rename.sql:2']);
    expect(r.json.findings[0]?.severity).toBe('warning');
    expect(r.json.summary.files).toBe(2);
  });

  it('points an edit at its first changed line', async () => {
    const { root, write } = repo({ 'db/0001_create.sql': `${CREATE}CREATE TABLE note (id int);\n` });
    write('db/0001_create.sql', `${CREATE}CREATE TABLE note (id bigint);\n`);
    expect(rules(await check(root, ['db']))).toEqual(['edited-applied-migration@0001_create.sql:2']);
  });

  it('reports that nothing changed (human format) and exits 0', async () => {
    const { root } = repo({ 'db/0001_create.sql': CREATE });
    const r = await check(root, ['db'], { format: 'human' });
    expect(r.code).toBe(0);
    expect(r.notes).toMatch(/no migration differs from main in .*db: nothing to check/);
  });

  it('still checks a file given by name, with the migrations before it as history', async () => {
    const { root } = repo({ 'db/0001_create.sql': CREATE, 'db/0002_drop.sql': "SET lock_timeout = '2s';\nALTER TABLE account DROP COLUMN plan;\n" });
    expect(rules(await check(root, ['db/0002_drop.sql']))).toEqual(['drop-column@0002_drop.sql:2']);
  });

  it('takes --base over the default, and a base that does not exist is an error (exit 2)', async () => {
    const { root, git, write } = repo({ 'db/0001_create.sql': CREATE });
    write('db/0002_drop.sql', "SET lock_timeout = '2s';\nALTER TABLE account DROP COLUMN plan;\n");
    git('add', '-A');
    git('commit', '-q', '-m', 'drop');
    git('branch', 'release');
    expect(rules(await check(root, ['db'], { base: 'release' }))).toEqual([]);
    const error = (await check(root, ['db'], { base: 'nope' })).code;
    expect(isSwitchbackError(error) && error.exitCode).toBe(2);
    expect((error as Error).message).toMatch(/The base nope does not exist in the git repository/);
  });

  it('falls back to the newest migration when there is no base branch, and says so', async () => {
    const { root, write } = repo({ 'db/0001_create.sql': CREATE }, 'trunk');
    write('db/0002_drop.sql', "SET lock_timeout = '2s';\nALTER TABLE account DROP COLUMN plan;\n");
    const r = await check(root, ['db'], { format: 'human' });
    expect(r.notes).toMatch(/no base branch found \(tried origin\/HEAD, main, master; pass --base\)/);
    expect(r.code).toBe(1);
  });

  it('falls back outside a git repository', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'switchback-check-nogit-'));
    dirs.push(root);
    fs.mkdirSync(path.join(root, 'db'));
    fs.writeFileSync(path.join(root, 'db/0001_create.sql'), CREATE);
    fs.writeFileSync(path.join(root, 'db/0002_drop.sql'), 'ALTER TABLE account DROP COLUMN plan;\n');
    const r = await check(root, ['db'], { format: 'human' });
    expect(r.notes).toMatch(/is not in a git repository/);
    expect(r.code).toBe(1);
  });

  it('orders Flyway versions numerically: V1.10 is new, V1.9 is history', async () => {
    const { root, write } = repo({ 'sql/V1__create.sql': CREATE, 'sql/V1.9__email.sql': 'CREATE INDEX account_email ON account (email);\n' });
    write('sql/V1.10__drop.sql', "SET lock_timeout = '2s';\nDROP INDEX CONCURRENTLY account_email;\nALTER TABLE account DROP COLUMN email;\n");
    expect(rules(await check(root, ['sql']))).toEqual(['drop-column@V1.10__drop.sql:3']);
  });

  it('uses db/structure.sql on the base branch as the history of Rails-style migrations', async () => {
    const { root, write } = repo({ 'db/structure.sql': CREATE, 'db/migrate/20240101000000_init.sql': 'CREATE TABLE unrelated (id int);\n' });
    write('db/migrate/20240201000000_rename.sql', "SET lock_timeout = '2s';\nALTER TABLE account RENAME TO customer;\n");
    write('db/structure.sql', 'CREATE TABLE customer (id bigint);\n');
    expect(rules(await check(root, ['db/migrate']))).toEqual(['rename-table@20240201000000_rename.sql:2']);
  });

  it('reports JavaScript node-pg-migrate migrations as not checkable', async () => {
    const { root, write } = repo({ 'migrations/1700000000000_init.sql': CREATE });
    write('migrations/1700000000001_seed.js', 'exports.up = () => {};\n');
    write('migrations/1700000000002_drop.sql', "SET lock_timeout = '2s';\nALTER TABLE account DROP COLUMN plan;\n");
    const r = await check(root, ['migrations'], { format: 'human' });
    expect(r.notes).toMatch(/1700000000001_seed\.js not checked: a migration written in code, not SQL/);
    expect(r.stdout).toMatch(/1700000000002_drop\.sql[\s\S]*drop-column/);
  });

  it('reads switchback.config.* for the directory, base and rule settings', async () => {
    const { root, git, write } = repo({ 'schema/0001_create.sql': CREATE, 'switchback.config.yaml': 'migrations: schema\nbase: main\nrules:\n  drop-column: warning\n  require-lock-timeout: "off"\n' });
    write('schema/0002_drop.sql', 'ALTER TABLE account DROP COLUMN plan;\n');
    git('add', '-A');
    const r = await check(root, []);
    expect(r.json.findings.map((f) => [f.rule, f.severity])).toEqual([['drop-column', 'warning']]);
    expect(r.code).toBe(0);
  });

  it.each([
    ['switchback.config.json', '{ "migrations": "db", "rulez": {} }', /switchback\.config\.json: \(top level\): unknown key "rulez"/],
    ['switchback.config.yml', 'rules:\n  drop-everything: off\n', /rules\.drop-everything: unknown rule/],
    ['switchback.config.mjs', 'export default { layout: "liquibase" };\n', /layout: /],
  ])('rejects an invalid %s (exit 2)', async (name, text, message) => {
    const { root } = repo({ 'db/0001_create.sql': CREATE, [name]: text });
    const error = (await check(root, ['db'])).code;
    expect(isSwitchbackError(error) && error.exitCode).toBe(2);
    expect((error as Error).message).toMatch(message);
  });
});
