import { z } from 'zod';
import { identifier, moveColumnsParams, tableName, type ChangeSpec, type MoveColumnsParams } from '../change/change-spec.js';
import { findColumn, findTable, type SchemaModel } from '../schema/schema-model.js';
import { moveLikeParams } from './common-params.js';
import type { IntentDef, PlanProblem, PlanResult } from './intent.js';
import { columnMissing } from './intent-problems.js';
import { planMoveColumns } from './move-columns-intent.js';
import { archiveSchema } from './move-columns-sql.js';

const move = moveColumnsParams.shape;

export const mergeTablesParams = z.strictObject({
  /** The table that goes away, and its column naming the `into` row (e.g. customer_id). */
  from: z.strictObject({ table: tableName, join: identifier }),
  into: z.strictObject({
    table: tableName,
    /** Column of `into` the join references; defaults to its primary key. */
    key: identifier.optional(),
    /** Column of `into` naming the tenant, for the read flag's allow-list. */
    tenant: identifier.optional(),
  }),
  /**
   * Columns of `from` deliberately not carried over; their values survive only
   * in the archive. Every other column (but the key and the join) is merged.
   */
  drop: z
    .array(identifier)
    .default([])
    .refine((a) => new Set(a).size === a.length, { message: 'a column is listed twice' }),
  flags: move.flags,
  ...moveLikeParams,
});
export type MergeTablesParams = z.output<typeof mergeTablesParams>;

type MergeChange = ChangeSpec & { params: MergeTablesParams };

/**
 * merge-tables: every column of `from` moves into `into` (one `from` row per
 * `into` row at most), then `from` is archived and retired. The seed's
 * support_contract → support_customer merge is this intent with
 * `drop: [start_date]`; the phases are move-columns' (expand, dual-write,
 * backfill, read-switch, cut-off, contract) with the whole table retired.
 * What merge adds is the accounting: every column of `from` is either merged
 * or named in `drop`, so no value is lost without the change file saying so.
 */
export const mergeTablesIntent: IntentDef<MergeTablesParams> = {
  kind: 'merge-tables',
  title: 'Merge one table into another',
  params: mergeTablesParams as never,
  plan: planMergeTables,
};

export function planMergeTables(change: MergeChange, schema: SchemaModel): PlanResult {
  const p = change.params;
  const source = findTable(schema, p.from.table);
  const problems: PlanProblem[] = [];
  if (source) {
    p.drop.forEach((name, i) => {
      const field = `params.drop[${i}]`;
      if (!findColumn(source, name)) {
        problems.push(columnMissing(field, source, name, 'Remove it from drop.'));
      } else if (name === p.from.join || source.primaryKey.includes(name)) {
        problems.push({ code: 'invalid-params', field, message: `"${name}" is the join or key column of ${source.name}; it is never merged, so it need not be dropped. Remove it from drop.` });
      }
    });
  }
  const columns = source ? source.columns.map((c) => c.name).filter((c) => c !== p.from.join && !source.primaryKey.includes(c) && !p.drop.includes(c)) : [];
  if (source && !problems.length && !columns.length) {
    problems.push({ code: 'invalid-params', field: 'params.drop', message: `nothing of ${source.name} is left to merge once ${p.drop.join(', ')} are dropped. To retire the table without merging, use the drop-table intent.` });
  }
  if (problems.length) return { ok: false, problems };

  const moveParams: MoveColumnsParams = {
    from: p.from,
    to: p.into,
    // An unknown source table leaves `columns` empty; move-columns then reports the table.
    columns: columns.length ? columns : [p.from.join],
    retire: 'table',
    flags: p.flags,
    rollout: p.rollout,
    soak: p.soak,
    retention: p.retention,
    ...(p.oldVersions ? { oldVersions: p.oldVersions } : {}),
  };
  const r = planMoveColumns({ ...change, intent: 'move-columns', params: moveParams }, schema);
  if (!r.ok) return { ok: false, problems: r.problems.map((x) => mergeProblem(x, source?.name ?? p.from.table)) };

  const plan = r.plan;
  const retired = plan.shapes.after.filter((t) => t.table !== p.from.table);
  const notes = p.drop.length
    ? [`${p.drop.join(', ')} of ${p.from.table} ${p.drop.length === 1 ? 'is' : 'are'} not merged: after contract their values live only in ${archiveSchema({ change: change.id })}.${p.from.table.split('.').pop()}.`, ...plan.notes]
    : plan.notes;
  return { ok: true, plan: { ...plan, intent: 'merge-tables', notes, shapes: { ...plan.shapes, after: retired } } };
}

/** move-columns' problems, pointed at merge-tables' own fields. */
function mergeProblem(problem: PlanProblem, source: string): PlanProblem {
  if (problem.field.startsWith('params.to.')) return { ...problem, field: problem.field.replace('params.to.', 'params.into.') };
  if (problem.field.startsWith('params.columns')) {
    return { ...problem, field: 'params.from.table', message: `${problem.message} Or list the column of ${source} under drop to leave it only in the archive.` };
  }
  return problem;
}
