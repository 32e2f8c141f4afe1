/**
 * What the application does for one read or write of a change:
 * - `off`: old shape only (nothing applied, or only expand).
 * - `dual-write`: write old, and new too; read old.
 * - `shadow`: as dual-write, and compare new reads with old; old is returned.
 * - `live`: as dual-write, read new (compared with old); new is returned.
 * - `complete`: new shape only (old writes have been cut off).
 */
export type Stage = 'off' | 'dual-write' | 'shadow' | 'live' | 'complete';

/** The phases of a plan, in order; `applied_phase` in `switchback.changes` is one of these or null. */
export type Phase = 'expand' | 'dual-write' | 'backfill' | 'read-switch' | 'cut-off' | 'contract';

const stageByPhase = {
  expand: 'off',
  'dual-write': 'dual-write',
  backfill: 'dual-write',
  'read-switch': 'shadow',
  'cut-off': 'complete',
  contract: 'complete',
} as const satisfies Record<Phase, Stage>;

/**
 * The stage for a change whose last applied phase is `appliedPhase`, given
 * whether the read flag is on for the caller. An unrecognised phase is treated
 * like no phase (`off`): the old shape is authoritative until cut-off.
 *
 * @example
 * stageFor('read-switch', true); // 'live'
 * stageFor('backfill', true);    // 'dual-write' (the read flag only counts from read-switch)
 */
export function stageFor(appliedPhase: string | null, readFlagOn: boolean): Stage {
  const stage: Stage =
    appliedPhase !== null && Object.hasOwn(stageByPhase, appliedPhase)
      ? stageByPhase[appliedPhase as Phase]
      : 'off';
  return stage === 'shadow' && readFlagOn ? 'live' : stage;
}
