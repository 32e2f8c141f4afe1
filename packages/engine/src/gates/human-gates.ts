import { formatDuration, withArticle, type ApprovalGate, type HumanSignalsGate } from '@switchback/core';
import type { Queryable } from '../db/db.js';
import type { Verdict } from './verdict.js';

/**
 * Passes once a request for this transition was approved by someone holding
 * the role, after the change last rolled back (an approval does not outlive a
 * rollback: the evidence it was given on is gone).
 */
export async function evaluateApprovalGate(db: Queryable, g: ApprovalGate, change: string, transition: string | undefined): Promise<Verdict> {
  if (!transition) return { verdict: 'inconclusive', detail: 'no transition named to look approvals up for', evidence: { role: g.role } };
  const { rows } = await db.query<{ id: number; status: string; answered_by: string | null; answered_role: string | null; answered_at: Date | null; asked_by: string }>(
    `SELECT id::int AS id, status, answered_by, answered_role, answered_at, asked_by FROM switchback.approval_requests
      WHERE change_id = $1 AND transition = $2
        AND created_at >= coalesce((SELECT max(started_at) FROM switchback.phase_runs WHERE change_id = $1 AND direction = 'backward'), '-infinity')
      ORDER BY id DESC LIMIT 5`,
    [change, transition],
  );
  const evidence = { role: g.role, transition, requests: rows.map((r) => ({ id: r.id, status: r.status, answeredBy: r.answered_by, role: r.answered_role })) };
  const approved = rows.find((r) => r.status === 'approved' && r.answered_role === g.role);
  if (approved) return { verdict: 'pass', detail: `approved by ${approved.answered_by} (${g.role}) in request #${approved.id}`, evidence };
  const latest = rows[0];
  if (latest?.status === 'rejected') return { verdict: 'fail', detail: `request #${latest.id} was rejected by ${latest.answered_by}${latest.answered_role ? ` (${latest.answered_role})` : ''}`, evidence };
  if (latest?.status === 'open') return { verdict: 'fail', detail: `waiting for ${withArticle(g.role)} to answer request #${latest.id} (asked by ${latest.asked_by})`, evidence };
  return { verdict: 'fail', detail: `needs approval by ${withArticle(g.role)}; ask with: switchback ask ${change} --transition ${transition}`, evidence };
}

/** Passes when no negative signal of at least `minSeverity` correlated with the change in the window. */
export async function evaluateSignalsGate(db: Queryable, g: HumanSignalsGate, change: string, now: Date): Promise<Verdict> {
  const { rows } = await db.query<{ id: number; at: Date; source: string; tenant: string | null; severity: number; relevance: number; body: string }>(
    `SELECT s.id::int AS id, s.at, s.source, s.tenant, s.severity, c.relevance, left(s.body, 200) AS body
       FROM switchback.signals s JOIN switchback.signal_correlations c ON c.signal_id = s.id
      WHERE c.change_id = $1 AND s.polarity = 'negative' AND s.severity >= $2
        AND s.at > $3::timestamptz - make_interval(secs => $4) AND s.at <= $3::timestamptz
      ORDER BY s.severity DESC, c.relevance DESC, s.at DESC`,
    [change, g.minSeverity, now, g.windowSeconds],
  );
  const within = formatDuration(g.windowSeconds * 1000);
  const evidence = { minSeverity: g.minSeverity, windowSeconds: g.windowSeconds, count: rows.length, signals: rows.slice(0, 10).map((r) => ({ id: r.id, at: new Date(r.at).toISOString(), source: r.source, tenant: r.tenant, severity: r.severity, relevance: r.relevance, body: r.body })) };
  if (!rows.length) return { verdict: 'pass', detail: `no negative signal of severity ≥ ${g.minSeverity} correlated with ${change} in the last ${within}`, evidence };
  const top = rows[0]!;
  return { verdict: 'fail', detail: `${rows.length} negative signal(s) correlated with ${change} in the last ${within}, e.g. #${top.id} (${top.source}${top.tenant ? `, tenant ${top.tenant}` : ''}, severity ${top.severity}): "${top.body.slice(0, 80)}"`, evidence };
}
