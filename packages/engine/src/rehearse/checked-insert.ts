import { ident } from '@switchback/core';
import { holdSql, type CatalogCheck, type CatalogTable } from './rehearsal-catalog.js';
import { isUnique } from './generate-data.js';

/** Rows drawn per insert into a table with CHECKs the values do not meet by construction. */
export const CANDIDATES = 64;

/**
 * The row number a column's generated value follows: the insert's own
 * (`$1`), or, under `checks` the generated values may fail, one of
 * CANDIDATES rows (`g`) for the columns that need not be unique, so that
 * `checkedInsertSql` can keep one that holds them.
 */
export function rowNumber(t: CatalogTable, checks: CatalogCheck[], column: string): string {
  // A step coprime to the hash's modulus (1000003), so every candidate hashes apart; small, so no value overflows.
  return checks.length && !isUnique(t, column) ? `($1::bigint + g * 7919)` : '$1::bigint';
}

/**
 * `INSERT … SELECT` of one generated row. Under the table's CHECKs over the
 * written columns (`checks`), the first of CANDIDATES generated rows that
 * holds them all (a split's predicate, `price > 0`): none holding them
 * inserts nothing, which the caller reports.
 */
export function checkedInsertSql(target: string, columns: string[], exprs: string[], checks: CatalogCheck[], returning: string): string {
  const names = columns.map(ident);
  // Every value from a parent row: the row number is not needed, but its parameter must still have a type.
  const typed = exprs.some((e) => /\$1\b/.test(e)) ? '' : '$1::bigint IS NOT NULL';
  if (!checks.length) return `INSERT INTO ${target} (${names.join(', ')}) SELECT ${exprs.join(', ')}${typed && ` WHERE ${typed}`} RETURNING ${returning}`;
  const candidates = `SELECT ${exprs.map((e, k) => `${e} AS ${names[k]}`).join(', ')} FROM generate_series(0, ${CANDIDATES - 1}) AS g`;
  return `INSERT INTO ${target} (${names.join(', ')}) SELECT ${names.join(', ')} FROM (${candidates}) AS candidate WHERE ${holdSql(checks)}${typed && ` AND ${typed}`} LIMIT 1 RETURNING ${returning}`;
}
