import { z } from 'zod';
import { flagName, tableName, type ChangeSpec } from '../change/change-spec.js';
import type { AppChange, Phase, Plan, Step } from '../plan/plan.js';
import { PLAN_VERSION } from '../plan/plan.js';
import { findColumn, findTable, type SchemaModel } from '../schema/schema-model.js';
import { formatDuration } from '../util/duration.js';
import { camel, pascal } from '../util/names.js';
import { qualified } from '../util/sql.js';
import { moveLikeParams, readFlagSteps, readSwitchedGates, retentionGate } from './common-params.js';
import type { IntentDef, PlanProblem, PlanResult } from './intent.js';
import { singleKeyMissing, tableMissing, triggerSyncOnly } from './intent-problems.js';
import { constraintNotValidatedSql } from './index-sql.js';
import { DEFAULT_READ_SWITCH_SOAK_MS } from './move-columns-intent.js';
import { bareName, missingColumnsSql, triggerMissingSql } from './move-columns-sql.js';
import { FLAG_FULL, FLAG_OFF, oldVersionsGates, retireNotes } from './retire-phases.js';
import * as sql from './split-table-sql.js';

export const splitTableParams = z.strictObject({
  table: tableName,
  /** The new table, created with the same columns, defaults, checks and indexes. */
  into: tableName,
  /** The rows that move: one boolean expression over the table's columns, e.g. `tier = 'platinum'`. */
  where: z
    .string()
    .min(1)
    .refine((w) => !/;|--|\/\*/.test(w), { message: "write one boolean expression over the table's columns, e.g. tier = 'platinum' (no ;, no comments)" }),
  /** Flag that switches reads of the moved rows to the new table; defaults to Read<Into>FromOwnTable. */
  flag: flagName.optional(),
  ...moveLikeParams,
});
export type SplitTableParams = z.output<typeof splitTableParams>;

type SplitChange = ChangeSpec & { params: SplitTableParams };

/**
 * split-table, by rows: the rows of a table for which a predicate holds move
 * into a new table of the same shape (hot and cold rows, one kind of record
 * growing its own table). This is the split a table's columns cannot express;
 * splitting by columns is extract-columns. The rows are synced by triggers
 * both ways while both versions run; contract deletes them from the old
 * table in batches, and the way back copies them home again.
 */
export const splitTableIntent: IntentDef<SplitTableParams> = {
  kind: 'split-table',
  title: 'Split rows of a table into a new table',
  params: splitTableParams as never,
  plan: planSplitTable,
};

export function planSplitTable(change: SplitChange, schema: SchemaModel): PlanResult {
  const p = change.params;
  const problems: PlanProblem[] = [];
  if (change.sync === 'app') problems.push(triggerSyncOnly('split-table', 'tables'));
  const table = findTable(schema, p.table);
  if (!table) return { ok: false, problems: [...problems, tableMissing('params.table', p.table, schema, 'Check the name.')] };
  if (table.primaryKey.length !== 1) problems.push(singleKeyMissing('params.table', table, 'split-table matches rows across both tables by a single-column key. Add one first.'));
  const existing = findTable(schema, p.into);
  if (existing && existing.columns.map((c) => c.name).join() !== table.columns.map((c) => c.name).join()) {
    problems.push({ code: 'already-exists', field: 'params.into', message: `table "${p.into}" already exists with other columns; split-table creates it. Name a new table.` });
  }
  const unknown = [...p.where.matchAll(/"([^"]+)"|\b([a-z_][a-z0-9_$]*)\b(?!\s*\()/gi)]
    .map((m) => m[1] ?? m[2]!)
    .filter((w) => /^[a-z_][a-z0-9_$]*$/i.test(w) && !SQL_WORDS.has(w.toLowerCase()) && !findColumn(table, w) && !quoted(p.where, w));
  if (unknown.length) problems.push({ code: 'column-not-found', field: 'params.where', message: `the predicate names ${unknown.map((w) => `"${w}"`).join(', ')}, which ${unknown.length === 1 ? 'is not a column' : 'are not columns'} of ${table.name} (columns: ${table.columns.map((c) => c.name).join(', ')}).` });
  if (problems.length) return { ok: false, problems };
  const key = findColumn(table, table.primaryKey[0]!)!;
  const s: sql.SplitShape = { change: change.id, table: p.table, into: p.into, key: key.name, keyType: key.type, columns: table.columns.filter((c) => !c.generated).map((c) => c.name), where: p.where };
  return { ok: true, plan: buildPlan(change, s, table.columns.map((c) => c.name)) };
}

/** Words a predicate may use that are not column names. */
const SQL_WORDS = new Set(['and', 'or', 'not', 'is', 'null', 'true', 'false', 'in', 'like', 'ilike', 'between', 'distinct', 'from', 'any', 'all', 'some', 'case', 'when', 'then', 'else', 'end', 'current_date', 'current_timestamp', 'now', 'interval', 'date', 'timestamp', 'timestamptz', 'text', 'int', 'integer', 'bigint', 'numeric', 'boolean', 'day', 'days', 'month', 'months', 'year', 'years', 'hour', 'hours', 'similar', 'to', 'escape', 'cast', 'as', 'collate']);

/** Whether `word` only appears inside a string literal of `where`. */
function quoted(where: string, word: string): boolean {
  return !where.replace(/'(?:[^']|'')*'/g, "''").includes(word);
}

function buildPlan(change: SplitChange, s: sql.SplitShape, allColumns: string[]): Plan {
  const p = change.params;
  const names = sql.splitNames(s);
  const flag = p.flag ?? `Read${pascal(bareName(p.into))}FromOwnTable`;
  const step = (phase: string, dir: 'forward' | 'backward', name: string) => `${phase}.${dir}.${name}`;
  const ddl = (id: string, description: string, text: string): Step => ({ id, kind: 'sql', description, sql: text, ddl: true });
  const rows = `rows of ${p.table} where ${p.where}`;
  const parity = { id: 'parity', kind: 'query-empty' as const, description: `the ${rows} and ${p.into} hold the same rows`, sql: sql.paritySql(s) };
  const soak = p.soak.readSwitch ?? DEFAULT_READ_SWITCH_SOAK_MS;
  const readFirst = { enabled: true, rolloutBps: Math.round(p.rollout[0]! * 100) };
  const app = sketches(s, flag);
  const trigger = (table: string, name: string) => ({ id: 'trigger-exists', kind: 'query-empty' as const, description: `trigger ${name} exists`, sql: triggerMissingSql(table, name) });

  const phases: Phase[] = [
    {
      id: 'expand',
      title: `Create ${p.into}`,
      summary: `Create ${p.into} like ${p.table} (columns, defaults, checks, indexes), empty, with a CHECK that its rows hold ${p.where}. Nothing uses it yet.`,
      backout: `Drop ${p.into} with its CHECK; nothing has written it.`,
      forward: [
        ddl(step('expand', 'forward', 'create-table'), `create ${p.into} like ${p.table}, with CHECK ${names.check} NOT VALID`, sql.createTableSql(s)),
        { id: step('expand', 'forward', 'validate-check'), kind: 'sql', description: `validate ${names.check} (reads and writes continue)`, sql: sql.validateCheckSql(s), ddl: false },
      ],
      backward: [ddl(step('expand', 'backward', 'drop-table'), `drop ${p.into} and its CHECK`, `DROP TABLE IF EXISTS ${qualified(p.into)};`)],
      verify: [
        { id: 'columns-exist', kind: 'query-empty', description: `${p.into} has the columns of ${p.table}`, sql: missingColumnsSql(p.into, s.columns) },
        { id: 'check-valid', kind: 'query-empty', description: `every row of ${p.into} holds ${p.where} (${names.check} validated)`, sql: constraintNotValidatedSql(p.into, names.check) },
      ],
      gates: [{ id: 'predicate-runs', kind: 'query-empty', description: `the predicate is valid SQL over ${p.table}`, sql: `SELECT 1 FROM ${qualified(p.table)} WHERE (${p.where}) LIMIT 0` }],
      flags: [],
      app: [],
      access: { writes: [{ table: p.table }], reads: [{ table: p.table }] },
    },
    {
      id: 'dual-write',
      title: `Sync the moving rows into ${p.into} with a trigger`,
      summary: `A trigger on ${p.table} copies every write of a row where ${p.where} into ${p.into}, and removes a row from ${p.into} when it stops matching or is deleted.`,
      backout: `Drop the trigger and empty ${p.into}: nobody reads it yet, and without the trigger its rows would go stale (the backfill fills it again).`,
      forward: [ddl(step('dual-write', 'forward', 'create-trigger'), `create trigger ${names.toNew} on ${p.table}`, sql.toNewTriggerSql(s))],
      backward: [ddl(step('dual-write', 'backward', 'drop-trigger'), `drop trigger ${names.toNew} and empty ${p.into}`, `${sql.dropTriggerSql(s, 'toNew')}\nTRUNCATE ${qualified(p.into)};`)],
      verify: [trigger(p.table, names.toNew)],
      gates: [],
      flags: [],
      app: [],
      access: { writes: [{ table: p.table }, { table: p.into, via: 'trigger' }], reads: [{ table: p.table }] },
    },
    {
      id: 'backfill',
      title: `Copy the ${rows} into ${p.into}`,
      summary: `Copy the matching rows written before the trigger, in batches by ${p.table}.${s.key}, then prove both sides agree range by range.`,
      backout: 'Nothing to undo: the copy is re-runnable and nobody reads the new table yet.',
      forward: [{ id: step('backfill', 'forward', 'copy'), kind: 'backfill', description: `copy the ${rows} into ${p.into}`, backfill: sql.copyToNew(s) }],
      backward: [],
      verify: [parity],
      gates: [trigger(p.table, names.toNew)],
      flags: [],
      app: [],
      access: { writes: [{ table: p.table }, { table: p.into, via: 'trigger' }], reads: [{ table: p.table }], backfill: { from: p.table, to: p.into } },
    },
    {
      id: 'read-switch',
      title: `Read the moved rows from ${p.into} (behind ${flag})`,
      summary: `Reads of the ${rows} come from ${p.into} for a growing share of keys (${p.rollout.map((x) => `${x}%`).join(' → ')}); the other reads are shadow-compared.`,
      backout: `Set ${flag} to 0%: those reads return to ${p.table} at once.`,
      ...readFlagSteps(flag, p.rollout, readFirst),
      verify: [parity],
      gates: [parity],
      flags: [{ flag, forward: readFirst, backward: FLAG_OFF }],
      app: [app.read],
      access: { writes: [{ table: p.table }, { table: p.into, via: 'trigger' }], reads: [{ table: p.into, via: flag }, { table: p.table }] },
      rollout: { flag, steps: p.rollout },
    },
    {
      id: 'cut-off',
      title: `Write the moved rows to ${p.into} only`,
      summary: `The application writes rows where ${p.where} to ${p.into}; a trigger on ${p.into} keeps ${p.table} current until contract, so the previous version still sees every row.`,
      backout: `Resume writing those rows to ${p.table}; drop the reverse trigger.`,
      forward: [ddl(step('cut-off', 'forward', 'create-reverse-trigger'), `create trigger ${names.toOld} on ${p.into}`, sql.toOldTriggerSql(s))],
      backward: [
        { id: step('cut-off', 'backward', 'await-apps'), kind: 'pause', description: `wait for app instances to resume writing ${p.table}` },
        ddl(step('cut-off', 'backward', 'drop-reverse-trigger'), `drop trigger ${names.toOld}`, sql.dropTriggerSql(s, 'toOld')),
      ],
      verify: [parity],
      gates: [
        ...readSwitchedGates(flag, soak),
        parity,
      ],
      flags: [],
      app: [app.write],
      access: { writes: [{ table: p.into }, { table: p.table }, { table: p.table, via: 'trigger' }], reads: [{ table: p.into }, { table: p.table }] },
    },
    {
      id: 'contract',
      title: `Remove the moved rows from ${p.table}`,
      summary: `Drop both sync triggers (${p.table} refuses new rows where ${p.where} from between the two: CHECK ${names.rest}), delete the ${rows} in batches (they live in ${p.into}), remove ${flag}. Due ${formatDuration(p.retention)} after cut-off.`,
      backout: `Drop ${names.rest}, recreate the triggers and copy the rows of ${p.into} back into ${p.table}.`,
      forward: [
        // The CHECK comes between the triggers: after the one copying into ${p.table} (whose copies it would refuse),
        // before the one copying out of it (so a write that makes a row of ${p.table} hold the predicate is never lost).
        ddl(step('contract', 'forward', 'drop-trigger-to-old'), `drop trigger ${names.toOld}`, sql.dropTriggerSql(s, 'toOld')),
        ddl(step('contract', 'forward', 'add-rest-check'), `refuse new rows where ${p.where} in ${p.table}: CHECK ${names.rest} NOT VALID`, sql.addRestCheckSql(s)),
        ddl(step('contract', 'forward', 'drop-trigger-to-new'), `drop trigger ${names.toNew}`, sql.dropTriggerSql(s, 'toNew')),
        { id: step('contract', 'forward', 'delete-moved'), kind: 'backfill', description: `delete the ${rows}, in batches`, backfill: sql.deleteMoved(s) },
        { id: step('contract', 'forward', 'validate-rest-check'), kind: 'sql', description: `validate ${names.rest} (reads and writes continue)`, sql: sql.validateRestCheckSql(s), ddl: false },
        { id: step('contract', 'forward', `remove-${flag}`), kind: 'flag', description: `remove flag ${flag}`, flag, set: 'remove' },
      ],
      backward: [
        { id: step('contract', 'backward', `restore-${flag}`), kind: 'flag', description: `restore flag ${flag} at 100%`, flag, set: FLAG_FULL },
        ddl(step('contract', 'backward', 'drop-rest-check'), `drop ${names.rest}, so the rows can come back`, sql.dropRestCheckSql(s)),
        ddl(step('contract', 'backward', 'recreate-triggers'), 'recreate both sync triggers', `${sql.toNewTriggerSql(s)}\n${sql.toOldTriggerSql(s)}`),
        { id: step('contract', 'backward', 'copy-back'), kind: 'backfill', description: `copy the rows of ${p.into} back into ${p.table}`, backfill: sql.copyToOld(s) },
      ],
      verify: [
        { id: 'moved-rows-gone', kind: 'query-empty', description: `${p.table} holds no row where ${p.where}`, sql: sql.leftoverSql(s) },
        { id: 'rest-check-valid', kind: 'query-empty', description: `${names.rest} validated: no row where ${p.where} can arrive in ${p.table}`, sql: constraintNotValidatedSql(p.table, names.rest) },
      ],
      gates: [retentionGate(p.retention), parity, ...oldVersionsGates(p.oldVersions)],
      flags: [],
      app: [app.contract],
      access: { writes: [{ table: p.into }, { table: p.table }], reads: [{ table: p.into }, { table: p.table }] },
    },
  ];
  return {
    version: PLAN_VERSION,
    change: change.id,
    title: change.title,
    intent: 'split-table',
    sync: 'trigger',
    lockTimeoutMs: change.execution.lockTimeout,
    flags: [{ name: flag, purpose: `read the ${rows} from ${p.into}` }],
    notes: [
      ...retireNotes({ what: `the ${rows}`, oldVersions: p.oldVersions }),
      `${p.into} gets the foreign keys of ${p.table}; keys of other tables that reference ${p.table} are not re-pointed, and rows they reference cannot leave it: re-point such keys before contract.`,
    ],
    shapes: {
      before: [{ table: p.table, columns: allColumns }],
      after: [{ table: p.table, columns: allColumns }, { table: p.into, columns: allColumns, added: allColumns }],
      joins: [{ from: p.into, to: p.table, label: `rows where ${p.where}`, sameRows: true }],
    },
    phases,
  };
}

function sketches(s: sql.SplitShape, flag: string): Record<'read' | 'write' | 'contract', AppChange> {
  const v = camel(bareName(s.table));
  return {
    read: {
      side: 'read',
      flag,
      summary: `Read a row that may match (${s.where}) through the migration helper: from ${s.into} when ${flag} is on for this key, from ${s.table} otherwise; the other side is read too and compared.`,
      sketch: `const ${v} = await migration.read({ key: String(id), tenant }, {
  old: () => one(db, 'SELECT * FROM ${s.table} WHERE ${s.key} = $1 AND (${s.where})', [id]),
  new: () => one(db, 'SELECT * FROM ${s.into} WHERE ${s.key} = $1', [id]),
});`,
    },
    write: {
      side: 'write',
      summary: `Write rows where ${s.where} to ${s.into}. A row that stops matching moves: write it to ${s.table} first, then delete it from ${s.into}.`,
      sketch: `if (matches(row)) await db.query('INSERT INTO ${s.into} (...) VALUES (...) ON CONFLICT (${s.key}) DO UPDATE SET ...', [...]);
else await db.query('UPDATE ${s.table} SET ... WHERE ${s.key} = $1', [...]);`,
    },
    contract: {
      side: 'read',
      summary: `Before contract, deploy code that reads the moved rows only from ${s.into} and no longer mentions ${flag}.`,
      sketch: `const ${v} = await one(db, 'SELECT * FROM ${s.into} WHERE ${s.key} = $1', [id]);`,
    },
  };
}
