import type { IndexModel } from '../schema/schema-model.js';
import { ident, literal, qualified } from '../util/sql.js';
import type { ColumnPair } from './column-sync-sql.js';
import { createSyncTriggerSql, dropSyncTriggerSql, notNullCheckName } from './column-sync-sql.js';

/**
 * The column names of a type change: `column` is what the application uses
 * throughout; `shadow` holds the new type until the swap, `retired` the old
 * type after it, until contract.
 */
export interface TypeChange {
  change: string;
  table: string;
  schema: string;
  key: string;
  keyType: string;
  column: string;
  oldType: string;
  newType: string;
  shadow: string;
  retired: string;
  default: string | null;
  notNull: boolean;
  /** The sequence the default draws from (`nextval('…'::regclass)`), as SQL. */
  sequence?: string;
  /** Indexes on the column; `constraint` ones back a PRIMARY KEY or UNIQUE constraint. */
  indexes: IndexModel[];
}

/** Where the indexes of a column live, for rebuilding them on another column. */
export type IndexedColumn = Pick<TypeChange, 'schema' | 'table' | 'column'>;

const T = (c: Pick<TypeChange, 'table'>) => qualified(c.table);
const bare = (name: string) => (name.includes('.') ? name.slice(name.indexOf('.') + 1) : name);
const cast = (type: string) => (x: string) => `(${x})::${type}`;

/** Before the swap: the application's column is old, the shadow new. */
export function beforeSwap(c: TypeChange): ColumnPair {
  return { change: c.change, table: c.table, key: c.key, keyType: c.keyType, from: c.column, to: c.shadow, toNew: cast(c.newType), toOld: cast(c.oldType) };
}

/** After the swap: the application's column is new, the retired one old. */
export function afterSwap(c: TypeChange): ColumnPair {
  return { change: c.change, table: c.table, key: c.key, keyType: c.key === c.column ? c.newType : c.keyType, from: c.retired, to: c.column, toNew: cast(c.newType), toOld: cast(c.oldType) };
}

/** An index's name with a suffix, within 63 bytes, in the table's schema. */
export function indexName(c: IndexedColumn, index: IndexModel, suffix: '' | '__new' | '__old'): { bare: string; qualified: string } {
  const name = bare(index.name).slice(0, 63 - suffix.length) + suffix;
  return { bare: name, qualified: qualified(c.schema === 'public' ? name : `${c.schema}.${name}`) };
}

/** Drop a half-built index of that name, then build it concurrently over `column` in place of the changing one. */
export function buildIndexStatements(c: IndexedColumn, index: IndexModel, suffix: '' | '__new' | '__old', column: string): string[] {
  const name = indexName(c, index, suffix);
  const cols = index.columns.map((x) => ident(x === c.column ? column : x)).join(', ');
  const method = index.method && index.method !== 'btree' ? ` USING ${index.method}` : '';
  const where = index.predicate ? ` WHERE ${index.predicate}` : '';
  return [
    `DROP INDEX CONCURRENTLY IF EXISTS ${name.qualified};`,
    `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY ${ident(name.bare)} ON ${T(c)}${method} (${cols})${where};`,
  ];
}

export function dropIndexStatements(c: IndexedColumn, indexes: IndexModel[], suffix: '__new' | '__old'): string[] {
  return indexes.map((i) => `DROP INDEX CONCURRENTLY IF EXISTS ${indexName(c, i, suffix).qualified};`);
}

/** Put `to` in the application's place and `away` aside, in one transaction; constraints move to the indexes built on `to`. */
function swapSql(c: TypeChange, o: { away: string; to: string; builtSuffix: '__new' | '__old'; toType: string; trigger: { drop: ColumnPair; create: ColumnPair } }): string {
  const lines = [
    dropSyncTriggerSql(o.trigger.drop),
    `ALTER TABLE ${T(c)} RENAME COLUMN ${ident(c.column)} TO ${ident(o.away)};`,
    `ALTER TABLE ${T(c)} RENAME COLUMN ${ident(o.to)} TO ${ident(c.column)};`,
  ];
  if (c.default) lines.push(`ALTER TABLE ${T(c)} ALTER COLUMN ${ident(o.away)} DROP DEFAULT, ALTER COLUMN ${ident(c.column)} SET DEFAULT ${c.default};`);
  if (c.sequence) {
    // A sequence created AS integer stops at 2^31-1 whatever the column holds.
    if (o.toType === c.newType && /^(bigint|int8)$/i.test(c.newType)) lines.push(`ALTER SEQUENCE ${c.sequence} AS bigint;`);
    lines.push(`ALTER SEQUENCE ${c.sequence} OWNED BY ${T(c)}.${ident(c.column)};`);
  }
  if (c.notNull) {
    lines.push(`ALTER TABLE ${T(c)} ALTER COLUMN ${ident(c.column)} SET NOT NULL;`);
    lines.push(`ALTER TABLE ${T(c)} DROP CONSTRAINT IF EXISTS ${ident(notNullCheckName(c.table, c.shadow))};`);
  }
  for (const i of c.indexes.filter((x) => x.constraint)) {
    const con = i.constraint!;
    lines.push(`ALTER TABLE ${T(c)} DROP CONSTRAINT ${ident(con.name)},\n  ADD CONSTRAINT ${ident(con.name)} ${con.type === 'primary-key' ? 'PRIMARY KEY' : 'UNIQUE'} USING INDEX ${ident(indexName(c, i, o.builtSuffix).bare)};`);
  }
  lines.push(createSyncTriggerSql(o.trigger.create));
  return lines.join('\n');
}

export function swapForwardSql(c: TypeChange): string {
  return swapSql(c, { away: c.retired, to: c.shadow, builtSuffix: '__new', toType: c.newType, trigger: { drop: beforeSwap(c), create: afterSwap(c) } });
}

export function swapBackwardSql(c: TypeChange): string {
  return swapSql(c, { away: c.shadow, to: c.retired, builtSuffix: '__old', toType: c.oldType, trigger: { drop: afterSwap(c), create: beforeSwap(c) } });
}

/**
 * What must not depend on the column for the swap to be safe: foreign keys
 * (either way), CHECK and EXCLUDE constraints, and views, which all follow
 * the old column through its rename and would keep using the old type.
 */
export function dependentsSql(c: Pick<TypeChange, 'table' | 'column'>): string {
  const rel = `${literal(T(c))}::regclass`;
  const att = `(SELECT attnum FROM pg_attribute WHERE attrelid = ${rel} AND attname = ${literal(c.column)})`;
  return `SELECT 'constraint ' || conname AS dependent FROM pg_constraint
 WHERE (conrelid = ${rel} AND contype IN ('f', 'c', 'x') AND ${att} = ANY (conkey))
    OR (confrelid = ${rel} AND ${att} = ANY (confkey))
UNION ALL
SELECT DISTINCT 'view ' || r.ev_class::regclass::text FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
 WHERE d.refobjid = ${rel} AND d.refobjsubid = ${att} AND r.ev_class <> ${rel}`;
}

/** Values that do not survive the round trip old → new → old (a narrowing cast truncates silently). */
export function lossyValuesSql(c: TypeChange, limit = 20): string {
  const O = ident(c.column);
  return `SELECT ${ident(c.key)}::text AS key, ${O}::text AS value FROM ${T(c)}
 WHERE ${O} IS NOT NULL AND ((${O})::${c.newType})::${c.oldType} IS DISTINCT FROM ${O} LIMIT ${limit}`;
}

/** One row when the column does not have `type`. */
export function typeIsNotSql(c: TypeChange, column: string, type: string): string {
  return `SELECT ${literal(column)} AS column_type_differs FROM pg_attribute
 WHERE attrelid = ${literal(T(c))}::regclass AND attname = ${literal(column)} AND NOT attisdropped
   AND format_type(atttypid, atttypmod) <> format_type(${literal(type)}::regtype, NULL)
   AND format_type(atttypid, atttypmod) <> ${literal(type)}`;
}

/** Indexes of these names that are missing or invalid. */
export function invalidIndexesSql(qualifiedNames: string[]): string {
  return `SELECT n AS invalid_index FROM unnest(ARRAY[${qualifiedNames.map(literal).join(', ')}]::text[]) AS n
 WHERE NOT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass(n) AND indisvalid)`;
}

/** Indexes that use the column in an expression or predicate: they cannot be rebuilt on another column by name. */
export function unmovableIndexes(indexes: IndexModel[], table: string, column: string): { index: IndexModel; where: 'expression' | 'index predicate' }[] {
  const word = new RegExp(`\\b${column}\\b`);
  return indexes
    .filter((i) => i.table === table && i.valid !== false)
    .flatMap((index): { index: IndexModel; where: 'expression' | 'index predicate' }[] => {
      if (index.columns.some((x) => x.startsWith('(') && word.test(x))) return [{ index, where: 'expression' }];
      if (index.predicate && word.test(index.predicate)) return [{ index, where: 'index predicate' }];
      return [];
    });
}

/** The names of these indexes with a suffix, schema-qualified as `to_regclass` takes them. */
export function regclassNames(c: IndexedColumn, indexes: IndexModel[], suffix: '' | '__new'): string[] {
  return indexes.map((i) => (c.schema === 'public' ? '' : `${c.schema}.`) + indexName(c, i, suffix).bare);
}
