import type { Db } from '../db/db.js';
import { ChangeNotFoundError } from '../errors.js';
import { activePhaseRun, getChange, listChanges, listFlags, phaseRuns, readEvents, type ChangeRow, type FlagRow } from '../ledger/ledger-store.js';
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
  /** The next transition and what its gates say now; `dueAt` when only time stands in the way. */
  next: { kind: 'phase' | 'rollout'; phase: string; gates: GateResult[]; dueAt: string | null } | null;
  flags: { name: string; enabled: boolean; percent: number; allowTenants: string[] }[];
  lastEvents: { seq: number; at: string; action: string; outcome: string; phase: string | null }[];
}

/** Where one change stands, or every change in the ledger. */
export async function changeStatus(db: Db, id: string): Promise<ChangeStatus> {
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
  let next: ChangeStatus['next'] = null;
  if (!active && rolloutLeft) {
    next = { kind: 'rollout', phase: appliedPhase.id, gates: [], dueAt: null };
  } else if (!active && nextPhase) {
    const gates = await evaluateGates(db, nextPhase.gates, { change: id });
    const blocking = gates.filter((g) => g.verdict !== 'pass');
    const dueAt = blocking.length && blocking.every((g) => g.dueAt) ? blocking.map((g) => g.dueAt!).sort().at(-1)! : null;
    next = { kind: 'phase', phase: nextPhase.id, gates, dueAt };
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
    flags: flags.map((f) => ({ name: f.name, enabled: f.enabled, percent: f.rollout_bps / 100, allowTenants: f.allow_tenants })),
    lastEvents: (await readEvents(db, id)).slice(-10).map((e) => ({ seq: Number(e.seq), at: e.at, action: e.action, outcome: e.outcome, phase: e.phase })),
  };
}

function flagPercent(flags: FlagRow[], name: string): number {
  const f = flags.find((x) => x.name === name);
  return f && f.enabled ? f.rollout_bps / 100 : 0;
}

export async function allStatuses(db: Db): Promise<ChangeStatus[]> {
  const out: ChangeStatus[] = [];
  for (const c of await listChanges(db)) out.push(await changeStatus(db, c.id));
  return out;
}
