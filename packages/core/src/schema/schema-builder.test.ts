import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParser, parseSql } from '../sql/parse-sql.js';
import { buildSchema } from './schema-builder.js';
import { findColumn, findTable, type SchemaModel } from './schema-model.js';

beforeAll(() => loadSqlParser());

function replay(...sql: string[]): SchemaModel {
  return buildSchema(
    sql.map((text, i) => {
      const r = parseSql(`${i}.sql`, text);
      if (!r.ok) throw new Error(r.error.message);
      return r.file;
    }),
  );
}

const CREATE = `CREATE TABLE c (id bigserial PRIMARY KEY, name varchar(20) NOT NULL DEFAULT 'x', n numeric(10,2), at timestamptz DEFAULT now(), UNIQUE (name), CONSTRAINT pos CHECK (n > 0));`;

describe('buildSchema', () => {
  it('replays CREATE TABLE with types, nullability, defaults and constraints', () => {
    const t = findTable(replay(CREATE), 'c');
    expect(t?.primaryKey).toEqual(['id']);
    expect(t?.columns).toEqual([
      { name: 'id', type: 'bigint', nullable: false, default: "nextval('c_id_seq'::regclass)" },
      { name: 'name', type: 'character varying(20)', nullable: false, default: "'x'" },
      { name: 'n', type: 'numeric(10,2)', nullable: true, default: null },
      { name: 'at', type: 'timestamp with time zone', nullable: true, default: 'now()' },
    ]);
    expect(t?.constraints).toEqual([
      { type: 'unique', columns: ['name'], validated: true },
      { name: 'pos', type: 'check', columns: [], validated: true, expression: 'n > 0' },
    ]);
  });

  const column = (s: SchemaModel, name: string) => findColumn(findTable(s, 'c')!, name);
  it.each([
    ['ADD COLUMN', 'ALTER TABLE c ADD COLUMN tier text NOT NULL DEFAULT \'a\';', (s: SchemaModel) => expect(column(s, 'tier')).toEqual({ name: 'tier', type: 'text', nullable: false, default: "'a'" })],
    ['DROP COLUMN', 'ALTER TABLE c DROP COLUMN n;', (s: SchemaModel) => expect(column(s, 'n')).toBeUndefined()],
    ['RENAME COLUMN', 'ALTER TABLE c RENAME COLUMN name TO title;', (s: SchemaModel) => expect(column(s, 'title')?.type).toBe('character varying(20)')],
    ['ALTER COLUMN TYPE', 'ALTER TABLE c ALTER COLUMN name TYPE varchar(50);', (s: SchemaModel) => expect(column(s, 'name')?.type).toBe('character varying(50)')],
    ['DROP NOT NULL', 'ALTER TABLE c ALTER COLUMN name DROP NOT NULL;', (s: SchemaModel) => expect(column(s, 'name')?.nullable).toBe(true)],
    ['SET NOT NULL', 'ALTER TABLE c ALTER COLUMN n SET NOT NULL;', (s: SchemaModel) => expect(column(s, 'n')?.nullable).toBe(false)],
    ['SET DEFAULT', 'ALTER TABLE c ALTER COLUMN n SET DEFAULT 0;', (s: SchemaModel) => expect(column(s, 'n')?.default).toBe('0')],
    ['DROP DEFAULT', 'ALTER TABLE c ALTER COLUMN name DROP DEFAULT;', (s: SchemaModel) => expect(column(s, 'name')?.default).toBeNull()],
    ['RENAME TABLE', 'ALTER TABLE c RENAME TO d;', (s: SchemaModel) => expect(Object.keys(s.tables)).toEqual(['d'])],
    ['DROP TABLE', 'DROP TABLE c;', (s: SchemaModel) => expect(s.tables).toEqual({})],
    ['CREATE INDEX', 'CREATE UNIQUE INDEX ci ON c (name);', (s: SchemaModel) => expect(s.indexes?.ci).toEqual({ name: 'ci', table: 'c', columns: ['name'], unique: true })],
    ['DROP INDEX', 'CREATE INDEX ci ON c (name); DROP INDEX ci;', (s: SchemaModel) => expect(s.indexes).toEqual({})],
    ['CREATE VIEW', 'CREATE VIEW v AS SELECT * FROM c;', (s: SchemaModel) => expect(s.views).toEqual(['v'])],
    ['CREATE TYPE … AS ENUM and ADD VALUE', "CREATE TYPE mood AS ENUM ('ok', 'sad'); ALTER TYPE mood ADD VALUE 'happy';", (s: SchemaModel) => expect(s.enums?.mood).toEqual(['ok', 'sad', 'happy'])],
    ['ADD CONSTRAINT NOT VALID then VALIDATE', 'ALTER TABLE c ADD CONSTRAINT nn CHECK (n IS NOT NULL) NOT VALID;', (s: SchemaModel) => expect(findTable(s, 'c')?.constraints?.at(-1)).toEqual({ name: 'nn', type: 'check', columns: [], validated: false, expression: 'n IS NOT NULL', notNullColumns: ['n'] })],
    ['a CHECK proving NOT NULL among AND-ed conditions', "ALTER TABLE c ADD CONSTRAINT ok CHECK (n IS NOT NULL AND (m > 0 AND k IS NOT NULL));", (s: SchemaModel) => expect(findTable(s, 'c')?.constraints?.at(-1)?.notNullColumns).toEqual(['n', 'k'])],
    ['a CHECK with OR proves nothing', "ALTER TABLE c ADD CONSTRAINT ok CHECK (n IS NOT NULL OR m IS NOT NULL);", (s: SchemaModel) => expect(findTable(s, 'c')?.constraints?.at(-1)?.notNullColumns).toBeUndefined()],
    ['view columns, kept after DROP VIEW', 'CREATE VIEW v AS SELECT n, m AS label FROM c; DROP VIEW v;', (s: SchemaModel) => expect([s.views, s.viewColumns?.v]).toEqual([[], ['n', 'label']])],
    ['ALTER TYPE … RENAME VALUE', "CREATE TYPE e AS ENUM ('a', 'b'); ALTER TYPE e RENAME VALUE 'a' TO 'z';", (s: SchemaModel) => expect(s.enums?.e).toEqual(['z', 'b'])],
    ['ALTER TYPE … RENAME TO', "CREATE TYPE e AS ENUM ('a'); ALTER TYPE e RENAME TO f;", (s: SchemaModel) => expect(s.enums).toEqual({ f: ['a'] })],
    ['DROP TABLE of several tables drops their indexes', 'CREATE TABLE d1 (id int); CREATE INDEX d1_id ON d1 (id); CREATE TABLE d2 (id int); CREATE INDEX d2_id ON d2 (id); DROP TABLE d1, d2;', (s: SchemaModel) => expect(Object.keys(s.indexes ?? {}).filter((i) => i.startsWith('d'))).toEqual([])],
    ['VALIDATE CONSTRAINT', 'ALTER TABLE c ADD CONSTRAINT nn CHECK (n IS NOT NULL) NOT VALID; ALTER TABLE c VALIDATE CONSTRAINT nn;', (s: SchemaModel) => expect(findTable(s, 'c')?.constraints?.at(-1)?.validated).toBe(true)],
    ['ADD PRIMARY KEY USING INDEX', 'CREATE TABLE k (id int, code text); CREATE UNIQUE INDEX k_code ON k (code); ALTER TABLE k ADD PRIMARY KEY USING INDEX k_code;', (s: SchemaModel) => expect(findTable(s, 'k')?.primaryKey).toEqual(['code'])],
    ['a table outside public', 'CREATE TABLE app.t (id int);', (s: SchemaModel) => expect(s.tables['app.t']?.schema).toBe('app')],
  ] as const)('replays %s', (_, sql, expectation) => {
    expectation(replay(CREATE, sql));
  });
});
