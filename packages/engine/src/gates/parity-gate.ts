import type { ParityGate } from '@switchback/core';
import type { Db } from '../db/db.js';
import { ownSql } from '../due/statement-counts.js';
import type { Verdict } from './verdict.js';

/** Differing keys kept as evidence; all are counted. */
export const PARITY_SAMPLES = 10;

/**
 * Compare old and new by key in one statement (so one snapshot): a full join
 * of the two queries' `{ k, v }` rows, counting keys whose values differ or
 * that exist on one side only.
 */
export async function evaluateParityGate(db: Db, g: ParityGate): Promise<Verdict> {
  const joined = `FROM (${g.oldSql}) AS o FULL JOIN (${g.newSql}) AS n ON o.k::text = n.k::text`;
  const differs = `o.v::text IS DISTINCT FROM n.v::text OR o.k IS NULL OR n.k IS NULL`;
  const { rows } = await db.query<{ total: number; differing: number; samples: { key: string; old: string | null; new: string | null }[] | null }>(
    ownSql(`SELECT count(*)::int AS total, count(*) FILTER (WHERE ${differs})::int AS differing,
            (SELECT json_agg(s) FROM (SELECT coalesce(o.k::text, n.k::text) AS key, o.v::text AS old, n.v::text AS new ${joined} WHERE ${differs} ORDER BY 1 LIMIT ${PARITY_SAMPLES}) AS s) AS samples
       ${joined}`),
  );
  const r = rows[0]!;
  const max = g.maxMismatches ?? 0;
  const evidence = { rowsCompared: r.total, mismatches: r.differing, maxMismatches: max, samples: r.samples ?? [] };
  if (r.differing > max) {
    const first = r.samples?.[0];
    return { verdict: 'fail', detail: `${r.differing} of ${r.total} keys differ between old and new (max ${max})${first ? `, e.g. key ${first.key}: ${first.old ?? 'missing'} ≠ ${first.new ?? 'missing'}` : ''}`, evidence };
  }
  return { verdict: 'pass', detail: `${r.total} keys compared, ${r.differing} differ (max ${max})`, evidence };
}
