import { z } from 'zod';
import { tableName, type ChangeSpec } from '../change/change-spec.js';
import type { Phase, Plan } from '../plan/plan.js';
import { PLAN_VERSION } from '../plan/plan.js';
import { findTable, type SchemaModel } from '../schema/schema-model.js';
import { formatDuration } from '../util/duration.js';
import { pascal } from '../util/names.js';
import { ident, literal, qualified } from '../util/sql.js';
import type { IntentDef, PlanResult } from './intent.js';
import { tableMissing } from './intent-problems.js';
import { archiveSchema, archiveTableSql, bareName } from './move-columns-sql.js';
import { contractGates, FLAG_FULL, readSoak, retireNotes, retireParams, stopReadsPhase, stopWritesPhase, tableMissingSql, type RetireInput } from './retire-phases.js';

export const dropTableParams = z.strictObject({
  table: tableName,
  ...retireParams,
});
export type DropTableParams = z.output<typeof dropTableParams>;

type DropTableChange = ChangeSpec & { params: DropTableParams };

/**
 * drop-table: reads of the table stop behind a flag (read-switch), a version
 * that no longer writes it is deployed (cut-off), and after the retention
 * window contract moves the table, rows, indexes and all, into an archive
 * schema. Nothing is copied, so the way back (moving it home again) is
 * instant and complete; dropping the archive for good is left to a person.
 */
export const dropTableIntent: IntentDef<DropTableParams> = {
  kind: 'drop-table',
  title: 'Drop a table',
  params: dropTableParams as never,
  plan: planDropTable,
};

/** `StopReadingSupportAgent`. */
export function defaultDropTableFlag(table: string): string {
  return `StopReading${pascal(bareName(table))}`;
}

export function planDropTable(change: DropTableChange, schema: SchemaModel): PlanResult {
  const p = change.params;
  const table = findTable(schema, p.table);
  if (!table) return { ok: false, problems: [tableMissing('params.table', p.table, schema, 'Check the name; a table already dropped needs no change.')] };
  const flag = p.flag ?? defaultDropTableFlag(p.table);
  const archiveName = `${archiveSchema({ change: change.id })}.${bareName(p.table)}`;
  const r: RetireInput = {
    what: p.table,
    table: p.table,
    flag,
    rollout: p.rollout,
    readSoakMs: readSoak(p.soak.readSwitch),
    retentionMs: p.retention,
    oldVersions: p.oldVersions,
    read: {
      side: 'read',
      flag,
      summary: `Stop reading ${p.table} when ${flag} is on for the request: take the code path that does without it.`,
      sketch: `const rows = flags.isEnabled('${flag}', { key: String(id), tenant })
  ? []
  : (await db.query('SELECT * FROM ${p.table} WHERE ... ', [id])).rows;`,
    },
    write: {
      side: 'write',
      summary: `Deploy the version that no longer writes ${p.table}: remove its INSERT, UPDATE and DELETE statements.`,
      sketch: `// Removed: await db.query('INSERT INTO ${p.table} (...) VALUES (...)', [...]);`,
    },
  };
  const archive = archiveTableSql({ change: change.id, source: p.table });
  const step = (dir: 'forward' | 'backward', name: string) => `contract.${dir}.${name}`;
  const contract: Phase = {
    id: 'contract',
    title: `Archive ${p.table}`,
    summary: `Move ${p.table} into the ${archiveSchema({ change: change.id })} schema (no copy: rows, indexes and constraints go with it) and remove ${flag}. Due ${formatDuration(p.retention)} after cut-off.`,
    backout: `Move ${p.table} back from the archive schema; every row is still there.`,
    forward: [
      { id: step('forward', 'archive'), kind: 'sql', description: `move ${p.table} to ${archiveName}`, sql: archive.forward, ddl: true },
      { id: step('forward', `remove-${flag}`), kind: 'flag', description: `remove flag ${flag}`, flag, set: 'remove' },
    ],
    backward: [
      { id: step('backward', `restore-${flag}`), kind: 'flag', description: `restore flag ${flag} at 100%`, flag, set: FLAG_FULL },
      { id: step('backward', 'restore'), kind: 'sql', description: `move ${p.table} back from ${archiveName}`, sql: archive.backward, ddl: true },
    ],
    verify: [{ id: 'table-archived', kind: 'query-empty', description: `${p.table} is in the archive, not in place`, sql: `SELECT 'still in place' AS problem WHERE to_regclass(${literal(qualified(p.table.includes('.') ? p.table : `public.${p.table}`))}) IS NOT NULL
UNION ALL SELECT 'not archived' WHERE to_regclass(${literal(`${ident(archiveSchema({ change: change.id }))}.${ident(bareName(p.table))}`)}) IS NULL` }],
    gates: contractGates(r),
    flags: [],
    app: [{ side: 'read', summary: `Before contract, deploy code that no longer mentions ${p.table} or ${flag}.`, sketch: `// ${p.table} and the ${flag} checks are gone from the code.` }],
    access: { writes: [], reads: [] },
  };
  return {
    ok: true,
    plan: {
      version: PLAN_VERSION,
      change: change.id,
      title: change.title,
      intent: 'drop-table',
      sync: change.sync,
      lockTimeoutMs: change.execution.lockTimeout,
      flags: [{ name: flag, purpose: `stop reading ${p.table}` }],
      notes: [...retireNotes(r), `foreign keys of other tables that reference ${p.table} keep pointing at it in the archive; drop them first if those tables must accept rows without it.`],
      shapes: { before: [{ table: p.table, columns: table.columns.map((c) => c.name) }], after: [], joins: [] },
      phases: [stopReadsPhase(r), stopWritesPhase(r, [{ id: 'table-in-place', kind: 'query-empty', description: `${p.table} is in place`, sql: tableMissingSql(p.table) }]), contract],
    } satisfies Plan,
  };
}
