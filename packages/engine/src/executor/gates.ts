import type { Gate } from '@switchback/core';
import type { Db } from '../db/db.js';
import { ownSql } from '../due/statement-counts.js';
import { formatDuration } from '@switchback/core';
import { evaluateApprovalGate, evaluateSignalsGate } from '../gates/human-gates.js';
import { evaluateMetricGate } from '../gates/metric-gates.js';
import { evaluateParityGate } from '../gates/parity-gate.js';
import { evaluatePromqlGate } from '../gates/promql-gate.js';
import { evaluateVersionWindowGate } from '../gates/version-window-gate.js';

export type GateVerdict = 'pass' | 'fail' | 'inconclusive' | 'overridden';

export interface GateResult {
  id: string;
  kind: Gate['kind'];
  description: string;
  verdict: GateVerdict;
  /** One line a person can read: the numbers behind the verdict. */
  detail: string;
  evidence: Record<string, unknown>;
  /** When a soak gate will pass (ISO time), if it has not yet. */
  dueAt?: string;
}

export interface GateContext {
  change: string;
  /** Reasons given to pass a gate regardless, by gate id. */
  overrides?: Record<string, string>;
  /** Evaluate as of this time (an injected clock); default: the database's now(). */
  now?: Date;
  /** The transition the gates guard (`cut-off`, `read-switch@100%`), for approval gates. */
  transition?: string;
  /** Prometheus server for metric gates reading Prometheus and promql gates without their own url. */
  prometheusUrl?: string;
}

type Resolved = GateContext & { now: Date };

/** Evaluate gates against the database; each result carries its evidence for the ledger. */
export async function evaluateGates(db: Db, gates: Gate[], ctx: GateContext): Promise<GateResult[]> {
  const results: GateResult[] = [];
  const now = ctx.now ?? (await db.query<{ now: Date }>('SELECT now() AS now')).rows[0]!.now;
  for (const g of gates) {
    const r = await evaluateGate(db, g, { ...ctx, now: new Date(now) });
    const reason = ctx.overrides?.[g.id];
    results.push(reason !== undefined && r.verdict !== 'pass' ? { ...r, verdict: 'overridden', detail: `${r.detail} — overridden: ${reason}` } : r);
  }
  return results;
}

async function evaluateGate(db: Db, g: Gate, ctx: Resolved): Promise<GateResult> {
  const base = { id: g.id, kind: g.kind, description: g.description };
  switch (g.kind) {
    case 'query-empty': {
      const { rows } = await db.query(ownSql(g.sql));
      return { ...base, verdict: rows.length ? 'fail' : 'pass', detail: rows.length ? `${rows.length}${rows.length >= 20 ? '+' : ''} violating rows, e.g. ${JSON.stringify(rows[0])}` : 'no violating rows', evidence: { rows: rows.slice(0, 20), count: rows.length } };
    }
    case 'flag-at-least': {
      const { rows } = await db.query<{ enabled: boolean; rollout_bps: number }>('SELECT enabled, rollout_bps FROM switchback.flags WHERE name = $1', [g.flag]);
      const f = rows[0];
      const ok = !!f && f.enabled && f.rollout_bps >= g.rolloutBps;
      const now = f ? (f.enabled ? `${f.rollout_bps / 100}%` : 'off') : 'missing';
      return { ...base, verdict: ok ? 'pass' : 'fail', detail: `${g.flag} is ${now}, needs ≥ ${g.rolloutBps / 100}%`, evidence: { flag: g.flag, enabled: f?.enabled ?? null, rolloutBps: f?.rollout_bps ?? null } };
    }
    case 'shadow-mismatches': {
      const { rows } = await db.query<{ n: number; reads_since: string | null }>(
        // Counted since reads last switched, or since the last rollback settled (while one runs, the
        // old shape lags the new by design and the SDK does not compare).
        `SELECT count(m.id)::int AS n, min(r.since)::text AS reads_since
           FROM (SELECT greatest(
                   (SELECT started_at FROM switchback.phase_runs WHERE change_id = $1 AND phase = 'read-switch' AND direction = 'forward' ORDER BY id DESC LIMIT 1),
                   (SELECT finished_at FROM switchback.phase_runs WHERE change_id = $1 AND direction = 'backward' AND status = 'succeeded' ORDER BY id DESC LIMIT 1)) AS since) AS r
           LEFT JOIN switchback.shadow_mismatches m ON m.flag = $2 AND m.at >= r.since
          WHERE r.since IS NOT NULL
          GROUP BY r.since`,
        [ctx.change, g.flag],
      );
      const n = rows[0]?.n ?? 0;
      const samples = n ? (await db.query('SELECT key, tenant, diff, at FROM switchback.shadow_mismatches WHERE flag = $1 ORDER BY id DESC LIMIT 5', [g.flag])).rows : [];
      return { ...base, verdict: n > g.max ? 'fail' : 'pass', detail: `${n} shadow-read mismatches recorded (max ${g.max})`, evidence: { mismatches: n, since: rows[0]?.reads_since ?? null, samples } };
    }
    case 'soak': {
      const { rows } = await db.query<{ elapsed: number; finished: string }>(
        g.since === 'rollout-step'
          ? `SELECT extract(epoch FROM $3::timestamptz - greatest(r.finished_at, e.at))::float8 AS elapsed, greatest(r.finished_at, e.at)::text AS finished
               FROM (SELECT finished_at FROM switchback.phase_runs WHERE change_id = $1 AND phase = $2 AND direction = 'forward' AND status = 'succeeded' ORDER BY id DESC LIMIT 1) AS r
               LEFT JOIN LATERAL (SELECT max(at) AS at FROM switchback.events WHERE change_id = $1 AND phase = $2 AND action = 'rollout.step' AND outcome = 'succeeded') AS e ON true`
          : `SELECT extract(epoch FROM $3::timestamptz - finished_at)::float8 AS elapsed, finished_at::text AS finished FROM switchback.phase_runs
              WHERE change_id = $1 AND phase = $2 AND direction = 'forward' AND status = 'succeeded' ORDER BY id DESC LIMIT 1`,
        [ctx.change, g.phase, ctx.now],
      );
      const r = rows[0];
      if (!r) return { ...base, verdict: 'fail', detail: `${g.phase} has not completed`, evidence: { phase: g.phase } };
      const ok = r.elapsed >= g.seconds;
      const what = g.since === 'rollout-step' ? `${g.phase}'s last rollout step` : `${g.phase} completed`;
      const dueAt = new Date(ctx.now.getTime() + Math.max(0, g.seconds - r.elapsed) * 1000).toISOString();
      return { ...base, verdict: ok ? 'pass' : 'fail', detail: `${formatDuration(Math.max(0, Math.round(r.elapsed * 1000)))} since ${what}, needs ${formatDuration(g.seconds * 1000)}${ok ? '' : ` (due ${dueAt})`}`, evidence: { phase: g.phase, elapsedSeconds: r.elapsed, requiredSeconds: g.seconds, completedAt: r.finished }, ...(ok ? {} : { dueAt }) };
    }
    case 'app-versions': {
      const { rows } = await db.query<{ instance_id: string; version: string; host: string | null; seen: number }>(
        `SELECT instance_id, version, host, extract(epoch FROM $4::timestamptz - last_seen)::int AS seen FROM switchback.app_instances
          WHERE app = $1 AND version = ANY($2::text[]) AND stopped_at IS NULL AND last_seen > $4::timestamptz - make_interval(secs => $3)
          ORDER BY last_seen DESC LIMIT 20`,
        [g.app, g.retired, g.withinSeconds, ctx.now],
      );
      const { rows: seen } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM switchback.app_instances WHERE app = $1', [g.app]);
      if (rows.length) return { ...base, verdict: 'fail', detail: `${rows.length} instance(s) of ${g.app} ${g.retired.join('/')} still live, e.g. ${rows[0]!.instance_id} (${rows[0]!.host ?? 'unknown host'}, seen ${rows[0]!.seen}s ago)`, evidence: { live: rows } };
      if (!seen[0]?.n) return { ...base, verdict: 'inconclusive', detail: `no ${g.app} instance has ever reported a heartbeat, so the versions running are unknown`, evidence: { live: [] } };
      return { ...base, verdict: 'pass', detail: `no ${g.app} ${g.retired.join('/')} instance seen in the last ${formatDuration(g.withinSeconds * 1000)}`, evidence: { live: [] } };
    }
    case 'parity':
      return { ...base, ...(await evaluateParityGate(db, g)) };
    case 'shadow-mismatch-rate':
    case 'error-rate':
    case 'latency':
    case 'min-traffic':
      return { ...base, ...(await evaluateMetricGate(db, g, { change: ctx.change, now: ctx.now, ...(ctx.prometheusUrl ? { prometheusUrl: ctx.prometheusUrl } : {}) })) };
    case 'promql':
      return { ...base, ...(await evaluatePromqlGate(g, ctx.now, ctx.prometheusUrl)) };
    case 'version-window':
      return { ...base, ...(await evaluateVersionWindowGate(db, g, ctx.now)) };
    case 'approval':
      return { ...base, ...(await evaluateApprovalGate(db, g, ctx.change, ctx.transition)) };
    case 'no-negative-signals':
      return { ...base, ...(await evaluateSignalsGate(db, g, ctx.change, ctx.now)) };
  }
}

/** Gates pass when none failed and none is inconclusive (no "healthy" verdict without evidence). */
export function gatesPass(results: GateResult[]): boolean {
  return results.every((r) => r.verdict === 'pass' || r.verdict === 'overridden');
}
