import { ident } from '@switchback/core';
import type { Queryable } from '../db/db.js';
import { holdSql, parentsFirst, type Catalog, type CatalogColumn, type CatalogTable, type IntegerRange } from './rehearsal-catalog.js';
import { RehearsalInputError, UnsupportedColumnTypeError } from './rehearsal-errors.js';

export const DEFAULT_REHEARSAL_ROWS = 10_000;
export const DEFAULT_REHEARSAL_SEED = 1;

/** Under CHECKs the generated values do not meet by construction, rows drawn per row kept. */
export const CHECKED_DRAWS = 20;

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** A column of the key or of a unique set: its value follows the row number, so the set is unique as a whole. */
export function isUnique(table: CatalogTable, column: string): boolean {
  return table.unique.some((u) => u.includes(column)) || table.primaryKey.includes(column);
}

/**
 * A SQL expression for a value of `col` in row `i` (a bigint SQL expression),
 * deterministic in (`seed`, column, i) and valid for the column: its type,
 * a simple CHECK list, and uniqueness of the key and of every unique set.
 * Undefined when the database should fill it (serial, identity, generated).
 * The workloads use the same expressions, so what they write is valid too.
 */
export function valueSql(table: CatalogTable, col: CatalogColumn, i: string, seed: number, o: { notNull?: boolean } = {}): string | undefined {
  if (col.auto) return undefined;
  const idx = table.columns.indexOf(col);
  const h = `(((${i}) * 2654435761 + ${(seed * 7919 + idx * 104729) % 1_000_003}) % 1000003)`;
  const unique = isUnique(table, col.name);
  const expr = typedValue(table, col, unique ? `(${i})` : h, i, seed);
  if (expr === undefined) {
    if (col.nullable) return 'NULL';
    if (col.default !== null) return undefined;
    throw new UnsupportedColumnTypeError(table.name, col.name, col.type);
  }
  // Some NULLs in every nullable column, so NULL handling is exercised too (unless the app never writes NULL there).
  if (col.nullable && !unique && !o.notNull) return `CASE WHEN ((${i}) * 31 + ${idx}) % 10 = 0 THEN NULL ELSE ${expr} END`;
  return expr;
}

function typedValue(table: CatalogTable, col: CatalogColumn, n: string, i: string, seed: number): string | undefined {
  const cast = `::${col.type}`;
  if (col.allowed?.length) return `(ARRAY[${col.allowed.map(literal).join(', ')}])[1 + ${n} % ${col.allowed.length}]${cast}`;
  const t = col.type.toLowerCase();
  const length = /\((\d+)\)/.exec(t)?.[1];
  const tag = `${seed}:${table.name}.${col.name}:`;
  switch (col.category) {
    case 'N':
      if (col.range) return rangedValue(col.range, n, cast, isUnique(table, col.name));
      if (t === 'smallint') return `(${n} % 30000)::smallint`;
      if (t.startsWith('numeric') || t === 'real' || t === 'double precision' || t === 'money') return `((${n} % 10000) / 100.0)${cast}`;
      return `(${n})${cast}`;
    case 'S':
      return length ? `left(${literal(`${col.name}-`)} || ${n}, ${length})${cast}` : `(${literal(`${col.name}-`)} || ${n})${cast}`;
    case 'B':
      return `(${n} % 2 = 0)`;
    case 'D':
      if (t === 'date') return `(date '2020-01-01' + (${n} % 3650)::int)`;
      if (t.startsWith('time ') || t === 'time' || t.startsWith('time(')) return `(time '00:00' + (${n} % 86400) * interval '1 second')${cast}`;
      return `(timestamptz '2020-01-01 00:00:00+00' + (${n} % 100000000) * interval '1 second')${cast}`;
    case 'T':
      return `((${n} % 100000) * interval '1 minute')${cast}`;
    case 'E':
      return `(enum_range(NULL${cast}))[1 + ${n} % cardinality(enum_range(NULL${cast}))]`;
    case 'U':
      if (t === 'uuid') return `md5(${literal(tag)} || (${i}))::uuid`;
      if (t === 'json' || t === 'jsonb') return `jsonb_build_object('n', ${n})${cast}`;
      if (t === 'bytea') return `decode(md5(${literal(tag)} || (${i})), 'hex')`;
      return undefined;
    default:
      return undefined;
  }
}

/** An integer within a CHECK's bounds (`n` is the row's number, or its hash). */
function rangedValue(r: IntegerRange, n: string, cast: string, unique: boolean): string {
  if (r.lo !== undefined && r.hi !== undefined) return `(${r.lo} + (${n}) % ${Math.max(1, r.hi - r.lo + 1)})${cast}`;
  // Open on one side: a unique column follows the row number (every value apart); others stay near the bound.
  const spread = unique ? `(${n})` : `(${n}) % 30000`;
  return r.lo !== undefined ? `(${r.lo} + ${spread})${cast}` : `(${r.hi} - ${spread})${cast}`;
}

export interface GeneratedTable {
  table: string;
  rows: number;
  ms: number;
}

/**
 * Fill every table with `rows` rows in bulk (`INSERT … SELECT … FROM
 * generate_series`), parents first. A foreign key's row i references the
 * parent's row ((i - 1) mod parents) + 1 in key order: with equal row counts
 * that is one child per parent, which satisfies one-to-one and one-to-many
 * schemas alike (and the plans that require at most one child per parent).
 */
export async function generateData(db: Queryable, catalog: Catalog, o: { rows: number; seed: number; onTable?: (t: GeneratedTable) => void }): Promise<GeneratedTable[]> {
  const done: GeneratedTable[] = [];
  for (const name of parentsFirst(catalog, catalog.keys())) {
    const t0 = Date.now();
    const table = catalog.get(name)!;
    const sql = await insertSql(db, catalog, table, o.rows, o.seed);
    let made: number;
    try {
      made = (await db.query(sql)).rowCount;
    } catch (e) {
      throw new RehearsalInputError(`Could not generate rows for ${name}: ${e instanceof Error ? e.message : String(e)}. Rehearse against a schema (--schema) without the constraint that refuses them.`);
    }
    if (made < o.rows) {
      const checks = table.checks?.map((k) => k.expr).join(' AND ');
      throw new RehearsalInputError(checks ? `Could generate only ${made} of ${o.rows} rows of ${name} that hold CHECK ${checks} (from ${o.rows * CHECKED_DRAWS} drawn). Rehearse with fewer --rows, or against a schema (--schema) with a looser CHECK.` : `Could generate only ${made} of ${o.rows} rows of ${name}: a table it references has no rows.`);
    }
    done.push({ table: name, rows: o.rows, ms: Date.now() - t0 });
    o.onTable?.(done[done.length - 1]!);
  }
  // Statistics for the plan's estimates (countSql reads reltuples) and for the planner.
  await db.exec(`ANALYZE ${[...catalog.values()].map((t) => t.sql).join(', ')}`);
  return done;
}

async function insertSql(db: Queryable, catalog: Catalog, table: CatalogTable, rows: number, seed: number): Promise<string> {
  const names: string[] = [];
  const exprs: string[] = [];
  const joins: ((row: string) => string)[] = [];
  const byFk = new Map<string, string>();
  for (const [k, fk] of table.foreignKeys.entries()) {
    const parent = catalog.get(fk.table);
    const selfRef = fk.table === table.name;
    const nullable = fk.columns.every((c) => table.columns.find((x) => x.name === c)?.nullable);
    if (selfRef || !parent) {
      if (!nullable) throw new UnsupportedColumnTypeError(table.name, fk.columns.join(', '), `a ${selfRef ? 'self-referencing' : 'foreign'} key`);
      for (const c of fk.columns) byFk.set(c, 'NULL');
      continue;
    }
    const { rows: n } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${parent.sql}`);
    const count = Math.max(1, n[0]!.n);
    const alias = `p${k}`;
    const refs = fk.references.map(ident).join(', ');
    joins.push((row) => `JOIN (SELECT ${refs}, row_number() OVER (ORDER BY ${refs}) AS rn FROM ${parent.sql}) AS ${alias} ON ${alias}.rn = (${row} - 1) % ${count} + 1`);
    fk.columns.forEach((c, j) => byFk.set(c, `${alias}.${ident(fk.references[j]!)}`));
  }
  const columns: string[] = [];
  for (const col of table.columns) {
    const v = byFk.get(col.name) ?? valueSql(table, col, 'g.i', seed);
    if (v === undefined) continue;
    columns.push(col.name);
    names.push(ident(col.name));
    exprs.push(v);
  }
  const own = columns.filter((c) => !byFk.has(c));
  if (!names.length) return `INSERT INTO ${table.sql} SELECT FROM generate_series(1, ${rows})`;
  const checks = (table.checks ?? []).filter((k) => k.columns.every((c) => own.includes(c)));
  if (!checks.length) return `INSERT INTO ${table.sql} (${names.join(', ')})\nSELECT ${exprs.join(',\n       ')}\n  FROM generate_series(1, ${rows}) AS g(i)\n  ${joins.map((j) => j('g.i')).join('\n  ')}`;
  // CHECKs the values do not meet by construction: draw more rows, keep the first that hold them, and give the
  // kept rows their parents by their rank (one child per parent still).
  const drawn = `SELECT ${exprs.flatMap((e, k) => (own.includes(columns[k]!) ? [`${e} AS ${names[k]}`] : [])).join(', ')}, g.i AS "__draw" FROM generate_series(1, ${rows * CHECKED_DRAWS}) AS g(i)`;
  const kept = `SELECT *, row_number() OVER (ORDER BY "__draw") AS "__rank" FROM (SELECT * FROM (${drawn}) AS drawn WHERE ${holdSql(checks)} ORDER BY "__draw" LIMIT ${rows}) AS kept`;
  const values = names.map((n, k) => (own.includes(columns[k]!) ? `k.${n}` : exprs[k]!));
  return `INSERT INTO ${table.sql} (${names.join(', ')})\nSELECT ${values.join(', ')}\n  FROM (${kept}) AS k\n  ${joins.map((j) => j('k."__rank"')).join('\n  ')}`;
}
