import { z } from 'zod';
import { duration, identifier, tableName, type ChangeSpec } from '../change/change-spec.js';
import type { Phase, Plan, QueryEmptyVerification } from '../plan/plan.js';
import { PLAN_VERSION } from '../plan/plan.js';
import { findTable, type SchemaModel, type TableModel } from '../schema/schema-model.js';
import { formatDuration } from '../util/duration.js';
import { ident, literal, qualified } from '../util/sql.js';
import { oldVersions, oldVersionsGate, oldVersionsNote, soakGate } from './common-params.js';
import type { IntentDef, PlanProblem, PlanResult } from './intent.js';
import { requireTable, sameName } from './intent-problems.js';

export const renameTableParams = z.strictObject({
  /** The table's current name, optionally schema-qualified. */
  from: tableName,
  /** Its new name, in the same schema. */
  to: identifier,
  /** How long the old name keeps working after expand, at least. */
  window: duration.default(86_400_000),
  oldVersions,
});
export type RenameTableParams = z.output<typeof renameTableParams>;

type RenameTableChange = ChangeSpec & { params: RenameTableParams };

/**
 * rename-table: rename the table and, in the same transaction, create a view
 * under the old name. A view over one table with no joins or aggregates is
 * automatically updatable, so the previous app version keeps reading and
 * writing through it (defaults, RETURNING and ON CONFLICT included) until
 * contract drops it. https://www.postgresql.org/docs/current/sql-createview.html#SQL-CREATEVIEW-UPDATABLE-VIEWS
 */
export const renameTableIntent: IntentDef<RenameTableParams> = {
  kind: 'rename-table',
  title: 'Rename a table',
  params: renameTableParams as never,
  plan: planRenameTable,
};

export function planRenameTable(change: RenameTableChange, schema: SchemaModel): PlanResult {
  const p = change.params;
  const problems: PlanProblem[] = [];
  const table = requireTable(schema, 'params.from', p.from, problems);
  if (!table) return { ok: false, problems };
  const newKey = table.schema === 'public' ? p.to : `${table.schema}.${p.to}`;
  if (p.to === bare(table.name)) problems.push(sameName('params.to', p.to));
  else if (findTable(schema, newKey) || schema.views?.includes(newKey)) problems.push({ code: 'column-conflict', field: 'params.to', message: `${table.schema}.${p.to} already exists; choose a name that is not taken, or drop it first.` });
  if (problems.length) return { ok: false, problems };
  return { ok: true, plan: buildPlan(change, table, newKey) };
}

/** The old name as a view over the renamed table, with the table's privileges, so the previous version's role may still use it. */
export function compatibilityViewSql(oldName: string, newName: string): string {
  const [V, T] = [qualified(oldName), qualified(newName)];
  return `CREATE VIEW ${V} AS SELECT * FROM ${T};
DO $grants$
DECLARE g record;
BEGIN
  FOR g IN SELECT a.privilege_type, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END AS grantee
             FROM pg_class c, aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
            WHERE c.oid = ${literal(T)}::regclass AND a.grantee <> c.relowner
  LOOP
    EXECUTE format('GRANT %s ON ${V.replace(/%/g, '%%')} TO %s', g.privilege_type, g.grantee);
  END LOOP;
END $grants$;`;
}

function buildPlan(change: RenameTableChange, table: TableModel, newKey: string): Plan {
  const p = change.params;
  const [from, to] = [table.name, newKey];
  const ddl = (id: string, description: string, sql: string) => ({ id, kind: 'sql' as const, description, sql, ddl: true });
  const undoRename = `DO $undo$
BEGIN
  IF to_regclass(${literal(qualified(to))}) IS NOT NULL THEN
    DROP VIEW IF EXISTS ${qualified(from)};
    ALTER TABLE ${qualified(to)} RENAME TO ${ident(bare(from))};
  END IF;
END $undo$;`;
  const isTable: QueryEmptyVerification = { id: 'renamed', kind: 'query-empty', description: `${to} is a table`, sql: relkindMissingSql(to, ['r', 'p'], 'table_missing') };
  const isView: QueryEmptyVerification = { id: 'compatibility-view', kind: 'query-empty', description: `${from} is a view over ${to}`, sql: relkindMissingSql(from, ['v'], 'view_missing') };
  const phases: Phase[] = [
    {
      id: 'expand',
      title: `Rename ${from} to ${to}, with a view under the old name`,
      summary: `Rename the table and create an updatable view ${from} over it in one transaction: the previous version reads and writes through the view, the new version uses ${to}.`,
      backout: `Drop the view and rename ${to} back to ${from}. Roll the application back to a version that uses ${from} first.`,
      forward: [ddl('expand.forward.rename', `rename ${from} to ${to}; create view ${from}`, `ALTER TABLE ${qualified(from)} RENAME TO ${ident(bare(to))};\n${compatibilityViewSql(from, to)}`)],
      backward: [ddl('expand.backward.rename-back', `drop view ${from}; rename ${to} back to ${from}`, undoRename)],
      verify: [isTable, isView],
      gates: [],
      flags: [],
      app: [
        {
          side: 'read',
          summary: `After expand, deploy the version that reads and writes ${to}. Instances of the previous version keep using ${from} (the view) until they are replaced.`,
          sketch: `// Every query of the new version names the new table.
const row = await one(db, 'SELECT * FROM ${to} WHERE id = $1', [id]);
await db.query('INSERT INTO ${to} (name) VALUES ($1)', [name]);`,
        },
      ],
      access: { writes: [{ table: to }], reads: [{ table: to }] },
    },
    {
      id: 'contract',
      title: `Drop the view ${from}`,
      summary: `Once no version that uses ${from} runs (${formatDuration(p.window)} after expand at the earliest), drop the compatibility view.`,
      backout: `Recreate the view ${from} over ${to}.`,
      forward: [ddl('contract.forward.drop-view', `drop view ${from}`, `DROP VIEW IF EXISTS ${qualified(from)};`)],
      backward: [ddl('contract.backward.recreate-view', `recreate view ${from} over ${to}`, `DROP VIEW IF EXISTS ${qualified(from)};\n${compatibilityViewSql(from, to)}`)],
      verify: [isTable, { id: 'old-name-gone', kind: 'query-empty', description: `nothing is named ${from} any more`, sql: `SELECT ${literal(from)} AS still_present WHERE to_regclass(${literal(qualified(from))}) IS NOT NULL` }],
      gates: [soakGate('window', 'expand', p.window, 'the old name has been a view'), ...oldVersionsGate(p.oldVersions)],
      flags: [],
      app: [],
      access: { writes: [{ table: to }], reads: [{ table: to }] },
    },
  ];
  const columns = table.columns.map((c) => c.name);
  return {
    version: PLAN_VERSION,
    change: change.id,
    title: change.title,
    intent: 'rename-table',
    sync: 'trigger',
    lockTimeoutMs: change.execution.lockTimeout,
    flags: [],
    notes: [
      `The view ${from} shows the columns ${to} has at expand; columns added later are only visible under ${to}. DDL (ALTER TABLE, triggers, later migrations) must name ${to} after expand.`,
      ...(p.oldVersions ? [] : [oldVersionsNote(from)]),
    ],
    shapes: { before: [{ table: from, columns }], after: [{ table: to, columns, added: [] }], joins: [] },
    phases,
  };
}

/** One row when `name` is not a relation of one of `kinds`. */
function relkindMissingSql(name: string, kinds: string[], label: string): string {
  return `SELECT ${literal(name)} AS ${label} WHERE NOT EXISTS (
  SELECT 1 FROM pg_class WHERE oid = to_regclass(${literal(qualified(name))}) AND relkind IN (${kinds.map(literal).join(', ')}))`;
}

function bare(t: string): string {
  return t.includes('.') ? t.slice(t.indexOf('.') + 1) : t;
}
