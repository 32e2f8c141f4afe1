import { z } from 'zod';
import { identifier, tableName, type ChangeSpec } from '../change/change-spec.js';
import type { Phase, Plan, RangeChecksum, Step } from '../plan/plan.js';
import { PLAN_VERSION } from '../plan/plan.js';
import { findColumn, findTable, type ColumnModel, type SchemaModel, type TableModel } from '../schema/schema-model.js';
import { formatDuration } from '../util/duration.js';
import { camel, pascal } from '../util/names.js';
import { ident, literal, qualified } from '../util/sql.js';
import type { IntentDef, PlanProblem, PlanResult } from './intent.js';
import { columnMissing, tableMissing } from './intent-problems.js';
import { archiveSchema, bareName, bounds, estimate, homeSchema } from './move-columns-sql.js';
import { contractGates, FLAG_FULL, readSoak, retireNotes, retireParams, stopReadsPhase, stopWritesPhase, type RetireInput } from './retire-phases.js';

export const dropColumnParams = z.strictObject({
  table: tableName,
  column: identifier,
  ...retireParams,
});
export type DropColumnParams = z.output<typeof dropColumnParams>;

type DropColumnChange = ChangeSpec & { params: DropColumnParams };

/**
 * drop-column: reads of the column stop behind a flag (read-switch), a
 * version that no longer writes it is deployed (cut-off; a NOT NULL column
 * without a default is made optional first, in expand, so that version's
 * inserts work), and after the retention window contract copies the values
 * into an archive table and drops the column. The way back from contract
 * adds the column again and restores every value from the archive.
 */
export const dropColumnIntent: IntentDef<DropColumnParams> = {
  kind: 'drop-column',
  title: 'Drop a column',
  params: dropColumnParams as never,
  plan: planDropColumn,
};

/**
 * Put NOT NULL back on a column a later version stopped writing, unless rows
 * written meanwhile hold NULL there (then it stays optional: failing the way
 * back would be worse).
 */
export function restoreNotNullSql(table: string, column: string): string {
  const T = qualified(table);
  const C = ident(column);
  return `DO $restore$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM ${T} WHERE ${C} IS NULL) THEN
    ALTER TABLE ${T} ALTER COLUMN ${C} SET NOT NULL;
  END IF;
END $restore$;`;
}

/** `StopReadingSupportCustomerAddress`. */
export function defaultDropColumnFlag(table: string, column: string): string {
  return `StopReading${pascal(bareName(table))}${pascal(column)}`;
}

export function planDropColumn(change: DropColumnChange, schema: SchemaModel): PlanResult {
  const p = change.params;
  const problems: PlanProblem[] = [];
  const table = findTable(schema, p.table);
  if (!table) return { ok: false, problems: [tableMissing('params.table', p.table, schema, 'Check the name.')] };
  const column = findColumn(table, p.column);
  if (!column) {
    problems.push(columnMissing('params.column', table, p.column, 'Check the spelling; a column already dropped needs no change.'));
  } else if (table.primaryKey.includes(p.column)) {
    problems.push({ code: 'invalid-params', field: 'params.column', message: `"${p.column}" is part of the primary key of ${table.name}; replace the key first, then drop the column.` });
  }
  if (table.primaryKey.length !== 1) {
    problems.push({ code: 'unsupported-key', field: 'params.table', message: `${table.name} has ${table.primaryKey.length ? `a composite primary key (${table.primaryKey.join(', ')})` : 'no primary key'}; the archive keeps each value by a single-column key so the way back can restore it. Add a single-column primary key first.` });
  }
  if (problems.length || !column) return { ok: false, problems };
  const key = findColumn(table, table.primaryKey[0]!)!;
  return { ok: true, plan: buildPlan(change, table, column, key, schema) };
}

function buildPlan(change: DropColumnChange, table: TableModel, column: ColumnModel, key: ColumnModel, schema: SchemaModel): Plan {
  const p = change.params;
  const T = qualified(p.table);
  const C = ident(column.name);
  const K = ident(key.name);
  const what = `${p.table}.${column.name}`;
  const flag = p.flag ?? defaultDropColumnFlag(p.table, column.name);
  const archive = `${ident(archiveSchema({ change: change.id }))}.${ident(bareName(p.table))}`;
  const required = !column.nullable && column.default === null && !column.generated;
  const others = table.columns.filter((c) => c.name !== column.name).map((c) => c.name);
  const entity = camel(bareName(p.table));
  const r: RetireInput = {
    what,
    table: p.table,
    flag,
    rollout: p.rollout,
    readSoakMs: readSoak(p.soak.readSwitch),
    retentionMs: p.retention,
    oldVersions: p.oldVersions,
    read: {
      side: 'read',
      flag,
      summary: `Read ${p.table} without ${column.name} when ${flag} is on for the request: select the other columns by name and treat ${column.name} as absent.`,
      sketch: `const stopped = flags.isEnabled('${flag}', { key: String(id), tenant });
const ${entity} = await one(db, stopped
  ? 'SELECT ${others.join(', ')} FROM ${p.table} WHERE ${key.name} = $1'
  : 'SELECT * FROM ${p.table} WHERE ${key.name} = $1', [id]);`,
    },
    write: {
      side: 'write',
      summary: `Deploy the version that no longer writes ${column.name}: leave it out of every INSERT and UPDATE of ${p.table}${required ? ' (it is optional since expand)' : ''}.`,
      sketch: `await db.query('INSERT INTO ${p.table} (${others.filter((c) => c !== key.name).join(', ')}) VALUES (...)', [...]);`,
    },
  };
  const step = (phase: string, dir: 'forward' | 'backward', name: string) => `${phase}.${dir}.${name}`;
  const ddl = (id: string, description: string, sql: string): Step => ({ id, kind: 'sql', description, sql, ddl: true });
  const nullable: Phase['verify'] = [{ id: 'column-optional', kind: 'query-empty', description: `${what} accepts NULL`, sql: `SELECT ${literal(column.name)} AS required_column FROM information_schema.columns WHERE table_schema = ${literal(homeSchema(p.table))} AND table_name = ${literal(bareName(p.table))} AND column_name = ${literal(column.name)} AND is_nullable = 'NO'` }];

  const expand: Phase = {
    id: 'expand',
    title: `Make ${what} optional`,
    summary: `${what} is NOT NULL without a default, so a version that stops writing it could not insert. Drop the NOT NULL; every version keeps working.`,
    backout: `Put NOT NULL back, if no row has a NULL there by then (rows inserted without it keep NULL, and the constraint stays off).`,
    forward: [ddl(step('expand', 'forward', 'drop-not-null'), `drop NOT NULL from ${what}`, `ALTER TABLE ${T} ALTER COLUMN ${C} DROP NOT NULL;`)],
    backward: [ddl(step('expand', 'backward', 'set-not-null'), `put NOT NULL back on ${what} unless a row holds NULL`, restoreNotNullSql(p.table, column.name))],
    verify: nullable,
    gates: [],
    flags: [],
    app: [],
    access: { writes: [{ table: p.table }], reads: [{ table: p.table }] },
  };

  const restore: RangeChecksum = {
    id: 'restored-from-archive',
    kind: 'range-checksum',
    description: `every ${p.table} row holds the ${column.name} archived for it`,
    table: p.table,
    key: key.name,
    oldSql: `SELECT t.${K}::text AS k, ROW(a.${C})::text AS v FROM ${T} AS t LEFT JOIN ${archive} AS a ON a.${K} = t.${K} WHERE t.${K} BETWEEN $1::${key.type} AND $2::${key.type}`,
    newSql: `SELECT t.${K}::text AS k, ROW(t.${C})::text AS v FROM ${T} AS t WHERE t.${K} BETWEEN $1::${key.type} AND $2::${key.type}`,
    ...bounds(p.table, key.name, key.type),
  };
  const contract: Phase = {
    id: 'contract',
    title: `Archive and drop ${what}`,
    summary: `Copy every ${column.name} (by ${key.name}) into ${archive}, drop the column and remove ${flag}. Due ${formatDuration(p.retention)} after cut-off.`,
    backout: `Add ${column.name} back and restore every value from ${archive}; rows inserted since hold NULL there.`,
    forward: [
      ddl(step('contract', 'forward', 'archive-and-drop'), `copy ${what} into the archive, then drop it`, `CREATE SCHEMA IF NOT EXISTS ${ident(archiveSchema({ change: change.id }))};
DROP TABLE IF EXISTS ${archive};
CREATE TABLE ${archive} AS SELECT ${K}, ${C} FROM ${T};
ALTER TABLE ${archive} ADD PRIMARY KEY (${K});
ALTER TABLE ${T} DROP COLUMN IF EXISTS ${C};`),
      { id: step('contract', 'forward', `remove-${flag}`), kind: 'flag', description: `remove flag ${flag}`, flag, set: 'remove' },
    ],
    backward: [
      { id: step('contract', 'backward', `restore-${flag}`), kind: 'flag', description: `restore flag ${flag} at 100%`, flag, set: FLAG_FULL },
      ddl(step('contract', 'backward', 'add-column'), `add ${what} back, nullable (no rewrite)`, `ALTER TABLE ${T} ADD COLUMN IF NOT EXISTS ${C} ${column.type};${column.default !== null ? `\nALTER TABLE ${T} ALTER COLUMN ${C} SET DEFAULT ${column.default};` : ''}`),
      {
        id: step('contract', 'backward', 'restore'),
        kind: 'backfill',
        description: `restore ${column.name} from the archive, in batches by ${key.name}`,
        backfill: {
          table: p.table,
          key: key.name,
          ...bounds(p.table, key.name, key.type),
          batchSql: `UPDATE ${T} AS t SET ${C} = a.${C} FROM ${archive} AS a
 WHERE a.${K} = t.${K} AND t.${K} BETWEEN $1::${key.type} AND $2::${key.type} AND t.${C} IS DISTINCT FROM a.${C}`,
          countSql: estimate(p.table),
          verification: restore,
        },
      },
    ],
    verify: [{ id: 'column-dropped', kind: 'query-empty', description: `${what} is gone and archived`, sql: `SELECT ${literal(column.name)} AS still_there FROM information_schema.columns WHERE table_schema = ${literal(homeSchema(p.table))} AND table_name = ${literal(bareName(p.table))} AND column_name = ${literal(column.name)}
UNION ALL SELECT 'no archive' WHERE to_regclass(${literal(archive)}) IS NULL` }],
    gates: contractGates(r),
    flags: [],
    app: [{ side: 'read', summary: `Before contract, deploy code that no longer mentions ${column.name} or ${flag}: the reads without it become the only reads.`, sketch: `const ${entity} = await one(db, 'SELECT ${others.join(', ')} FROM ${p.table} WHERE ${key.name} = $1', [id]);` }],
    access: { writes: [{ table: p.table }], reads: [{ table: p.table }] },
  };

  const notes = retireNotes(r);
  if (required) notes.push(`${what} is NOT NULL without a default: expand makes it optional, and going back to the start restores NOT NULL only if no row holds NULL by then.`);
  const indexes = Object.values(schema.indexes ?? {}).filter((i) => i.table === p.table && i.columns.includes(column.name)).map((i) => i.name);
  if (indexes.length) notes.push(`indexes on ${column.name} (${indexes.join(', ')}) are dropped with it and not rebuilt by the way back from contract.`);
  return {
    version: PLAN_VERSION,
    change: change.id,
    title: change.title,
    intent: 'drop-column',
    sync: change.sync,
    lockTimeoutMs: change.execution.lockTimeout,
    flags: [{ name: flag, purpose: `stop reading ${what}` }],
    notes,
    shapes: {
      before: [{ table: p.table, columns: table.columns.map((c) => c.name) }],
      after: [{ table: p.table, columns: others }],
      joins: [],
    },
    phases: [...(required ? [expand] : []), stopReadsPhase(r), stopWritesPhase(r, required ? nullable : []), contract],
  };
}
