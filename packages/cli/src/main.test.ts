import { describe, expect, it } from 'vitest';
import { buildProgram, commandOf } from './main.js';

const ALL = ['check', 'plan', 'rehearse', 'advance', 'rollback', 'status', 'flag', 'verify-ledger', 'demo', 'watch', 'ask', 'approve', 'reject', 'feedback', 'due', 'dashboards'];

describe('lazy command loading', () => {
  it.each([
    [['check', 'migrations/'], 'check'],
    [['--json', 'status'], 'status'],
    [['--database-url', 'postgres://x/y', 'advance', 'c.yaml'], 'advance'],
    [['--actor', 'check', 'plan', 'c.yaml'], 'plan'],
    [['flag', 'set', 'X', 'on'], 'flag'],
    [['--help'], undefined],
    [[], undefined],
    [['help', 'check'], undefined],
    [['chekc'], undefined],
  ])('%j names %s', (args, expected) => expect(commandOf(['node', 'switchback', ...args])).toBe(expected));

  it('loads every command for --help, and only the one run otherwise', async () => {
    expect((await buildProgram()).commands.map((c) => c.name())).toEqual(ALL);
    expect((await buildProgram('check')).commands.map((c) => c.name())).toEqual(['check']);
    // approve and reject share a module, which registers both.
    expect((await buildProgram('reject')).commands.map((c) => c.name())).toEqual(['approve', 'reject']);
  });
});
