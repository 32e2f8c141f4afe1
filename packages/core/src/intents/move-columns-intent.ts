import { moveColumnsParams, type ChangeSpec, type MoveColumnsParams } from '../change/change-spec.js';
import type { Gate, Phase, Plan, Step } from '../plan/plan.js';
import { PLAN_VERSION } from '../plan/plan.js';
import { findColumn, findTable, type SchemaModel, type TableModel } from '../schema/schema-model.js';
import { formatDuration } from '../util/duration.js';
import { camel, pascal } from '../util/names.js';
import { defaultFlags } from './move-columns-flags.js';
import { readFlagSteps, readSwitchedGates } from './common-params.js';
import type { IntentDef, PlanProblem, PlanResult } from './intent.js';
import * as sql from './move-columns-sql.js';
import { moveColumnsSketches } from './move-columns-sketches.js';

// Kept in its own module so `check` can name flags without loading the planner.
export { defaultFlags };

type MoveChange = ChangeSpec & { params: MoveColumnsParams };

/** How long reads must run from the new shape at 100% before writes to the old one stop, unless the change says. */
export const DEFAULT_READ_SWITCH_SOAK_MS = 3_600_000;

/**
 * move-columns: columns of one table move into another table joined to it
 * (the seed's support_contract.tier → support_customer.tier), then the source
 * is retired. Six phases: expand, dual-write, backfill, read-switch, cut-off,
 * contract; each deployable, observable and reversible.
 */
export const moveColumnsIntent: IntentDef<MoveColumnsParams> = {
  kind: 'move-columns',
  title: 'Move columns into a joined table',
  params: moveColumnsParams as never,
  plan: planMoveColumns,
};

export function planMoveColumns(change: MoveChange, schema: SchemaModel): PlanResult {
  const shape = resolveShape(change, schema);
  if (!shape.ok) return shape;
  return { ok: true, plan: buildPlan(change, shape.shape, shape.sourceTable, shape.targetTable) };
}


function resolveShape(
  change: MoveChange,
  schema: SchemaModel,
): { ok: true; shape: sql.MoveShape; sourceTable: TableModel; targetTable: TableModel } | { ok: false; problems: PlanProblem[] } {
  const p = change.params;
  const problems: PlanProblem[] = [];
  const known = Object.keys(schema.tables).sort().join(', ') || 'none';
  const source = findTable(schema, p.from.table);
  const target = findTable(schema, p.to.table);
  if (!source) problems.push(tableMissing('params.from.table', p.from.table, known));
  if (!target) problems.push(tableMissing('params.to.table', p.to.table, known));
  if (!source || !target) return { ok: false, problems };

  const sourceKey = singleKey(source, 'params.from.table', problems);
  const targetKeyName = p.to.key ?? singleKey(target, 'params.to.table', problems);
  const targetKey = targetKeyName ? findColumn(target, targetKeyName) : undefined;
  if (targetKeyName && !targetKey) problems.push(columnMissing('params.to.key', target, targetKeyName));
  const join = findColumn(source, p.from.join);
  if (!join) problems.push(columnMissing('params.from.join', source, p.from.join));
  if (p.to.tenant && !findColumn(target, p.to.tenant)) problems.push(columnMissing('params.to.tenant', target, p.to.tenant));

  const columns: sql.MoveShape['columns'] = [];
  p.columns.forEach((name, i) => {
    const col = findColumn(source, name);
    if (!col) return problems.push(columnMissing(`params.columns[${i}]`, source, name));
    if (name === p.from.join || name === sourceKey) {
      return problems.push({
        code: 'invalid-params',
        field: `params.columns[${i}]`,
        message: `"${name}" is the join or key column of ${source.name}; only payload columns can move. Remove it from columns.`,
      });
    }
    const existing = findColumn(target, name);
    if (existing && existing.type !== col.type) {
      problems.push({
        code: 'column-conflict',
        field: `params.columns[${i}]`,
        message: `${target.name} already has a column "${name}" of type ${existing.type}, but ${source.name}.${name} is ${col.type}. Rename one of them first, or move into a column of the same type.`,
      });
    }
    columns.push({ name, type: col.type });
  });
  if (problems.length || !sourceKey || !targetKey || !join) return { ok: false, problems };

  const sourceKeyType = findColumn(source, sourceKey)!.type;
  const moved = new Set([...p.columns, p.from.join]);
  const required = source.columns.filter((c) => !moved.has(c.name) && !c.nullable && c.default === null && !c.generated);
  return {
    ok: true,
    sourceTable: source,
    targetTable: target,
    shape: {
      change: change.id,
      source: p.from.table,
      sourceKey,
      sourceKeyType,
      join: p.from.join,
      target: p.to.table,
      targetKey: targetKey.name,
      targetKeyType: targetKey.type,
      columns,
      canInsertSource: required.length === 0,
    },
  };
}

function singleKey(table: TableModel, field: string, problems: PlanProblem[]): string | undefined {
  if (table.primaryKey.length === 1) return table.primaryKey[0];
  problems.push({
    code: 'unsupported-key',
    field,
    message: table.primaryKey.length
      ? `${table.name} has a composite primary key (${table.primaryKey.join(', ')}); move-columns batches by a single-column key. Add a unique single-column key first.`
      : `${table.name} has no primary key; move-columns needs one to batch the backfill safely. Add a primary key first.`,
  });
  return undefined;
}

function tableMissing(field: string, table: string, known: string): PlanProblem {
  return { code: 'table-not-found', field, message: `table "${table}" does not exist in the schema planned against (tables: ${known}). Check the name, or create the table first.` };
}

function columnMissing(field: string, table: TableModel, column: string): PlanProblem {
  const names = table.columns.map((c) => c.name).join(', ');
  return { code: 'column-not-found', field, message: `column "${column}" does not exist in ${table.name} (columns: ${names}). Check the spelling, or add the column to ${table.name} first.` };
}

function buildPlan(change: MoveChange, m: sql.MoveShape, sourceTable: TableModel, targetTable: TableModel): Plan {
  const p = change.params;
  const flags = { ...defaultFlags(m.source, m.target), ...p.flags };
  const app = change.sync === 'app';
  const names = sql.syncNames(m);
  const colList = m.columns.map((c) => c.name).join(', ');
  const parity: Gate = { id: 'parity', kind: 'query-empty', description: `every ${m.target} row agrees with ${m.source} on ${colList}`, sql: sql.paritySql(m) };
  const parityVerify = { id: 'parity', kind: 'query-empty' as const, description: parity.description, sql: sql.paritySql(m) };
  const oldGone: Gate[] = p.oldVersions
    ? [{ id: 'old-versions-gone', kind: 'app-versions', description: `no ${p.oldVersions.app} ${p.oldVersions.versions.join('/')} instance seen in the last ${formatDuration(p.oldVersions.within)}`, app: p.oldVersions.app, retired: p.oldVersions.versions, withinSeconds: p.oldVersions.within / 1000 }]
    : [];
  const sk = moveColumnsSketches({ ...m, sync: change.sync, flags, entity: pascal(m.target), entityVar: camel(m.target) });
  const retire = p.retire === 'table' ? sql.archiveTableSql(m) : sql.archiveColumnsSql(m);
  const retireText = p.retire === 'table' ? `move ${m.source} into the ${sql.archiveSchema(m)} schema` : `archive and drop ${colList} from ${m.source}`;
  const step = (phase: string, dir: 'forward' | 'backward', name: string) => `${phase}.${dir}.${name}`;
  const ddl = (id: string, description: string, text: string): Step => ({ id, kind: 'sql', description, sql: text, ddl: true });
  const readOff = { enabled: false, rolloutBps: 0 };
  const readFirst = { enabled: true, rolloutBps: Math.round(p.rollout[0]! * 100) };
  const dualOn = { enabled: true, rolloutBps: 10_000 };
  const readSoak = p.soak.readSwitch ?? DEFAULT_READ_SWITCH_SOAK_MS;

  const phases: Phase[] = [
    {
      id: 'expand',
      title: `Expand ${m.target} with ${colList}`,
      summary: `Add nullable ${colList} to ${m.target}. Nothing reads or writes them yet, so every app version keeps working.`,
      backout: `Drop the new columns (nothing has written them).`,
      forward: [ddl(step('expand', 'forward', 'add-columns'), `add nullable ${colList} to ${m.target} (no default: no rewrite)`, sql.addColumnsSql(m))],
      backward: [ddl(step('expand', 'backward', 'drop-columns'), `drop ${colList} from ${m.target}`, sql.dropColumnsSql(m.target, m.columns.map((c) => c.name)))],
      verify: [{ id: 'columns-exist', kind: 'query-empty', description: `${m.target} has ${colList}`, sql: sql.missingColumnsSql(m.target, m.columns.map((c) => c.name)) }],
      gates: [
        { id: 'one-source-row-per-target', kind: 'query-empty', description: `each ${m.target} row has at most one ${m.source} row`, sql: sql.duplicateJoinSql(m) },
        { id: 'no-orphans', kind: 'query-empty', description: `every ${m.source}.${m.join} names an existing ${m.target} row`, sql: sql.orphanSql(m) },
      ],
      flags: [],
      app: [],
      access: { writes: [{ table: m.source }], reads: [{ table: m.source }] },
    },
    {
      id: 'dual-write',
      title: app ? `Write both shapes (behind ${flags.dualWrite})` : `Sync both shapes with a trigger`,
      summary: app
        ? `The application writes ${m.source} first (still authoritative) and then ${m.target}, behind ${flags.dualWrite}. Instances of the previous version do not dual-write: retire them before the backfill.`
        : `A trigger on ${m.source} copies every insert, update and delete of ${colList} into ${m.target}, whichever app version made it.`,
      backout: app ? `Turn ${flags.dualWrite} off; nobody reads the new columns yet.` : `Drop the trigger; nobody reads the new columns yet.`,
      forward: app
        ? [{ id: step('dual-write', 'forward', 'flag-on'), kind: 'flag', description: `turn ${flags.dualWrite} on for everyone`, flag: flags.dualWrite, set: dualOn }]
        : [ddl(step('dual-write', 'forward', 'create-trigger'), `create trigger ${names.toNew} on ${m.source}`, sql.createToNewTriggerSql(m))],
      backward: app
        ? [{ id: step('dual-write', 'backward', 'flag-off'), kind: 'flag', description: `turn ${flags.dualWrite} off`, flag: flags.dualWrite, set: readOff }]
        : [ddl(step('dual-write', 'backward', 'drop-trigger'), `drop trigger ${names.toNew}`, sql.dropTriggerSql(m, 'toNew'))],
      verify: app ? [] : [{ id: 'trigger-exists', kind: 'query-empty', description: `trigger ${names.toNew} exists`, sql: sql.triggerMissingSql(m.source, names.toNew) }],
      gates: [],
      flags: app ? [{ flag: flags.dualWrite, forward: dualOn, backward: readOff }] : [],
      app: app ? [sk.dualWrite] : [],
      access: { writes: [{ table: m.source }, { table: m.target, via: app ? flags.dualWrite : 'trigger' }], reads: [{ table: m.source }] },
    },
    {
      id: 'backfill',
      title: `Backfill ${m.target} from ${m.source}`,
      summary: `Copy ${colList} of rows written before the sync began, in batches by ${m.source}.${m.sourceKey}, then prove old and new agree range by range.`,
      backout: `Nothing to undo: the copy is re-runnable and nobody reads the new columns yet.`,
      forward: [
        { id: step('backfill', 'forward', 'clear-orphans'), kind: 'backfill', description: `clear ${colList} on ${m.target} rows with no ${m.source} row (left by an undone sync)`, backfill: sql.clearOrphansInNew(m) },
        { id: step('backfill', 'forward', 'copy'), kind: 'backfill', description: `copy ${colList} from ${m.source} into ${m.target}`, backfill: sql.backfillToNew(m, 'backfill-checksums') },
      ],
      backward: [],
      verify: [parityVerify],
      gates: app
        ? [{ id: 'dual-write-on', kind: 'flag-at-least', description: `${flags.dualWrite} is on for everyone`, flag: flags.dualWrite, rolloutBps: 10_000 }, ...oldGone]
        : [{ id: 'trigger-exists', kind: 'query-empty', description: `trigger ${names.toNew} exists`, sql: sql.triggerMissingSql(m.source, names.toNew) }],
      flags: [],
      app: [],
      access: { writes: [{ table: m.source }, { table: m.target, via: app ? flags.dualWrite : 'trigger' }], reads: [{ table: m.source }], backfill: { from: m.source, to: m.target } },
    },
    {
      id: 'read-switch',
      title: `Read ${colList} from ${m.target} (behind ${flags.readSwitch})`,
      summary: `Reads come from ${m.target} for a growing share of ${m.target} rows (${p.rollout.map((r) => `${r}%`).join(' → ')}), sticky per row key, and allow-listed tenants first; the other reads are shadow-compared against ${m.target}.`,
      backout: `Set ${flags.readSwitch} to 0%: reads return to ${m.source} at once. Writes still reach both shapes.`,
      ...readFlagSteps(flags.readSwitch, p.rollout, readFirst, readOff),
      verify: [parityVerify],
      gates: [parity],
      flags: [{ flag: flags.readSwitch, forward: readFirst, backward: readOff }],
      app: [sk.readSwitch],
      access: { writes: [{ table: m.source }, app ? { table: m.target } : { table: m.target, via: 'trigger' }], reads: [{ table: m.target, via: flags.readSwitch }] },
      rollout: { flag: flags.readSwitch, steps: p.rollout },
    },
    {
      id: 'cut-off',
      title: app ? `Write ${m.target} first, ${m.source} after it` : `Stop writing ${m.source}`,
      summary: app
        ? `${m.target} becomes authoritative: the application writes it first and ${m.source} after it (ramp-down, behind ${flags.dualWrite}), so ${m.source} stays whole for a rollback. Contract stops the writes to ${m.source}.`
        : `${m.target} becomes the only place the application writes; a trigger on ${m.target} keeps ${m.source} current until contract, so the previous version still works and a rollback loses nothing.`,
      backout: app ? `Write ${m.source} first again, then copy back what a failed ${m.source} write missed since cut-off.` : `Resume writing ${m.source}; drop the reverse trigger.`,
      forward: app ? [] : [ddl(step('cut-off', 'forward', 'create-reverse-trigger'), `create trigger ${names.toOld} on ${m.target}`, sql.createToOldTriggerSql(m))],
      backward: app
        ? [
            // In ramp-down the dual-write flag picks the keys that still write the old shape; back in read-switch it picks those that write the new one, which every key must.
            { id: step('cut-off', 'backward', 'dual-write-on'), kind: 'flag', description: `turn ${flags.dualWrite} on for everyone`, flag: flags.dualWrite, set: dualOn },
            { id: step('cut-off', 'backward', 'await-apps'), kind: 'pause', description: `wait for app instances to write ${m.source} first again` },
            { id: step('cut-off', 'backward', 'catch-up'), kind: 'backfill', description: `copy ${colList} that ${m.source} missed since cut-off back into it`, backfill: sql.backfillToOld(m, 'catch-up-checksums') },
          ]
        : [
            { id: step('cut-off', 'backward', 'await-apps'), kind: 'pause', description: `wait for app instances to resume writing ${m.source}` },
            ddl(step('cut-off', 'backward', 'drop-reverse-trigger'), `drop trigger ${names.toOld}`, sql.dropTriggerSql(m, 'toOld')),
          ],
      // Both modes keep writing the old shape after the new one until contract.
      verify: [parityVerify],
      gates: [
        ...readSwitchedGates(flags.readSwitch, readSoak),
        parity,
        ...(app ? oldGone : []),
      ],
      flags: [],
      app: [sk.cutOff],
      access: {
        writes: [{ table: m.target }, ...(app ? [{ table: m.source, via: flags.dualWrite }] : [{ table: m.source, stopped: true }, { table: m.source, via: 'trigger' }])],
        reads: [{ table: m.target }],
      },
    },
    {
      id: 'contract',
      title: p.retire === 'table' ? `Retire ${m.source}` : `Drop ${colList} from ${m.source}`,
      summary: app
        ? `Turn ${flags.dualWrite} off and wait for the apps to stop writing ${m.source}, then ${retireText} and remove the flags. Due ${formatDuration(p.retention)} after cut-off.`
        : `${retireText.charAt(0).toUpperCase()}${retireText.slice(1)}, drop the sync triggers and remove the flags. Due ${formatDuration(p.retention)} after cut-off.`,
      backout: `Restore ${m.source} from the archive${app ? `, turn ${flags.dualWrite} back on` : ', recreate the triggers'} and copy back what was written since.`,
      forward: [
        ...(app
          ? [
              { id: step('contract', 'forward', 'stop-old-writes'), kind: 'flag', description: `turn ${flags.dualWrite} off: the apps stop writing ${m.source}`, flag: flags.dualWrite, set: readOff } satisfies Step,
              { id: step('contract', 'forward', 'await-apps'), kind: 'pause', description: `wait for app instances to stop writing ${m.source}` } satisfies Step,
            ]
          : [ddl(step('contract', 'forward', 'drop-triggers'), 'drop both sync triggers', `${sql.dropTriggerSql(m, 'toOld')}\n${sql.dropTriggerSql(m, 'toNew')}`)]),
        ddl(step('contract', 'forward', 'archive'), p.retire === 'table' ? `move ${m.source} to ${sql.archiveSchema(m)}` : `archive and drop ${colList} from ${m.source}`, retire.forward),
        ...[flags.readSwitch, ...(app ? [flags.dualWrite] : [])].map((f): Step => ({ id: step('contract', 'forward', `remove-${f}`), kind: 'flag', description: `remove flag ${f}`, flag: f, set: 'remove' })),
      ],
      backward: [
        { id: step('contract', 'backward', `restore-${flags.readSwitch}`), kind: 'flag', description: `restore flag ${flags.readSwitch}`, flag: flags.readSwitch, set: dualOn },
        ddl(step('contract', 'backward', 'restore'), `restore ${m.source} from the archive`, retire.backward),
        ...(app
          ? [
              // Only once the old shape is back: the writes the flag resumes need it there.
              { id: step('contract', 'backward', `restore-${flags.dualWrite}`), kind: 'flag', description: `restore flag ${flags.dualWrite}: the apps write ${m.source} after ${m.target} again`, flag: flags.dualWrite, set: dualOn } satisfies Step,
              { id: step('contract', 'backward', 'await-apps'), kind: 'pause', description: `wait for app instances to write ${m.source} again` } satisfies Step,
            ]
          : [ddl(step('contract', 'backward', 'recreate-triggers'), 'recreate both sync triggers', `${sql.createToNewTriggerSql(m)}\n${sql.createToOldTriggerSql(m)}`)]),
        { id: step('contract', 'backward', 'catch-up'), kind: 'backfill', description: `copy ${colList} written since contract back into ${m.source}`, backfill: sql.backfillToOld(m, 'restore-checksums') },
        ...(p.retire === 'columns' ? [ddl(step('contract', 'backward', 'drop-archive'), 'drop the archive copy', `DROP TABLE IF EXISTS "${sql.archiveSchema(m)}"."${m.source.split('.').pop()}";`)] : []),
      ],
      verify: [],
      gates: [
        { id: 'retention', kind: 'soak', description: `${formatDuration(p.retention)} have passed since cut-off`, phase: 'cut-off', seconds: Math.max(p.retention, p.soak.cutOff ?? 0) / 1000 },
        // With sync: app the dual-write flag may have ramped the old writes down per key, so only trigger mode can still prove parity.
        ...(app ? [] : [parity, ...oldGone]),
      ],
      flags: app ? [{ flag: flags.dualWrite, forward: readOff, backward: dualOn }] : [],
      app: [sk.contract],
      access: { writes: [{ table: m.target }], reads: [{ table: m.target }] },
    },
  ];

  const notes: string[] = [];
  if (!m.canInsertSource) {
    const required = sourceTable.columns.filter((c) => !c.nullable && c.default === null && ![m.join, ...m.columns.map((x) => x.name)].includes(c.name));
    notes.push(`${m.source} has required columns (${required.map((c) => c.name).join(', ')}) the new shape does not hold, so rows created after cut-off cannot be copied back on rollback; only existing ${m.source} rows are updated.`);
  }
  if (app && !p.oldVersions) notes.push(`sync: app relies on every running instance dual-writing before the backfill; set params.oldVersions so the gate can check that instances of the previous version are gone.`);

  return {
    version: PLAN_VERSION,
    change: change.id,
    title: change.title,
    intent: 'move-columns',
    sync: change.sync,
    lockTimeoutMs: change.execution.lockTimeout,
    flags: [
      ...(app ? [{ name: flags.dualWrite, purpose: `write ${colList} to both ${m.source} and ${m.target}, from dual-write until contract` }] : []),
      { name: flags.readSwitch, purpose: `read ${colList} from ${m.target} instead of ${m.source}` },
    ],
    notes,
    shapes: {
      before: [tableShape(targetTable), tableShape(sourceTable)],
      after: [{ ...tableShape(targetTable), columns: [...tableShape(targetTable).columns, ...m.columns.map((c) => c.name)], added: m.columns.map((c) => c.name) }, tableShape(sourceTable)],
      joins: [{ from: m.target, to: m.source, label: `joined by ${m.join}` }],
    },
    phases,
  };
}

function tableShape(t: TableModel) {
  return { table: t.name, columns: t.columns.map((c) => c.name) };
}
