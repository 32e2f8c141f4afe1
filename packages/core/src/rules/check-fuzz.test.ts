/**
 * Fuzzing `checkSql`: whatever text a migration holds, it returns a report
 * (every finding pointing inside its file) or a syntax-error value (pointing
 * inside the file it names), and never throws.
 *
 * Inputs start as valid statements from a small grammar and are then mutated:
 * truncated, characters inserted or deleted, random code points (NUL, lone
 * surrogates, multi-byte, CR), unbalanced quotes, dollar quotes and comments,
 * psql meta-commands, switchback:ignore comments. 10,800 runs in all.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParser } from '../sql/parse-sql.js';
import { checkSql, type CheckSqlResult, type SqlSource } from './check-sql.js';

beforeAll(() => loadSqlParser());

/** CHECK_FUZZ_SCALE=10 runs ten times as many inputs (for a longer hunt; the default keeps the suite quick). */
const SCALE = Math.max(1, Number(process.env.CHECK_FUZZ_SCALE ?? 1) || 1);

// ---- a small grammar of valid migration statements ----

const ident = fc.constantFrom('t', 'users', 'orders', 'support_customer', 'a_b', '"Mixed Case"', '"é"', 'public.t', 'app.orders');
const column = fc.constantFrom('id', 'c', 'name', 'tier', 'end_date', '"weird col"', '"ü"');
const type = fc.constantFrom('int', 'bigint', 'text', 'varchar(10)', 'numeric(12,2)', 'timestamptz', 'boolean', 'jsonb', 'uuid', 'int[]');
const literal = fc.constantFrom("'x'", "'it''s'", "'é ü ✓'", '0', '42', 'NULL', 'true', 'now()', 'clock_timestamp()', "E'\\n'", '$$dollar$$', '$tag$ a ; b $tag$');
const timeout = fc.constantFrom("'1s'", "'2s'", '0', "'500ms'", "'0'");

const statement: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(ident, column, type, fc.boolean(), fc.option(literal, { nil: undefined })).map(([t, c, ty, notNull, d]) => `ALTER TABLE ${t} ADD COLUMN ${c} ${ty}${notNull ? ' NOT NULL' : ''}${d !== undefined ? ` DEFAULT ${d}` : ''}`),
  fc.tuple(ident, column, type).map(([t, c, ty]) => `ALTER TABLE ${t} ALTER COLUMN ${c} TYPE ${ty}`),
  fc.tuple(ident, column, fc.boolean()).map(([t, c, e]) => `ALTER TABLE ${t} DROP COLUMN ${e ? 'IF EXISTS ' : ''}${c}`),
  fc.tuple(ident, column, fc.boolean()).map(([t, c, s]) => `ALTER TABLE ${t} ALTER COLUMN ${c} ${s ? 'SET' : 'DROP'} NOT NULL`),
  fc.tuple(ident, column, column).map(([t, c, d]) => `ALTER TABLE ${t} RENAME COLUMN ${c} TO ${d}`),
  fc.tuple(ident, ident).map(([t, u]) => `ALTER TABLE ${t} RENAME TO ${u.replace(/^\w+\./, '')}`),
  fc.tuple(ident, column, fc.boolean()).map(([t, c, v]) => `ALTER TABLE ${t} ADD CONSTRAINT k CHECK (${c} IS NOT NULL)${v ? ' NOT VALID' : ''}`),
  fc.tuple(ident, column).map(([t, c]) => `ALTER TABLE ${t} ADD CONSTRAINT u UNIQUE (${c})`),
  ident.map((t) => `ALTER TABLE ${t} VALIDATE CONSTRAINT k`),
  fc.tuple(fc.boolean(), fc.boolean(), ident, column).map(([u, cc, t, c]) => `CREATE ${u ? 'UNIQUE ' : ''}INDEX ${cc ? 'CONCURRENTLY ' : ''}i ON ${t} (${c})`),
  fc.tuple(fc.boolean(), fc.boolean()).map(([cc, e]) => `DROP INDEX ${cc ? 'CONCURRENTLY ' : ''}${e ? 'IF EXISTS ' : ''}i`),
  fc.tuple(ident, fc.array(fc.tuple(column, type), { minLength: 1, maxLength: 3 }), fc.boolean()).map(
    ([t, cols, ine]) => `CREATE TABLE ${ine ? 'IF NOT EXISTS ' : ''}${t} (${[...new Map(cols)].map(([c, ty]) => `${c} ${ty}`).join(', ')})`,
  ),
  fc.tuple(ident, fc.boolean()).map(([t, e]) => `DROP TABLE ${e ? 'IF EXISTS ' : ''}${t}`),
  ident.map((t) => `TRUNCATE ${t}`),
  fc.tuple(ident, column, literal, fc.boolean()).map(([t, c, v, w]) => `UPDATE ${t} SET ${c} = ${v}${w ? ' WHERE id < 100' : ''}`),
  fc.tuple(ident, ident).map(([t, u]) => `UPDATE ${t} SET tier = k.tier FROM ${u} k WHERE k.id = ${t}.id`),
  fc.tuple(ident, fc.boolean()).map(([t, w]) => `DELETE FROM ${t}${w ? ' WHERE id = 1' : ''}`),
  fc.tuple(fc.boolean(), timeout).map(([local, v]) => `SET ${local ? 'LOCAL ' : ''}lock_timeout = ${v}`),
  timeout.map((v) => `SELECT set_config('lock_timeout', ${v}, false)`),
  fc.constantFrom('BEGIN', 'COMMIT', 'ROLLBACK', 'START TRANSACTION', 'END', 'RESET lock_timeout', 'RESET ALL', 'SELECT 1'),
  fc.constantFrom("CREATE TYPE mood AS ENUM ('a', 'b')", "ALTER TYPE mood ADD VALUE 'c'", 'DROP TYPE mood', 'CREATE VIEW v AS SELECT 1 AS x', 'DROP VIEW v'),
  fc.constantFrom('DO $$ BEGIN PERFORM 1; END $$', 'CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql', "COMMENT ON TABLE t IS 'a; b'"),
);

/** Lines between statements: nothing, comments, psql meta-commands, ignore directives (with and without reason). */
const between = fc.constantFrom(
  '',
  '\n',
  '\n\n',
  '\n-- a comment; with a semicolon\n',
  '\n/* block\n comment */ ',
  '\n\\set ON_ERROR_STOP on\n',
  '\n  \\i other.sql\n',
  '\n\\echo é ü\n',
  '\n-- switchback:ignore drop-table the table is empty\n',
  '\n-- switchback:ignore drop-column\n',
  '\n-- switchback:ignore drop-table, truncate-table reviewed\n-- switchback:ignore\n',
  '\r\n',
  ' ',
);

// At least one statement: a 0-byte file comes back as "Query cannot be empty" (see the last test).
const migration: fc.Arbitrary<string> = fc
  .array(fc.tuple(between, statement, fc.boolean()), { minLength: 1, maxLength: 8 })
  .map((parts) => parts.map(([b, s, semi], i) => `${b}${s}${semi || i < parts.length - 1 ? ';' : ''}`).join(''));

// ---- mutations ----

const fragment = fc.oneof(
  fc.constantFrom("'", '"', '$$', '$x$', '$', '/*', '*/', '--', ';', '\\', '\n\\', '\n\\set x 1\n', '\n-- switchback:ignore ', 'E\'\\', '(', ')', 'U&"', '\u0000', '\r', '\n', '\t', '\uFEFF', '\uD800', '\uDC00', 'é', '✓', '😀', 'BEGIN;', 'COMMIT;', '$body$'),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({ maxLength: 6 }),
);

type Mutation = (s: string) => string;

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // truncate
  fc.nat().map((n): Mutation => (s) => s.slice(0, s.length ? n % (s.length + 1) : 0)),
  // insert something anywhere
  fc.tuple(fc.nat(), fragment).map(([n, f]): Mutation => (s) => {
    const at = n % (s.length + 1);
    return s.slice(0, at) + f + s.slice(at);
  }),
  // delete a short range
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 8 })).map(([n, len]): Mutation => (s) => {
    const at = n % (s.length + 1);
    return s.slice(0, at) + s.slice(at + len);
  }),
  // replace one character (possibly splitting a surrogate pair)
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 0x10ffff })).map(([n, cp]): Mutation => (s) => {
    if (!s.length) return s;
    const at = n % s.length;
    const ch = cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
    return s.slice(0, at) + ch + s.slice(at + 1);
  }),
  // duplicate a slice
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]): Mutation => (s) => {
    const from = a % (s.length + 1);
    const to = from + (b % 20);
    return s.slice(0, to) + s.slice(from, to) + s.slice(to);
  }),
  // a psql meta-command line, or an ignore comment, at a line start
  fc.tuple(fc.nat(), fc.constantFrom('\\set x', '\\connect db', '\\', '  \\gset', '-- switchback:ignore', '-- switchback:ignore require-lock-timeout', '-- switchback:ignore Drop-Table bad id')).map(([n, line]): Mutation => (s) => {
    const lines = s.split('\n');
    lines.splice(n % (lines.length + 1), 0, line);
    return lines.join('\n');
  }),
);

const mutated: fc.Arbitrary<string> = fc.tuple(migration, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([s, ms]) => ms.reduce((acc, m) => m(acc), s));

// ---- the property ----

/** Code points per line, as check counts columns. */
function lineLengths(text: string): number[] {
  return text.split('\n').map((l) => [...l].length);
}

/** A 1-based line and column inside `text` (a column may sit just past the line's end, e.g. an error at end of input). */
function within(text: string, line: number, column: number): boolean {
  const lengths = lineLengths(text);
  return Number.isInteger(line) && Number.isInteger(column) && line >= 1 && line <= lengths.length && column >= 1 && column <= (lengths[line - 1] ?? 0) + 1;
}

function assertWellFormed(result: CheckSqlResult, sources: SqlSource[]): void {
  const texts = new Map(sources.map((s) => [s.file, s.text]));
  if (result.ok) {
    expect(Array.isArray(result.report.findings)).toBe(true);
    for (const f of result.report.findings) {
      const text = texts.get(f.file);
      expect(text, `finding ${f.rule} names ${f.file}`).toBeDefined();
      if (!within(text ?? '', f.line, f.column)) expect.fail(`finding ${f.rule} at ${f.file}:${f.line}:${f.column} is outside the input ${JSON.stringify(text)}`);
      expect(typeof f.message).toBe('string');
    }
    expect(result.report.summary.errors + result.report.summary.warnings).toBe(result.report.findings.length);
  } else {
    const e = result.error;
    expect(e.kind).toBe('sql-syntax-error');
    const text = texts.get(e.file);
    expect(text, `syntax error names ${e.file}`).toBeDefined();
    expect(typeof e.message).toBe('string');
    expect(e.message.length).toBeGreaterThan(0);
    if (!within(text ?? '', e.line, e.column) ) expect.fail(`syntax error at ${e.file}:${e.line}:${e.column} is outside the input ${JSON.stringify(text)}`);
  }
}

async function checkNeverThrows(migrations: SqlSource[], applied: SqlSource[] = []): Promise<CheckSqlResult> {
  let result: CheckSqlResult;
  try {
    result = await checkSql({ migrations, applied });
  } catch (e) {
    throw new Error(`checkSql threw on ${JSON.stringify(migrations.map((m) => m.text))} (applied ${JSON.stringify(applied.map((a) => a.text))}): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
  assertWellFormed(result, [...migrations, ...applied]);
  return result;
}

describe('checkSql under fuzzing', () => {
  it('accepts every migration of the grammar (1,500 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(migration, async (text) => {
        const r = await checkNeverThrows([{ file: 'm.sql', text }]);
        if (!r.ok) expect.fail(`valid migration rejected: ${r.error.line}:${r.error.column} ${r.error.message} in ${JSON.stringify(text)}`);
      }),
      { numRuns: 1_500 * SCALE },
    );
  });

  it('never throws on mutated migrations (6,000 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(mutated, async (text) => {
        await checkNeverThrows([{ file: 'm.sql', text }]);
      }),
      { numRuns: 6_000 * SCALE },
    );
  });

  it('never throws with a mutated schema and several mutated files (1,500 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(mutated, migration, fc.array(mutated, { minLength: 1, maxLength: 3 }), async (schemaText, validSchema, files) => {
        const applied = [{ file: 'schema.sql', text: schemaText }, { file: 'valid-schema.sql', text: validSchema }];
        await checkNeverThrows(files.map((text, i) => ({ file: `m${i}.sql`, text })), applied);
      }),
      { numRuns: 1_500 * SCALE },
    );
  });

  it('never throws on random text (1,800 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: 'grapheme-ascii', maxLength: 80 }), fc.array(fragment, { maxLength: 20 }).map((xs) => xs.join(''))), async (text) => {
        await checkNeverThrows([{ file: 'm.sql', text }]);
      }),
      { numRuns: 1_800 * SCALE },
    );
  });

  it.each([
    ['an unterminated quote', "SELECT 'abc"],
    ['an unterminated dollar quote', 'DO $$ BEGIN'],
    ['an unterminated comment', 'SELECT 1; /* no end'],
    ['a meta-command inside a dollar quote', 'DO $$\n\\set x\n$$;'],
    ['a NUL byte', 'SELECT 1;\u0000DROP TABLE t;'],
    ['a lone surrogate', 'SELECT \uD800;'],
    ['multi-byte text before the error', "SELECT 'é😀' FROM;"],
    ['a meta-command with multi-byte text before the error', '\\echo é😀\nSELECT FROM WHERE;'],
    // Known gap: libpg-query rejects a 0-byte input ("Query cannot be empty") while a blank or
    // comment-only file is a clean, empty migration; parseSql passes it through as a syntax error.
    ['an empty file', ''],
  ])('handles %s', async (_, text) => {
    await checkNeverThrows([{ file: 'm.sql', text }]);
  });

  // `\echo é` is 7 characters but blanked to 8 spaces: the column must still land inside the line.
  it('points an end-of-input error after a multi-byte meta-command inside the line', async () => {
    const text = 'CREATE INDEX\n\\echo é';
    const r = await checkSql({ migrations: [{ file: 'm.sql', text }] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(within(text, r.error.line, r.error.column), `${r.error.line}:${r.error.column}`).toBe(true);
  });
});
