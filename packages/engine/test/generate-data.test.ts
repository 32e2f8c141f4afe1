/**
 * Data generation on random schemas: whatever the column types, nullability,
 * CHECK lists, ranges and other CHECKs, unique keys and foreign keys, every table gets exactly the rows
 * asked for, the database accepts them (so the constraints hold), the same
 * seed gives the same rows, and children spread one per parent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { targets, type TestDatabase } from '../../../test-support/databases.js';
import { generateData, readCatalogForTest } from './generate-data-kit.js';

const TYPES = ['integer', 'bigint', 'smallint', 'text', 'varchar(12)', 'numeric(8,2)', 'boolean', 'date', 'timestamptz', 'jsonb', 'uuid', 'mood', 'interval'] as const;

const column = fc.record({
  type: fc.constantFrom(...TYPES),
  nullable: fc.boolean(),
  withDefault: fc.boolean(),
  unique: fc.boolean(),
  check: fc.boolean(),
});

const table = fc.record({
  key: fc.constantFrom('bigserial', 'integer', 'text', 'uuid'),
  columns: fc.array(column, { minLength: 0, maxLength: 5 }),
  parent: fc.option(fc.record({ nullable: fc.boolean(), oneToOne: fc.boolean() }), { nil: undefined }),
});

type TableSpec = typeof table extends fc.Arbitrary<infer T> ? T : never;

function ddl(schema: string, tables: TableSpec[]): string {
  const parts = [`CREATE SCHEMA ${schema};`, `CREATE TYPE ${schema}.mood AS ENUM ('calm', 'busy', 'away');`];
  tables.forEach((t, i) => {
    const cols = [`id ${t.key} PRIMARY KEY`];
    t.columns.forEach((c, j) => {
      const type = c.type === 'mood' ? `${schema}.mood` : c.type;
      let def = `c${j} ${type}${c.nullable ? '' : ' NOT NULL'}`;
      if (c.withDefault && c.type === 'text') def += ` DEFAULT 'd'`;
      if (c.unique && !['boolean', 'jsonb', 'mood', 'smallint'].includes(c.type)) def += ' UNIQUE';
      else if (c.check && c.type === 'text') def += ` CHECK (c${j} IN ('gold', 'silver', 'it''s'))`;
      // A range the values are drawn within, and CHECKs they are drawn until they hold.
      else if (c.check && (c.type === 'integer' || c.type === 'bigint')) def += ` CHECK (c${j} BETWEEN 1 AND 50)`;
      else if (c.check && c.type === 'numeric(8,2)') def += ` CHECK (c${j} < 50)`;
      else if (c.check && c.type === 'date') def += ` CHECK (c${j} > DATE '2022-01-01' OR c${j} IS NULL)`;
      cols.push(def);
    });
    if (t.parent && i > 0) cols.push(`parent_id ${tables[i - 1]!.key === 'bigserial' ? 'bigint' : tables[i - 1]!.key} ${t.parent.nullable ? '' : 'NOT NULL'} ${t.parent.oneToOne ? 'UNIQUE' : ''} REFERENCES ${schema}.t${i - 1} (id)`);
    parts.push(`CREATE TABLE ${schema}.t${i} (${cols.join(', ')});`);
  });
  return parts.join('\n');
}

const pglite = targets.find((t) => t.name === 'pglite')!;

describe('generateData on random schemas', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await pglite.create({ ledger: false });
  });
  afterAll(() => t.drop());

  it('fills every table with exactly the rows asked for, within the constraints, the same for the same seed', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(table, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 1000 }), async (tables, rows, seed) => {
        const schema = `g${n++}`;
        await t.db.exec(ddl(schema, tables));
        try {
          const fill = async () => {
            const catalog = await readCatalogForTest(t.db);
            await generateData(t.db, catalog, { rows, seed });
          };
          await fill();
          for (let i = 0; i < tables.length; i++) {
            const { rows: r } = await t.db.query<{ n: number; parents: number; distinct: number }>(
              `SELECT count(*)::int AS n, ${tables[i]!.parent && i > 0 ? 'count(parent_id)::int AS parents, count(DISTINCT parent_id)::int AS distinct' : '0 AS parents, 0 AS distinct'} FROM ${schema}.t${i}`,
            );
            expect(r[0]!.n).toBe(rows);
            // Equal row counts: each parent has exactly one child.
            if (tables[i]!.parent && i > 0) expect([r[0]!.parents, r[0]!.distinct]).toEqual([rows, rows]);
          }
          const snapshot = await t.db.query(`SELECT row_to_json(x)::text AS j FROM ${schema}.t0 AS x ORDER BY id::text`);
          await t.db.exec(`TRUNCATE ${tables.map((_, i) => `${schema}.t${i}`).join(', ')} RESTART IDENTITY CASCADE`);
          await fill();
          const again = await t.db.query(`SELECT row_to_json(x)::text AS j FROM ${schema}.t0 AS x ORDER BY id::text`);
          expect(again.rows).toEqual(snapshot.rows);
        } finally {
          await t.db.exec(`DROP SCHEMA ${schema} CASCADE`);
        }
      }),
      { numRuns: 25 },
    );
  });
});
