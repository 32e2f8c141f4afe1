import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changeOf, expectWellFormed } from '../../test/intent-test-kit.js';
import { col } from '../../test/seed-fixture.js';
import { allSteps, type Plan } from '../plan/plan.js';
import { planChange } from '../plan/plan-change.js';
import type { SchemaModel } from '../schema/schema-model.js';

/**
 * Every intent of the catalogue, for any table and column names: a plan that
 * survives JSON, unique step ids, a way back for every phase, and no name it
 * generates left unquoted in its SQL.
 */
const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,15}$/).filter((n) => !['id', 'ref'].includes(n));
// Mixed case, so it must be quoted; a lower-case letter keeps it apart from the upper-case SQL keywords.
const mixed = fc.stringMatching(/^[A-Z][a-z][A-Za-z0-9_]{0,11}$/);

function schemaFor(table: string, column: string): SchemaModel {
  return {
    tables: {
      [table]: { name: table, schema: 'public', primaryKey: ['id'], columns: [col('id', 'integer', false, `nextval('${table}_id_seq'::regclass)`), col(column, 'integer', true), col('ref', 'integer', false)] },
      parent_table: { name: 'parent_table', schema: 'public', primaryKey: ['id'], columns: [col('id', 'integer', false)] },
    },
    indexes: { [`${table}_${column}_ix`]: { name: `${table}_${column}_ix`, table, columns: [column], unique: false, method: 'btree', valid: true } },
    enums: { [`${table}_kind`]: ['one label', 'another label'] },
  };
}

const changes = (table: string, column: string, renamed: string) => [
  changeOf('rename-column', { table, from: column, to: renamed }),
  changeOf('rename-table', { from: table, to: renamed }),
  changeOf('change-column-type', { table, column, type: 'bigint' }),
  changeOf('add-not-null', { table, column, fill: '0', nullWriters: 'none' }),
  changeOf('add-foreign-key', { table, columns: ['ref'], references: { table: 'parent_table' } }),
  changeOf('add-unique', { table, columns: [column, 'ref'] }),
  changeOf('add-index', { table, columns: ['ref', column] }),
  changeOf('add-enum-value', { type: `${table}_kind`, value: renamed }),
];

describe('the catalogue of intents, for any names', () => {
  it('plans well-formed, reversible plans whose SQL quotes every generated name', () => {
    fc.assert(
      fc.property(fc.oneof(name, mixed), fc.oneof(name, mixed), fc.oneof(name, mixed), (table, column, renamed) => {
        fc.pre(new Set([table, column, renamed, 'parent_table', 'ref', 'id']).size === 6 && `${column}__new` !== renamed && `${column}__old` !== renamed);
        for (const change of changes(table, column, renamed)) {
          const r = planChange(change, schemaFor(table, column));
          expect(r.ok, `${change.intent}: ${JSON.stringify(!r.ok && r.problems)}`).toBe(true);
          const plan = (r as { plan: Plan }).plan;
          expectWellFormed(plan);
          for (const s of allSteps(plan)) {
            const sql = s.kind === 'sql' ? s.sql : s.kind === 'concurrent' ? s.statements.join('\n') : s.kind === 'backfill' ? s.backfill.batchSql : '';
            // A mixed-case name is only correct quoted; bare, PostgreSQL would fold it to lower case.
            for (const n of [table, column, renamed].filter((x) => x !== x.toLowerCase())) expect(sql).not.toMatch(new RegExp(`(^|[\\s(,.])${n}([\\s),.;]|$)`));
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
