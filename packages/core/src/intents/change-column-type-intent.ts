import { z } from 'zod';
import { duration, identifier, tableName, type ChangeSpec } from '../change/change-spec.js';
import type { AppChange, Phase, Plan, Step } from '../plan/plan.js';
import { PLAN_VERSION } from '../plan/plan.js';
import { findColumn, type ColumnModel, type IndexModel, type SchemaModel, type TableModel } from '../schema/schema-model.js';
import { formatDuration } from '../util/duration.js';
import { ident, literal, qualified } from '../util/sql.js';
import * as sql from './change-column-type-sql.js';
import * as pair from './column-sync-sql.js';
import { soakGate } from './common-params.js';
import type { IntentDef, PlanProblem, PlanResult } from './intent.js';
import { requireColumn, requireSingleKey, requireTable } from './intent-problems.js';
import { missingColumnsSql, triggerMissingSql } from './move-columns-sql.js';

/** A type as written in DDL: `bigint`, `numeric(12,2)`, `character varying(20)`, `timestamp(3) with time zone`, `text[]`. */
const sqlType = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*( [A-Za-z_][A-Za-z0-9_]*)*(\(\d+(, ?\d+)?\))?( with(out)? time zone)?(\[\])?$/, 'write a SQL type such as bigint, numeric(12,2) or character varying(40)');

export const changeColumnTypeParams = z.strictObject({
  table: tableName,
  column: identifier,
  /** The new type. */
  type: sqlType,
  /** How long after the swap the old-typed column is kept, so the swap can be undone. */
  retention: duration.default(86_400_000),
});
export type ChangeColumnTypeParams = z.output<typeof changeColumnTypeParams>;

type TypeChangeSpec = ChangeSpec & { params: ChangeColumnTypeParams };

/** PostgreSQL's spelling of common type aliases, as `format_type` prints them. */
const TYPE_ALIASES: Record<string, string> = {
  int: 'integer', int4: 'integer', int8: 'bigint', int2: 'smallint', serial: 'integer', bigserial: 'bigint',
  float8: 'double precision', float4: 'real', bool: 'boolean', varchar: 'character varying', char: 'character',
  timestamptz: 'timestamp with time zone', timestamp: 'timestamp without time zone', timetz: 'time with time zone', decimal: 'numeric',
};

/** `int8` → `bigint`, `varchar(20)` → `character varying(20)`, `timestamptz` → `timestamp with time zone`. */
export function normalizeType(type: string): string {
  const m = /^([A-Za-z_][A-Za-z0-9_ ]*?)\s*(\(.*\))?(\[\])?$/.exec(type.trim().toLowerCase());
  if (!m) return type;
  const base = TYPE_ALIASES[m[1]!] ?? m[1]!;
  const mod = m[2]?.replace(/\s+/g, '') ?? '';
  if (base.startsWith('timestamp') && mod) return base.replace('timestamp', `timestamp${mod}`) + (m[3] ?? '');
  return base + mod + (m[3] ?? '');
}

/**
 * change-column-type: a shadow column of the new type kept equal by a
 * trigger, backfilled in batches, its indexes (primary key included) built
 * concurrently beforehand; then, under lock_timeout, one short transaction
 * swaps the names, moves default, sequence, NOT NULL and key constraints; the
 * old-typed column stays, synced, until contract. ALTER COLUMN TYPE itself
 * rewrites the table under ACCESS EXCLUSIVE for as long as that takes.
 */
export const changeColumnTypeIntent: IntentDef<ChangeColumnTypeParams> = {
  kind: 'change-column-type',
  title: 'Change a column type',
  params: changeColumnTypeParams as never,
  plan: planChangeColumnType,
};

export function planChangeColumnType(change: TypeChangeSpec, schema: SchemaModel): PlanResult {
  const p = change.params;
  const problems: PlanProblem[] = [];
  if (change.sync === 'app') problems.push({ code: 'invalid-params', field: 'sync', message: 'change-column-type keeps both columns equal with a trigger; the application never sees the shadow column. Remove "sync: app".' });
  const table = requireTable(schema, 'params.table', p.table, problems);
  if (!table) return { ok: false, problems };
  const key = requireSingleKey(table, 'params.table', 'change-column-type', problems);
  const column = requireColumn(table, 'params.column', p.column, problems);
  const newType = normalizeType(p.type);
  if (column && normalizeType(column.type) === newType) problems.push({ code: 'invalid-params', field: 'params.type', message: `${table.name}.${p.column} already has type ${column.type}; nothing to change.` });
  if (column?.generated) problems.push({ code: 'invalid-params', field: 'params.column', message: `"${p.column}" is a generated or identity column, which no trigger can write; change its type in a maintenance window, or replace the identity with a sequence default first.` });
  const shadow = `${p.column.slice(0, 58)}__new`;
  const retired = `${p.column.slice(0, 58)}__old`;
  for (const name of [shadow, retired]) if (findColumn(table, name)) problems.push({ code: 'column-conflict', field: 'params.column', message: `${table.name} already has a column "${name}", which this change needs for the ${name === shadow ? 'new' : 'old'} type; drop or rename it first.` });
  const indexes = Object.values(schema.indexes ?? {}).filter((i) => i.table === table.name && i.valid !== false && i.columns.includes(p.column));
  for (const { index, where } of sql.unmovableIndexes(Object.values(schema.indexes ?? {}), table.name, p.column)) {
    problems.push({ code: 'invalid-params', field: 'params.column', message: `index ${index.name} uses ${p.column} in an ${where}, which cannot be rebuilt on the new column automatically. Drop the index first (and recreate it on the new type afterwards).` });
  }
  if (problems.length || !column || !key) return { ok: false, problems };
  const seq = column.default ? /^nextval\('(.+)'::regclass\)$/.exec(column.default)?.[1] : undefined;
  const c: sql.TypeChange = {
    change: change.id, table: table.name, schema: table.schema, key: key.name, keyType: key.type, column: p.column,
    oldType: column.type, newType, shadow, retired, default: column.default, notNull: !column.nullable,
    // regclass prints the sequence as valid SQL (quoted where needed), so it is used as it is.
    ...(seq ? { sequence: seq } : {}),
    indexes,
  };
  return { ok: true, plan: buildPlan(change, table, column, c) };
}

function buildPlan(change: TypeChangeSpec, table: TableModel, column: ColumnModel, c: sql.TypeChange): Plan {
  const p = change.params;
  const [T, O, S, R] = [table.name, c.column, c.shadow, c.retired];
  const before = sql.beforeSwap(c);
  const after = sql.afterSwap(c);
  const trigger = pair.syncTriggerName(before);
  const ddl = (id: string, description: string, text: string): Step => ({ id, kind: 'sql', description, sql: text, ddl: true });
  const long = (id: string, description: string, text: string): Step => ({ id, kind: 'sql', description, sql: text, ddl: false });
  const concurrent = (id: string, description: string, statements: string[]): Step[] => (statements.length ? [{ id, kind: 'concurrent', description, statements }] : []);
  const keys = c.indexes.filter((i) => i.constraint);
  const plain = c.indexes.filter((i) => !i.constraint);
  const names = (list: IndexModel[], suffix: '' | '__new' | '__old') => list.map((i) => sql.indexName(c, i, suffix).bare).join(', ');
  const qualifiedNames = (list: IndexModel[], suffix: '' | '__new') => sql.regclassNames(c, list, suffix);
  const parityBefore = { id: 'parity', kind: 'query-empty' as const, description: `every ${T} row has ${S} equal to ${O} as ${c.newType}`, sql: pair.pairParitySql(before) };
  const parityAfter = { id: 'parity', kind: 'query-empty' as const, description: `every ${T} row has ${R} equal to ${O}`, sql: pair.pairParitySql(after) };
  const dependents = { id: 'no-dependents', kind: 'query-empty' as const, description: `no foreign key, CHECK or EXCLUDE constraint and no view uses ${T}.${O} (they would follow the old column through the rename)`, sql: sql.dependentsSql(c) };
  const shadowNull = pair.notNullSteps(T, S);
  const retiredNull = pair.notNullSteps(T, R);
  const bigint = /^bigint$/.test(c.newType);

  const phases: Phase[] = [
    {
      id: 'expand',
      title: `Add ${S} ${c.newType} to ${T}, kept equal to ${O}`,
      summary: `Add a nullable shadow column of the new type and a trigger that converts every write of ${O} into it. The application does not know ${S} exists.`,
      backout: `Drop the trigger and ${S}.`,
      forward: [ddl('expand.forward.add-shadow', `add ${S} ${c.newType} and trigger ${trigger}`, `ALTER TABLE ${qualified(T)} ADD COLUMN IF NOT EXISTS ${ident(S)} ${c.newType};\n${pair.createSyncTriggerSql(before)}`)],
      backward: [ddl('expand.backward.drop-shadow', `drop trigger ${trigger} and ${S}`, `${pair.dropSyncTriggerSql(before)}\nALTER TABLE ${qualified(T)} DROP COLUMN IF EXISTS ${ident(S)};`)],
      verify: [
        { id: 'shadow-exists', kind: 'query-empty', description: `${T} has ${S}`, sql: missingColumnsSql(T, [S]) },
        { id: 'trigger-exists', kind: 'query-empty', description: `trigger ${trigger} exists`, sql: triggerMissingSql(T, trigger) },
      ],
      gates: [dependents, { id: 'lossless', kind: 'query-empty', description: `every ${O} value converts to ${c.newType} and back unchanged`, sql: sql.lossyValuesSql(c) }],
      flags: [],
      app: [],
      access: { writes: [{ table: T }], reads: [{ table: T }] },
    },
    {
      id: 'backfill',
      title: `Backfill ${S}${c.indexes.length ? ' and build its indexes' : ''}`,
      summary: `Convert ${O} into ${S} in batches by ${c.key} and prove them equal range by range${c.notNull ? `; prove ${S} has no NULL with a validated CHECK` : ''}${c.indexes.length ? `; build ${names(c.indexes, '__new')} concurrently` : ''}. Reads and writes go on throughout.`,
      backout: `Drop what was built on ${S}; the copy itself needs no undoing.`,
      forward: [
        { id: 'backfill.forward.copy', kind: 'backfill', description: `convert ${O} into ${S}`, backfill: pair.pairBackfill(before, 'new', 'backfill-checksums') },
        ...(c.notNull ? [ddl('backfill.forward.not-null-check', `add CHECK (${S} IS NOT NULL) NOT VALID`, shadowNull.add), long('backfill.forward.validate', `validate ${shadowNull.check} (reads and writes continue)`, shadowNull.validate)] : []),
        ...concurrent('backfill.forward.build-indexes', `build ${names(c.indexes, '__new')} on ${S} concurrently`, c.indexes.flatMap((i) => sql.buildIndexStatements(c, i, '__new', S))),
      ],
      backward: [
        ...concurrent('backfill.backward.drop-indexes', `drop ${names(c.indexes, '__new')} concurrently`, sql.dropIndexStatements(c, c.indexes, '__new')),
        ...(c.notNull ? [ddl('backfill.backward.drop-not-null', `drop ${shadowNull.check} and NOT NULL from ${S}`, shadowNull.undo)] : []),
      ],
      verify: [parityBefore, ...(c.indexes.length ? [{ id: 'indexes-valid', kind: 'query-empty' as const, description: `${names(c.indexes, '__new')} exist and are valid`, sql: sql.invalidIndexesSql(qualifiedNames(c.indexes, '__new')) }] : [])],
      gates: [{ id: 'trigger-exists', kind: 'query-empty', description: `trigger ${trigger} exists`, sql: triggerMissingSql(T, trigger) }],
      flags: [],
      app: [],
      access: { writes: [{ table: T }], reads: [{ table: T }], backfill: { from: T, to: T } },
    },
    {
      id: 'cut-off',
      title: `Swap ${O} to ${c.newType}`,
      summary: `In one short transaction under lock_timeout: ${O} becomes ${R} and ${S} becomes ${O}${c.default ? `, with the default` : ''}${c.sequence ? ' and sequence' : ''}${c.notNull ? ', NOT NULL (proven by the check, no scan)' : ''}${keys.length ? ` and ${keys.map((k) => k.constraint!.name).join(', ')} (on the prebuilt index)` : ''}. The trigger now keeps ${R} equal, so the swap can be undone.`,
      backout: `Swap back: ${R} becomes ${O} again${keys.length ? `, on unique indexes rebuilt concurrently first` : ''}.`,
      forward: [ddl('cut-off.forward.swap', `swap ${O} (${c.oldType}) for ${S} (${c.newType})`, sql.swapForwardSql(c))],
      backward: [
        ...concurrent('cut-off.backward.build-old-keys', `build ${names(keys, '__old')} on ${R} concurrently`, keys.flatMap((i) => sql.buildIndexStatements(c, i, '__old', R))),
        ddl('cut-off.backward.swap-back', `swap ${O} (${c.newType}) back for ${R} (${c.oldType})`, sql.swapBackwardSql(c)),
        ...concurrent('cut-off.backward.build-new-keys', `rebuild ${names(keys, '__new')} on ${S} concurrently`, keys.flatMap((i) => sql.buildIndexStatements(c, i, '__new', S))),
      ],
      verify: [{ id: 'new-type', kind: 'query-empty', description: `${O} is ${c.newType}`, sql: sql.typeIsNotSql(c, O, c.newType) }, parityAfter],
      gates: [parityBefore, dependents, ...(c.indexes.length ? [{ id: 'indexes-valid', kind: 'query-empty' as const, description: `${names(c.indexes, '__new')} exist and are valid`, sql: sql.invalidIndexesSql(qualifiedNames(c.indexes, '__new')) }] : [])],
      flags: [],
      app: [typeSketch(T, O, c.newType, bigint)],
      access: { writes: [{ table: T }], reads: [{ table: T }] },
    },
    {
      id: 'contract',
      title: `Drop ${R}`,
      summary: `${formatDuration(p.retention)} after the swap, drop the trigger and the old-typed ${R}${plain.length ? `, and give ${names(plain, '__new')} their original names` : ''}.`,
      backout: `Re-add ${R}, copy ${O} back into it and rebuild its indexes${c.notNull ? ' and NOT NULL' : ''}.`,
      forward: [ddl('contract.forward.drop-retired', `drop trigger ${trigger} and ${R}`, [pair.dropSyncTriggerSql(after), `ALTER TABLE ${qualified(T)} DROP COLUMN IF EXISTS ${ident(R)};`, ...plain.map((i) => `ALTER INDEX IF EXISTS ${sql.indexName(c, i, '__new').qualified} RENAME TO ${ident(sql.indexName(c, i, '').bare)};`)].join('\n'))],
      backward: [
        ddl('contract.backward.restore-retired', `re-add ${R} ${c.oldType} and trigger ${trigger}`, [...plain.map((i) => `ALTER INDEX IF EXISTS ${sql.indexName(c, i, '').qualified} RENAME TO ${ident(sql.indexName(c, i, '__new').bare)};`), `ALTER TABLE ${qualified(T)} ADD COLUMN IF NOT EXISTS ${ident(R)} ${c.oldType};`, pair.createSyncTriggerSql(after)].join('\n')),
        { id: 'contract.backward.copy-back', kind: 'backfill', description: `convert ${O} back into ${R}`, backfill: pair.pairBackfill(after, 'old', 'restore-checksums') },
        ...concurrent('contract.backward.build-indexes', `rebuild ${names(plain, '')} on ${R} concurrently`, plain.flatMap((i) => sql.buildIndexStatements(c, i, '', R))),
        ...(c.notNull ? [ddl('contract.backward.not-null-check', `add CHECK (${R} IS NOT NULL) NOT VALID`, retiredNull.add), long('contract.backward.validate', `validate ${retiredNull.check}`, retiredNull.validate), ddl('contract.backward.set-not-null', `SET NOT NULL on ${R}; drop the check`, retiredNull.set)] : []),
      ],
      verify: [{ id: 'retired-gone', kind: 'query-empty', description: `${T} no longer has ${R}`, sql: `SELECT ${literal(R)} AS still_present FROM pg_attribute WHERE attrelid = ${literal(qualified(T))}::regclass AND attname = ${literal(R)} AND NOT attisdropped` }],
      gates: [soakGate('retention', 'cut-off', p.retention, `the swap has held`), parityAfter],
      flags: [],
      app: [],
      access: { writes: [{ table: T }], reads: [{ table: T }] },
    },
  ];

  const columns = table.columns.map((x) => x.name);
  return {
    version: PLAN_VERSION,
    change: change.id,
    title: change.title,
    intent: 'change-column-type',
    sync: 'trigger',
    lockTimeoutMs: change.execution.lockTimeout,
    flags: [],
    notes: [
      `Writes of ${O} values that do not convert to ${c.newType} fail while the trigger runs, and after the swap values that do not convert back to ${column.type} make a rollback of cut-off fail at its copy; the gate "lossless" lists values that change on the way.`,
    ],
    shapes: { before: [{ table: T, columns: columns.map((x) => (x === O ? `${O} ${column.type}` : x)) }], after: [{ table: T, columns: columns.map((x) => (x === O ? `${O} ${c.newType}` : x)), added: [`${O} ${c.newType}`] }], joins: [] },
    phases,
  };
}

function typeSketch(T: string, O: string, type: string, bigint: boolean): AppChange {
  return bigint
    ? {
        side: 'read',
        summary: `Before cut-off, every running version must accept bigint from ${T}.${O}: node-postgres returns int8 as a string unless told otherwise, and values above 2^53 need BigInt.`,
        sketch: `import pg from 'pg';
// int8 (OID 20) as BigInt, so ${O} values beyond 2^31 and 2^53 stay exact.
pg.types.setTypeParser(20, (text) => BigInt(text));`,
      }
    : {
        side: 'read',
        summary: `Before cut-off, every running version must accept ${type} values from ${T}.${O}; the column keeps its name, so no query changes.`,
        sketch: `const { rows } = await db.query('SELECT ${O} FROM ${T} WHERE id = $1', [id]);
// rows[0].${O} now arrives as ${type}`,
      };
}
