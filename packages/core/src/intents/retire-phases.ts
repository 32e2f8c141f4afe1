import { z } from 'zod';
import { duration, flagName, moveColumnsParams } from '../change/change-spec.js';
import type { AppChange, Gate, Phase } from '../plan/plan.js';
import { formatDuration } from '../util/duration.js';
import { literal, qualified } from '../util/sql.js';
import { FLAG_FULL, FLAG_OFF, retentionGate } from './common-params.js';
import { DEFAULT_READ_SWITCH_SOAK_MS } from './move-columns-intent.js';

/**
 * What drop-column and drop-table share: reads stop behind a flag
 * (read-switch), writes stop (cut-off), and after a retention window the data
 * is archived out of the application's way (contract), restorable from there.
 */
export const retireParams = {
  /** Flag behind which the application stops reading; defaults to StopReading<Table>[<Column>]. */
  flag: flagName.optional(),
  rollout: moveColumnsParams.shape.rollout,
  /** How long reads must have stopped for everyone before writes stop. */
  soak: z.strictObject({ readSwitch: duration.optional() }).default({}),
  /** How long after cut-off the data may leave the table. */
  retention: moveColumnsParams.shape.retention,
  oldVersions: moveColumnsParams.shape.oldVersions,
};

export interface RetireInput {
  /** `support_customer.address` or `support_agent`, for prose. */
  what: string;
  table: string;
  flag: string;
  rollout: number[];
  readSoakMs: number;
  retentionMs: number;
  oldVersions?: { app: string; versions: string[]; within: number } | undefined;
  read: AppChange;
  write: AppChange;
}


export { FLAG_FULL, FLAG_OFF };

const step = (phase: string, dir: 'forward' | 'backward', name: string) => `${phase}.${dir}.${name}`;

/** read-switch: the application stops reading, for a growing share of requests. */
export function stopReadsPhase(r: RetireInput): Phase {
  const first = { enabled: true, rolloutBps: Math.round(r.rollout[0]! * 100) };
  return {
    id: 'read-switch',
    title: `Stop reading ${r.what} (behind ${r.flag})`,
    summary: `Requests for which ${r.flag} is on (${r.rollout.map((x) => `${x}%`).join(' → ')}, sticky per key, allow-listed tenants first) no longer read ${r.what}. Everything still writes it, so turning the flag off is instant and loses nothing.`,
    backout: `Set ${r.flag} to 0%: every request reads ${r.what} again.`,
    forward: [{ id: step('read-switch', 'forward', 'flag-on'), kind: 'flag', description: `turn ${r.flag} on at ${r.rollout[0]}%`, flag: r.flag, set: first }],
    backward: [{ id: step('read-switch', 'backward', 'flag-off'), kind: 'flag', description: `set ${r.flag} to 0%`, flag: r.flag, set: FLAG_OFF }],
    verify: [],
    gates: [],
    flags: [{ flag: r.flag, forward: first, backward: FLAG_OFF }],
    app: [r.read],
    access: { writes: [{ table: r.table }], reads: [{ table: r.table, via: r.flag }] },
    rollout: { flag: r.flag, steps: r.rollout },
  };
}

/** cut-off: a version that no longer writes is deployed; the database is left as it is. */
export function stopWritesPhase(r: RetireInput, verify: Phase['verify'] = []): Phase {
  return {
    id: 'cut-off',
    title: `Stop writing ${r.what}`,
    summary: `Deploy the version that no longer writes ${r.what}. The data stays where it is for ${formatDuration(r.retentionMs)}, so the previous version, still running, keeps working.`,
    backout: `Deploy the version that writes ${r.what} again; nothing in the database changed.`,
    forward: [],
    backward: [],
    verify,
    gates: [
      { id: 'read-flag-at-100', kind: 'flag-at-least', description: `${r.flag} is at 100%`, flag: r.flag, rolloutBps: 10_000 },
      { id: 'read-switch-soak', kind: 'soak', description: `reads have stopped for ${formatDuration(r.readSoakMs)}`, phase: 'read-switch', seconds: r.readSoakMs / 1000 },
    ],
    flags: [],
    app: [r.write],
    // A dropped column's table is still read and written; a dropped table is not.
    access: r.what === r.table ? { writes: [{ table: r.table, stopped: true }], reads: [] } : { writes: [{ table: r.table }], reads: [{ table: r.table }] },
  };
}

/** Gates of contract: the retention window, and the previous version gone. */
export function contractGates(r: RetireInput): Gate[] {
  return [
    retentionGate(r.retentionMs),
    ...oldVersionsGates(r.oldVersions),
  ];
}

/** No instance of the previous version may be running when contract removes what it uses. */
export function oldVersionsGates(o: RetireInput['oldVersions']): Gate[] {
  return o ? [{ id: 'old-versions-gone', kind: 'app-versions', description: `no ${o.app} ${o.versions.join('/')} instance seen in the last ${formatDuration(o.within)}`, app: o.app, retired: o.versions, withinSeconds: o.within / 1000 }] : [];
}

export function retireNotes(r: Pick<RetireInput, 'what' | 'oldVersions'>): string[] {
  return r.oldVersions ? [] : [`set params.oldVersions so a gate can check that no instance of the previous version, which still reads ${r.what}, is running when contract removes it.`];
}

export function readSoak(ms: number | undefined): number {
  return ms ?? DEFAULT_READ_SWITCH_SOAK_MS;
}

/** Rows (one) when the table is not in place under its own name. */
export function tableMissingSql(table: string): string {
  return `SELECT ${literal(table)} AS missing_table WHERE to_regclass(${literal(qualified(table))}) IS NULL`;
}
