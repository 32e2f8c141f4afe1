import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParser, parseSql, type SqlStatement } from './parse-sql.js';

beforeAll(() => loadSqlParser());

function statements(sql: string): SqlStatement[] {
  const r = parseSql('m.sql', sql);
  if (!r.ok) throw new Error(r.error.message);
  return r.file.statements;
}

describe('parseSql', () => {
  it.each([
    ['one statement', 'DROP TABLE t;', [['DropStmt', 1, 1]]],
    ['statements after comments and multi-byte text', "-- é comment\nSELECT 'é'; /* ü */ DROP TABLE t;", [['SelectStmt', 2, 1], ['DropStmt', 2, 21]]],
    ['a dollar-quoted body with semicolons', 'CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n  TRUNCATE t;', [['CreateFunctionStmt', 1, 1], ['TruncateStmt', 2, 3]]],
    ['psql meta-commands are skipped', '\\set ON_ERROR_STOP on\nDROP TABLE t;\n\\echo done', [['DropStmt', 2, 1]]],
    ['a last statement without semicolon', 'SELECT 1;\nDROP TABLE t', [['SelectStmt', 1, 1], ['DropStmt', 2, 1]]],
  ] as const)('%s', (_, sql, expected) => {
    expect(statements(sql).map((s) => [s.kind, s.line, s.column])).toEqual(expected);
  });

  it('keeps each statement text', () => {
    expect(statements('SELECT 1;  DROP TABLE t ;').map((s) => s.text)).toEqual(['SELECT 1', 'DROP TABLE t']);
  });

  it.each([
    ['BEGIN … COMMIT', 'SELECT 1; BEGIN; SELECT 2; COMMIT; SELECT 3;', [false, false, true, true, false]],
    ['START TRANSACTION … ROLLBACK', 'START TRANSACTION; SELECT 1; ROLLBACK; SELECT 2;', [false, true, true, false]],
    ['BEGIN … END, with a DO block inside', 'BEGIN; DO $$ BEGIN PERFORM 1; END $$; END; SELECT 1;', [false, true, true, false]],
  ] as const)('tracks transaction blocks: %s', (_, sql, expected) => {
    expect(statements(sql).map((s) => s.inTransaction)).toEqual(expected);
  });

  it.each([
    ['SET lock_timeout', "SET lock_timeout = '2s'; SELECT 1;", [false, true]],
    ['SET lock_timeout TO 0 turns it off', "SET lock_timeout = '2s'; SET lock_timeout TO 0; SELECT 1;", [false, true, false]],
    ['RESET', "SET lock_timeout = '2s'; RESET lock_timeout; SELECT 1;", [false, true, false]],
    ['statement_timeout does not count', "SET statement_timeout = '5s'; SELECT 1;", [false, false]],
    ['SET LOCAL lasts until COMMIT', "BEGIN; SET LOCAL lock_timeout = '1s'; SELECT 1; COMMIT; SELECT 2;", [false, false, true, true, false]],
    ['an integer value (milliseconds)', 'SET lock_timeout = 2000; SELECT 1;', [false, true]],
    ['set_config()', "SELECT set_config('lock_timeout', '2s', false); SELECT 1;", [false, true]],
    ['set_config() local to the transaction', "BEGIN; SELECT set_config('lock_timeout', '2s', true); SELECT 1; COMMIT; SELECT 2;", [false, false, true, true, false]],
    ['set_config() of another setting', "SELECT set_config('statement_timeout', '2s', false); SELECT 1;", [false, false]],
  ] as const)('tracks lock_timeout: %s', (_, sql, expected) => {
    expect(statements(sql).map((s) => s.lockTimeoutSet)).toEqual(expected);
  });

  it.each([
    ['a misspelled keyword', 'SELECT 1;\nALTR TABLE t;', { line: 2, column: 1, message: 'syntax error at or near "ALTR"' }],
    ['after multi-byte text', "SELECT 'ü';\n  SELECT FROM WHERE;", { line: 2, column: 15 }],
    ['after a meta-command', '\\set x 1\nDROP TABL t;', { line: 2, column: 6 }],
  ] as const)('reports a syntax error with its position: %s', (_, sql, expected) => {
    const r = parseSql('bad.sql', sql);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ kind: 'sql-syntax-error', file: 'bad.sql', ...expected });
  });

  it('parses 1,000 statements', () => {
    const sql = Array.from({ length: 1000 }, (_, i) => `ALTER TABLE t${i} ADD COLUMN c${i} text;`).join('\n');
    const parsed = statements(sql);
    expect(parsed).toHaveLength(1000);
    expect(parsed[999]).toMatchObject({ line: 1000, column: 1 });
  });
});

describe('parseSql positions (property)', () => {
  const filler = fc.constantFrom('', ' ', '\n', '\t', '  \n', '-- é comment\n', '/* ü 😀 */ ', '\n\n');
  const statement = fc.constantFrom("SELECT 'é'", 'DROP TABLE t', 'CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql', "SET lock_timeout = '1s'", 'UPDATE t SET a = 1');
  it('reports each statement where it was written', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(filler, statement), { minLength: 1, maxLength: 8 }), (parts) => {
        let text = '';
        const expected: { line: number; column: number }[] = [];
        for (const [pad, stmt] of parts) {
          text += pad;
          const lines = text.split('\n');
          expected.push({ line: lines.length, column: [...(lines[lines.length - 1] ?? '')].length + 1 });
          text += `${stmt};`;
        }
        expect(statements(text).map((s) => ({ line: s.line, column: s.column }))).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
