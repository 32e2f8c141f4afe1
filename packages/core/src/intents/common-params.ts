import { z } from 'zod';
import { duration, moveColumnsParams } from '../change/change-spec.js';
import type { AppVersionGate, FlagState, Gate, Phase, SoakGate } from '../plan/plan.js';
import { formatDuration } from '../util/duration.js';

/** Params several intents share, with the same meaning and defaults as move-columns'. */

/** Read-switch rollout percentages, increasing, ending at 100. */
export const rolloutSteps = z
  .array(z.number().gt(0).max(100))
  .min(1)
  .refine((a) => a.every((v, i) => i === 0 || v > a[i - 1]!), { message: 'rollout steps must increase' })
  .refine((a) => a[a.length - 1] === 100, { message: 'the last rollout step must be 100' })
  .default([1, 10, 50, 100]);

/** App versions that use the old shape and must be gone before it is removed. */
export const oldVersions = z
  .strictObject({ app: z.string().min(1), versions: z.array(z.string().min(1)).min(1), within: duration.default(600_000) })
  .optional();
export type OldVersions = z.output<typeof oldVersions>;

export const FLAG_OFF: FlagState = { enabled: false, rolloutBps: 0 };
export const FLAG_FULL: FlagState = { enabled: true, rolloutBps: 10_000 };

export function oldVersionsGate(o: OldVersions): AppVersionGate[] {
  if (!o) return [];
  return [{ id: 'old-versions-gone', kind: 'app-versions', description: `no ${o.app} ${o.versions.join('/')} instance seen in the last ${formatDuration(o.within)}`, app: o.app, retired: o.versions, withinSeconds: o.within / 1000 }];
}

export function soakGate(id: string, phase: SoakGate['phase'], ms: number, what: string): Gate {
  return { id, kind: 'soak', description: `${what} for ${formatDuration(ms)}`, phase, seconds: ms / 1000 };
}

/** The note a plan carries when nothing checks that the previous app version is gone. */
export function oldVersionsNote(what: string): string {
  return `set params.oldVersions so a gate can check that no instance of the previous app version, which still uses ${what}, is running before it is removed.`;
}

const move = moveColumnsParams.shape;

/**
 * Rollout, soak, retention and old versions with move-columns' meaning and
 * defaults, for the intents whose phases are move-columns' (extract-columns,
 * merge-tables, split-table, replace-enum-with-lookup).
 */
export const moveLikeParams = {
  rollout: move.rollout,
  soak: move.soak,
  retention: move.retention,
  oldVersions: move.oldVersions,
};

/** read-switch's steps: turn `flag` on at the first rollout step (`first`); the way back sets it to 0%. */
export function readFlagSteps(flag: string, rollout: number[], first: FlagState, off: FlagState = FLAG_OFF): Pick<Phase, 'forward' | 'backward'> {
  return {
    forward: [{ id: 'read-switch.forward.flag-on', kind: 'flag', description: `turn ${flag} on at ${rollout[0]}%`, flag, set: first }],
    backward: [{ id: 'read-switch.backward.flag-off', kind: 'flag', description: `set ${flag} to 0%`, flag, set: off }],
  };
}

/** What cut-off waits for after reads switched behind `flag`: the flag at 100%, no shadow-read mismatch, and `soakMs` of read-switch. */
export function readSwitchedGates(flag: string, soakMs: number): Gate[] {
  return [
    { id: 'read-flag-at-100', kind: 'flag-at-least', description: `${flag} is at 100%`, flag, rolloutBps: 10_000 },
    { id: 'no-shadow-mismatches', kind: 'shadow-mismatches', description: 'no shadow-read mismatch since read-switch began', flag, max: 0 },
    { id: 'read-switch-soak', kind: 'soak', description: `read-switch has run for ${formatDuration(soakMs)}`, phase: 'read-switch', seconds: soakMs / 1000 },
  ];
}

/** Contract waits `ms` after cut-off, while the old shape's data may still be wanted back. */
export function retentionGate(ms: number): Gate {
  return { id: 'retention', kind: 'soak', description: `${formatDuration(ms)} have passed since cut-off`, phase: 'cut-off', seconds: ms / 1000 };
}
