import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { col } from '../../test/seed-fixture.js';
import type { SchemaModel } from '../schema/schema-model.js';
import { loadSqlParser, parseSql } from '../sql/parse-sql.js';
import { changesFromSql } from './from-sql.js';

const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/);

function run(sql: string, schema: SchemaModel) {
  const r = parseSql('m.sql', sql);
  if (!r.ok) throw new Error(r.error.message);
  return changesFromSql([r.file], schema);
}

const schemaOf = (table: string, columns: string[]): SchemaModel => ({
  tables: { [table]: { name: table, schema: 'public', primaryKey: ['id'], columns: [col('id', 'bigint', false), ...columns.map((c) => col(c, 'text'))] } },
});

describe('changesFromSql properties', () => {
  beforeAll(loadSqlParser);

  it('maps a rename and a drop of any existing column to its intent with exactly those names', () => {
    fc.assert(
      fc.property(name, fc.uniqueArray(name, { minLength: 2, maxLength: 4 }), name, (table, cols, to) => {
        const [a, b] = cols.filter((c) => c !== 'id') as [string, string?];
        fc.pre(!!a && !!b && !cols.includes(to) && to !== 'id');
        const r = run(`SET lock_timeout = '2s';\nALTER TABLE "${table}" RENAME COLUMN "${a}" TO "${to}";\nALTER TABLE "${table}" DROP COLUMN "${b}";`, schemaOf(table, cols));
        expect(r.unmatched).toEqual([]);
        expect(r.changes.map((c) => [c.intent, c.params])).toEqual([
          ['rename-column', { table, from: a, to }],
          ['drop-column', { table, column: b }],
        ]);
      }),
      { numRuns: 200 },
    );
  });

  it('proposes nothing for additive statements written safely', () => {
    fc.assert(
      fc.property(name, fc.uniqueArray(name, { minLength: 1, maxLength: 4 }), name, fc.constantFrom('text', 'bigint', 'date', 'jsonb'), (table, cols, added, type) => {
        fc.pre(!cols.includes(added) && added !== 'id');
        const r = run(`SET lock_timeout = '2s';\nALTER TABLE "${table}" ADD COLUMN "${added}" ${type};\nCREATE INDEX CONCURRENTLY ON "${table}" ("${added}");\nCREATE TABLE "${table}_x" (id bigint PRIMARY KEY);`, schemaOf(table, cols));
        expect(r).toEqual({ changes: [], unmatched: [] });
      }),
      { numRuns: 200 },
    );
  });
});
