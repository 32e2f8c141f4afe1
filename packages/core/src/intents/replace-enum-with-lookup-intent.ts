import { z } from 'zod';
import { flagName, identifier, tableName, type ChangeSpec } from '../change/change-spec.js';
import type { Phase, Plan, Step } from '../plan/plan.js';
import { PLAN_VERSION } from '../plan/plan.js';
import { findColumn, findTable, type SchemaModel } from '../schema/schema-model.js';
import { formatDuration } from '../util/duration.js';
import { camel, pascal } from '../util/names.js';
import { ident, literal, qualified } from '../util/sql.js';
import { restoreNotNullSql } from './drop-column-intent.js';
import { moveLikeParams, readFlagSteps, readSwitchedGates, retentionGate } from './common-params.js';
import type { IntentDef, PlanProblem, PlanResult } from './intent.js';
import { columnMissing, singleKeyMissing, tableMissing } from './intent-problems.js';
import { DEFAULT_READ_SWITCH_SOAK_MS } from './move-columns-intent.js';
import { archiveSchema, bareName, bounds, estimate, homeSchema, missingColumnsSql, triggerMissingSql } from './move-columns-sql.js';
import { FLAG_FULL, FLAG_OFF, oldVersionsGates, retireNotes } from './retire-phases.js';

export const replaceEnumWithLookupParams = z.strictObject({
  table: tableName,
  /** The enum-typed column being replaced. */
  column: identifier,
  /** The lookup table to create: `key` (default id) and `label` (default name) columns. */
  lookup: z.strictObject({ table: tableName, key: identifier.default('id'), label: identifier.default('name') }),
  /** The new foreign-key column on `table`; defaults to `<column>_id`. */
  fk: identifier.optional(),
  /** Flag that switches reads to the lookup; defaults to Read<Column>FromLookup. */
  flag: flagName.optional(),
  ...moveLikeParams,
});
export type ReplaceEnumWithLookupParams = z.output<typeof replaceEnumWithLookupParams>;

type EnumChange = ChangeSpec & { params: ReplaceEnumWithLookupParams };

/**
 * replace-enum-with-lookup: an enum column becomes a foreign key to a lookup
 * table filled from the enum's labels, so values can be added (and carry
 * data) without ALTER TYPE. One BEFORE trigger keeps the two columns of the
 * same row in step whichever one a version writes; reads switch to the
 * lookup behind a flag; contract archives and drops the enum column, and the
 * enum type once nothing else uses it.
 */
export const replaceEnumWithLookupIntent: IntentDef<ReplaceEnumWithLookupParams> = {
  kind: 'replace-enum-with-lookup',
  title: 'Replace an enum with a lookup table',
  params: replaceEnumWithLookupParams as never,
  plan: planReplaceEnum,
};

export function planReplaceEnum(change: EnumChange, schema: SchemaModel): PlanResult {
  const p = change.params;
  const problems: PlanProblem[] = [];
  const table = findTable(schema, p.table);
  if (!table) return { ok: false, problems: [tableMissing('params.table', p.table, schema, 'Check the name.')] };
  const column = findColumn(table, p.column);
  const fk = p.fk ?? `${p.column}_id`;
  if (!column) problems.push(columnMissing('params.column', table, p.column, ''));
  else if (schema.enums && !schema.enums[column.type]) {
    problems.push({ code: 'invalid-params', field: 'params.column', message: `${table.name}.${p.column} is of type ${column.type}, not an enum (enums: ${Object.keys(schema.enums).join(', ') || 'none'}). Only an enum column can be replaced by a lookup.` });
  }
  if (findColumn(table, fk)) problems.push({ code: 'column-conflict', field: p.fk ? 'params.fk' : 'params.column', message: `${table.name} already has a column "${fk}"; name the new foreign-key column with params.fk.` });
  if (findTable(schema, p.lookup.table)) problems.push({ code: 'already-exists', field: 'params.lookup.table', message: `table "${p.lookup.table}" already exists; replace-enum-with-lookup creates it. Name a new table.` });
  if (table.primaryKey.length !== 1) problems.push(singleKeyMissing('params.table', table, 'the backfill batches by a single-column key. Add one first.'));
  if (problems.length || !column) return { ok: false, problems };
  const key = findColumn(table, table.primaryKey[0]!)!;
  return { ok: true, plan: buildPlan(change, { ...column, required: !column.nullable && column.default === null }, fk, key.name, key.type, schema.enums?.[column.type]) };
}

function buildPlan(change: EnumChange, column: { name: string; type: string; default: string | null; required: boolean }, fk: string, key: string, keyType: string, labels: string[] | undefined): Plan {
  const p = change.params;
  const T = qualified(p.table);
  const L = qualified(p.lookup.table);
  const [C, F, K, LK, LN] = [ident(column.name), ident(fk), ident(key), ident(p.lookup.key), ident(p.lookup.label)];
  const what = `${p.table}.${column.name}`;
  const flag = p.flag ?? `Read${pascal(column.name)}FromLookup`;
  const base = change.id.length > 50 ? change.id.slice(0, 50) : change.id;
  const trigger = `${base}__sync`;
  const constraint = `${bareName(p.table)}_${fk}_fkey`.slice(0, 63);
  const archive = `${ident(archiveSchema({ change: change.id }))}.${ident(bareName(p.table))}`;
  const step = (phase: string, dir: 'forward' | 'backward', name: string) => `${phase}.${dir}.${name}`;
  const ddl = (id: string, description: string, sql: string): Step => ({ id, kind: 'sql', description, sql, ddl: true });
  const soak = p.soak.readSwitch ?? DEFAULT_READ_SWITCH_SOAK_MS;
  const readFirst = { enabled: true, rolloutBps: Math.round(p.rollout[0]! * 100) };
  const labelOf = (alias: string) => `(SELECT l.${LN} FROM ${L} AS l WHERE l.${LK} = ${alias}.${F})`;
  const parity = { id: 'parity', kind: 'query-empty' as const, description: `every ${p.table} row's ${fk} names its ${column.name}`, sql: `SELECT t.${K}::text AS key, t.${C}::text AS old, ${labelOf('t')} AS new FROM ${T} AS t
 WHERE t.${C}::text IS DISTINCT FROM ${labelOf('t')} ORDER BY t.${K} LIMIT 100` };
  const range = `t.${K} BETWEEN $1::${keyType} AND $2::${keyType}`;
  const checksum = (id: string) => ({ id, kind: 'range-checksum' as const, description: `${column.name} vs the label ${fk} names, per key range`, table: p.table, key, oldSql: `SELECT t.${K}::text AS k, ROW(t.${C}::text)::text AS v FROM ${T} AS t WHERE ${range}`, newSql: `SELECT t.${K}::text AS k, ROW(${labelOf('t')})::text AS v FROM ${T} AS t WHERE ${range}`, ...bounds(p.table, key, keyType) });
  const createTrigger = `CREATE OR REPLACE FUNCTION switchback.${ident(trigger)}() RETURNS trigger LANGUAGE plpgsql AS $sync$
BEGIN
  -- Whichever column a version wrote wins; the other follows. A label the lookup lacks (an enum value added since) is added.
  -- A version that clears the column clears the other too (an update to NULL is a write like any other).
  IF TG_OP = 'UPDATE' AND NEW.${C} IS NULL AND OLD.${C} IS NOT NULL AND NEW.${F} IS NOT DISTINCT FROM OLD.${F} THEN
    NEW.${F} := NULL;
  ELSIF NEW.${C} IS NOT NULL AND (TG_OP = 'INSERT' AND NEW.${F} IS NULL OR TG_OP = 'UPDATE' AND NEW.${C} IS DISTINCT FROM OLD.${C} AND NEW.${F} IS NOT DISTINCT FROM OLD.${F}) THEN
    INSERT INTO ${L} (${LN}) VALUES (NEW.${C}::text) ON CONFLICT (${LN}) DO NOTHING;
    NEW.${F} := (SELECT ${LK} FROM ${L} WHERE ${LN} = NEW.${C}::text);
  ELSIF TG_OP = 'INSERT' AND NEW.${C} IS NULL OR TG_OP = 'UPDATE' AND NEW.${F} IS DISTINCT FROM OLD.${F} AND NEW.${C} IS NOT DISTINCT FROM OLD.${C} THEN
    NEW.${C} := (SELECT ${LN} FROM ${L} WHERE ${LK} = NEW.${F})::${column.type};
  END IF;
  RETURN NEW;
END $sync$;
DROP TRIGGER IF EXISTS ${ident(trigger)} ON ${T};
CREATE TRIGGER ${ident(trigger)} BEFORE INSERT OR UPDATE OF ${C}, ${F} ON ${T}
  FOR EACH ROW EXECUTE FUNCTION switchback.${ident(trigger)}();`;
  const dropTrigger = `DROP TRIGGER IF EXISTS ${ident(trigger)} ON ${T};\nDROP FUNCTION IF EXISTS switchback.${ident(trigger)}();`;
  const sketchVar = camel(bareName(p.table));

  const phases: Phase[] = [
    {
      id: 'expand',
      title: `Create ${p.lookup.table} and ${p.table}.${fk}`,
      summary: `Create ${p.lookup.table} holding the labels of ${column.type} in order, and a nullable ${fk} on ${p.table} referencing it (NOT VALID: no scan).${column.required ? ` ${what} becomes optional, so a version writing only ${fk} can insert (the trigger fills it).` : ''}`,
      backout: `Drop ${fk} and ${p.lookup.table}; nothing reads them yet.`,
      forward: [
        ddl(step('expand', 'forward', 'create-lookup'), `create ${p.lookup.table} from the labels of ${column.type}`, `CREATE TABLE IF NOT EXISTS ${L} (
  ${LK} integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  ${LN} text NOT NULL UNIQUE,
  "position" real
);
INSERT INTO ${L} (${LN}, "position")
SELECT e.enumlabel, e.enumsortorder FROM pg_enum AS e WHERE e.enumtypid = ${literal(column.type)}::regtype ORDER BY e.enumsortorder
    ON CONFLICT (${LN}) DO NOTHING;`),
        ddl(step('expand', 'forward', 'add-fk-column'), `add ${fk} to ${p.table}, referencing ${p.lookup.table} (NOT VALID)`, `ALTER TABLE ${T} ADD COLUMN IF NOT EXISTS ${F} integer;
ALTER TABLE ${T} ADD CONSTRAINT ${ident(constraint)} FOREIGN KEY (${F}) REFERENCES ${L} (${LK}) NOT VALID;${column.required ? `\nALTER TABLE ${T} ALTER COLUMN ${C} DROP NOT NULL;` : ''}`),
      ],
      backward: [
        ddl(step('expand', 'backward', 'drop-fk-column'), `drop ${fk}`, `ALTER TABLE ${T} DROP COLUMN IF EXISTS ${F};${column.required ? `\n${restoreNotNullSql(p.table, column.name)}` : ''}`),
        ddl(step('expand', 'backward', 'drop-lookup'), `drop ${p.lookup.table}`, `DROP TABLE IF EXISTS ${L};`),
      ],
      verify: [{ id: 'fk-column-exists', kind: 'query-empty', description: `${p.table} has ${fk}`, sql: missingColumnsSql(p.table, [fk]) }],
      gates: [],
      flags: [],
      app: [],
      access: { writes: [{ table: p.table }], reads: [{ table: p.table }] },
    },
    {
      id: 'dual-write',
      title: `Keep ${column.name} and ${fk} in step with a trigger`,
      summary: `A BEFORE trigger on ${p.table} sets ${fk} from ${column.name} when a version writes ${column.name}, and ${column.name} from ${fk} when one writes ${fk}.`,
      backout: 'Drop the trigger; nobody reads the lookup yet.',
      forward: [ddl(step('dual-write', 'forward', 'create-trigger'), `create trigger ${trigger} on ${p.table}`, createTrigger)],
      backward: [ddl(step('dual-write', 'backward', 'drop-trigger'), `drop trigger ${trigger}`, dropTrigger)],
      verify: [{ id: 'trigger-exists', kind: 'query-empty', description: `trigger ${trigger} exists`, sql: triggerMissingSql(p.table, trigger) }],
      gates: [],
      flags: [],
      app: [],
      access: { writes: [{ table: p.table }], reads: [{ table: p.table }] },
    },
    {
      id: 'backfill',
      title: `Fill ${fk} for existing rows, then validate the foreign key`,
      summary: `Set ${fk} from ${column.name} in batches by ${key}, prove every row agrees, then VALIDATE the foreign key (SHARE UPDATE EXCLUSIVE: reads and writes go on).`,
      backout: `Nothing to undo: nobody reads ${fk} yet.`,
      forward: [
        {
          id: step('backfill', 'forward', 'copy'),
          kind: 'backfill',
          description: `set ${fk} from ${column.name}`,
          backfill: { table: p.table, key, ...bounds(p.table, key, keyType), countSql: estimate(p.table), verification: checksum('backfill-checksums'), batchSql: `UPDATE ${T} AS t SET ${F} = l.${LK} FROM ${L} AS l
 WHERE l.${LN} = t.${C}::text AND ${range} AND t.${F} IS DISTINCT FROM l.${LK}` },
        },
        { id: step('backfill', 'forward', 'validate-fk'), kind: 'sql', description: `validate ${constraint}`, sql: `ALTER TABLE ${T} VALIDATE CONSTRAINT ${ident(constraint)};`, ddl: true },
      ],
      backward: [],
      verify: [parity],
      gates: [{ id: 'trigger-exists', kind: 'query-empty', description: `trigger ${trigger} exists`, sql: triggerMissingSql(p.table, trigger) }],
      flags: [],
      app: [],
      access: { writes: [{ table: p.table }], reads: [{ table: p.table }], backfill: { from: p.table, to: p.lookup.table } },
    },
    {
      id: 'read-switch',
      title: `Read ${column.name} through ${p.lookup.table} (behind ${flag})`,
      summary: `Reads join ${p.lookup.table} on ${fk} for a growing share of keys (${p.rollout.map((x) => `${x}%`).join(' → ')}); the other reads are shadow-compared.`,
      backout: `Set ${flag} to 0%: reads use ${column.name} again at once.`,
      ...readFlagSteps(flag, p.rollout, readFirst),
      verify: [parity],
      gates: [parity],
      flags: [{ flag, forward: readFirst, backward: FLAG_OFF }],
      app: [{ side: 'read', flag, summary: `Read the label through the migration helper: from ${p.lookup.table} when ${flag} is on for this key, from ${column.name} otherwise; both are compared.`, sketch: `const ${sketchVar} = await migration.read({ key: String(id), tenant }, {
  old: () => one(db, 'SELECT ${key}, ${column.name}::text AS ${column.name} FROM ${p.table} WHERE ${key} = $1', [id]),
  new: () => one(db, 'SELECT t.${key}, l.${p.lookup.label} AS ${column.name} FROM ${p.table} t LEFT JOIN ${p.lookup.table} l ON l.${p.lookup.key} = t.${fk} WHERE t.${key} = $1', [id]),
});` }],
      access: { writes: [{ table: p.table }], reads: [{ table: p.lookup.table, via: flag }] },
      rollout: { flag, steps: p.rollout },
    },
    {
      id: 'cut-off',
      title: `Write ${fk} only`,
      summary: `The application writes ${fk} (a ${p.lookup.table} key) and no longer ${column.name}; the trigger keeps ${column.name} current for the previous version. Labels new to the lookup can only be used after contract (the enum does not know them).`,
      backout: `Deploy the version that writes ${column.name} again; the trigger keeps ${fk} current.`,
      forward: [],
      backward: [],
      verify: [parity],
      gates: [
        ...readSwitchedGates(flag, soak),
        parity,
      ],
      flags: [],
      app: [{ side: 'write', summary: `Write ${fk}, looked up by label, instead of ${column.name}.`, sketch: `await db.query('UPDATE ${p.table} SET ${fk} = (SELECT ${p.lookup.key} FROM ${p.lookup.table} WHERE ${p.lookup.label} = $2) WHERE ${key} = $1', [id, label]);` }],
      access: { writes: [{ table: p.table }], reads: [{ table: p.lookup.table }] },
    },
    {
      id: 'contract',
      title: `Drop ${what}${labels ? ` and ${column.type}` : ''}`,
      summary: `Drop the trigger, archive ${column.name} into ${archive}, drop it, drop ${column.type} unless something else still uses it, and remove ${flag}. Due ${formatDuration(p.retention)} after cut-off.`,
      backout: `Recreate ${column.type} from ${p.lookup.table} if it was dropped, add ${column.name} back, recreate the trigger and fill ${column.name} from ${fk}.`,
      forward: [
        ddl(step('contract', 'forward', 'drop-trigger'), `drop trigger ${trigger}`, dropTrigger),
        ddl(step('contract', 'forward', 'archive-and-drop'), `archive and drop ${what}, and ${column.type} if unused`, `CREATE SCHEMA IF NOT EXISTS ${ident(archiveSchema({ change: change.id }))};
DROP TABLE IF EXISTS ${archive};
CREATE TABLE ${archive} AS SELECT ${K}, ${C}::text AS ${C} FROM ${T};
ALTER TABLE ${T} DROP COLUMN IF EXISTS ${C};
DO $drop$ BEGIN
  DROP TYPE ${column.type};
EXCEPTION WHEN dependent_objects_still_exist THEN
  RAISE NOTICE '${column.type.replace(/'/g, "''")} is still used elsewhere; kept';
END $drop$;`),
        { id: step('contract', 'forward', `remove-${flag}`), kind: 'flag', description: `remove flag ${flag}`, flag, set: 'remove' },
      ],
      backward: [
        { id: step('contract', 'backward', `restore-${flag}`), kind: 'flag', description: `restore flag ${flag} at 100%`, flag, set: FLAG_FULL },
        ddl(step('contract', 'backward', 'restore-column'), `recreate ${column.type} if needed and add ${column.name} back`, `DO $restore$ BEGIN
  IF to_regtype(${literal(column.type)}) IS NULL THEN
    EXECUTE format('CREATE TYPE %s AS ENUM (%s)', ${literal(column.type)}, (SELECT string_agg(quote_literal(${LN}), ', ' ORDER BY "position", ${LK}) FROM ${L}));
  END IF;
END $restore$;
ALTER TABLE ${T} ADD COLUMN IF NOT EXISTS ${C} ${column.type}${column.default !== null ? ` DEFAULT ${column.default}` : ''};`),
        ddl(step('contract', 'backward', 'recreate-trigger'), `recreate trigger ${trigger}`, createTrigger),
        {
          id: step('contract', 'backward', 'restore'),
          kind: 'backfill',
          description: `fill ${column.name} from ${fk}`,
          backfill: { table: p.table, key, ...bounds(p.table, key, keyType), countSql: estimate(p.table), verification: checksum('restore-checksums'), batchSql: `UPDATE ${T} AS t SET ${C} = l.${LN}::${column.type} FROM ${L} AS l
 WHERE l.${LK} = t.${F} AND ${range} AND t.${C}::text IS DISTINCT FROM l.${LN}` },
        },
      ],
      verify: [{ id: 'column-dropped', kind: 'query-empty', description: `${what} is gone`, sql: `SELECT column_name AS still_there FROM information_schema.columns WHERE table_schema = ${literal(homeSchema(p.table))} AND table_name = ${literal(bareName(p.table))} AND column_name = ${literal(column.name)}` }],
      gates: [retentionGate(p.retention), parity, ...oldVersionsGates(p.oldVersions)],
      flags: [],
      app: [{ side: 'read', summary: `Before contract, deploy code that no longer mentions ${column.name}, ${column.type} or ${flag}.`, sketch: `const ${sketchVar} = await one(db, 'SELECT t.*, l.${p.lookup.label} FROM ${p.table} t LEFT JOIN ${p.lookup.table} l ON l.${p.lookup.key} = t.${fk} WHERE t.${key} = $1', [id]);` }],
      access: { writes: [{ table: p.table }], reads: [{ table: p.lookup.table }] },
    },
  ];
  return {
    version: PLAN_VERSION,
    change: change.id,
    title: change.title,
    intent: 'replace-enum-with-lookup',
    sync: 'trigger',
    lockTimeoutMs: change.execution.lockTimeout,
    flags: [{ name: flag, purpose: `read ${what} through ${p.lookup.table}` }],
    notes: [
      ...retireNotes({ what, oldVersions: p.oldVersions }),
      ...(labels ? [] : [`the labels of ${column.type} are not known to the schema planned against; the lookup is filled from pg_enum when expand runs.`]),
      ...(column.required ? [`${what} is NOT NULL without a default: expand makes it optional (the trigger fills it), and going back to the start restores NOT NULL only if no row holds NULL.`] : []),
    ],
    shapes: {
      before: [{ table: p.table, columns: [key, column.name] }],
      after: [{ table: p.table, columns: [key, fk], added: [fk] }, { table: p.lookup.table, columns: [p.lookup.key, p.lookup.label, 'position'], added: [p.lookup.key, p.lookup.label, 'position'] }],
      joins: [{ from: p.table, to: p.lookup.table, label: `${fk} → ${p.lookup.key}` }],
    },
    phases,
  };
}
