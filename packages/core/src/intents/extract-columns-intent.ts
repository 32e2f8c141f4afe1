import { z } from 'zod';
import { flagName, identifier, moveColumnsParams, tableName, type ChangeSpec } from '../change/change-spec.js';
import type { AppChange, Phase, Plan, Step } from '../plan/plan.js';
import { PLAN_VERSION } from '../plan/plan.js';
import { findColumn, findTable, type SchemaModel, type TableModel } from '../schema/schema-model.js';
import { formatDuration } from '../util/duration.js';
import { camel, pascal } from '../util/names.js';
import { ident, qualified } from '../util/sql.js';
import { moveLikeParams, readFlagSteps, readSwitchedGates, retentionGate } from './common-params.js';
import type { IntentDef, PlanProblem, PlanResult } from './intent.js';
import { columnMissing, singleKeyMissing, tableMissing, triggerSyncOnly } from './intent-problems.js';
import { restoreNotNullSql } from './drop-column-intent.js';
import { DEFAULT_READ_SWITCH_SOAK_MS } from './move-columns-intent.js';
import * as sql from './move-columns-sql.js';
import { FLAG_FULL, FLAG_OFF, oldVersionsGates, retireNotes } from './retire-phases.js';

const move = moveColumnsParams.shape;

export const extractColumnsParams = z.strictObject({
  /** The table the columns leave, and its key (default: its single-column primary key). */
  from: z.strictObject({ table: tableName, key: identifier.optional() }),
  /** The new table, and its key column: primary key and foreign key to `from` (default: `<from>_id`, e.g. customer_id). */
  into: z.strictObject({ table: tableName, key: identifier.optional() }),
  columns: move.columns,
  /** Flag that switches reads to the new table; defaults to ReadFrom<Into>. */
  flag: flagName.optional(),
  ...moveLikeParams,
});
export type ExtractColumnsParams = z.output<typeof extractColumnsParams>;

type ExtractChange = ChangeSpec & { params: ExtractColumnsParams };

/**
 * extract-columns, the inverse of merge-tables: some columns of a table move
 * into a new table holding one row per source row (its key is also a foreign
 * key to the source, ON DELETE CASCADE). The move-columns SQL is reused on
 * the reversed shape (the new table as "source", the old as "target"), so the
 * sync triggers, batched copies and parity checks are the same code.
 */
export const extractColumnsIntent: IntentDef<ExtractColumnsParams> = {
  kind: 'extract-columns',
  title: 'Extract columns into a new table',
  params: extractColumnsParams as never,
  plan: planExtractColumns,
};

export function planExtractColumns(change: ExtractChange, schema: SchemaModel): PlanResult {
  const p = change.params;
  const problems: PlanProblem[] = [];
  if (change.sync === 'app') problems.push(triggerSyncOnly('extract-columns', 'shapes'));
  const from = findTable(schema, p.from.table);
  if (!from) return { ok: false, problems: [...problems, tableMissing('params.from.table', p.from.table, schema, 'Check the name.')] };
  const keyName = p.from.key ?? (from.primaryKey.length === 1 ? from.primaryKey[0] : undefined);
  const key = keyName ? findColumn(from, keyName) : undefined;
  if (!keyName) problems.push(singleKeyMissing('params.from.table', from, 'name a unique single column as params.from.key.'));
  else if (!key) problems.push(columnMissing('params.from.key', from, keyName, ''));
  const columns: { name: string; type: string; required: boolean }[] = [];
  p.columns.forEach((name, i) => {
    const c = findColumn(from, name);
    if (!c) problems.push(columnMissing(`params.columns[${i}]`, from, name, 'Check the spelling.'));
    else if (name === keyName) problems.push({ code: 'invalid-params', field: `params.columns[${i}]`, message: `"${name}" is the key of ${from.name}; it stays, and the new table refers to it. Remove it from columns.` });
    else columns.push({ name, type: c.type, required: !c.nullable && c.default === null && !c.generated });
  });
  const intoKey = p.into.key ?? `${sql.bareName(p.from.table).split('_').pop()}_id`;
  const existing = findTable(schema, p.into.table);
  if (existing && key && !isReplan(existing, intoKey, key.type, columns)) {
    problems.push({ code: 'already-exists', field: 'params.into.table', message: `table "${p.into.table}" already exists; extract-columns creates it. Name a new table, or drop the existing one first.` });
  }
  if (columns.some((c) => c.name === intoKey)) problems.push({ code: 'column-conflict', field: 'params.into.key', message: `the new table's key "${intoKey}" is also one of the extracted columns; name another key with params.into.key.` });
  if (problems.length || !key) return { ok: false, problems };
  return { ok: true, plan: buildPlan(change, from, key.name, key.type, intoKey, columns) };
}

/** The new table as expand creates it: planning again after expand is fine. */
function isReplan(t: TableModel, key: string, keyType: string, columns: { name: string; type: string }[]): boolean {
  const want = [{ name: key, type: keyType }, ...columns];
  return t.columns.length === want.length && want.every((w) => findColumn(t, w.name)?.type === w.type);
}

function buildPlan(change: ExtractChange, from: TableModel, key: string, keyType: string, intoKey: string, columns: { name: string; type: string; required: boolean }[]): Plan {
  const p = change.params;
  const into = p.into.table;
  const base = change.id.length > 50 ? change.id.slice(0, 50) : change.id;
  // The move-columns builders, reversed: `source` is the new table, `target` the old one.
  const required = columns.filter((c) => c.required).map((c) => c.name);
  const r: sql.MoveShape = { change: change.id, source: into, sourceKey: intoKey, sourceKeyType: keyType, join: intoKey, target: p.from.table, targetKey: key, targetKeyType: keyType, columns: columns.map(({ name, type }) => ({ name, type })), canInsertSource: true, names: { toNew: `${base}__to_old`, toOld: `${base}__to_new` } };
  // Forward, for archiving the old columns.
  const f: sql.MoveShape = { ...r, source: p.from.table, sourceKey: key, target: into, targetKey: intoKey, join: key };
  const names = sql.syncNames(r);
  const flag = p.flag ?? `ReadFrom${pascal(sql.bareName(into))}`;
  const list = columns.map((c) => c.name).join(', ');
  const step = (phase: string, dir: 'forward' | 'backward', name: string) => `${phase}.${dir}.${name}`;
  const ddl = (id: string, description: string, text: string): Step => ({ id, kind: 'sql', description, sql: text, ddl: true });
  const parity = { id: 'parity', kind: 'query-empty' as const, description: `every ${p.from.table} row agrees with ${into} on ${list}`, sql: sql.paritySql(r) };
  const soak = p.soak.readSwitch ?? DEFAULT_READ_SWITCH_SOAK_MS;
  const readFirst = { enabled: true, rolloutBps: Math.round(p.rollout[0]! * 100) };
  const archive = sql.archiveColumnsSql(f);
  const app = sketches(p.from.table, key, into, intoKey, columns.map((c) => c.name), flag, change.id);
  const oldGone = oldVersionsGates(p.oldVersions);
  const T = qualified(into);

  const phases: Phase[] = [
    {
      id: 'expand',
      title: `Create ${into}`,
      summary: `Create ${into} (${intoKey} → ${p.from.table}.${key}, ${list}), empty${required.length ? `, and make ${required.join(', ')} optional in ${p.from.table} so the new version can insert without ${required.length > 1 ? 'them' : 'it'}` : ''}. Nothing uses ${into} yet, so every app version keeps working.`,
      backout: `Drop ${into}; nothing has written it.${required.length ? ` NOT NULL goes back on ${required.join(', ')} unless a row holds NULL there.` : ''}`,
      forward: [
        ddl(step('expand', 'forward', 'create-table'), `create ${into}`, `CREATE TABLE IF NOT EXISTS ${T} (
  ${ident(intoKey)} ${keyType} PRIMARY KEY REFERENCES ${qualified(p.from.table)} (${ident(key)}) ON DELETE CASCADE,
  ${columns.map((c) => `${ident(c.name)} ${c.type}`).join(',\n  ')}
);`),
        ...(required.length ? [ddl(step('expand', 'forward', 'drop-not-null'), `make ${required.join(', ')} optional in ${p.from.table}`, `ALTER TABLE ${qualified(p.from.table)}\n  ${required.map((c) => `ALTER COLUMN ${ident(c)} DROP NOT NULL`).join(',\n  ')};`)] : []),
      ],
      backward: [
        ddl(step('expand', 'backward', 'drop-table'), `drop ${into}`, `DROP TABLE IF EXISTS ${T};`),
        ...(required.length ? [ddl(step('expand', 'backward', 'set-not-null'), `put NOT NULL back on ${required.join(', ')} unless a row holds NULL`, required.map((c) => restoreNotNullSql(p.from.table, c)).join('\n'))] : []),
      ],
      verify: [{ id: 'columns-exist', kind: 'query-empty', description: `${into} has ${intoKey}, ${list}`, sql: sql.missingColumnsSql(into, [intoKey, ...columns.map((c) => c.name)]) }],
      gates: [],
      flags: [],
      app: [],
      access: { writes: [{ table: p.from.table }], reads: [{ table: p.from.table }] },
    },
    {
      id: 'dual-write',
      title: `Sync ${into} with a trigger`,
      summary: `A trigger on ${p.from.table} copies every insert and update of ${list} into ${into}, creating the row on the first value (a row with ${columns.length > 1 ? `all of ${list}` : list} NULL gets none); deletes follow by the foreign key.`,
      backout: `Drop the trigger; nobody reads ${into} yet.`,
      forward: [ddl(step('dual-write', 'forward', 'create-trigger'), `create trigger ${names.toOld} on ${p.from.table}`, sql.createToOldTriggerSql(r))],
      backward: [ddl(step('dual-write', 'backward', 'drop-trigger'), `drop trigger ${names.toOld}`, sql.dropTriggerSql(r, 'toOld'))],
      verify: [{ id: 'trigger-exists', kind: 'query-empty', description: `trigger ${names.toOld} exists`, sql: sql.triggerMissingSql(p.from.table, names.toOld) }],
      gates: [],
      flags: [],
      app: [],
      access: { writes: [{ table: p.from.table }, { table: into, via: 'trigger' }], reads: [{ table: p.from.table }] },
    },
    {
      id: 'backfill',
      title: `Backfill ${into} from ${p.from.table}`,
      summary: `Copy ${list} of rows written before the trigger, in batches by ${p.from.table}.${key}, then prove both agree range by range.`,
      backout: `Nothing to undo: the copy is re-runnable and nobody reads ${into} yet.`,
      forward: [{ id: step('backfill', 'forward', 'copy'), kind: 'backfill', description: `copy ${list} from ${p.from.table} into ${into}`, backfill: sql.backfillToOld(r, 'backfill-checksums') }],
      backward: [],
      verify: [parity],
      gates: [{ id: 'trigger-exists', kind: 'query-empty', description: `trigger ${names.toOld} exists`, sql: sql.triggerMissingSql(p.from.table, names.toOld) }],
      flags: [],
      app: [],
      access: { writes: [{ table: p.from.table }, { table: into, via: 'trigger' }], reads: [{ table: p.from.table }], backfill: { from: p.from.table, to: into } },
    },
    {
      id: 'read-switch',
      title: `Read ${list} from ${into} (behind ${flag})`,
      summary: `Reads of ${list} come from ${into} for a growing share of keys (${p.rollout.map((x) => `${x}%`).join(' → ')}); the other reads are shadow-compared.`,
      backout: `Set ${flag} to 0%: reads return to ${p.from.table} at once.`,
      ...readFlagSteps(flag, p.rollout, readFirst),
      verify: [parity],
      gates: [parity],
      flags: [{ flag, forward: readFirst, backward: FLAG_OFF }],
      app: [app.read],
      access: { writes: [{ table: p.from.table }, { table: into, via: 'trigger' }], reads: [{ table: into, via: flag }] },
      rollout: { flag, steps: p.rollout },
    },
    {
      id: 'cut-off',
      title: `Write ${list} to ${into} only`,
      summary: `The application writes ${list} to ${into}; a trigger on ${into} keeps ${p.from.table} current until contract, so the previous version still works and a rollback loses nothing.`,
      backout: `Resume writing ${list} to ${p.from.table}; drop the reverse trigger.`,
      forward: [ddl(step('cut-off', 'forward', 'create-reverse-trigger'), `create trigger ${names.toNew} on ${into}`, sql.createToNewTriggerSql(r))],
      backward: [
        { id: step('cut-off', 'backward', 'await-apps'), kind: 'pause', description: `wait for app instances to resume writing ${p.from.table}` },
        ddl(step('cut-off', 'backward', 'drop-reverse-trigger'), `drop trigger ${names.toNew}`, sql.dropTriggerSql(r, 'toNew')),
      ],
      verify: [parity],
      gates: [
        ...readSwitchedGates(flag, soak),
        parity,
      ],
      flags: [],
      app: [app.write],
      access: { writes: [{ table: into }, { table: p.from.table, stopped: true }, { table: p.from.table, via: 'trigger' }], reads: [{ table: into }] },
    },
    {
      id: 'contract',
      title: `Drop ${list} from ${p.from.table}`,
      summary: `Drop both sync triggers, archive and drop ${list} from ${p.from.table}, remove ${flag}. Due ${formatDuration(p.retention)} after cut-off.`,
      backout: `Add the columns back, recreate the triggers and copy ${list} back from ${into}.`,
      forward: [
        ddl(step('contract', 'forward', 'drop-triggers'), 'drop both sync triggers', `${sql.dropTriggerSql(r, 'toNew')}\n${sql.dropTriggerSql(r, 'toOld')}`),
        ddl(step('contract', 'forward', 'archive'), `archive and drop ${list} from ${p.from.table}`, archive.forward),
        { id: step('contract', 'forward', `remove-${flag}`), kind: 'flag', description: `remove flag ${flag}`, flag, set: 'remove' },
      ],
      backward: [
        { id: step('contract', 'backward', `restore-${flag}`), kind: 'flag', description: `restore flag ${flag} at 100%`, flag, set: FLAG_FULL },
        ddl(step('contract', 'backward', 'restore-columns'), `add ${list} back to ${p.from.table}`, archive.backward),
        ddl(step('contract', 'backward', 'recreate-triggers'), 'recreate both sync triggers', `${sql.createToOldTriggerSql(r)}\n${sql.createToNewTriggerSql(r)}`),
        { id: step('contract', 'backward', 'catch-up'), kind: 'backfill', description: `copy ${list} back from ${into} into ${p.from.table}`, backfill: sql.backfillToNew(r, 'restore-checksums') },
        ddl(step('contract', 'backward', 'drop-archive'), 'drop the archive copy', `DROP TABLE IF EXISTS ${ident(sql.archiveSchema(r))}.${ident(sql.bareName(p.from.table))};`),
      ],
      verify: [],
      gates: [retentionGate(p.retention), parity, ...oldGone],
      flags: [],
      app: [app.contract],
      access: { writes: [{ table: into }], reads: [{ table: into }] },
    },
  ];
  const kept = from.columns.map((c) => c.name).filter((c) => !columns.some((x) => x.name === c));
  return {
    version: PLAN_VERSION,
    change: change.id,
    title: change.title,
    intent: 'extract-columns',
    sync: 'trigger',
    lockTimeoutMs: change.execution.lockTimeout,
    flags: [{ name: flag, purpose: `read ${list} from ${into} instead of ${p.from.table}` }],
    notes: retireNotes({ what: `${p.from.table}'s ${list}`, oldVersions: p.oldVersions }),
    shapes: {
      before: [{ table: p.from.table, columns: from.columns.map((c) => c.name) }],
      after: [{ table: p.from.table, columns: kept }, { table: into, columns: [intoKey, ...columns.map((c) => c.name)], added: [intoKey, ...columns.map((c) => c.name)] }],
      joins: [{ from: into, to: p.from.table, label: `joined by ${intoKey}` }],
    },
    phases,
  };
}

function sketches(from: string, key: string, into: string, intoKey: string, cols: string[], flag: string, change: string): Record<'read' | 'write' | 'contract', AppChange> {
  const v = camel(sql.bareName(into));
  const set = cols.map((c) => `${c} = EXCLUDED.${c}`).join(', ');
  return {
    read: {
      side: 'read',
      flag,
      summary: `Read ${cols.join(', ')} through the migration helper: from ${into} when ${flag} is on for this key, from ${from} otherwise; the other side is read too and compared.`,
      sketch: `const migration = new Migration({ flags, change: '${change}', sync: 'trigger', readFlag: '${flag}' });
const ${v} = await migration.read({ key: String(id), tenant }, {
  old: () => one(db, 'SELECT ${cols.join(', ')} FROM ${from} WHERE ${key} = $1', [id]),
  new: () => one(db, 'SELECT ${cols.join(', ')} FROM ${into} WHERE ${intoKey} = $1', [id]),
});`,
    },
    write: {
      side: 'write',
      summary: `Write ${cols.join(', ')} to ${into} only, always as an upsert on ${intoKey}: a ${from} row whose ${cols.join(', ')} ${cols.length > 1 ? 'are all' : 'is'} NULL has no ${into} row yet, and while the previous version runs, its write to ${from} can create one at any moment. The trigger keeps ${from} current for that version.`,
      sketch: `await db.query(\`INSERT INTO ${into} (${intoKey}, ${cols.join(', ')}) VALUES ($1, ${cols.map((_, i) => `$${i + 2}`).join(', ')})
  ON CONFLICT (${intoKey}) DO UPDATE SET ${set}\`, [id, ...values]);`,
    },
    contract: {
      side: 'read',
      summary: `Before contract, deploy code that no longer mentions ${from}'s ${cols.join(', ')} or ${flag}.`,
      sketch: `const ${v} = await one(db, 'SELECT ${cols.join(', ')} FROM ${into} WHERE ${intoKey} = $1', [id]);`,
    },
  };
}
