import type { Queryable } from '../db/db.js';

export interface FlagStateAt {
  enabled: boolean;
  percent: number;
  allowTenants: string[];
}

/**
 * A flag's state at a past moment, replayed from the ledger: the phase steps
 * that set it, rollout steps, hand-made changes and watcher rollbacks.
 */
export async function flagStateAt(db: Queryable, flag: string, at: Date): Promise<FlagStateAt> {
  const { rows } = await db.query<{ action: string; evidence: Record<string, unknown> }>(
    `SELECT action, evidence FROM switchback.events
      WHERE evidence->>'flag' = $1 AND at <= $2 AND outcome = 'succeeded'
        AND action IN ('step.flag', 'rollout.step', 'flag.updated', 'watch.rollback')
      ORDER BY seq`,
    [flag, at],
  );
  const s: FlagStateAt = { enabled: false, percent: 0, allowTenants: [] };
  for (const { action, evidence: e } of rows) {
    if (action === 'step.flag') {
      const set = e.set as 'remove' | { enabled: boolean; rolloutBps: number; allowTenants?: string[] };
      if (set === 'remove') Object.assign(s, { enabled: false, percent: 0, allowTenants: [] });
      else Object.assign(s, { enabled: set.enabled, percent: set.rolloutBps / 100, ...(set.allowTenants ? { allowTenants: set.allowTenants } : {}) });
    } else if (action === 'rollout.step') Object.assign(s, { enabled: true, percent: Number(e.toPercent) });
    else if (action === 'watch.rollback') s.percent = 0;
    else {
      const after = e.after as { enabled: boolean; percent: number; allowTenants: string[] };
      Object.assign(s, { enabled: after.enabled, percent: after.percent, allowTenants: after.allowTenants });
    }
  }
  return s;
}
