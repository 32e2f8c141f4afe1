import { z } from 'zod';
import { tableName, type ChangeSpec } from '../change/change-spec.js';
import type { Plan } from '../plan/plan.js';
import { PLAN_VERSION } from '../plan/plan.js';
import type { SchemaModel } from '../schema/schema-model.js';
import { ident, literal, qualified } from '../util/sql.js';
import type { IntentDef, PlanProblem, PlanResult } from './intent.js';

const label = z.string().min(1).max(63, 'enum labels are at most 63 bytes');

export const addEnumValueParams = z
  .strictObject({
    /** The enum type, optionally schema-qualified. */
    type: tableName,
    value: label,
    /** Place the value before or after an existing one; at the end otherwise. */
    before: label.optional(),
    after: label.optional(),
  })
  .refine((p) => !(p.before && p.after), { message: 'give before or after, not both', path: ['after'] });
export type AddEnumValueParams = z.output<typeof addEnumValueParams>;

type AddEnumValueChange = ChangeSpec & { params: AddEnumValueParams };

/**
 * add-enum-value: ALTER TYPE … ADD VALUE, outside a transaction so the value
 * can be used the moment it is added. PostgreSQL has no way to drop an enum
 * value, so the way back checks that no row holds it and leaves it unused.
 * https://www.postgresql.org/docs/current/sql-altertype.html#SQL-ALTERTYPE-NOTES
 */
export const addEnumValueIntent: IntentDef<AddEnumValueParams> = {
  kind: 'add-enum-value',
  title: 'Add a value to an enum type',
  params: addEnumValueParams as never,
  plan: planAddEnumValue,
};

export function planAddEnumValue(change: AddEnumValueChange, schema: SchemaModel): PlanResult {
  const p = change.params;
  const problems: PlanProblem[] = [];
  const key = schema.enums?.[p.type] !== undefined ? p.type : p.type.startsWith('public.') ? p.type.slice(7) : p.type;
  const labels = schema.enums?.[key];
  if (!labels) {
    const known = Object.keys(schema.enums ?? {}).sort().join(', ') || 'none';
    problems.push({ code: 'type-not-found', field: 'params.type', message: `enum type "${p.type}" does not exist in the schema planned against (enum types: ${known}). Check the name, or create the type first.` });
    return { ok: false, problems };
  }
  if (labels.includes(p.value)) problems.push({ code: 'already-exists', field: 'params.value', message: `${p.type} already has the value '${p.value}' (values: ${labels.join(', ')}); nothing to add.` });
  for (const side of ['before', 'after'] as const) {
    const anchor = p[side];
    if (anchor && !labels.includes(anchor)) problems.push({ code: 'invalid-params', field: `params.${side}`, message: `${p.type} has no value '${anchor}' to put '${p.value}' ${side} (values: ${labels.join(', ')}).` });
  }
  if (problems.length) return { ok: false, problems };
  const columns = Object.values(schema.tables).flatMap((t) => t.columns.filter((c) => c.type === key || c.type === p.type).map((c) => ({ table: t.name, column: c.name })));
  return { ok: true, plan: buildPlan(change, key, labels, columns) };
}

/** Fails (and names the rows' tables) when a column of the type holds the value; does nothing otherwise. */
export function valueUnusedSql(type: string, value: string, columns: { table: string; column: string }[]): string {
  const checks = columns
    .map((c) => `  IF EXISTS (SELECT 1 FROM ${qualified(c.table)} WHERE ${ident(c.column)}::text = ${literal(value)}) THEN
    used := array_append(used, ${literal(`${c.table}.${c.column}`)});
  END IF;`)
    .join('\n');
  return `DO $unused$
DECLARE used text[] := '{}';
BEGIN
${checks}
  IF cardinality(used) > 0 THEN
    RAISE EXCEPTION 'rows still hold %.% in %; the previous version cannot read them. Change them to another value first.', ${literal(type)}, ${literal(value)}, array_to_string(used, ', ');
  END IF;
END $unused$;`;
}

function buildPlan(change: AddEnumValueChange, type: string, labels: string[], columns: { table: string; column: string }[]): Plan {
  const p = change.params;
  const position = p.before ? ` BEFORE ${literal(p.before)}` : p.after ? ` AFTER ${literal(p.after)}` : '';
  const where = columns.map((c) => `${c.table}.${c.column}`).join(', ') || 'no column yet';
  const after = p.before ? labels.flatMap((l) => (l === p.before ? [p.value, l] : [l])) : p.after ? labels.flatMap((l) => (l === p.after ? [l, p.value] : [l])) : [...labels, p.value];
  return {
    version: PLAN_VERSION,
    change: change.id,
    title: change.title,
    intent: 'add-enum-value',
    sync: 'trigger',
    lockTimeoutMs: change.execution.lockTimeout,
    flags: [],
    notes: [`PostgreSQL cannot remove a value from an enum type: going back leaves '${p.value}' in ${type}, unused. To remove it for good, create a type without it, move the columns to it (change-column-type) and drop ${type}.`],
    shapes: { before: [{ table: type, columns: labels }], after: [{ table: type, columns: after, added: [p.value] }], joins: [] },
    phases: [
      {
        id: 'expand',
        title: `Add '${p.value}' to ${type}`,
        summary: `ALTER TYPE … ADD VALUE, run on its own outside a transaction so the value is usable at once; it takes a lock on the type for an instant and rewrites nothing (used by ${where}).`,
        backout: `The value cannot be removed: going back checks that no row of ${where} holds '${p.value}' (the previous version could not read it) and leaves it in the type, unused.`,
        forward: [{ id: 'expand.forward.add-value', kind: 'concurrent', description: `add '${p.value}' to ${type}${position ? ` ${position.trim().split(' ')[0]!.toLowerCase()} '${p.before ?? p.after}'` : ''}`, statements: [`ALTER TYPE ${qualified(type)} ADD VALUE IF NOT EXISTS ${literal(p.value)}${position};`] }],
        backward: [{ id: 'expand.backward.check-unused', kind: 'sql', description: `check that no row holds '${p.value}'`, sql: valueUnusedSql(type, p.value, columns), ddl: false }],
        verify: [{ id: 'value-exists', kind: 'query-empty', description: `${type} has '${p.value}'`, sql: `SELECT ${literal(p.value)} AS missing_value WHERE NOT EXISTS (SELECT 1 FROM pg_enum WHERE enumtypid = ${literal(qualified(type))}::regtype AND enumlabel = ${literal(p.value)})` }],
        gates: [],
        flags: [],
        app: [
          {
            side: 'read',
            summary: `Before any version writes '${p.value}', every running version must read it without failing (an unknown value in a switch, a strict parser). Deploy that first; then the version that writes it, after expand.`,
            sketch: `const STATUS = ['${after.join("', '")}'] as const;
// Unknown values from a newer version are shown as they are, never thrown on.
const label = (STATUS as readonly string[]).includes(row.status) ? row.status : 'other';`,
          },
        ],
        access: { writes: [], reads: [] },
      },
    ],
  };
}
