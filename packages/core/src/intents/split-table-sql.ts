import type { BackfillSpec, RangeChecksum } from '../plan/plan.js';
import { ident, literal, qualified } from '../util/sql.js';
import { bareName, bounds, estimate, syncTriggerSql } from './move-columns-sql.js';

/**
 * SQL for split-table: the rows of `table` for which `where` holds live in
 * `into` (same columns) once the change completes. `where` is the change
 * file's predicate, evaluated on a row of `table` (or of `into`).
 */
export interface SplitShape {
  change: string;
  table: string;
  into: string;
  key: string;
  keyType: string;
  columns: string[];
  where: string;
}

export function splitNames(s: SplitShape): { toNew: string; toOld: string; check: string; rest: string } {
  const base = s.change.length > 50 ? s.change.slice(0, 50) : s.change;
  return { toNew: `${base}__to_new`, toOld: `${base}__to_old`, check: `${bareName(s.into).slice(0, 51)}_where_check`, rest: `${bareName(s.table).slice(0, 48)}_not_where_check` };
}

const cols = (s: SplitShape, prefix = '') => s.columns.map((c) => prefix + ident(c)).join(', ');
const row = (s: SplitShape, prefix: string) => `ROW(${cols(s, prefix)})`;
const excluded = (s: SplitShape) => s.columns.filter((c) => c !== s.key).map((c) => `${ident(c)} = EXCLUDED.${ident(c)}`).join(', ');
/** The predicate on a trigger's row variable: its columns under their own names. */
const holdsFor = (s: SplitShape, rec: 'NEW' | 'OLD') => `EXISTS (SELECT 1 FROM (SELECT (${rec}).*) AS r WHERE (${s.where}))`;

function upsert(s: SplitShape, target: string, select: string): string {
  return `INSERT INTO ${qualified(target)} AS x (${cols(s)}) ${select}
    ON CONFLICT (${ident(s.key)}) DO UPDATE SET ${excluded(s)} WHERE ${row(s, 'x.')} IS DISTINCT FROM ${row(s, 'EXCLUDED.')}`;
}

export function createTableSql(s: SplitShape): string {
  // LIKE copies columns, defaults (so both tables draw keys from the same sequence), CHECKs and indexes, but not
  // foreign keys: those are copied after, while the table is empty (nothing to validate), so a row the new version
  // writes is checked as one written to the source (whose copy the trigger makes would fail on them otherwise).
  // The predicate becomes a CHECK (IS TRUE: a row where it is NULL does not hold it either), so a row that belongs
  // in the source cannot be written here. NOT VALID, as a table of that name may already hold rows: those are
  // scanned by validateCheckSql, which lets reads and writes go on.
  const check = splitNames(s).check;
  return `CREATE TABLE IF NOT EXISTS ${qualified(s.into)} (LIKE ${qualified(s.table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);
DO $copy$
DECLARE k record;
BEGIN
  FOR k IN SELECT conname::text AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = ${literal(qualified(s.table))}::regclass AND contype = 'f' LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = ${literal(qualified(s.into))}::regclass AND conname = k.name) THEN
      EXECUTE format('ALTER TABLE ${qualified(s.into).replace(/'/g, "''")} ADD CONSTRAINT %I %s', k.name, k.def);
    END IF;
  END LOOP;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = ${literal(qualified(s.into))}::regclass AND conname = ${literal(check)}) THEN
    ALTER TABLE ${qualified(s.into)} ADD CONSTRAINT ${ident(check)} CHECK ((${s.where}) IS TRUE) NOT VALID;
  END IF;
END $copy$;`;
}

/** Check the rows of `into` against the predicate (SHARE UPDATE EXCLUSIVE: reads and writes go on). */
export function validateCheckSql(s: SplitShape): string {
  return `ALTER TABLE ${qualified(s.into)} VALIDATE CONSTRAINT ${ident(splitNames(s).check)};`;
}

/**
 * From contract on, `table` holds only the rows that do not hold `where`: a
 * CHECK refuses a write that belongs in `into`. NOT VALID, added before the
 * moved rows are deleted (from then on no new one can arrive); validated after.
 */
export function addRestCheckSql(s: SplitShape): string {
  const rest = splitNames(s).rest;
  return `DO $rest$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = ${literal(qualified(s.table))}::regclass AND conname = ${literal(rest)}) THEN
    ALTER TABLE ${qualified(s.table)} ADD CONSTRAINT ${ident(rest)} CHECK ((${s.where}) IS NOT TRUE) NOT VALID;
  END IF;
END $rest$;`;
}

export function validateRestCheckSql(s: SplitShape): string {
  return `ALTER TABLE ${qualified(s.table)} VALIDATE CONSTRAINT ${ident(splitNames(s).rest)};`;
}

export function dropRestCheckSql(s: SplitShape): string {
  return `ALTER TABLE ${qualified(s.table)} DROP CONSTRAINT IF EXISTS ${ident(splitNames(s).rest)};`;
}

/** On `table`: a row that holds `where` is upserted into `into`; one that stops holding it, or is deleted, leaves `into`. */
export function toNewTriggerSql(s: SplitShape): string {
  const name = splitNames(s).toNew;
  const K = ident(s.key);
  return syncTriggerSql(name, s.table, 'AFTER INSERT OR UPDATE OR DELETE', `  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (OLD.${K} IS DISTINCT FROM NEW.${K} OR NOT ${holdsFor(s, 'NEW')})) THEN
    DELETE FROM ${qualified(s.into)} WHERE ${K} = OLD.${K};
  END IF;
  IF TG_OP <> 'DELETE' AND ${holdsFor(s, 'NEW')} THEN
    ${upsert(s, s.into, `VALUES (${cols(s, 'NEW.')})`)};
  END IF;`);
}

/**
 * On `into` (from cut-off on): its writes reach `table`, so the previous
 * version still sees every row. A row deleted from `into` leaves `table` only
 * while it still holds `where` there: a row the application moved back to
 * `table` (written there first) stays.
 */
export function toOldTriggerSql(s: SplitShape): string {
  const name = splitNames(s).toOld;
  const K = ident(s.key);
  return syncTriggerSql(name, s.into, 'AFTER INSERT OR UPDATE OR DELETE', `  IF TG_OP = 'DELETE' THEN
    DELETE FROM ${qualified(s.table)} WHERE ${K} = OLD.${K} AND (${s.where});
  ELSE
    ${upsert(s, s.table, `VALUES (${cols(s, 'NEW.')})`)};
  END IF;`);
}

export function dropTriggerSql(s: SplitShape, which: 'toNew' | 'toOld'): string {
  const name = splitNames(s)[which];
  return `DROP TRIGGER IF EXISTS ${ident(name)} ON ${qualified(which === 'toNew' ? s.table : s.into)};
DROP FUNCTION IF EXISTS switchback.${ident(name)}();`;
}

/** Rows of `table` holding `where` vs rows of `into`, per key range of `over`. */
export function parityChecksum(s: SplitShape, id: string, over: 'table' | 'into'): RangeChecksum {
  const K = ident(s.key);
  const range = `${K} BETWEEN $1::${s.keyType} AND $2::${s.keyType}`;
  return {
    id,
    kind: 'range-checksum',
    description: `rows of ${s.table} where ${s.where} (old) vs rows of ${s.into} (new)`,
    table: over === 'table' ? s.table : s.into,
    key: s.key,
    oldSql: `SELECT ${K}::text AS k, ${row(s, '')}::text AS v FROM ${qualified(s.table)} WHERE ${range} AND (${s.where})`,
    newSql: `SELECT ${K}::text AS k, ${row(s, '')}::text AS v FROM ${qualified(s.into)} WHERE ${range}`,
    ...bounds(over === 'table' ? s.table : s.into, s.key, s.keyType),
  };
}

/** Copy the matching rows of `table` into `into`, by key ranges of `table`, source rows locked FOR SHARE. */
export function copyToNew(s: SplitShape): BackfillSpec {
  return copyRows(s, s.table, s.into, ` AND (${s.where})`, parityChecksum(s, 'backfill-checksums', 'table'));
}

/** Copy the rows of `into` back into `table` (the way back from contract). */
export function copyToOld(s: SplitShape): BackfillSpec {
  return copyRows(s, s.into, s.table, '', parityChecksum(s, 'restore-checksums', 'into'));
}

/** Upsert the rows of `from` (those `filter` keeps) into `to`, by key ranges of `from`, source rows locked FOR SHARE. */
function copyRows(s: SplitShape, from: string, to: string, filter: string, verification: BackfillSpec['verification']): BackfillSpec {
  const K = ident(s.key);
  return {
    table: from,
    key: s.key,
    ...bounds(from, s.key, s.keyType),
    batchSql: upsert(s, to, `SELECT ${cols(s)} FROM (SELECT ${cols(s)} FROM ${qualified(from)}
     WHERE ${K} BETWEEN $1::${s.keyType} AND $2::${s.keyType}${filter} FOR SHARE) AS src`),
    countSql: estimate(from),
    verification,
  };
}

/** Remove the moved rows from `table`, in batches (contract). */
export function deleteMoved(s: SplitShape): BackfillSpec {
  const K = ident(s.key);
  return {
    table: s.table,
    key: s.key,
    ...bounds(s.table, s.key, s.keyType),
    batchSql: `DELETE FROM ${qualified(s.table)} WHERE ${K} BETWEEN $1::${s.keyType} AND $2::${s.keyType} AND (${s.where})`,
    countSql: estimate(s.table),
  };
}

/** Keys where the two sides disagree: a matching row missing, extra or different. */
export function paritySql(s: SplitShape, limit = 100): string {
  const K = ident(s.key);
  return `SELECT coalesce(o.${K}, n.${K})::text AS key, ${row(s, 'o.')}::text AS old, ${row(s, 'n.')}::text AS new
  FROM (SELECT * FROM ${qualified(s.table)} WHERE (${s.where})) AS o
  FULL JOIN ${qualified(s.into)} AS n ON n.${K} = o.${K}
 WHERE ${row(s, 'o.')} IS DISTINCT FROM ${row(s, 'n.')}
 ORDER BY 1 LIMIT ${limit}`;
}

/** Rows of `table` that still hold `where` (after contract: none). */
export function leftoverSql(s: SplitShape): string {
  return `SELECT ${ident(s.key)}::text AS key FROM ${qualified(s.table)} WHERE (${s.where}) LIMIT 20`;
}
