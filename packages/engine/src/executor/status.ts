import { decideTransition, transitionName, withArticle, type Gate, type Policy, type TransitionRequest } from '@switchback/core';
import type { Db } from '../db/db.js';
import { ChangeNotFoundError } from '../errors.js';
import { listApprovalRequests, type ApprovalRequest } from '../ledger/approval-store.js';
import { activePhaseRun, getChange, listChanges, listFlags, phaseRuns, readEvents, type ChangeRow, type FlagRow } from '../ledger/ledger-store.js';
import { rolloutGates } from '../watch/watch-rules.js';
import { evaluateGates, type GateResult } from './gates.js';

export interface ChangeStatus {
  id: string;
  title: string;
  intent: string;
  sync: string;
  file: string | null;
  status: ChangeRow['status'];
  appliedPhase: string | null;
  rollout: { flag: string; percent: number; step: number; steps: number[] } | null;
  active: { phase: string; direction: string; since: string; error: string | null } | null;
  phases: { id: string; title: string; state: 'applied' | 'active' | 'pending'; completedAt: string | null }[];
  /**
   * The next transition and what its gates say now. `dueAt`: when the last
   * time gate (soak, retention) passes, however far ahead; null when no
   * time gate is left. `waitingOn`: what else must happen (an approval,
   * evidence), which time alone does not bring.
   */
  next: { kind: 'phase' | 'rollout'; phase: string; transition: string; gates: GateResult[]; dueAt: string | null; waitingOn: string[] } | null;
  /** Approval requests still waiting for an answer. */
  openRequests: ApprovalRequest[];
  flags: { name: string; enabled: boolean; percent: number; allowTenants: string[] }[];
  lastEvents: { seq: number; at: string; action: string; outcome: string; phase: string | null }[];
}

export interface StatusOptions {
  /** Evaluate as of this time (a simulated timeline, or a look ahead); default: the database's now(). */
  now?: Date;
  /**
   * The policy the watcher follows: adds its rollout gates (soak at each
   * step) and the approvals it demands to the next transition's gates.
   */
  policy?: Policy;
}

/** Where one change stands, or every change in the ledger. */
export async function changeStatus(db: Db, id: string, o: StatusOptions = {}): Promise<ChangeStatus> {
  const c = await getChange(db, id);
  if (!c) throw new ChangeNotFoundError(id, (await listChanges(db)).map((x) => x.id));
  const plan = c.plan;
  const applied = c.applied_phase ? plan.phases.findIndex((p) => p.id === c.applied_phase) : -1;
  const active = await activePhaseRun(db, id);
  const runs = await phaseRuns(db, id);
  const flags = await listFlags(db, id);
  const appliedPhase = plan.phases[applied];
  const rolloutLeft = appliedPhase?.rollout && (c.rollout_step ?? 0) < appliedPhase.rollout.steps.length - 1;
  const nextPhase = plan.phases[applied + 1];
  let t: TransitionRequest | undefined;
  let gates: Gate[] = [];
  if (!active && rolloutLeft) {
    const step = c.rollout_step ?? 0;
    t = { kind: 'rollout', phase: appliedPhase.id, fromPercent: appliedPhase.rollout!.steps[step]!, toPercent: appliedPhase.rollout!.steps[step + 1]! };
    gates = o.policy ? [...rolloutGates(o.policy, appliedPhase), ...appliedPhase.gates] : appliedPhase.gates;
  } else if (!active && nextPhase) {
    t = { kind: 'phase', phase: nextPhase.id };
    gates = nextPhase.gates;
  }
  let next: ChangeStatus['next'] = null;
  if (t) {
    const transition = transitionName(t);
    const now = o.now ?? (await db.query<{ now: Date }>('SELECT now() AS now')).rows[0]!.now;
    // The approvals the policy demands of anyone without the approving role.
    const decision = o.policy ? decideTransition(o.policy, { kind: 'human', name: 'status' }, t, now) : undefined;
    const approvals: Gate[] = decision?.allowed ? decision.approvals.map((a) => ({ id: `approval-${a.role}`, kind: 'approval', description: `${withArticle(a.role)} approved ${transition}`, role: a.role })) : [];
    const results = await evaluateGates(db, [...gates, ...approvals], { change: id, transition, now: new Date(now) });
    const blocking = results.filter((g) => g.verdict !== 'pass' && g.verdict !== 'overridden');
    const timed = blocking.filter((g) => g.dueAt).map((g) => g.dueAt!).sort();
    next = { kind: t.kind === 'rollout' ? 'rollout' : 'phase', phase: t.phase, transition, gates: results, dueAt: timed.at(-1) ?? null, waitingOn: blocking.filter((g) => !g.dueAt).map((g) => `${g.id}: ${g.detail}`) };
  }
  return {
    id: c.id,
    title: c.title,
    intent: c.intent,
    sync: c.sync,
    file: c.file,
    status: c.status,
    appliedPhase: c.applied_phase,
    rollout: appliedPhase?.rollout ? { flag: appliedPhase.rollout.flag, percent: flagPercent(flags, appliedPhase.rollout.flag), step: c.rollout_step ?? 0, steps: appliedPhase.rollout.steps } : null,
    active: active ? { phase: active.phase, direction: active.direction, since: new Date(active.started_at).toISOString(), error: active.error } : null,
    phases: plan.phases.map((p, i) => {
      const done = runs.filter((r) => r.phase === p.id && r.direction === 'forward' && r.status === 'succeeded').at(-1);
      return { id: p.id, title: p.title, state: active?.phase === p.id ? 'active' : i <= applied ? 'applied' : 'pending', completedAt: i <= applied && done?.finished_at ? new Date(done.finished_at).toISOString() : null };
    }),
    next,
    openRequests: await listApprovalRequests(db, { change: id, status: 'open' }),
    flags: flags.map((f) => ({ name: f.name, enabled: f.enabled, percent: f.rollout_bps / 100, allowTenants: f.allow_tenants })),
    lastEvents: (await readEvents(db, id)).slice(-10).map((e) => ({ seq: Number(e.seq), at: e.at, action: e.action, outcome: e.outcome, phase: e.phase })),
  };
}

function flagPercent(flags: FlagRow[], name: string): number {
  const f = flags.find((x) => x.name === name);
  return f && f.enabled ? f.rollout_bps / 100 : 0;
}

export async function allStatuses(db: Db, o: StatusOptions = {}): Promise<ChangeStatus[]> {
  const out: ChangeStatus[] = [];
  for (const c of await listChanges(db)) out.push(await changeStatus(db, c.id, o));
  return out;
}
