import { z } from 'zod';
import { identifier, tableName, type ChangeSpec } from '../change/change-spec.js';
import type { Plan } from '../plan/plan.js';
import { PLAN_VERSION } from '../plan/plan.js';
import type { SchemaModel, TableModel } from '../schema/schema-model.js';
import { ident, qualified } from '../util/sql.js';
import { columnList, indexProblems } from './add-index-intent.js';
import type { IntentDef, PlanProblem, PlanResult } from './intent.js';
import { requireColumn, requireTable } from './intent-problems.js';
import { buildIndexConcurrently, constraintMissingSql, defaultIndexName, dropIndexConcurrently, indexInvalidSql, type IndexSpec } from './index-sql.js';

export const addUniqueParams = z.strictObject({
  table: tableName,
  columns: columnList,
  /** The constraint's (and its index's) name; defaults to `<table>_<columns>_key`. */
  name: identifier.optional(),
});
export type AddUniqueParams = z.output<typeof addUniqueParams>;

type AddUniqueChange = ChangeSpec & { params: AddUniqueParams };

/**
 * add-unique: the unique index is built concurrently (reads and writes go
 * on), then ADD CONSTRAINT … UNIQUE USING INDEX makes it the constraint with
 * a lock held for an instant instead of a build under lock.
 * https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT-USING-INDEX
 */
export const addUniqueIntent: IntentDef<AddUniqueParams> = {
  kind: 'add-unique',
  title: 'Add a unique constraint',
  params: addUniqueParams as never,
  plan: planAddUnique,
};

export function planAddUnique(change: AddUniqueChange, schema: SchemaModel): PlanResult {
  const p = change.params;
  const problems: PlanProblem[] = [];
  const table = requireTable(schema, 'params.table', p.table, problems);
  if (!table) return { ok: false, problems };
  p.columns.forEach((c, i) => requireColumn(table, `params.columns[${i}]`, c, problems));
  const name = p.name ?? defaultIndexName(table.name, p.columns, 'key');
  if (table.primaryKey.join(',') === p.columns.join(',')) problems.push({ code: 'already-exists', field: 'params.columns', message: `(${p.columns.join(', ')}) is the primary key of ${table.name}, which is unique already.` });
  else indexProblems(schema, table, name, p.name ? 'params.name' : 'params.columns', p.columns, (i) => i.unique && !i.predicate, problems);
  if (problems.length) return { ok: false, problems };
  return { ok: true, plan: buildPlan(change, table, { table: table.name, name, columns: p.columns, unique: true }) };
}

/** Groups of rows that share a value: what makes the unique index fail. */
export function duplicatesSql(table: string, columns: string[], limit = 20): string {
  const cols = columns.map(ident).join(', ');
  const notNull = columns.map((c) => `${ident(c)} IS NOT NULL`).join(' AND ');
  return `SELECT ${columns.map((c) => `${ident(c)}::text AS ${ident(c)}`).join(', ')}, count(*) AS rows FROM ${qualified(table)}
 WHERE ${notNull} GROUP BY ${cols} HAVING count(*) > 1 ORDER BY count(*) DESC LIMIT ${limit}`;
}

function buildPlan(change: AddUniqueChange, table: TableModel, index: IndexSpec): Plan {
  const T = table.name;
  const cols = index.columns.join(', ');
  const duplicates = { id: 'no-duplicates', kind: 'query-empty' as const, description: `no two ${T} rows share (${cols})`, sql: duplicatesSql(T, index.columns) };
  const indexValid = { id: 'index-valid', kind: 'query-empty' as const, description: `${index.name} exists and is valid`, sql: indexInvalidSql(index) };
  const ddl = (id: string, description: string, sql: string) => ({ id, kind: 'sql' as const, description, sql, ddl: true });
  return {
    version: PLAN_VERSION,
    change: change.id,
    title: change.title,
    intent: 'add-unique',
    sync: 'trigger',
    lockTimeoutMs: change.execution.lockTimeout,
    flags: [],
    notes: [`From expand on, a write that would duplicate (${cols}) fails, whichever app version makes it; rows with a NULL in them never count as duplicates.`],
    shapes: { before: [{ table: T, columns: table.columns.map((c) => c.name) }], after: [{ table: T, columns: [...table.columns.map((c) => c.name), `unique (${cols})`], added: [`unique (${cols})`] }], joins: [] },
    phases: [
      {
        id: 'expand',
        title: `Build unique index ${index.name} concurrently`,
        summary: `Build the unique index with CREATE UNIQUE INDEX CONCURRENTLY: reads and writes go on. It enforces uniqueness from the moment it is valid.`,
        backout: `Drop the index concurrently; duplicates are accepted again.`,
        forward: [{ id: 'expand.forward.build-index', kind: 'concurrent', description: `build unique index ${index.name} concurrently`, statements: buildIndexConcurrently(index) }],
        backward: [{ id: 'expand.backward.drop-index', kind: 'concurrent', description: `drop ${index.name} concurrently`, statements: dropIndexConcurrently(index) }],
        verify: [indexValid],
        gates: [duplicates],
        flags: [],
        app: [{ side: 'write', summary: `Before expand, make sure no running version writes duplicate (${cols}); from expand on such a write fails with unique_violation (23505). Handle it, e.g. with ON CONFLICT.`, sketch: `await db.query('INSERT INTO ${T} (${cols}) VALUES (${index.columns.map((_, i) => `$${i + 1}`).join(', ')}) ON CONFLICT (${cols}) DO NOTHING', [${index.columns.map((c) => c.replace(/_([a-z0-9])/g, (_m, ch: string) => ch.toUpperCase())).join(', ')}]);` }],
        access: { writes: [{ table: T }], reads: [{ table: T }] },
      },
      {
        id: 'contract',
        title: `Make ${index.name} the unique constraint`,
        summary: `ALTER TABLE … ADD CONSTRAINT ${index.name} UNIQUE USING INDEX ${index.name}: no scan and no build, a lock for an instant under lock_timeout.`,
        backout: `Drop the constraint (which drops its index) and rebuild the index concurrently; uniqueness is enforced again once it is valid.`,
        forward: [ddl('contract.forward.add-constraint', `add constraint ${index.name} using the index`, `ALTER TABLE ${qualified(T)} ADD CONSTRAINT ${ident(index.name)} UNIQUE USING INDEX ${ident(index.name)};`)],
        backward: [
          ddl('contract.backward.drop-constraint', `drop constraint ${index.name}`, `ALTER TABLE ${qualified(T)} DROP CONSTRAINT IF EXISTS ${ident(index.name)};`),
          { id: 'contract.backward.rebuild-index', kind: 'concurrent', description: `rebuild unique index ${index.name} concurrently`, statements: buildIndexConcurrently(index) },
        ],
        verify: [{ id: 'constraint-exists', kind: 'query-empty', description: `${T} has constraint ${index.name}`, sql: constraintMissingSql(T, index.name) }],
        gates: [indexValid],
        flags: [],
        app: [],
        access: { writes: [{ table: T }], reads: [{ table: T }] },
      },
    ],
  };
}
