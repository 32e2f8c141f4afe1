import type { Side } from './migration-hooks.js';

/**
 * What the application does for one read or write of a change; the six
 * stages of a LaunchDarkly migration flag, steered by the change's phase:
 * - `off`: old shape only (nothing applied, or only expand).
 * - `dual-write`: read old; write old, then new.
 * - `shadow`: as dual-write, and compare new reads with old; old is returned.
 * - `live`: read new (compared with old); writes as dual-write, old still first.
 * - `ramp-down`: read new only; write new first, then old (by the reverse
 *   trigger, or by the app), so going back to `live` finds old current.
 *   Contract ends it (see {@link stageFor}).
 * - `complete`: new shape only.
 */
export type Stage = 'off' | 'dual-write' | 'shadow' | 'live' | 'ramp-down' | 'complete';

/** How a {@link Stage} reads and writes. */
export interface StageBehaviour {
  /** The side whose read is returned; its failure fails the read. */
  read: Side;
  /** Whether a sample of reads also runs the other side and compares. */
  compare: boolean;
  /** The authoritative side, written first; its failure fails the write. */
  write: Side;
  /**
   * Whether the other side is written too, after the authoritative one: by the
   * app with sync 'app' where the dual-write flag is on for the context, by the
   * database's trigger with sync 'trigger'. When the app's write of it fails,
   * the failure is recorded, never thrown.
   */
  dualWrite: boolean;
}

/**
 * Every stage's behaviour. Unlike LaunchDarkly's `live`, where new becomes
 * authoritative for writes, old stays authoritative until cut-off: during
 * read-switch the rollout can return to 0% by a flag change alone, which is
 * only safe while every write lands in the old shape first.
 */
export const STAGES = {
  off: { read: 'old', compare: false, write: 'old', dualWrite: false },
  'dual-write': { read: 'old', compare: false, write: 'old', dualWrite: true },
  shadow: { read: 'old', compare: true, write: 'old', dualWrite: true },
  live: { read: 'new', compare: true, write: 'old', dualWrite: true },
  'ramp-down': { read: 'new', compare: false, write: 'new', dualWrite: true },
  complete: { read: 'new', compare: false, write: 'new', dualWrite: false },
} as const satisfies Record<Stage, StageBehaviour>;

/** The phases of a plan, in order; `applied_phase` in `switchback.changes` is one of these or null. */
export type Phase = 'expand' | 'dual-write' | 'backfill' | 'read-switch' | 'cut-off' | 'contract';

const stageByPhase = {
  expand: 'off',
  'dual-write': 'dual-write',
  backfill: 'dual-write',
  'read-switch': 'shadow',
  'cut-off': 'ramp-down',
  contract: 'complete',
} as const satisfies Record<Phase, Stage>;

/**
 * The stage for a change whose last applied phase is `appliedPhase`, given
 * whether the read flag is on for the caller. An unrecognised phase is treated
 * like no phase (`off`): the old shape is authoritative until cut-off.
 *
 * Cut-off is `ramp-down` in both sync modes: the old shape is still written,
 * after the new one (by the reverse trigger with sync 'trigger', by the app
 * where the dual-write flag is on with sync 'app'), so a rollback of cut-off
 * finds it whole. Only contract stops that: with sync 'app' its first step
 * turns the dual-write flag off and waits for the apps to see it before the
 * old shape is archived.
 *
 * @example
 * stageFor('read-switch', true);   // 'live'
 * stageFor('backfill', true);      // 'dual-write' (the read flag only counts from read-switch)
 * stageFor('cut-off', true);       // 'ramp-down'
 * stageFor('contract', true);      // 'complete'
 */
export function stageFor(appliedPhase: string | null, readFlagOn: boolean): Stage {
  const stage: Stage =
    appliedPhase !== null && Object.hasOwn(stageByPhase, appliedPhase)
      ? stageByPhase[appliedPhase as Phase]
      : 'off';
  return stage === 'shadow' && readFlagOn ? 'live' : stage;
}
