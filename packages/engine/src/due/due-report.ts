import { formatDuration, type Phase, type Plan } from '@switchback/core';
import type { Db } from '../db/db.js';
import { evaluateGates, type GateResult } from '../executor/gates.js';
import { listChanges, phaseRuns, type ChangeRow } from '../ledger/ledger-store.js';
import { countStatements, readsSinceCutOff, type StatementCounts } from './statement-counts.js';

/** Whether anything still reads the old shape, and how we know. */
export interface OldReads {
  source: 'pg_stat_statements' | 'sdk' | 'unknown';
  /** True when reads were seen; null when nothing could tell. */
  seen: boolean | null;
  detail: string;
  statements: { query: string; calls: number }[];
}

export interface DueItem {
  change: string;
  title: string;
  /** The old tables the contract phase removes (the writes stopped at cut-off). */
  oldTables: string[];
  cutOffAt: string;
  /** When the retention gates pass (null: already). */
  dueAt: string | null;
  eligible: boolean;
  /** Why it is not eligible yet. */
  blockers: string[];
  gates: GateResult[];
  oldReads: OldReads;
  flags: string[];
  checklist: string[];
  contract: Phase;
}

/**
 * Old paths eligible for deletion: every change whose cut-off is done and
 * whose next phase is contract, with what still stands in the way (time,
 * gates, reads of the old shape) and the contract checklist.
 */
export async function dueReport(db: Db, now: Date): Promise<DueItem[]> {
  const out: DueItem[] = [];
  for (const c of await listChanges(db)) {
    const plan = c.plan;
    const applied = plan.phases.findIndex((p) => p.id === c.applied_phase);
    const cutOff = plan.phases[applied];
    const contract = plan.phases[applied + 1];
    if (!cutOff || !contract || contract.id !== 'contract' || c.status !== 'idle') continue;
    const run = (await phaseRuns(db, c.id)).filter((r) => r.phase === cutOff.id && r.direction === 'forward' && r.status === 'succeeded').at(-1);
    if (!run?.finished_at) continue;
    out.push(await dueItem(db, c, plan, cutOff, contract, new Date(run.finished_at), now));
  }
  return out;
}

/** The old tables a phase stops writing: after cut-off, what contract removes. */
export function stoppedTables(phase: Phase): string[] {
  return phase.access.writes.filter((w) => w.stopped).map((w) => w.table);
}

async function dueItem(db: Db, c: ChangeRow, plan: Plan, cutOff: Phase, contract: Phase, cutOffAt: Date, now: Date): Promise<DueItem> {
  const oldTables = stoppedTables(cutOff);
  const gates = await evaluateGates(db, contract.gates, { change: c.id, now, transition: contract.id });
  const oldReads = await observeOldReads(db, { change: c.id, cutOff: cutOff.id, tables: oldTables, cutOffAt, now });
  const blockers = gates.filter((g) => g.verdict !== 'pass').map((g) => `${g.id}: ${g.detail}`);
  if (oldReads.seen !== false) blockers.push(`old reads: ${oldReads.detail}`);
  const waiting = gates.filter((g) => g.verdict !== 'pass');
  const dueAt = waiting.length && waiting.every((g) => g.dueAt) ? waiting.map((g) => g.dueAt!).sort().at(-1)! : null;
  const flags = plan.flags.map((f) => f.name);
  return {
    change: c.id,
    title: c.title,
    oldTables,
    cutOffAt: cutOffAt.toISOString(),
    dueAt,
    eligible: blockers.length === 0,
    blockers,
    gates,
    oldReads,
    flags,
    contract,
    checklist: [
      `${formatDuration(Math.max(0, now.getTime() - cutOffAt.getTime()))} since cut-off (${cutOffAt.toISOString()})`,
      `no reads of ${oldTables.join(', ')} (${oldReads.detail})`,
      ...contract.app.map((a) => `app: ${a.summary}`),
      ...flags.map((f) => `remove every code reference to flag ${f}, deploy, and confirm no instance of the previous version is left`),
      ...contract.forward.map((s) => `switchback advance ${c.id}: ${s.description}`),
      `keep the way back at hand: ${contract.backout}`,
    ],
  };
}

/**
 * Reads of the old tables since cut-off: pg_stat_statements where it can be
 * read (this database's statements naming them, less the counts taken at
 * cut-off; not the engine's own, not writes into them), else the SDK's
 * old-side read counts. Neither: unknown, never "none".
 */
export async function observeOldReads(db: Db, o: { change: string; cutOff: string; tables: string[]; cutOffAt: Date; now: Date }): Promise<OldReads> {
  const bare = o.tables.map((t) => t.split('.').pop()!);
  const counts = await countStatements(db, o.tables);
  let unsplit = '';
  if (counts) {
    const r = readsSinceCutOff(counts, await statementBaseline(db, o.change, o.cutOff), o.cutOffAt);
    const from = r?.from === 'reset' ? `since pg_stat_statements was reset (${counts.since})` : 'since cut-off';
    if (r) {
      return {
        source: 'pg_stat_statements',
        seen: r.calls > 0,
        detail: r.calls ? `${r.calls} calls of ${r.statements.length} statement(s) reading ${bare.join(', ')} ${from} in pg_stat_statements, e.g. ${r.statements[0]!.query.slice(0, 80)}` : `pg_stat_statements shows no statement reading ${bare.join(', ')} ${from}`,
        statements: r.statements.slice(0, 10),
      };
    }
    unsplit = `pg_stat_statements has counted since ${counts.since ?? 'it was installed'}, before cut-off, and holds no counts from cut-off to subtract (SELECT pg_stat_statements_reset() counts from now)`;
  }
  const { rows } = await db.query<{ calls: number; rows: number }>(
    `SELECT coalesce(sum(calls), 0)::float8 AS calls, count(*)::int AS rows FROM switchback.side_metrics WHERE change_id = $1 AND side = 'old' AND op = 'read' AND window_start >= $2 AND window_start <= $3`,
    [o.change, o.cutOffAt, o.now],
  );
  const r = rows[0]!;
  const reported = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM switchback.side_metrics WHERE change_id = $1 AND window_start >= $2`, [o.change, o.cutOffAt]);
  if (!reported.rows[0]!.n) return { source: 'unknown', seen: null, detail: `${unsplit || 'no pg_stat_statements'} and no SDK metrics since cut-off, so reads of the old shape cannot be ruled out`, statements: [] };
  return { source: 'sdk', seen: r.calls > 0, detail: r.calls ? `the SDK reported ${r.calls} reads of the old side since cut-off` : 'the SDK reported no reads of the old side since cut-off', statements: [] };
}

/** The statement counts the executor took when cut-off finished (see `countStatements`). */
async function statementBaseline(db: Db, change: string, phase: string): Promise<StatementCounts | undefined> {
  const { rows } = await db.query<{ counts: StatementCounts | null }>(
    `SELECT evidence->'statements' AS counts FROM switchback.events WHERE change_id = $1 AND phase = $2 AND action = 'phase.forward' AND outcome = 'succeeded' ORDER BY seq DESC LIMIT 1`,
    [change, phase],
  );
  return rows[0]?.counts ?? undefined;
}
