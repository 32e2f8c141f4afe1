import { ident } from '@switchback/core';
import type { Queryable } from '../db/db.js';
import { RehearsalInputError } from './rehearsal-errors.js';

/**
 * What data generation and the workloads need to know about a table, read
 * from the catalog: column types (with the type's category, to pick values),
 * keys, foreign keys with their targets, unique sets and simple CHECK lists.
 */
export interface CatalogTable {
  /** Unqualified in `public`, `schema.name` elsewhere (as readSchema keys tables). */
  name: string;
  /** The table as SQL, quoted. */
  sql: string;
  columns: CatalogColumn[];
  primaryKey: string[];
  foreignKeys: CatalogForeignKey[];
  /** Column sets under a UNIQUE constraint or unique index (the primary key excluded). */
  unique: string[][];
  /** CHECK constraints the generated values do not meet by construction (not a simple list): the workloads pick rows that hold them. */
  checks?: CatalogCheck[];
  /** For a view over one table: that table. */
  view?: string;
}

export interface CatalogColumn {
  name: string;
  /** `format_type`, usable as a cast: `character varying(20)`. */
  type: string;
  /** pg_type.typcategory: N numeric, S string, B boolean, D date/time, E enum, U user (uuid, json…), A array. */
  category: string;
  /** False under NOT NULL, and under a CHECK that a NULL fails (`(tier = 'platinum') IS TRUE`). */
  nullable: boolean;
  default: string | null;
  /** Filled by the database: identity, generated, or a sequence default. */
  auto: boolean;
  /** Values allowed by a simple `CHECK (col IN (...))` or `CHECK (col = value)`, or an enum's values. */
  allowed?: string[];
  /** Inclusive bounds of an integer column under a CHECK of comparisons with numbers (`BETWEEN 1 AND 100`, `> 0`). */
  range?: IntegerRange;
}

export interface CatalogCheck {
  /** The condition, as SQL over the table's columns: `((label > 'm'::text) IS TRUE)`. */
  expr: string;
  columns: string[];
}

/** SQL that holds when every one of `checks` does: `(a) AND (b)`. */
export function holdSql(checks: CatalogCheck[]): string {
  return checks.map((k) => `(${k.expr})`).join(' AND ');
}

export interface CatalogForeignKey {
  columns: string[];
  table: string;
  references: string[];
}

export type Catalog = Map<string, CatalogTable>;


/**
 * Read every application table (the schemas readSchema reads). With
 * `views`, also each view over one table (a compatibility view, as a rename
 * leaves behind), described by the columns, keys and constraints of its
 * table that it shows: an app writes through such a view as through the table.
 */
export async function readCatalog(db: Queryable, o: { views?: boolean } = {}): Promise<Catalog> {
  const appSchemas = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'switchback') AND n.nspname NOT LIKE 'switchback\\_archive%' AND n.nspname NOT LIKE 'pg\\_%'`;
  const { rows: cols } = await db.query<{ schema: string; table: string; column: string; type: string; category: string; notnull: boolean; def: string | null; auto: boolean; pk: boolean }>(`
SELECT n.nspname AS schema, c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
       t.typcategory::text AS category, a.attnotnull AS notnull, pg_get_expr(d.adbin, d.adrelid) AS def,
       (a.attgenerated <> '' OR a.attidentity <> '' OR coalesce(pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false)) AS auto,
       EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary AND a.attnum = ANY (i.indkey)) AS pk
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
 WHERE c.relkind IN ('r', 'p') AND ${appSchemas}
 ORDER BY n.nspname, c.relname, a.attnum`);
  const catalog: Catalog = new Map();
  const key = (schema: string, table: string) => (schema === 'public' ? table : `${schema}.${table}`);
  for (const r of cols) {
    const name = key(r.schema, r.table);
    let t = catalog.get(name);
    if (!t) catalog.set(name, (t = { name, sql: r.schema === 'public' ? ident(r.table) : `${ident(r.schema)}.${ident(r.table)}`, columns: [], primaryKey: [], foreignKeys: [], unique: [] }));
    t.columns.push({ name: r.column, type: r.type, category: r.category, nullable: !r.notnull, default: r.def, auto: r.auto });
    if (r.pk) t.primaryKey.push(r.column);
  }
  const { rows: cons } = await db.query<{ schema: string; table: string; kind: string; columns: string[]; ref_schema: string | null; ref_table: string | null; ref_columns: string[] | null; def: string }>(`
SELECT n.nspname AS schema, c.relname AS table, k.contype::text AS kind,
       ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY AS u(n, o) JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o) AS columns,
       rn.nspname AS ref_schema, rc.relname AS ref_table,
       ARRAY(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY AS u(n, o) JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.o) AS ref_columns,
       pg_get_constraintdef(k.oid) AS def
  FROM pg_constraint k
  JOIN pg_class c ON c.oid = k.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_class rc ON rc.oid = k.confrelid
  LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
 WHERE k.contype IN ('f', 'u', 'c') AND ${appSchemas}
UNION ALL
SELECT n.nspname, c.relname, 'u', ARRAY(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY AS u(n, o) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.n ORDER BY u.o),
       NULL, NULL, NULL, ''
  FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE i.indisunique AND NOT i.indisprimary AND i.indexprs IS NULL AND i.indpred IS NULL AND ${appSchemas}
   AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`);
  for (const r of cons) {
    const t = catalog.get(key(r.schema, r.table));
    if (!t) continue;
    if (r.kind === 'f') t.foreignKeys.push({ columns: r.columns, table: key(r.ref_schema!, r.ref_table!), references: r.ref_columns! });
    else if (r.kind === 'u') t.unique.push(r.columns);
    else {
      const checked = r.columns.length === 1 ? checkedValues(r.def) : undefined;
      const col = t.columns.find((c) => c.name === r.columns[0]);
      const range = r.columns.length === 1 && col && INTEGER_TYPES.includes(col.type) ? checkedRange(r.def) : undefined;
      if (checked && col) {
        col.allowed = checked.values;
        if (checked.notNull) col.nullable = false;
      } else if (range && col) {
        col.range = { ...col.range, ...range };
      } else {
        const expr = checkCondition(r.def);
        if (expr) (t.checks ??= []).push({ expr, columns: r.columns });
      }
    }
  }
  // An enum column's values, as of this reading: the workloads of a change that adds one keep to the values before.
  const { rows: enums } = await db.query<{ type: string; labels: string[] }>(`SELECT format_type(e.enumtypid, NULL) AS type, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels FROM pg_enum e GROUP BY e.enumtypid`);
  const labels = new Map(enums.map((e) => [e.type, e.labels]));
  for (const t of catalog.values()) for (const c of t.columns) if (c.category === 'E' && !c.allowed) c.allowed = labels.get(c.type);
  if (o.views) await addViews(db, catalog, appSchemas, key);
  return catalog;
}

async function addViews(db: Queryable, catalog: Catalog, appSchemas: string, key: (schema: string, table: string) => string): Promise<void> {
  const { rows } = await db.query<{ schema: string; view: string; base_schema: string; base: string; columns: string[] }>(`
SELECT n.nspname AS schema, v.relname AS view, min(bn.nspname) AS base_schema, min(b.relname) AS base,
       ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = v.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) AS columns
  FROM pg_class v
  JOIN pg_namespace n ON n.oid = v.relnamespace
  JOIN pg_rewrite r ON r.ev_class = v.oid
  JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> v.oid
  JOIN pg_class b ON b.oid = d.refobjid AND b.relkind IN ('r', 'p')
  JOIN pg_namespace bn ON bn.oid = b.relnamespace
 WHERE v.relkind = 'v' AND ${appSchemas}
 GROUP BY n.nspname, v.relname, v.oid
HAVING count(DISTINCT b.oid) = 1`);
  for (const r of rows) {
    const base = catalog.get(key(r.base_schema, r.base));
    if (!base || !r.columns.every((c) => base.columns.some((x) => x.name === c))) continue;
    const shown = (cs: string[]) => cs.every((c) => r.columns.includes(c));
    const name = key(r.schema, r.view);
    catalog.set(name, {
      name,
      sql: r.schema === 'public' ? ident(r.view) : `${ident(r.schema)}.${ident(r.view)}`,
      columns: r.columns.map((c) => base.columns.find((x) => x.name === c)!),
      primaryKey: shown(base.primaryKey) ? base.primaryKey : [],
      foreignKeys: base.foreignKeys.filter((f) => shown(f.columns)),
      unique: base.unique.filter(shown),
      ...(base.checks ? { checks: base.checks.filter((c) => shown(c.columns)) } : {}),
      view: base.name,
    });
  }
}

/**
 * What a one-column CHECK as PostgreSQL prints it allows: the values of a
 * list (see allowedValues) or of one equality (`CHECK ((tier = 'platinum'::text))`),
 * and whether a NULL fails it too (`CHECK (((tier = 'platinum'::text) IS TRUE))`).
 * Undefined for any other check, which the generated values do not try to meet.
 */
export function checkedValues(def: string): { values: string[]; notNull: boolean } | undefined {
  const expr = checkCondition(def);
  if (expr === undefined) return undefined;
  const isTrue = /^\((.*)\) IS TRUE$/s.exec(unwrap(expr))?.[1];
  const inner = unwrap(isTrue ?? expr);
  // The column itself (`tier`, `(kind)::text`) on the left: not an expression of it.
  const equal = /^\(?"?[A-Za-z_][\w$]*"?\)?(?:::[a-z ]+(?:\([\d, ]+\))?)? = (?:'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?))(?:::[a-z ]+(?:\([\d, ]+\))?)?$/i.exec(inner);
  const values = equal ? [equal[1]?.replace(/''/g, "'") ?? equal[2]!] : allowedValues(def);
  return values ? { values, notNull: isTrue !== undefined } : undefined;
}

export interface IntegerRange {
  lo?: number;
  hi?: number;
}

const INTEGER_TYPES = ['smallint', 'integer', 'bigint'];

/**
 * The bounds of a CHECK on one integer column made of comparisons with
 * integers, as PostgreSQL prints it: `CHECK (((qty >= 1) AND (qty <= 100)))`
 * (a BETWEEN) → { lo: 1, hi: 100 }; `CHECK ((qty > 0))` → { lo: 1 }.
 * Undefined for anything else.
 */
export function checkedRange(def: string): IntegerRange | undefined {
  const expr = checkCondition(def);
  if (expr === undefined) return undefined;
  // Comparisons joined by AND only, however PostgreSQL nests their parentheses.
  const flat = expr.replace(/[()]/g, ' ').trim();
  if (/\b(?:OR|NOT|IS)\b/i.test(flat)) return undefined;
  const range: IntegerRange = {};
  for (const term of flat.split(/\s+AND\s+/i).map((x) => x.trim())) {
    const m = /^"?[A-Za-z_][\w$]*"?\s*(>=|>|<=|<)\s*(\d+)(?:::[a-z ]+)?$/i.exec(term);
    if (!m) return undefined;
    const n = Number(m[2]);
    if (m[1] === '>=' || m[1] === '>') range.lo = Math.max(range.lo ?? -Infinity, m[1] === '>' ? n + 1 : n);
    else range.hi = Math.min(range.hi ?? Infinity, m[1] === '<' ? n - 1 : n);
  }
  return range;
}

/** The condition of a CHECK as pg_get_constraintdef prints it: `CHECK ((a > 0)) NOT VALID` → `(a > 0)`. */
function checkCondition(def: string): string | undefined {
  return /^CHECK \((.*)\)(?: NOT VALID)?$/s.exec(def.trim())?.[1];
}

/** An expression without the parentheses around all of it: `((a = 1))` → `a = 1`, `(a) OR (b)` unchanged. */
function unwrap(expr: string): string {
  let e = expr.trim();
  while (e.startsWith('(') && closing(e) === e.length - 1) e = e.slice(1, -1).trim();
  return e;
}

/** Index of the parenthesis closing the one at 0, skipping string literals. */
function closing(e: string): number {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < e.length; i++) {
    const c = e[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')' && --depth === 0) return i;
  }
  return -1;
}

/**
 * The values of a simple list check as PostgreSQL prints it:
 * `CHECK ((tier = ANY (ARRAY['gold'::text, 'silver'::text])))` or `CHECK ((tier IN ('a', 'b')))`.
 */
export function allowedValues(def: string): string[] | undefined {
  const list = /=\s*ANY\s*\(\s*(?:\()?ARRAY\[(.*)\]/i.exec(def)?.[1] ?? /\bIN\s*\((.*)\)\s*\)/i.exec(def)?.[1];
  if (!list) return undefined;
  const values = [...list.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replace(/''/g, "'"));
  return values.length ? values : undefined;
}

/** Tables in an order where every table comes after the tables it references (self-references aside). */
export function parentsFirst(catalog: Catalog, names: Iterable<string>): string[] {
  const wanted = new Set(names);
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new RehearsalInputError(`The foreign keys of ${[...path, name].join(' → ')} form a cycle, so no table can be filled first. Rehearse against a schema where one of them is nullable or deferred.`);
    state.set(name, 'visiting');
    for (const fk of catalog.get(name)?.foreignKeys ?? []) if (fk.table !== name && catalog.has(fk.table)) visit(fk.table, [...path, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const n of wanted) visit(n, []);
  return order;
}

/**
 * `"id" = $2::integer`: a column compared with a parameter given as text, as
 * its own type, so an index on it answers (`"id"::text = $2` reads the whole
 * table). With `any`, the parameter is an array: `"id" = ANY($1::integer[])`.
 */
export function equalsParam(t: CatalogTable, column: string, param: number, any = false): string {
  const type = t.columns.find((c) => c.name === column)?.type;
  if (!type) return any ? `${ident(column)}::text = ANY($${param}::text[])` : `${ident(column)}::text = $${param}`;
  return any ? `${ident(column)} = ANY($${param}::${type}[])` : `${ident(column)} = $${param}::${type}`;
}
