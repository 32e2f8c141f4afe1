import { z } from 'zod';
import { identifier, tableName, type ChangeSpec } from '../change/change-spec.js';
import type { Phase, Plan, Step } from '../plan/plan.js';
import { PLAN_VERSION } from '../plan/plan.js';
import { findColumn, type SchemaModel, type TableModel } from '../schema/schema-model.js';
import { ident, qualified } from '../util/sql.js';
import { columnList } from './add-index-intent.js';
import type { IntentDef, PlanProblem, PlanResult } from './intent.js';
import { requireColumn, requireTable } from './intent-problems.js';
import { buildIndexConcurrently, constraintMissingSql, constraintNotValidatedSql, defaultIndexName, dropIndexConcurrently, indexInvalidSql, type IndexSpec } from './index-sql.js';

export const addForeignKeyParams = z.strictObject({
  table: tableName,
  columns: columnList,
  references: z.strictObject({
    table: tableName,
    /** Defaults to the referenced table's primary key. */
    columns: columnList.optional(),
  }),
  onDelete: z.enum(['no action', 'restrict', 'cascade', 'set null', 'set default']).default('no action'),
  /** Defaults to `<table>_<columns>_fkey`. */
  name: identifier.optional(),
  /** Build an index on the referencing columns when none leads with them (a delete of a referenced row scans for references without one). */
  index: z.boolean().default(true),
});
export type AddForeignKeyParams = z.output<typeof addForeignKeyParams>;

type AddForeignKeyChange = ChangeSpec & { params: AddForeignKeyParams };

/**
 * add-foreign-key: ADD CONSTRAINT … NOT VALID checks new writes at once,
 * with both tables locked only for an instant; the existing rows are checked
 * by VALIDATE CONSTRAINT, which lets writes go on, once the orphans query —
 * the gate — finds none. https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
 */
export const addForeignKeyIntent: IntentDef<AddForeignKeyParams> = {
  kind: 'add-foreign-key',
  title: 'Add a foreign key',
  params: addForeignKeyParams as never,
  plan: planAddForeignKey,
};

export function planAddForeignKey(change: AddForeignKeyChange, schema: SchemaModel): PlanResult {
  const p = change.params;
  const problems: PlanProblem[] = [];
  const table = requireTable(schema, 'params.table', p.table, problems);
  const target = requireTable(schema, 'params.references.table', p.references.table, problems);
  if (!table || !target) return { ok: false, problems };
  p.columns.forEach((c, i) => requireColumn(table, `params.columns[${i}]`, c, problems));
  const refColumns = p.references.columns ?? target.primaryKey;
  const refField = p.references.columns ? 'params.references.columns' : 'params.references.table';
  if (!refColumns.length) problems.push({ code: 'unsupported-key', field: refField, message: `${target.name} has no primary key; name the referenced columns in params.references.columns (they need a unique constraint).` });
  else if (refColumns.length !== p.columns.length) problems.push({ code: 'invalid-params', field: refField, message: `${p.columns.length} referencing column(s) but ${refColumns.length} referenced (${refColumns.join(', ')}); list as many of each.` });
  p.references.columns?.forEach((c, i) => requireColumn(target, `params.references.columns[${i}]`, c, problems));
  const unique = target.primaryKey.join(',') === refColumns.join(',') || Object.values(schema.indexes ?? {}).some((i) => i.table === target.name && i.unique && !i.predicate && i.columns.length === refColumns.length && refColumns.every((c) => i.columns.includes(c)));
  if (refColumns.length && schema.indexes && !unique) problems.push({ code: 'invalid-params', field: refField, message: `${target.name} (${refColumns.join(', ')}) is neither its primary key nor unique, which a foreign key requires; add a unique constraint first (intent add-unique).` });
  p.columns.forEach((c, i) => {
    const [from, to] = [findColumn(table, c), refColumns[i] ? findColumn(target, refColumns[i]!) : undefined];
    if (from && to && from.type !== to.type) problems.push({ code: 'invalid-params', field: `params.columns[${i}]`, message: `${table.name}.${c} is ${from.type} but ${target.name}.${to.name} is ${to.type}; give them the same type first (intent change-column-type), or the constraint's checks cannot use the index.` });
  });
  if (problems.length) return { ok: false, problems };
  const indexed = Object.values(schema.indexes ?? {}).some((i) => i.table === table.name && p.columns.every((c, k) => i.columns[k] === c));
  const index: IndexSpec | undefined = p.index && !indexed ? { table: table.name, name: defaultIndexName(table.name, p.columns, 'idx'), columns: p.columns, unique: false } : undefined;
  return { ok: true, plan: buildPlan(change, table, target, refColumns, index) };
}

/** Referencing rows whose key names no referenced row (NULLs never do). */
export function orphansSql(table: TableModel, columns: string[], target: string, refColumns: string[], limit = 20): string {
  const key = table.primaryKey.length ? table.primaryKey : columns;
  const match = columns.map((c, i) => `r.${ident(refColumns[i]!)} = t.${ident(c)}`).join(' AND ');
  return `SELECT ${key.map((k) => `t.${ident(k)}::text AS ${ident(k)}`).join(', ')}, ${columns.map((c) => `t.${ident(c)}::text AS ${ident(`${c}_value`)}`).join(', ')}
  FROM ${qualified(table.name)} AS t
 WHERE ${columns.map((c) => `t.${ident(c)} IS NOT NULL`).join(' AND ')}
   AND NOT EXISTS (SELECT 1 FROM ${qualified(target)} AS r WHERE ${match})
 LIMIT ${limit}`;
}

function buildPlan(change: AddForeignKeyChange, table: TableModel, target: TableModel, refColumns: string[], index: IndexSpec | undefined): Plan {
  const p = change.params;
  const [T, R] = [table.name, target.name];
  const name = p.name ?? defaultIndexName(T, p.columns, 'fkey');
  const cols = p.columns.join(', ');
  const onDelete = p.onDelete === 'no action' ? '' : ` ON DELETE ${p.onDelete.toUpperCase()}`;
  const addNotValid = `ALTER TABLE ${qualified(T)} ADD CONSTRAINT ${ident(name)} FOREIGN KEY (${p.columns.map(ident).join(', ')})
  REFERENCES ${qualified(R)} (${refColumns.map(ident).join(', ')})${onDelete} NOT VALID;`;
  const drop = `ALTER TABLE ${qualified(T)} DROP CONSTRAINT IF EXISTS ${ident(name)};`;
  const ddl = (id: string, description: string, sql: string): Step => ({ id, kind: 'sql', description, sql, ddl: true });
  const orphans = { id: 'no-orphans', kind: 'query-empty' as const, description: `every ${T} (${cols}) names an existing ${R} row`, sql: orphansSql(table, p.columns, R, refColumns) };
  const phases: Phase[] = [
    {
      id: 'expand',
      title: `Check new ${T} rows against ${R}`,
      summary: `${index ? `Build ${index.name} on (${cols}) concurrently, then add` : 'Add'} the foreign key NOT VALID: no scan, both tables locked for an instant; from now on a write whose ${cols} names no ${R} row fails.`,
      backout: `Drop the constraint${index ? ` and the index` : ''}.`,
      forward: [
        ...(index ? [{ id: 'expand.forward.build-index', kind: 'concurrent' as const, description: `build ${index.name} on (${cols}) concurrently`, statements: buildIndexConcurrently(index) }] : []),
        ddl('expand.forward.add-constraint', `add ${name} NOT VALID`, `${drop}\n${addNotValid}`),
      ],
      backward: [
        ddl('expand.backward.drop-constraint', `drop ${name}`, drop),
        ...(index ? [{ id: 'expand.backward.drop-index', kind: 'concurrent' as const, description: `drop ${index.name} concurrently`, statements: dropIndexConcurrently(index) }] : []),
      ],
      verify: [{ id: 'constraint-exists', kind: 'query-empty', description: `${T} has constraint ${name}`, sql: constraintMissingSql(T, name) }, ...(index ? [{ id: 'index-valid', kind: 'query-empty' as const, description: `${index.name} exists and is valid`, sql: indexInvalidSql(index) }] : [])],
      gates: [],
      flags: [],
      app: [{ side: 'write', summary: `Before expand, no running version may write a ${cols} that names no ${R} row (or delete a referenced ${R} row${p.onDelete === 'no action' || p.onDelete === 'restrict' ? '' : `, which now ${p.onDelete === 'cascade' ? 'deletes' : 'updates'} the referencing rows`}); such writes fail with foreign_key_violation (23503) from expand on.`, sketch: `try {
  await db.query('INSERT INTO ${T} (${cols}, …) VALUES (…)', values);
} catch (e) {
  if ((e as { code?: string }).code === '23503') throw new UnknownReferenceError('${cols}');
  throw e;
}` }],
      access: { writes: [{ table: T }], reads: [{ table: T }] },
    },
    {
      id: 'contract',
      title: `Validate ${name}`,
      summary: `Once no orphan is left, VALIDATE CONSTRAINT checks the existing rows while reads and writes go on (SHARE UPDATE EXCLUSIVE on ${T}, ROW SHARE on ${R}).`,
      backout: `Put the constraint back unvalidated (drop and add it NOT VALID); new writes stay checked.`,
      forward: [{ id: 'contract.forward.validate', kind: 'sql', description: `validate ${name} (reads and writes continue)`, sql: `ALTER TABLE ${qualified(T)} VALIDATE CONSTRAINT ${ident(name)};`, ddl: false }],
      backward: [ddl('contract.backward.unvalidate', `put ${name} back NOT VALID`, `${drop}\n${addNotValid}`)],
      verify: [{ id: 'constraint-valid', kind: 'query-empty', description: `${name} is validated`, sql: constraintNotValidatedSql(T, name) }],
      gates: [orphans],
      flags: [],
      app: [],
      access: { writes: [{ table: T }], reads: [{ table: T }] },
    },
  ];
  return {
    version: PLAN_VERSION,
    change: change.id,
    title: change.title,
    intent: 'add-foreign-key',
    sync: 'trigger',
    lockTimeoutMs: change.execution.lockTimeout,
    flags: [],
    notes: [`The gate no-orphans lists ${T} rows whose ${cols} names no ${R} row; fix or delete them before contract.`],
    shapes: {
      before: [{ table: T, columns: table.columns.map((c) => c.name) }, { table: R, columns: target.columns.map((c) => c.name) }],
      after: [{ table: T, columns: table.columns.map((c) => c.name) }, { table: R, columns: target.columns.map((c) => c.name) }],
      joins: [{ from: T, to: R, label: `${cols} references ${refColumns.join(', ')}` }],
    },
    constraints: [{ kind: 'foreign-key', table: T, columns: p.columns, references: { table: R, columns: refColumns } }],
    phases,
  };
}
