import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseChangeFile } from '@switchback/core';
import { createScratchDatabase, rehearse } from '@switchback/engine';

/**
 * Random schemas (one or two tables, a key of a common type, columns of common types, some
 * nullable, maybe a foreign key) and a random valid intent over them: every
 * rehearsal must be clean. A counterexample prints the intent and the schema.
 */
type ColumnType = 'integer' | 'bigint' | 'text' | 'boolean' | 'date';
interface Column { name: string; type: ColumnType; nullable: boolean }
type KeyType = 'integer' | 'bigint' | 'text' | 'uuid';
interface Table { name: string; key: KeyType; columns: Column[]; parent?: Table }

const columnArb = fc.record({ name: fc.constantFrom('amount', 'label', 'note', 'score', 'done', 'due_on', 'code', 'weight'), type: fc.constantFrom<ColumnType>('integer', 'bigint', 'text', 'boolean', 'date'), nullable: fc.boolean() });
const tableArb = (name: string) => fc.record({ name: fc.constant(name), key: fc.constantFrom<KeyType>('integer', 'bigint', 'text', 'uuid'), columns: fc.uniqueArray(columnArb, { minLength: 1, maxLength: 4, selector: (c) => c.name }) });
const schemaArb = fc.tuple(tableArb('item'), fc.option(tableArb('item_part'), { nil: undefined })).map(([a, b]): Table[] => (b ? [a, { ...b, parent: a }] : [a]));

function schemaSql(tables: Table[]): string {
  return tables
    .map((t) => {
      const cols = [`id ${t.key} PRIMARY KEY`, ...(t.parent ? [`${t.parent.name}_id ${t.parent.key} REFERENCES ${t.parent.name} (id)`] : []), ...t.columns.map((c) => `${c.name} ${c.type}${c.nullable ? '' : ' NOT NULL'}`)];
      return `CREATE TABLE ${t.name} (\n  ${cols.join(',\n  ')}\n);`;
    })
    .join('\n');
}

/** An intent whose parameters are valid for the schema: which table and column it takes is drawn too. */
function intentArb(tables: Table[]): fc.Arbitrary<{ intent: string; params: string }> {
  return fc.constantFrom(...tables).chain((t) => {
    const col = fc.constantFrom(...t.columns);
    const options: fc.Arbitrary<{ intent: string; params: string }>[] = [
      col.map((c) => ({ intent: 'rename-column', params: `table: ${t.name}\n  from: ${c.name}\n  to: ${c.name}_renamed` })),
      col.map((c) => ({ intent: 'add-index', params: `table: ${t.name}\n  columns: [${c.name}]` })),
      fc.constant({ intent: 'rename-table', params: `from: ${t.name}\n  to: ${t.name}_renamed` }),
      col.map((c) => ({ intent: 'drop-column', params: `table: ${t.name}\n  column: ${c.name}` })),
    ];
    const nullable = t.columns.filter((c) => c.nullable);
    // Either the version that may write NULL is gone before the check is enforced (oldVersions), or none writes one
    // (nullWriters: none), and the rehearsal's old version keeps running, writing values only.
    const writers = fc.constantFrom('oldVersions: { app: app, versions: ["1"], within: 10m }', 'nullWriters: none');
    if (nullable.length) options.push(fc.tuple(fc.constantFrom(...nullable), writers).map(([c, w]) => ({ intent: 'add-not-null', params: `table: ${t.name}\n  column: ${c.name}\n  fill: "${fill(c.type)}"\n  ${w}` })));
    const ints = t.columns.filter((c) => c.type === 'integer');
    if (ints.length) options.push(fc.constantFrom(...ints).map((c) => ({ intent: 'change-column-type', params: `table: ${t.name}\n  column: ${c.name}\n  type: bigint` })));
    // Generated integers and texts never repeat within a few hundred rows; booleans and dates would.
    const distinct = t.columns.filter((c) => c.type === 'integer' || c.type === 'bigint' || c.type === 'text');
    if (distinct.length) options.push(fc.constantFrom(...distinct).map((c) => ({ intent: 'add-unique', params: `table: ${t.name}\n  columns: [${c.name}]` })));
    const old = 'oldVersions: { app: app, versions: ["1"], within: 10m }';
    // A split leaves the keys that reference its table where they are (the plan says to re-point them first).
    if (!tables.some((x) => x.parent?.name === t.name)) options.push(col.map((c) => ({ intent: 'split-table', params: `table: ${t.name}\n  into: ${t.name}_split\n  where: ${predicate(c)}\n  flag: ReadSplit\n  ${old}` })));
    options.push(fc.subarray(t.columns, { minLength: 1 }).map((cs) => ({ intent: 'extract-columns', params: `from: { table: ${t.name}, key: id }\n  into: { table: ${t.name}_extra, key: ${t.name}_id }\n  columns: [${cs.map((c) => c.name).join(', ')}]\n  flag: ReadExtracted\n  ${old}` })));
    return fc.oneof(...options);
  });
}

/** A predicate over a column that some generated rows hold and some do not. */
function predicate(c: Column): string {
  return { integer: `${c.name} % 2 = 0`, bigint: `${c.name} % 3 = 0`, text: `${c.name} LIKE '%1'`, boolean: `${c.name}`, date: `${c.name} > '2024-06-01'` }[c.type];
}

function fill(type: ColumnType): string {
  return { integer: '0', bigint: '0', text: "''", boolean: 'false', date: "'2020-01-01'::date" }[type];
}

/**
 * Runs per database: PGlite, and the server when DATABASE_URL is set (each run in a database of its own, made and
 * dropped as `switchback rehearse --database-url` does). A server rehearsal has real sessions, so concurrency and
 * lock waits are real there; its runs are fewer, to keep the file near a minute on a 2-core machine.
 * PROPERTY_RUNS raises both counts to explore more inputs.
 */
const serverUrl = process.env.DATABASE_URL;
const extraRuns = Number(process.env.PROPERTY_RUNS ?? 0);
const where = [
  { name: 'pglite', url: undefined as string | undefined, numRuns: extraRuns || 8 },
  ...(serverUrl ? [{ name: 'postgres', url: serverUrl, numRuns: extraRuns || 5 }] : []),
];

describe.each(where)('rehearse: random schemas and intents on $name', ({ name, url, numRuns }) => {
  it(`every rehearsal of a valid intent over a random schema is clean (${name})`, async () => {
    await fc.assert(
      fc.asyncProperty(
        schemaArb.chain((tables) => fc.record({ tables: fc.constant(tables), change: intentArb(tables) })),
        async ({ tables, change }) => {
          const yaml = `version: 1\nid: property-change\ntitle: generated\nintent: ${change.intent}\nparams:\n  ${change.params}\n`;
          const parsed = parseChangeFile(yaml, 'property-change.yaml');
          if (!parsed.ok) throw new Error(`${change.intent}: ${parsed.problems.map((p) => p.message).join('; ')}`);
          const scratch = await createScratchDatabase(url ? { url } : {});
          try {
            const r = await rehearse({ db: scratch.db, schema: [{ file: 'schema.sql', sql: schemaSql(tables) }], change: parsed.change, rows: 100, seed: 1, actor: 'test', settleOps: 6 });
            expect(r.failures.slice(0, 2), `${change.intent} (${change.params.replace(/\n\s*/g, ', ')}) over\n${schemaSql(tables)}`).toEqual([]);
            expect(r.ok).toBe(true);
          } finally {
            await scratch.dispose();
          }
        },
      ),
      // A rehearsal takes seconds, so no shrinking: the first failing case is reported as drawn, its intent and schema
      // in the assertion's message (replay it with FAST_CHECK_SEED).
      { numRuns, endOnFailure: true },
    );
  }, 300_000);
});
