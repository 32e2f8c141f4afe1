import { z } from 'zod';
import { duration, flagName, identifier, tableName, type ChangeSpec } from '../change/change-spec.js';
import type { AppChange, Phase, Plan, Step } from '../plan/plan.js';
import { PLAN_VERSION } from '../plan/plan.js';
import { findColumn, type ColumnModel, type IndexModel, type SchemaModel, type TableModel } from '../schema/schema-model.js';
import { pascal } from '../util/names.js';
import { ident as i, literal as lit, qualified as q } from '../util/sql.js';
import { buildIndexStatements, dependentsSql, dropIndexStatements, indexName, invalidIndexesSql, regclassNames, unmovableIndexes, type IndexedColumn } from './change-column-type-sql.js';
import * as pair from './column-sync-sql.js';
import { FLAG_FULL, FLAG_OFF, oldVersions, oldVersionsGate, oldVersionsNote, rolloutSteps, soakGate } from './common-params.js';
import type { IntentDef, PlanProblem, PlanResult } from './intent.js';
import { requireColumn, requireSingleKey, requireTable, sameName } from './intent-problems.js';
import { missingColumnsSql, triggerMissingSql } from './move-columns-sql.js';

export const renameColumnParams = z.strictObject({
  table: tableName,
  /** The column's current name. */
  from: identifier,
  /** Its new name. */
  to: identifier,
  /** Flag that switches reads to the new name; defaults to Read<Table><To>. */
  flag: flagName.optional(),
  rollout: rolloutSteps,
  /** How long reads must run from the new column at 100% before the old one is dropped. */
  soak: duration.default(3_600_000),
  oldVersions,
});
export type RenameColumnParams = z.output<typeof renameColumnParams>;

type RenameChange = ChangeSpec & { params: RenameColumnParams };

/**
 * rename-column: a new column under the new name, kept equal to the old one
 * by a trigger while both app versions run, backfilled, read behind a flag,
 * and the old column dropped (its NOT NULL and default moved over) once the
 * previous version is gone. A plain RENAME would break that version at once.
 */
export const renameColumnIntent: IntentDef<RenameColumnParams> = {
  kind: 'rename-column',
  title: 'Rename a column',
  params: renameColumnParams as never,
  plan: planRenameColumn,
};

export function defaultRenameFlag(table: string, to: string): string {
  return `Read${pascal(table.slice(table.indexOf('.') + 1))}${pascal(to)}`;
}

export function planRenameColumn(change: RenameChange, schema: SchemaModel): PlanResult {
  const p = change.params;
  const problems: PlanProblem[] = [];
  if (change.sync === 'app') problems.push({ code: 'invalid-params', field: 'sync', message: 'rename-column keeps both names equal with a trigger, so the application never writes twice; remove "sync: app" or set "sync: trigger".' });
  const table = requireTable(schema, 'params.table', p.table, problems);
  if (!table) return { ok: false, problems };
  const key = requireSingleKey(table, 'params.table', 'rename-column', problems);
  const from = requireColumn(table, 'params.from', p.from, problems);
  if (from && key && from.name === key.name) problems.push({ code: 'invalid-params', field: 'params.from', message: `"${p.from}" is the primary key of ${table.name}; rename-column copies values by the key, so it cannot rename the key itself. Rename the key with a plain RENAME COLUMN in a release that reads it by position, or add a new key first.` });
  if (from?.generated) problems.push({ code: 'invalid-params', field: 'params.from', message: `"${p.from}" is a generated or identity column, which no trigger can write. Rename it with ALTER TABLE … RENAME COLUMN in a maintenance window instead.` });
  if (p.to === p.from) problems.push(sameName('params.to', p.from));
  else if (findColumn(table, p.to)) problems.push({ code: 'column-conflict', field: 'params.to', message: `${table.name} already has a column "${p.to}"; choose a name that is not taken, or drop that column first.` });
  for (const { index, where } of unmovableIndexes(Object.values(schema.indexes ?? {}), table.name, p.from)) {
    problems.push({ code: 'invalid-params', field: 'params.from', message: `index ${index.name} uses ${p.from} in an ${where}, which cannot be rebuilt on ${p.to} automatically. Drop it first, and create it on ${p.to} afterwards (add-index).` });
  }
  if (problems.length || !from || !key) return { ok: false, problems };
  const indexes = Object.values(schema.indexes ?? {}).filter((i) => i.table === table.name && i.valid !== false && i.columns.includes(p.from));
  return { ok: true, plan: buildPlan(change, table, key, from, indexes) };
}

function buildPlan(change: RenameChange, table: TableModel, key: ColumnModel, from: ColumnModel, indexes: IndexModel[]): Plan {
  const p = change.params;
  const T = table.name;
  const flag = p.flag ?? defaultRenameFlag(T, p.to);
  const cp: pair.ColumnPair = { change: change.id, table: T, key: key.name, keyType: key.type, from: p.from, to: p.to, toNew: (x) => x, toOld: (x) => x };
  const trigger = pair.syncTriggerName(cp);
  const id = (phase: string, dir: 'forward' | 'backward', name: string) => `${phase}.${dir}.${name}`;
  const ddl = (stepId: string, description: string, sql: string): Step => ({ id: stepId, kind: 'sql', description, sql, ddl: true });
  const long = (stepId: string, description: string, sql: string): Step => ({ id: stepId, kind: 'sql', description, sql, ddl: false });
  const parity = { id: 'parity', kind: 'query-empty' as const, description: `every ${T} row has ${p.to} equal to ${p.from}`, sql: pair.pairParitySql(cp) };
  const triggerGate = { id: 'trigger-exists', kind: 'query-empty' as const, description: `trigger ${trigger} exists`, sql: triggerMissingSql(T, trigger) };
  const first = { enabled: true, rolloutBps: Math.round(p.rollout[0]! * 100) };
  const newNull = pair.notNullSteps(T, p.to);
  const oldNull = pair.notNullSteps(T, p.from);
  const addNew = `ALTER TABLE ${q(T)} ADD COLUMN IF NOT EXISTS ${i(p.to)} ${from.type};`;
  const sk = sketches(change.id, T, key.name, p.from, p.to, flag);
  // The old column's indexes, rebuilt on the new one before it is read; unique constraints move onto them at contract.
  const at: IndexedColumn = { schema: table.schema, table: T, column: p.from };
  const plain = indexes.filter((x) => !x.constraint);
  const keys = indexes.filter((x) => x.constraint);
  const names = (list: IndexModel[], suffix: '' | '__new' | '__old') => list.map((x) => indexName(at, x, suffix).bare).join(', ');
  const concurrent = (stepId: string, description: string, statements: string[]): Step[] => (statements.length ? [{ id: stepId, kind: 'concurrent', description, statements }] : []);
  const indexesValid = indexes.length ? [{ id: 'indexes-valid', kind: 'query-empty' as const, description: `${names(indexes, '__new')} exist and are valid`, sql: invalidIndexesSql(regclassNames(at, indexes, '__new')) }] : [];
  const moveKeys = (built: '__new' | '__old') => keys.map((x) => `ALTER TABLE ${q(T)} ${built === '__old' ? `DROP CONSTRAINT IF EXISTS ${i(x.constraint!.name)},\n  ` : ''}ADD CONSTRAINT ${i(x.constraint!.name)} UNIQUE USING INDEX ${i(indexName(at, x, built).bare)};`);

  const phases: Phase[] = [
    {
      id: 'expand',
      title: `Add ${p.to} to ${T}, kept equal to ${p.from}`,
      summary: `Add nullable ${p.to} (${from.type}) and a trigger that copies every write of either column into the other. The previous version keeps using ${p.from}; nothing reads ${p.to} yet.`,
      backout: `Drop the trigger and ${p.to}; nothing reads it yet.`,
      forward: [ddl(id('expand', 'forward', 'add-column'), `add ${p.to} and trigger ${trigger} on ${T}`, `${addNew}\n${pair.createSyncTriggerSql(cp)}`)],
      backward: [ddl(id('expand', 'backward', 'drop-column'), `drop trigger ${trigger} and ${p.to}`, `${pair.dropSyncTriggerSql(cp)}\nALTER TABLE ${q(T)} DROP COLUMN IF EXISTS ${i(p.to)};`)],
      verify: [
        { id: 'column-exists', kind: 'query-empty', description: `${T} has ${p.to}`, sql: missingColumnsSql(T, [p.to]) },
        { id: 'trigger-exists', kind: 'query-empty', description: triggerGate.description, sql: triggerGate.sql },
      ],
      gates: [],
      flags: [],
      app: [],
      access: { writes: [{ table: T }], reads: [{ table: T }] },
    },
    {
      id: 'backfill',
      title: `Backfill ${p.to} from ${p.from}`,
      summary: `Copy ${p.from} into ${p.to} for rows written before the trigger, in batches by ${key.name}, then prove both columns agree range by range${indexes.length ? `; build ${names(indexes, '__new')} on ${p.to} concurrently, as ${p.from} has them` : ''}.`,
      backout: `Nothing to undo for the copy, which is re-runnable${indexes.length ? `; drop the indexes built on ${p.to}` : ''}. Nothing reads the new column yet.`,
      forward: [
        { id: id('backfill', 'forward', 'copy'), kind: 'backfill', description: `copy ${p.from} into ${p.to}`, backfill: pair.pairBackfill(cp, 'new', 'backfill-checksums') },
        ...concurrent(id('backfill', 'forward', 'build-indexes'), `build ${names(indexes, '__new')} on ${p.to} concurrently`, indexes.flatMap((x) => buildIndexStatements(at, x, '__new', p.to))),
      ],
      backward: concurrent(id('backfill', 'backward', 'drop-indexes'), `drop ${names(indexes, '__new')} concurrently`, dropIndexStatements(at, indexes, '__new')),
      verify: [parity, ...indexesValid],
      gates: [triggerGate],
      flags: [],
      app: [],
      access: { writes: [{ table: T }], reads: [{ table: T }] },
    },
    {
      id: 'read-switch',
      title: `Read ${p.to} (behind ${flag})`,
      summary: `Deploy the version that reads ${p.to} when ${flag} is on (${p.rollout.map((r) => `${r}%`).join(' → ')}, sticky per row) and ${p.from} otherwise, comparing the two. Either column may be written: the trigger keeps them equal.`,
      backout: `Set ${flag} to 0%: reads return to ${p.from} at once.`,
      forward: [{ id: id('read-switch', 'forward', 'flag-on'), kind: 'flag', description: `turn ${flag} on at ${p.rollout[0]}%`, flag, set: first }],
      backward: [{ id: id('read-switch', 'backward', 'flag-off'), kind: 'flag', description: `set ${flag} to 0%`, flag, set: FLAG_OFF }],
      verify: [parity],
      gates: [parity, ...indexesValid],
      flags: [{ flag, forward: first, backward: FLAG_OFF }],
      app: [sk.readSwitch],
      access: { writes: [{ table: T }], reads: [{ table: T, via: flag }] },
      rollout: { flag, steps: p.rollout },
    },
    {
      id: 'contract',
      title: `Drop ${p.from}`,
      summary: `Once only versions that use ${p.to} run: drop the trigger and ${p.from}${from.default ? `, give ${p.to} the default ${from.default}` : ''}${from.nullable ? '' : `, make ${p.to} NOT NULL without a long lock`}, remove ${flag}.`,
      backout: `Re-add ${p.from}, recreate the trigger and copy ${p.to} back into it${from.nullable ? '' : `, then restore its NOT NULL`}.`,
      forward: [
        ddl(id('contract', 'forward', 'drop-old'), `drop trigger ${trigger} and ${p.from}${from.default ? `; ${p.to} takes its default` : ''}`, [pair.dropSyncTriggerSql(cp), `ALTER TABLE ${q(T)} DROP COLUMN IF EXISTS ${i(p.from)};`, ...(from.default ? [`ALTER TABLE ${q(T)} ALTER COLUMN ${i(p.to)} SET DEFAULT ${from.default};`] : []), ...plain.map((x) => `ALTER INDEX IF EXISTS ${indexName(at, x, '__new').qualified} RENAME TO ${i(indexName(at, x, '').bare)};`), ...moveKeys('__new')].join('\n')),
        ...(from.nullable
          ? []
          : [
              ddl(id('contract', 'forward', 'not-null-check'), `add CHECK (${p.to} IS NOT NULL) NOT VALID`, newNull.add),
              long(id('contract', 'forward', 'validate'), `validate ${newNull.check} (reads and writes continue)`, newNull.validate),
              ddl(id('contract', 'forward', 'set-not-null'), `SET NOT NULL on ${p.to}, proven by the check; drop the check`, newNull.set),
            ]),
        { id: id('contract', 'forward', `remove-${flag}`), kind: 'flag', description: `remove flag ${flag}`, flag, set: 'remove' },
      ],
      backward: [
        { id: id('contract', 'backward', `restore-${flag}`), kind: 'flag', description: `restore flag ${flag} at 100%`, flag, set: FLAG_FULL },
        ddl(id('contract', 'backward', 'restore-old'), `re-add ${p.from} and trigger ${trigger}; ${p.to} back to nullable without default`, [...plain.map((x) => `ALTER INDEX IF EXISTS ${indexName(at, x, '').qualified} RENAME TO ${i(indexName(at, x, '__new').bare)};`), `ALTER TABLE ${q(T)} ALTER COLUMN ${i(p.to)} DROP DEFAULT;`, newNull.undo, `ALTER TABLE ${q(T)} ADD COLUMN IF NOT EXISTS ${i(p.from)} ${from.type};`, pair.createSyncTriggerSql(cp)].join('\n')),
        { id: id('contract', 'backward', 'copy-back'), kind: 'backfill', description: `copy ${p.to} back into ${p.from}`, backfill: pair.pairBackfill(cp, 'old', 'restore-checksums') },
        ...concurrent(id('contract', 'backward', 'build-indexes'), `rebuild ${[names(plain, ''), names(keys, '__old')].filter(Boolean).join(', ')} on ${p.from} concurrently`, [...plain.flatMap((x) => buildIndexStatements(at, x, '', p.from)), ...keys.flatMap((x) => buildIndexStatements(at, x, '__old', p.from))]),
        ...(keys.length
          ? [
              ddl(id('contract', 'backward', 'move-keys'), `move ${keys.map((x) => x.constraint!.name).join(', ')} back to ${p.from}`, moveKeys('__old').join('\n')),
              ...concurrent(id('contract', 'backward', 'rebuild-new-keys'), `rebuild ${names(keys, '__new')} on ${p.to} concurrently`, keys.flatMap((x) => buildIndexStatements(at, x, '__new', p.to))),
            ]
          : []),
        ...(from.default ? [ddl(id('contract', 'backward', 'restore-default'), `restore the default of ${p.from}`, `ALTER TABLE ${q(T)} ALTER COLUMN ${i(p.from)} SET DEFAULT ${from.default};`)] : []),
        ...(from.nullable
          ? []
          : [
              ddl(id('contract', 'backward', 'not-null-check'), `add CHECK (${p.from} IS NOT NULL) NOT VALID`, oldNull.add),
              long(id('contract', 'backward', 'validate'), `validate ${oldNull.check}`, oldNull.validate),
              ddl(id('contract', 'backward', 'set-not-null'), `SET NOT NULL on ${p.from}; drop the check`, oldNull.set),
            ]),
      ],
      verify: [
        { id: 'old-column-gone', kind: 'query-empty', description: `${T} no longer has ${p.from}`, sql: `SELECT ${lit(p.from)} AS still_present FROM information_schema.columns WHERE table_schema = ${lit(table.schema)} AND table_name = ${lit(bare(T))} AND column_name = ${lit(p.from)}` },
        ...(from.nullable ? [] : [{ id: 'new-column-not-null', kind: 'query-empty' as const, description: `${p.to} is NOT NULL`, sql: pair.nullabilityIsSql(T, p.to, true) }]),
      ],
      gates: [
        { id: 'read-flag-at-100', kind: 'flag-at-least', description: `${flag} is at 100%`, flag, rolloutBps: 10_000 },
        soakGate('read-switch-soak', 'read-switch', p.soak, 'reads have come from the new column'),
        parity,
        // DROP COLUMN would silently drop CHECK and foreign keys on the column, and fails on views and references to it.
        { id: 'no-dependents', kind: 'query-empty', description: `no foreign key, CHECK or EXCLUDE constraint and no view uses ${T}.${p.from} (recreate them on ${p.to} first)`, sql: dependentsSql({ table: T, column: p.from }) },
        ...oldVersionsGate(p.oldVersions),
      ],
      flags: [],
      app: [sk.contract],
      access: { writes: [{ table: T }], reads: [{ table: T }] },
    },
  ];

  const notes = [`Foreign keys, CHECK constraints and views that use ${p.from} do not move to ${p.to}: recreate them on ${p.to} before contract, whose gate no-dependents lists what still uses ${p.from}.${indexes.length ? ` Its indexes (${names(indexes, '')}) are rebuilt on ${p.to}.` : ''}`];
  if (!p.oldVersions) notes.push(oldVersionsNote(`${T}.${p.from}`));
  const columns = table.columns.map((c) => c.name);
  return {
    version: PLAN_VERSION,
    change: change.id,
    title: change.title,
    intent: 'rename-column',
    sync: 'trigger',
    lockTimeoutMs: change.execution.lockTimeout,
    flags: [{ name: flag, purpose: `read ${T}.${p.to} instead of ${p.from}` }],
    notes,
    shapes: {
      before: [{ table: T, columns }],
      after: [{ table: T, columns: columns.map((c) => (c === p.from ? p.to : c)), added: [p.to] }],
      joins: [],
    },
    phases,
  };
}

function sketches(change: string, T: string, K: string, from: string, to: string, flag: string): Record<'readSwitch' | 'contract', AppChange> {
  return {
    readSwitch: {
      side: 'read',
      flag,
      summary: `Read ${to} when ${flag} is on for this row, ${from} otherwise, through the migration helper, which compares the two and records mismatches. Keep writing ${from} (the trigger copies it), so this version still works if the change is rolled back.`,
      sketch: `const migration = new Migration({ flags, change: '${change}', sync: 'trigger', readFlag: '${flag}', dualWriteFlag: '${flag}' });

const value = await migration.read({ key: String(id) }, {
  old: () => one(db, 'SELECT ${from} AS value FROM ${T} WHERE ${K} = $1', [id]),
  new: () => one(db, 'SELECT ${to} AS value FROM ${T} WHERE ${K} = $1', [id]),
});`,
    },
    contract: {
      side: 'write',
      summary: `Before contract, deploy the version that reads and writes only ${to} and no longer mentions ${from} or ${flag}.`,
      sketch: `await db.query('UPDATE ${T} SET ${to} = $2 WHERE ${K} = $1', [id, value]);
const row = await one(db, 'SELECT ${to} FROM ${T} WHERE ${K} = $1', [id]);`,
    },
  };
}

const bare = (t: string) => (t.includes('.') ? t.slice(t.indexOf('.') + 1) : t);
