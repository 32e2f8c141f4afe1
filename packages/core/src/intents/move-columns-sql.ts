import type { BackfillSpec, RangeChecksum } from '../plan/plan.js';
import { ident, literal, qualified } from '../util/sql.js';

/**
 * The SQL move-columns needs, for one source → target pair. Kept apart from
 * the intent so the phase structure reads on its own. `S` is the source
 * table (holding `join` → target key), `T` the target.
 */
export interface MoveShape {
  change: string;
  source: string;
  sourceKey: string;
  sourceKeyType: string;
  join: string;
  target: string;
  targetKey: string;
  targetKeyType: string;
  columns: { name: string; type: string }[];
  /** Whether a catch-up may insert source rows (no other required column). */
  canInsertSource: boolean;
  /** Trigger names, when a shape is used in reverse (extract-columns) and the defaults would mislead. */
  names?: { toNew: string; toOld: string };
}

/** Transaction-local setting that stops the two sync triggers echoing each other. */
const SYNCING = 'switchback.syncing';

const cols = (m: MoveShape, prefix = '') => m.columns.map((c) => prefix + ident(c.name)).join(', ');
const row = (m: MoveShape, prefix: string) => `ROW(${cols(m, prefix)})`;
const assign = (m: MoveShape, from: string) => m.columns.map((c) => `${ident(c.name)} = ${from}.${ident(c.name)}`).join(', ');

/** Object names, shortened to fit PostgreSQL's 63-byte identifiers. */
export function syncNames(m: MoveShape): { toNew: string; toOld: string } {
  if (m.names) return m.names;
  const base = m.change.length > 50 ? m.change.slice(0, 50) : m.change;
  return { toNew: `${base}__to_new`, toOld: `${base}__to_old` };
}

export function addColumnsSql(m: MoveShape): string {
  const adds = m.columns.map((c) => `ADD COLUMN IF NOT EXISTS ${ident(c.name)} ${c.type}`).join(',\n  ');
  return `ALTER TABLE ${qualified(m.target)}\n  ${adds};`;
}

export function dropColumnsSql(table: string, columns: string[]): string {
  const drops = columns.map((c) => `DROP COLUMN IF EXISTS ${ident(c)}`).join(',\n  ');
  return `ALTER TABLE ${qualified(table)}\n  ${drops};`;
}

/** Trigger on the source: every insert, update or delete reaches the target. */
export function createToNewTriggerSql(m: MoveShape): string {
  const S = qualified(m.source);
  const T = qualified(m.target);
  const J = ident(m.join);
  const nulls = m.columns.map((c) => `${ident(c.name)} = NULL`).join(', ');
  return syncTriggerSql(syncNames(m).toNew, m.source, 'AFTER INSERT OR UPDATE OR DELETE', `  IF TG_OP <> 'INSERT' AND (TG_OP = 'DELETE' OR OLD.${J} IS DISTINCT FROM NEW.${J}) THEN
    UPDATE ${T} SET ${nulls}
     WHERE ${ident(m.targetKey)} = OLD.${J} AND NOT EXISTS (SELECT 1 FROM ${S} WHERE ${J} = OLD.${J});
  END IF;
  IF TG_OP <> 'DELETE' THEN
    UPDATE ${T} SET ${assign(m, 'NEW')}
     WHERE ${ident(m.targetKey)} = NEW.${J} AND ${row(m, '')} IS DISTINCT FROM ${row(m, 'NEW.')};
  END IF;`);
}

/** Trigger on the target: writes of the new shape keep the old one current. */
export function createToOldTriggerSql(m: MoveShape): string {
  const S = qualified(m.source);
  const T = qualified(m.target);
  const J = ident(m.join);
  const K = ident(m.targetKey);
  const insert = m.canInsertSource
    ? `
  IF NOT FOUND AND ${row(m, 'NEW.')} IS DISTINCT FROM ROW(${m.columns.map(() => 'NULL').join(', ')})
     AND NOT EXISTS (SELECT 1 FROM ${S} WHERE ${J} = NEW.${K}) THEN
    INSERT INTO ${S} (${J}, ${cols(m)}) VALUES (NEW.${K}, ${cols(m, 'NEW.')});
  END IF;`
    : '';
  return syncTriggerSql(syncNames(m).toOld, m.target, `AFTER INSERT OR UPDATE OF ${cols(m)}`, `  UPDATE ${S} SET ${assign(m, 'NEW')}
   WHERE ${J} = NEW.${K} AND ${row(m, '')} IS DISTINCT FROM ${row(m, 'NEW.')};${insert}`);
}

/**
 * A sync trigger on `table` running `body` for each written row, with
 * switchback.syncing set while it writes so that the trigger on the other
 * side does not echo the write back.
 */
export function syncTriggerSql(name: string, table: string, events: string, body: string): string {
  const fn = `switchback.${ident(name)}`;
  return `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $sync$
BEGIN
  IF current_setting(${literal(SYNCING)}, true) = 'on' THEN RETURN NULL; END IF;
  PERFORM set_config(${literal(SYNCING)}, 'on', true);
${body}
  PERFORM set_config(${literal(SYNCING)}, '', true);
  RETURN NULL;
END $sync$;
DROP TRIGGER IF EXISTS ${ident(name)} ON ${qualified(table)};
CREATE TRIGGER ${ident(name)} ${events} ON ${qualified(table)}
  FOR EACH ROW EXECUTE FUNCTION ${fn}();`;
}

export function dropTriggerSql(m: MoveShape, which: 'toNew' | 'toOld'): string {
  const name = syncNames(m)[which];
  const table = which === 'toNew' ? m.source : m.target;
  return `DROP TRIGGER IF EXISTS ${ident(name)} ON ${qualified(table)};
DROP FUNCTION IF EXISTS switchback.${ident(name)}();`;
}

/** Key types with min() and max(); others (uuid, say) are ordered but have no such aggregate. */
const MIN_MAX_TYPES = /^(smallint|integer|bigint|numeric|real|double precision|text|character varying|character|date|time|timestamp|interval|oid|money)\b/;

/**
 * The next range of keys after `$1` (`$2` keys at most), and the first (`$1`
 * keys): its lowest and highest key as text, and how many keys it holds.
 */
export function bounds(table: string, key: string, keyType: string) {
  const K = ident(key);
  const ends = MIN_MAX_TYPES.test(keyType)
    ? `min(${K})::text AS lo, max(${K})::text AS hi`
    : `(array_agg(${K} ORDER BY ${K}))[1]::text AS lo, (array_agg(${K} ORDER BY ${K} DESC))[1]::text AS hi`;
  return {
    boundSql: `SELECT ${ends}, count(*)::int AS n FROM (SELECT ${K} FROM ${qualified(table)} WHERE ${K} > $1::${keyType} ORDER BY ${K} LIMIT $2) AS b`,
    firstBoundSql: `SELECT ${ends}, count(*)::int AS n FROM (SELECT ${K} FROM ${qualified(table)} ORDER BY ${K} LIMIT $1) AS b`,
  };
}

export function estimate(table: string): string {
  return `SELECT CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint ELSE (SELECT count(*) FROM ${qualified(table)}) END AS n FROM pg_class c WHERE c.oid = ${literal(qualified(table))}::regclass`;
}

/** Old vs new payload per target row, over target-key ranges. */
export function parityChecksum(m: MoveShape, id: string): RangeChecksum {
  const K = ident(m.targetKey);
  const range = `t.${K} BETWEEN $1::${m.targetKeyType} AND $2::${m.targetKeyType}`;
  return {
    id,
    kind: 'range-checksum',
    description: `Per-range checksums of ${m.columns.map((c) => c.name).join(', ')}: ${m.source} (old) vs ${m.target} (new)`,
    table: m.target,
    key: m.targetKey,
    oldSql: `SELECT t.${K}::text AS k, ${row(m, 's.')}::text AS v FROM ${qualified(m.target)} AS t LEFT JOIN ${qualified(m.source)} AS s ON s.${ident(m.join)} = t.${K} WHERE ${range}`,
    newSql: `SELECT t.${K}::text AS k, ${row(m, 't.')}::text AS v FROM ${qualified(m.target)} AS t WHERE ${range}`,
    ...bounds(m.target, m.targetKey, m.targetKeyType),
  };
}

/**
 * Copy old → new by source-key ranges. The source rows are locked FOR SHARE,
 * so a concurrent write to the same row is waited for and its newest value is
 * the one copied; the target row is re-checked after any concurrent update
 * (READ COMMITTED re-evaluation), so a value a newer write put there is never
 * overwritten. https://www.postgresql.org/docs/current/transaction-iso.html
 */
export function backfillToNew(m: MoveShape, id: string): BackfillSpec {
  const SK = ident(m.sourceKey);
  return {
    table: m.source,
    key: m.sourceKey,
    ...bounds(m.source, m.sourceKey, m.sourceKeyType),
    batchSql: `UPDATE ${qualified(m.target)} AS t SET ${assign(m, 's')}
  FROM (SELECT ${ident(m.join)}, ${cols(m)} FROM ${qualified(m.source)}
         WHERE ${SK} BETWEEN $1::${m.sourceKeyType} AND $2::${m.sourceKeyType} FOR SHARE) AS s
 WHERE t.${ident(m.targetKey)} = s.${ident(m.join)} AND ${row(m, 't.')} IS DISTINCT FROM ${row(m, 's.')}`,
    countSql: estimate(m.source),
    verification: parityChecksum(m, id),
  };
}

/**
 * Clear the new columns of target rows that have no source row, by
 * target-key ranges. Values there are left from an earlier sync that a
 * rollback stopped (the trigger dropped, then the source row deleted), and
 * the copy, which visits source rows, would never reach them. It runs before
 * the copy, so a row cleared while a new source row was being written (not
 * yet visible to this batch) is filled again by the copy.
 */
export function clearOrphansInNew(m: MoveShape): BackfillSpec {
  const K = ident(m.targetKey);
  return {
    table: m.target,
    key: m.targetKey,
    ...bounds(m.target, m.targetKey, m.targetKeyType),
    batchSql: `UPDATE ${qualified(m.target)} AS t SET ${m.columns.map((c) => `${ident(c.name)} = NULL`).join(', ')}
 WHERE t.${K} BETWEEN $1::${m.targetKeyType} AND $2::${m.targetKeyType}
   AND ${row(m, 't.')} IS DISTINCT FROM ROW(${m.columns.map(() => 'NULL').join(', ')})
   AND NOT EXISTS (SELECT 1 FROM ${qualified(m.source)} AS s WHERE s.${ident(m.join)} = t.${K})`,
    countSql: estimate(m.target),
  };
}

/**
 * Copy new → old by target-key ranges (catch-up after the old shape stopped
 * receiving writes; extract-columns' backfill). A missing source row is
 * inserted, unless a concurrent write's sync trigger inserted it after this
 * statement's snapshot: that write held the target row this batch waited for
 * (FOR SHARE), so its row already holds the value the batch read, and
 * ON CONFLICT DO NOTHING keeps it instead of failing on the key.
 */
export function backfillToOld(m: MoveShape, id: string): BackfillSpec {
  const K = ident(m.targetKey);
  const J = ident(m.join);
  const S = qualified(m.source);
  const insert = m.canInsertSource
    ? `,
     added AS (INSERT INTO ${S} (${J}, ${cols(m)})
       SELECT t.${K}, ${cols(m, 't.')} FROM t
        WHERE ${row(m, 't.')} IS DISTINCT FROM ROW(${m.columns.map(() => 'NULL').join(', ')})
          AND NOT EXISTS (SELECT 1 FROM ${S} AS e WHERE e.${J} = t.${K})
       ON CONFLICT DO NOTHING
       RETURNING 1)`
    : '';
  return {
    table: m.target,
    key: m.targetKey,
    ...bounds(m.target, m.targetKey, m.targetKeyType),
    batchSql: `WITH t AS (SELECT ${K}, ${cols(m)} FROM ${qualified(m.target)}
         WHERE ${K} BETWEEN $1::${m.targetKeyType} AND $2::${m.targetKeyType} FOR SHARE),
     changed AS (UPDATE ${S} AS s SET ${assign(m, 't')} FROM t
        WHERE s.${J} = t.${K} AND ${row(m, 's.')} IS DISTINCT FROM ${row(m, 't.')}
       RETURNING 1)${insert}
SELECT 1 FROM changed${m.canInsertSource ? ' UNION ALL SELECT 1 FROM added' : ''}`,
    countSql: estimate(m.target),
    verification: parityChecksum(m, id),
  };
}

/** Rows where old and new disagree; the parity gate and verification. */
export function paritySql(m: MoveShape, limit = 100): string {
  const K = ident(m.targetKey);
  return `SELECT t.${K}::text AS key, ${row(m, 's.')}::text AS old, ${row(m, 't.')}::text AS new
  FROM ${qualified(m.target)} AS t LEFT JOIN ${qualified(m.source)} AS s ON s.${ident(m.join)} = t.${K}
 WHERE ${row(m, 't.')} IS DISTINCT FROM ${row(m, 's.')}
 ORDER BY t.${K} LIMIT ${limit}`;
}

/** Target keys with more than one source row: the move would be ambiguous. */
export function duplicateJoinSql(m: MoveShape): string {
  const J = ident(m.join);
  return `SELECT ${J}::text AS key, count(*) AS rows FROM ${qualified(m.source)} WHERE ${J} IS NOT NULL GROUP BY ${J} HAVING count(*) > 1 ORDER BY ${J} LIMIT 20`;
}

/** Source rows whose join key names no target row: nowhere to move them. */
export function orphanSql(m: MoveShape): string {
  const J = ident(m.join);
  return `SELECT s.${ident(m.sourceKey)}::text AS key, s.${J}::text AS ${J} FROM ${qualified(m.source)} AS s
 WHERE s.${J} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${qualified(m.target)} AS t WHERE t.${ident(m.targetKey)} = s.${J})
 LIMIT 20`;
}

export function missingColumnsSql(table: string, columns: string[]): string {
  const [schema, name] = table.includes('.') ? table.split('.') : ['public', table];
  return `SELECT c AS missing FROM unnest(ARRAY[${columns.map(literal).join(', ')}]) AS c
 WHERE NOT EXISTS (SELECT 1 FROM information_schema.columns
   WHERE table_schema = ${literal(schema!)} AND table_name = ${literal(name!)} AND column_name = c)`;
}

export function triggerMissingSql(table: string, trigger: string): string {
  return `SELECT ${literal(trigger)} AS missing_trigger WHERE NOT EXISTS (
  SELECT 1 FROM pg_trigger WHERE tgrelid = ${literal(qualified(table))}::regclass AND tgname = ${literal(trigger)})`;
}

/** Retired data goes to a schema of the change's own, so index and constraint names never collide. */
export function archiveSchema(m: Pick<MoveShape, 'change'>): string {
  return `switchback_archive__${m.change}`.slice(0, 63);
}

export const bareName = (table: string) => (table.includes('.') ? table.slice(table.indexOf('.') + 1) : table);
export const homeSchema = (table: string) => (table.includes('.') ? table.slice(0, table.indexOf('.')) : 'public');

/**
 * Move the source table out of the application's way, data and indexes
 * intact. Its own foreign keys are kept aside in the archive schema and
 * dropped: an archived table must not stop the new version deleting the rows
 * it referenced. The way back re-adds them NOT VALID, so rows whose parent the
 * new version deleted meanwhile do not block the rollback, while every new
 * write is checked again.
 */
export function archiveTableSql(m: Pick<MoveShape, 'change' | 'source'>): { forward: string; backward: string } {
  const A = ident(archiveSchema(m));
  const keys = `${A}.${ident('switchback_foreign_keys')}`;
  const bare = literal(bareName(m.source));
  const restored = `${ident(homeSchema(m.source))}.${ident(bareName(m.source))}`;
  return {
    forward: `CREATE SCHEMA IF NOT EXISTS ${A};
CREATE TABLE IF NOT EXISTS ${keys} (table_name text NOT NULL, constraint_name text NOT NULL, definition text NOT NULL, PRIMARY KEY (table_name, constraint_name));
DO $archive$
DECLARE k record;
BEGIN
  FOR k IN SELECT conname::text AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = ${literal(qualified(m.source))}::regclass AND contype = 'f' LOOP
    INSERT INTO ${keys} VALUES (${bare}, k.name, regexp_replace(k.def, ' NOT VALID$', '')) ON CONFLICT DO NOTHING;
    EXECUTE format('ALTER TABLE ${qualified(m.source).replace(/'/g, "''")} DROP CONSTRAINT %I', k.name);
  END LOOP;
END $archive$;
ALTER TABLE ${qualified(m.source)} SET SCHEMA ${A};`,
    backward: `ALTER TABLE ${A}.${ident(bareName(m.source))} SET SCHEMA ${ident(homeSchema(m.source))};
DO $archive$
DECLARE k record;
BEGIN
  IF to_regclass(${literal(keys)}) IS NULL THEN RETURN; END IF;
  FOR k IN SELECT constraint_name AS name, definition AS def FROM ${keys} WHERE table_name = ${bare} LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = ${literal(restored)}::regclass AND conname = k.name) THEN
      EXECUTE format('ALTER TABLE ${restored.replace(/'/g, "''")} ADD CONSTRAINT %I %s NOT VALID', k.name, k.def);
    END IF;
  END LOOP;
  DELETE FROM ${keys} WHERE table_name = ${bare};
END $archive$;`,
  };
}

/** Keep the moved columns' values, then drop them from the source. */
export function archiveColumnsSql(m: MoveShape): { forward: string; backward: string } {
  const A = `${ident(archiveSchema(m))}.${ident(bareName(m.source))}`;
  const SK = ident(m.sourceKey);
  return {
    forward: `CREATE SCHEMA IF NOT EXISTS ${ident(archiveSchema(m))};
CREATE TABLE IF NOT EXISTS ${A} AS SELECT ${SK}, ${cols(m)} FROM ${qualified(m.source)};
${dropColumnsSql(m.source, m.columns.map((c) => c.name))}`,
    // The values come back from the target by the catch-up that follows.
    backward: `ALTER TABLE ${qualified(m.source)}
  ${m.columns.map((c) => `ADD COLUMN IF NOT EXISTS ${ident(c.name)} ${c.type}`).join(',\n  ')};`,
  };
}
