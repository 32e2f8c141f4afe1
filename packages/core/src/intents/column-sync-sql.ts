import type { BackfillSpec, RangeChecksum } from '../plan/plan.js';
import { ident, literal, qualified } from '../util/sql.js';
import { bounds, estimate } from './move-columns-sql.js';

/**
 * SQL for two columns of one table kept equal while both are in use: the
 * old column `from` and its successor `to` (a rename, or the same values in a
 * new type). `toNew`/`toOld` convert a value expression between the two.
 */
export interface ColumnPair {
  change: string;
  table: string;
  key: string;
  keyType: string;
  from: string;
  to: string;
  /** Converts an expression of the old column's type to the new column's (`x` → `x::bigint`). */
  toNew: (expr: string) => string;
  toOld: (expr: string) => string;
}

/** The trigger and its function, named after the change so two changes never collide. */
export function syncTriggerName(p: ColumnPair): string {
  return `${p.change.slice(0, 55)}__sync`;
}

/**
 * A BEFORE trigger that keeps `from` and `to` equal whichever one a statement
 * writes: the old app version writes `from`, the new one `to`. On INSERT the
 * column the statement left empty takes the other's value; on UPDATE the
 * column that changed wins (the new one, if a statement changes both). A
 * BEFORE trigger edits the row being written, so there is no second UPDATE
 * and nothing to echo. https://www.postgresql.org/docs/current/plpgsql-trigger.html
 */
export function createSyncTriggerSql(p: ColumnPair): string {
  const name = syncTriggerName(p);
  const fn = `switchback.${ident(name)}`;
  const [O, N] = [`NEW.${ident(p.from)}`, `NEW.${ident(p.to)}`];
  return `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $sync$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF ${N} IS NULL THEN ${N} := ${p.toNew(O)}; ELSE ${O} := ${p.toOld(N)}; END IF;
  ELSIF ${N} IS DISTINCT FROM OLD.${ident(p.to)} THEN
    ${O} := ${p.toOld(N)};
  ELSIF ${O} IS DISTINCT FROM OLD.${ident(p.from)} THEN
    ${N} := ${p.toNew(O)};
  END IF;
  RETURN NEW;
END $sync$;
DROP TRIGGER IF EXISTS ${ident(name)} ON ${qualified(p.table)};
CREATE TRIGGER ${ident(name)} BEFORE INSERT OR UPDATE ON ${qualified(p.table)}
  FOR EACH ROW EXECUTE FUNCTION ${fn}();`;
}

export function dropSyncTriggerSql(p: ColumnPair): string {
  const name = syncTriggerName(p);
  return `DROP TRIGGER IF EXISTS ${ident(name)} ON ${qualified(p.table)};
DROP FUNCTION IF EXISTS switchback.${ident(name)}();`;
}

/** Rows where the two columns disagree (converted to the new type): the parity gate. */
export function pairParitySql(p: ColumnPair, limit = 100): string {
  const [K, O, N] = [ident(p.key), ident(p.from), ident(p.to)];
  return `SELECT ${K}::text AS key, ${O}::text AS ${ident(p.from)}, ${N}::text AS ${ident(p.to)}
  FROM ${qualified(p.table)}
 WHERE ${N} IS DISTINCT FROM ${p.toNew(O)}
 ORDER BY ${K} LIMIT ${limit}`;
}

/** Per-range checksums of both columns, compared in the new column's type. */
export function pairChecksum(p: ColumnPair, id: string): RangeChecksum {
  const K = ident(p.key);
  const where = `WHERE ${K} BETWEEN $1::${p.keyType} AND $2::${p.keyType}`;
  return {
    id,
    kind: 'range-checksum',
    description: `Per-range checksums of ${p.table}.${p.from} (old) vs ${p.to} (new)`,
    table: p.table,
    key: p.key,
    oldSql: `SELECT ${K}::text AS k, ROW(${p.toNew(ident(p.from))})::text AS v FROM ${qualified(p.table)} ${where}`,
    newSql: `SELECT ${K}::text AS k, ROW(${ident(p.to)})::text AS v FROM ${qualified(p.table)} ${where}`,
    ...bounds(p.table, p.key, p.keyType),
  };
}

/**
 * Copy one column into the other by key ranges. Each UPDATE locks the rows it
 * changes and, under READ COMMITTED, re-reads a row a concurrent write changed
 * first, so the value copied is always the newest; the sync trigger sees the
 * copy as a write of `into` and leaves the two equal.
 */
export function pairBackfill(p: ColumnPair, into: 'new' | 'old', id: string): BackfillSpec {
  const [K, O, N] = [ident(p.key), ident(p.from), ident(p.to)];
  const set = into === 'new' ? `${N} = ${p.toNew(O)}` : `${O} = ${p.toOld(N)}`;
  return {
    table: p.table,
    key: p.key,
    ...bounds(p.table, p.key, p.keyType),
    batchSql: `UPDATE ${qualified(p.table)} SET ${set}
 WHERE ${K} BETWEEN $1::${p.keyType} AND $2::${p.keyType} AND ${N} IS DISTINCT FROM ${p.toNew(O)}`,
    countSql: estimate(p.table),
    verification: pairChecksum(p, id),
  };
}

/**
 * NOT NULL without a long ACCESS EXCLUSIVE scan: a CHECK added NOT VALID
 * (instant), validated under SHARE UPDATE EXCLUSIVE (reads and writes go on),
 * then SET NOT NULL, which PostgreSQL 12+ proves from the valid CHECK without
 * scanning. https://www.postgresql.org/docs/current/sql-altertable.html
 */
export function notNullSteps(table: string, column: string): { add: string; validate: string; set: string; undo: string; check: string } {
  const check = notNullCheckName(table, column);
  const T = qualified(table);
  return {
    check,
    add: `ALTER TABLE ${T} DROP CONSTRAINT IF EXISTS ${ident(check)};
ALTER TABLE ${T} ADD CONSTRAINT ${ident(check)} CHECK (${ident(column)} IS NOT NULL) NOT VALID;`,
    validate: `ALTER TABLE ${T} VALIDATE CONSTRAINT ${ident(check)};`,
    set: `ALTER TABLE ${T} ALTER COLUMN ${ident(column)} SET NOT NULL;
ALTER TABLE ${T} DROP CONSTRAINT IF EXISTS ${ident(check)};`,
    undo: `ALTER TABLE ${T} DROP CONSTRAINT IF EXISTS ${ident(check)};
ALTER TABLE ${T} ALTER COLUMN ${ident(column)} DROP NOT NULL;`,
  };
}

export function notNullCheckName(table: string, column: string): string {
  const bare = table.includes('.') ? table.slice(table.indexOf('.') + 1) : table;
  return `${bare}_${column}_not_null`.slice(0, 63);
}

/** Rows with NULL in `column`: what stops a NOT NULL. */
export function nullRowsSql(table: string, key: string, column: string, limit = 20): string {
  return `SELECT ${ident(key)}::text AS key FROM ${qualified(table)} WHERE ${ident(column)} IS NULL LIMIT ${limit}`;
}

/** The column's nullability as the catalog has it, for verifications. */
export function nullabilityIsSql(table: string, column: string, notNull: boolean): string {
  return `SELECT ${literal(column)} AS column_not_${notNull ? 'not_null' : 'nullable'} FROM pg_attribute
 WHERE attrelid = ${literal(qualified(table))}::regclass AND attname = ${literal(column)} AND attnotnull <> ${notNull}`;
}
