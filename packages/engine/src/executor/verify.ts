import type { QueryEmptyVerification, RangeChecksum, Verification } from '@switchback/core';
import type { Db } from '../db/db.js';
import { ownSql } from '../due/statement-counts.js';
import { nextRange } from '../backfill/backfill-runner.js';

export const CHECKSUM_RANGE_ROWS = 10_000;
/** Mismatches kept as evidence; all are counted. */
export const MAX_LISTED_MISMATCHES = 100;

export interface Mismatch {
  key: string;
  old: string | null;
  new: string | null;
}

export interface VerificationResult {
  id: string;
  kind: Verification['kind'];
  description: string;
  ok: boolean;
  /** Violating rows (query-empty) or differing rows (range-checksum), up to MAX_LISTED_MISMATCHES. */
  mismatches: unknown[];
  mismatchCount: number;
  rangesChecked?: number;
  rangesDiffering?: number;
  rowsChecked?: number;
}

export async function runVerification(db: Db, v: Verification): Promise<VerificationResult> {
  return v.kind === 'query-empty' ? queryEmpty(db, v) : rangeChecksum(db, v);
}

async function queryEmpty(db: Db, v: QueryEmptyVerification): Promise<VerificationResult> {
  const { rows } = await db.query(ownSql(v.sql));
  return { id: v.id, kind: v.kind, description: v.description, ok: rows.length === 0, mismatches: rows.slice(0, MAX_LISTED_MISMATCHES), mismatchCount: rows.length };
}

/**
 * Compare old and new range by range: count and md5 of each side's rows in
 * one REPEATABLE READ snapshot, so concurrent writes cannot fake a mismatch;
 * a differing range is read row by row and every differing key listed.
 */
async function rangeChecksum(db: Db, v: RangeChecksum, rangeRows = CHECKSUM_RANGE_ROWS): Promise<VerificationResult> {
  const sum = (sql: string) => `SELECT count(*)::int AS n, md5(coalesce(string_agg(x.k || '=' || x.v, ',' ORDER BY x.k), '')) AS h FROM (${sql}) AS x`;
  const result: VerificationResult = { id: v.id, kind: v.kind, description: v.description, ok: true, mismatches: [], mismatchCount: 0, rangesChecked: 0, rangesDiffering: 0, rowsChecked: 0 };
  let last: string | null = null;
  for (;;) {
    const range = await nextRange(db, v, last, rangeRows);
    if (!range) break;
    last = range.hi;
    const diffs = await db.transaction(
      async (tx) => {
        const [o, n] = [(await tx.query<{ n: number; h: string }>(ownSql(sum(v.oldSql)), [range.lo, range.hi])).rows[0]!, (await tx.query<{ n: number; h: string }>(ownSql(sum(v.newSql)), [range.lo, range.hi])).rows[0]!];
        if (o.n === n.n && o.h === n.h) return [];
        const [oldRows, newRows] = [(await tx.query<{ k: string; v: string }>(ownSql(v.oldSql), [range.lo, range.hi])).rows, (await tx.query<{ k: string; v: string }>(ownSql(v.newSql), [range.lo, range.hi])).rows];
        return diffRows(oldRows, newRows);
      },
      { isolation: 'repeatable read', readOnly: true },
    );
    result.rangesChecked! += 1;
    result.rowsChecked! += range.n;
    if (diffs.length) {
      result.rangesDiffering! += 1;
      result.mismatchCount += diffs.length;
      result.mismatches.push(...diffs.slice(0, MAX_LISTED_MISMATCHES - result.mismatches.length));
    }
  }
  result.ok = result.mismatchCount === 0;
  return result;
}

function diffRows(oldRows: { k: string; v: string }[], newRows: { k: string; v: string }[]): Mismatch[] {
  const olds = new Map(oldRows.map((r) => [r.k, r.v]));
  const news = new Map(newRows.map((r) => [r.k, r.v]));
  const out: Mismatch[] = [];
  for (const k of new Set([...olds.keys(), ...news.keys()])) {
    const o = olds.get(k) ?? null;
    const n = news.get(k) ?? null;
    if (o !== n) out.push({ key: k, old: o, new: n });
  }
  return out.sort((a, b) => a.key.localeCompare(b.key, undefined, { numeric: true }));
}
