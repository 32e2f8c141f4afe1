import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isSwitchbackError } from '@switchback/engine';
import { checkCommand, runCheck, SqlSyntaxCheckError } from '../src/commands/check-command.js';


const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const fixtures = path.join(here, 'fixtures/check');
const examples = path.join(repo, 'examples/support-desk/migrations');
const applied = path.join(fixtures, 'applied');

/** Runs `switchback check …args` through a local program; returns exit code and stdout. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string }> {
  const program = new Command('switchback').exitOverride().option('--json').option('--no-color');
  checkCommand(program);
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'switchback', 'check', ...args]);
    return { code: Number(process.exitCode ?? 0), stdout };
  } finally {
    spy.mockRestore();
    process.exitCode = undefined;
  }
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('switchback check', () => {
  it('reports the seed example with the safe sequence and exits 1', async () => {
    const { code, stdout } = await cli('--schema', path.join(examples, '0001_create_support_tables.sql'), path.join(examples, '0002_merge_contract_into_customer.sql'), '--format', 'json');
    expect(code).toBe(1);
    const json = JSON.parse(stdout) as { version: number; findings: { rule: string; line: number; suggestion: string }[]; summary: object };
    expect(json.version).toBe(1);
    expect(json.findings.map((f) => [f.rule, f.line])).toEqual([['require-lock-timeout', 4], ['unbatched-backfill', 5], ['drop-table', 7], ['require-lock-timeout', 7]]);
    expect(json.findings[2]?.suggestion).toContain('expand, dual-write, backfill and read-switch phases behind ReadContractDetailsFromCustomer');
    expect(json.findings[2]?.suggestion).toContain('(plan: move-columns). switchback plan --from-sql ');
    expect(json.summary).toEqual({ files: 1, statements: 3, errors: 1, warnings: 3 });
  });

  it.each([
    ['a file: the earlier migrations beside it', (examples: string) => [path.join(examples, '0002_merge_contract_into_customer.sql')]],
    ['a directory: its newest migration, after the others', (examples: string) => [examples]],
  ])('without --schema, takes the history from %s', async (_, args) => {
    const { code, stdout } = await cli('--no-base', '--format', 'json', ...args(examples));
    const json = JSON.parse(stdout) as { findings: { rule: string; suggestion: string }[]; summary: object };
    expect(json.findings.map((f) => f.rule)).toEqual(['require-lock-timeout', 'unbatched-backfill', 'drop-table', 'require-lock-timeout']);
    expect(json.findings[2]?.suggestion).toContain('behind ReadContractDetailsFromCustomer');
    expect(json.summary).toEqual({ files: 1, statements: 3, errors: 1, warnings: 3 });
    expect(code).toBe(1);
  });

  it('exits 0 with no findings for a safe migration (meta-commands skipped)', async () => {
    const { code, stdout } = await cli('--schema', applied, path.join(fixtures, 'safe.sql'));
    expect(code).toBe(0);
    expect(stdout).toBe('No findings in 1 file, 3 statements.\n');
  });

  it('checks a directory in numeric name order, skipping .down.sql, honouring ignores', async () => {
    const { code, stdout } = await cli('--schema', applied, '--format', 'json', path.join(fixtures, 'pending'));
    const json = JSON.parse(stdout) as { findings: { rule: string; file: string }[]; summary: object };
    expect(json.findings.map((f) => [f.rule, path.basename(f.file)])).toEqual([['drop-table', '10_drop_contract.sql'], ['require-lock-timeout', '10_drop_contract.sql']]);
    expect(json.summary).toEqual({ files: 2, statements: 3, errors: 1, warnings: 1 });
    expect(code).toBe(1);
  });

  it('reads Prisma-style <name>/migration.sql directories in order', async () => {
    const { stdout } = await cli('--schema', applied, '--format', 'json', path.join(fixtures, 'prisma'));
    const json = JSON.parse(stdout) as { findings: { rule: string; file: string }[] };
    expect(json.findings.map((f) => [f.rule, path.basename(path.dirname(f.file))])).toEqual([
      ['require-lock-timeout', '20240101_add_tier'],
      ['drop-table', '20240102_drop_contract'],
      ['require-lock-timeout', '20240102_drop_contract'],
    ]);
  });

  it('leaves checked files out of a --schema directory that contains them', async () => {
    const { stdout } = await cli('--schema', applied, '--format', 'json', path.join(applied, '2_add_customer_code.sql'));
    expect((JSON.parse(stdout) as { findings: { rule: string }[] }).findings.map((f) => f.rule)).toEqual(['require-lock-timeout']);
  });

  it.each(['sarif', 'github', 'markdown', 'human'])('prints --format %s', async (format) => {
    const { stdout } = await cli('--schema', applied, '--format', format, path.join(fixtures, 'pending'));
    expect(stdout).toContain('drop-table');
  });

  it('reports a syntax error with file, line and column (exit 2)', async () => {
    const file = path.join(fixtures, 'syntax-error.sql');
    const error = await runCheck([file], {}, () => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlSyntaxCheckError);
    expect(isSwitchbackError(error) && error.exitCode).toBe(2);
    expect((error as Error).message).toMatch(new RegExp(`^${file.replace(/[.\\/]/g, '\\$&')}:3:45: syntax error: syntax error at or near "text"`));
  });

  it.each([
    ['an unknown format', ['--format', 'xml', path.join(fixtures, 'safe.sql')], /--format must be one of human, json, sarif, github, markdown \(got "xml"\)/],
    ['no paths', [], /Give the migration files or directories to check/],
    ['a missing file', [path.join(fixtures, 'nope.sql')], /migration path .*nope\.sql: no such file or directory/],
    ['a missing --schema', ['--schema', path.join(fixtures, 'nope'), path.join(fixtures, 'safe.sql')], /--schema .*nope: no such file or directory/],
  ])('rejects %s (exit 2)', async (_, args, message) => {
    const error = await cli(...args).catch((e: unknown) => e);
    expect(isSwitchbackError(error) && error.exitCode).toBe(2);
    expect((error as Error).message).toMatch(message);
  });
});
