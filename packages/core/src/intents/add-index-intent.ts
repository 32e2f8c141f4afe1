import { z } from 'zod';
import { identifier, tableName, type ChangeSpec } from '../change/change-spec.js';
import type { Plan } from '../plan/plan.js';
import { PLAN_VERSION } from '../plan/plan.js';
import type { IndexModel, SchemaModel, TableModel } from '../schema/schema-model.js';
import { sqlExpression } from './add-not-null-intent.js';
import type { IntentDef, PlanProblem, PlanResult } from './intent.js';
import { requireColumn, requireTable } from './intent-problems.js';
import { buildIndexConcurrently, defaultIndexName, dropIndexConcurrently, indexInvalidSql, type IndexSpec } from './index-sql.js';

/** Column lists for indexes and constraints: plain names, none twice. */
export const columnList = z.array(identifier).min(1, 'name at least one column').refine((a) => new Set(a).size === a.length, { message: 'a column is listed twice' });

export const addIndexParams = z.strictObject({
  table: tableName,
  columns: columnList,
  /** Defaults to `<table>_<columns>_idx`. */
  name: identifier.optional(),
  method: z.enum(['btree', 'hash', 'gin', 'gist', 'brin', 'spgist']).default('btree'),
  /** A partial index's predicate (SQL). */
  where: sqlExpression.optional(),
});
export type AddIndexParams = z.output<typeof addIndexParams>;

type AddIndexChange = ChangeSpec & { params: AddIndexParams };

/**
 * add-index: CREATE INDEX CONCURRENTLY, which lets reads and writes go on
 * while it builds. It cannot run in a transaction, so it is a concurrent step;
 * a failed build's INVALID index is dropped before each attempt and going back.
 */
export const addIndexIntent: IntentDef<AddIndexParams> = {
  kind: 'add-index',
  title: 'Add an index concurrently',
  params: addIndexParams as never,
  plan: planAddIndex,
};

/** The indexes and names an index-building intent must not collide with; `field` is where the name comes from. */
export function indexProblems(schema: SchemaModel, table: TableModel, name: string, nameField: string, columns: string[], same: (i: IndexModel) => boolean, problems: PlanProblem[]): void {
  const qualifiedName = table.schema === 'public' ? name : `${table.schema}.${name}`;
  // An INVALID index is what a failed concurrent build leaves; the build step drops it first.
  const existing = Object.values(schema.indexes ?? {}).filter((i) => i.table === table.name && i.valid !== false);
  if (schema.indexes?.[qualifiedName] && schema.indexes[qualifiedName]!.valid !== false) problems.push({ code: 'column-conflict', field: nameField, message: `an index named ${name} already exists on ${schema.indexes[qualifiedName]!.table}; choose another name with params.name.` });
  const twin = existing.find((i) => same(i) && i.columns.join(',') === columns.join(','));
  if (twin) problems.push({ code: 'already-exists', field: 'params.columns', message: `${twin.name} already indexes ${table.name} (${columns.join(', ')}); nothing to add.` });
}

export function planAddIndex(change: AddIndexChange, schema: SchemaModel): PlanResult {
  const p = change.params;
  const problems: PlanProblem[] = [];
  const table = requireTable(schema, 'params.table', p.table, problems);
  if (!table) return { ok: false, problems };
  p.columns.forEach((c, i) => requireColumn(table, `params.columns[${i}]`, c, problems));
  const name = p.name ?? defaultIndexName(table.name, p.columns, 'idx');
  indexProblems(schema, table, name, p.name ? 'params.name' : 'params.columns', p.columns, (i) => (i.method ?? 'btree') === p.method && (i.predicate ?? '') === (p.where ?? ''), problems);
  if (problems.length) return { ok: false, problems };
  const index: IndexSpec = { table: table.name, name, columns: p.columns, unique: false, method: p.method, ...(p.where ? { where: p.where } : {}) };
  return { ok: true, plan: buildPlan(change, table, index) };
}

function buildPlan(change: AddIndexChange, table: TableModel, index: IndexSpec): Plan {
  const cols = index.columns.join(', ');
  return {
    version: PLAN_VERSION,
    change: change.id,
    title: change.title,
    intent: 'add-index',
    sync: 'trigger',
    lockTimeoutMs: change.execution.lockTimeout,
    flags: [],
    notes: [],
    shapes: { before: [{ table: table.name, columns: table.columns.map((c) => c.name) }], after: [{ table: table.name, columns: [...table.columns.map((c) => c.name), `index ${index.name}`], added: [`index ${index.name}`] }], joins: [] },
    phases: [
      {
        id: 'expand',
        title: `Build ${index.name} on ${table.name} (${cols}) concurrently`,
        summary: `CREATE INDEX CONCURRENTLY scans the table twice and waits for older transactions, blocking neither reads nor writes; an INVALID index left by a failed attempt is dropped first.`,
        backout: `Drop the index concurrently (DROP INDEX CONCURRENTLY), which also removes one a failed build left INVALID.`,
        forward: [{ id: 'expand.forward.build-index', kind: 'concurrent', description: `build ${index.name} concurrently`, statements: buildIndexConcurrently(index) }],
        backward: [{ id: 'expand.backward.drop-index', kind: 'concurrent', description: `drop ${index.name} concurrently`, statements: dropIndexConcurrently(index) }],
        verify: [{ id: 'index-valid', kind: 'query-empty', description: `${index.name} exists and is valid`, sql: indexInvalidSql(index) }],
        gates: [],
        flags: [],
        app: [],
        access: { writes: [{ table: table.name }], reads: [{ table: table.name }] },
      },
    ],
  };
}
