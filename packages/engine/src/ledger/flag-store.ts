import type { Db } from '../db/db.js';
import { SwitchbackError } from '../errors.js';
import { appendEvent, getFlag, type FlagRow } from './ledger-store.js';

export class FlagNotFoundError extends SwitchbackError {
  constructor(
    readonly flag: string,
    readonly known: string[],
  ) {
    super(`No flag "${flag}"${known.length ? ` (flags: ${known.join(', ')})` : ''}. Flags are created by the phases that use them (switchback advance).`);
  }
}

export interface FlagUpdate {
  enabled?: boolean;
  /** 0..100, in steps of 0.01. */
  percent?: number;
  allowTenants?: string[];
}

/**
 * Change a flag by hand (an allow-list of tenants, an emergency 0%), on the
 * record: the ledger keeps who changed what, from what.
 */
export async function updateFlag(db: Db, name: string, update: FlagUpdate, actor: string, now?: Date): Promise<FlagRow> {
  if (update.percent !== undefined && !(update.percent >= 0 && update.percent <= 100)) throw new SwitchbackError(`--percent must be between 0 and 100 (got ${update.percent}).`);
  return db.transaction(async (tx) => {
    const before = await getFlag(tx, name);
    if (!before) throw new FlagNotFoundError(name, (await tx.query<{ name: string }>('SELECT name FROM switchback.flags ORDER BY name')).rows.map((r) => r.name));
    await tx.query(
      `UPDATE switchback.flags SET enabled = coalesce($2, enabled), rollout_bps = coalesce($3, rollout_bps), allow_tenants = coalesce($4, allow_tenants),
         version = version + 1, updated_at = coalesce($6::timestamptz, now()), updated_by = $5 WHERE name = $1`,
      [name, update.enabled ?? null, update.percent === undefined ? null : Math.round(update.percent * 100), update.allowTenants ?? null, actor, now ?? null],
    );
    await tx.query(`SELECT pg_notify('switchback_flags', $1)`, [name]);
    const after = (await getFlag(tx, name))!;
    await appendEvent(tx, { change: after.change_id, actor, action: 'flag.updated', outcome: 'succeeded', evidence: { flag: name, before: summary(before), after: summary(after) } }, now);
    return after;
  });
}

function summary(f: FlagRow) {
  return { enabled: f.enabled, percent: f.rollout_bps / 100, allowTenants: f.allow_tenants };
}
