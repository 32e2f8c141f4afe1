import { z } from 'zod';
import { identifier, tableName, type ChangeSpec } from '../change/change-spec.js';
import type { Phase, Plan, Step } from '../plan/plan.js';
import { PLAN_VERSION } from '../plan/plan.js';
import type { ColumnModel, SchemaModel, TableModel } from '../schema/schema-model.js';
import { camel } from '../util/names.js';
import { ident, literal, qualified } from '../util/sql.js';
import { bounds, estimate } from './move-columns-sql.js';
import * as pair from './column-sync-sql.js';
import { oldVersions, oldVersionsGate } from './common-params.js';
import type { IntentDef, PlanProblem, PlanResult } from './intent.js';
import { requireColumn, requireSingleKey, requireTable } from './intent-problems.js';

/** A SQL expression written in the change file (a default, a fill value): one line, no statement separator. */
export const sqlExpression = z
  .string()
  .min(1)
  .refine((s) => !/[;\n]/.test(s), { message: 'write one SQL expression, e.g. \'unknown\' or 0, with no ";" or line break' });

export const addNotNullParams = z.strictObject({
  table: tableName,
  column: identifier,
  /** A default for rows inserted without the column, set at expand (SQL, e.g. `'unknown'`). */
  default: sqlExpression.optional(),
  /** Existing NULLs are set to this in batches (SQL, e.g. `'unknown'`); without it they must be gone before contract. */
  fill: sqlExpression.optional(),
  /** App versions that may still write NULL; they must be gone before expand. */
  oldVersions,
  /** `none`: no running version writes NULL to the column, so expand has no version to wait for (instead of oldVersions). */
  nullWriters: z.literal('none', { error: 'write "none" (no running version writes NULL to the column), or remove it and set params.oldVersions' }).optional(),
});
export type AddNotNullParams = z.output<typeof addNotNullParams>;

type AddNotNullChange = ChangeSpec & { params: AddNotNullParams };

/**
 * add-not-null: CHECK (column IS NOT NULL) NOT VALID rejects new NULLs at
 * once without a scan; existing NULLs are filled in batches; VALIDATE scans
 * under SHARE UPDATE EXCLUSIVE (reads and writes go on); SET NOT NULL is then
 * proven by the valid check with no second scan (PostgreSQL 12+), and the
 * check is dropped. https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
 */
export const addNotNullIntent: IntentDef<AddNotNullParams> = {
  kind: 'add-not-null',
  title: 'Make a column NOT NULL',
  params: addNotNullParams as never,
  plan: planAddNotNull,
};

export function planAddNotNull(change: AddNotNullChange, schema: SchemaModel): PlanResult {
  const p = change.params;
  const problems: PlanProblem[] = [];
  const table = requireTable(schema, 'params.table', p.table, problems);
  if (!table) return { ok: false, problems };
  const column = requireColumn(table, 'params.column', p.column, problems);
  if (column && !column.nullable) problems.push({ code: 'invalid-params', field: 'params.column', message: `${table.name}.${p.column} is already NOT NULL; nothing to change.` });
  const key = p.fill ? requireSingleKey(table, 'params.fill', 'filling NULLs', problems) : undefined;
  const writers = nullWritersProblem(p, `${table.name}.${p.column}`);
  if (writers) problems.push(writers);
  if (problems.length || !column) return { ok: false, problems };
  return { ok: true, plan: buildPlan(change, table, column, key) };
}

/**
 * From expand on, a write that leaves the column NULL fails. Which running
 * versions might write one is the app's to say, never assumed: the versions
 * to wait for (oldVersions, a gate), or none (nullWriters: none, on record).
 */
function nullWritersProblem(p: AddNotNullParams, column: string): PlanProblem | undefined {
  if (p.oldVersions && p.nullWriters) return { code: 'invalid-params', field: 'params.nullWriters', message: `params.oldVersions says versions ${p.oldVersions.versions.join('/')} of ${p.oldVersions.app} may write NULL to ${column}, and params.nullWriters says none does; keep the one that is true and remove the other.` };
  if (p.oldVersions || p.nullWriters) return undefined;
  return {
    code: 'invalid-params',
    field: 'params.oldVersions',
    message: `say which running app versions may write NULL to ${column}: from expand on, each such write fails. Set params.oldVersions: { app: <name>, versions: [<versions that may write NULL>], within: 10m } so a gate waits until they are gone before expand, or, if every running version already writes a value there, set params.nullWriters: none.`,
  };
}

function buildPlan(change: AddNotNullChange, table: TableModel, column: ColumnModel, key: ColumnModel | undefined): Plan {
  const p = change.params;
  const [T, C] = [table.name, p.column];
  const steps = pair.notNullSteps(T, C);
  const ddl = (id: string, description: string, sql: string): Step => ({ id, kind: 'sql', description, sql, ddl: true });
  const nullKey = key?.name ?? table.primaryKey[0];
  const nulls = { id: 'no-nulls', kind: 'query-empty' as const, description: `no ${T} row has ${C} NULL`, sql: nullKey ? pair.nullRowsSql(T, nullKey, C) : `SELECT count(*) AS null_rows FROM ${qualified(T)} WHERE ${ident(C)} IS NULL HAVING count(*) > 0` };
  const checkExists = { id: 'check-exists', kind: 'query-empty' as const, description: `${steps.check} exists`, sql: `SELECT ${literal(steps.check)} AS missing_check WHERE NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = ${literal(qualified(T))}::regclass AND conname = ${literal(steps.check)})` };
  const restoreDefault = column.default ? `ALTER TABLE ${qualified(T)} ALTER COLUMN ${ident(C)} SET DEFAULT ${column.default};` : `ALTER TABLE ${qualified(T)} ALTER COLUMN ${ident(C)} DROP DEFAULT;`;
  const phases: Phase[] = [
    {
      id: 'expand',
      title: `Reject new NULLs in ${T}.${C}`,
      summary: `${p.default ? `Give ${C} the default ${p.default} and add` : 'Add'} CHECK (${C} IS NOT NULL) NOT VALID: no scan, a lock for an instant; from now on an insert or update that leaves ${C} NULL fails.`,
      backout: `Drop the check${p.default ? ' and restore the previous default' : ''}; NULLs are accepted again.`,
      forward: [ddl('expand.forward.add-check', `${p.default ? `set default ${p.default}; ` : ''}add ${steps.check} NOT VALID`, `${p.default ? `ALTER TABLE ${qualified(T)} ALTER COLUMN ${ident(C)} SET DEFAULT ${p.default};\n` : ''}${steps.add}`)],
      backward: [ddl('expand.backward.drop-check', `drop ${steps.check}${p.default ? '; restore the default' : ''}`, `ALTER TABLE ${qualified(T)} DROP CONSTRAINT IF EXISTS ${ident(steps.check)};${p.default ? `\n${restoreDefault}` : ''}`)],
      verify: [checkExists],
      gates: oldVersionsGate(p.oldVersions),
      flags: [],
      app: [{ side: 'write', summary: `Before expand, every running version must write a value for ${C}${p.default ? ` or leave it to the default` : ''}: from expand on, a write that leaves it NULL fails.`, sketch: `// ${C} is required from this version on.
if (${camel(C)} == null) throw new Error('${C} is required');
await db.query('UPDATE ${T} SET ${C} = $2 WHERE id = $1', [id, ${camel(C)}]);` }],
      access: { writes: [{ table: T }], reads: [{ table: T }] },
    },
  ];
  if (p.fill && key) {
    const K = ident(key.name);
    phases.push({
      id: 'backfill',
      title: `Fill NULLs in ${C}`,
      summary: `Set ${C} to ${p.fill} where it is NULL, in batches by ${key.name}.`,
      backout: `Nothing to undo: filled values are valid values, and the copy is re-runnable.`,
      forward: [{ id: 'backfill.forward.fill', kind: 'backfill', description: `set NULL ${C} to ${p.fill}`, backfill: { table: T, key: key.name, ...bounds(T, key.name, key.type), batchSql: `UPDATE ${qualified(T)} SET ${ident(C)} = ${p.fill} WHERE ${K} BETWEEN $1::${key.type} AND $2::${key.type} AND ${ident(C)} IS NULL`, countSql: estimate(T) } }],
      backward: [],
      verify: [nulls],
      gates: [checkExists],
      flags: [],
      app: [],
      access: { writes: [{ table: T }], reads: [{ table: T }], backfill: { from: T, to: T } },
    });
  }
  phases.push({
    id: 'contract',
    title: `Make ${C} NOT NULL`,
    summary: `Validate the check (a scan that blocks neither reads nor writes), then SET NOT NULL, proven by the check with no second scan, and drop the check.`,
    backout: `DROP NOT NULL and put the unvalidated check back; new NULLs stay rejected.`,
    forward: [
      { id: 'contract.forward.validate', kind: 'sql', description: `validate ${steps.check} (reads and writes continue)`, sql: steps.validate, ddl: false },
      ddl('contract.forward.set-not-null', `SET NOT NULL on ${C}; drop ${steps.check}`, steps.set),
    ],
    backward: [ddl('contract.backward.drop-not-null', `DROP NOT NULL on ${C}; add ${steps.check} NOT VALID`, `ALTER TABLE ${qualified(T)} ALTER COLUMN ${ident(C)} DROP NOT NULL;\n${steps.add}`)],
    verify: [{ id: 'not-null', kind: 'query-empty', description: `${C} is NOT NULL`, sql: pair.nullabilityIsSql(T, C, true) }],
    gates: [nulls],
    flags: [],
    app: [],
    access: { writes: [{ table: T }], reads: [{ table: T }] },
  });
  const columns = table.columns.map((c) => c.name);
  return {
    version: PLAN_VERSION,
    change: change.id,
    title: change.title,
    intent: 'add-not-null',
    sync: 'trigger',
    lockTimeoutMs: change.execution.lockTimeout,
    flags: [],
    notes: [...(p.nullWriters ? [`Assumed, not checked (params.nullWriters: none): no running app version writes NULL to ${T}.${C}. If one does, its writes fail from expand on: roll expand back (NULLs are accepted again) and set params.oldVersions instead.`] : []), ...(p.fill ? [] : [`Without params.fill, existing NULLs must be gone before contract; the gate no-nulls lists them.`])],
    // With nullWriters, the versions before the change already treat the column as required (so a rehearsal's old version does too).
    ...(p.fill && key ? { rewrites: [{ kind: 'fill-nulls' as const, table: T, column: C, value: p.fill }] } : {}),
    shapes: { before: [{ table: T, columns: p.nullWriters ? columns.map((c) => (c === C ? `${C} NOT NULL in the app` : c)) : columns }], after: [{ table: T, columns: columns.map((c) => (c === C ? `${C} NOT NULL` : c)), added: [`${C} NOT NULL`] }], joins: [] },
    phases,
  };
}
