import { z } from 'zod';
import { duration } from '../change/change-spec.js';

/**
 * Governed autonomy: who may take which transition alone, how big a rollout
 * step may be, when autonomous actors may act, and which transitions always
 * need a named human's approval. Read from `switchback.policy.yaml`.
 */
export const POLICY_VERSION = 1;
export const POLICY_FILE = 'switchback.policy.yaml';

export const DEFAULT_MAX_STEP_PERCENT = 50;
export const DEFAULT_ROLLOUT_SOAK_MS = 10 * 60_000;
export const DEFAULT_MIN_CALLS = 100;
export const DEFAULT_MAX_MISMATCH_RATE = 0.001;
export const DEFAULT_MAX_ERROR_RATE = 0.01;
export const DEFAULT_ROLLBACK_MISMATCH_RATE = 0.01;
export const DEFAULT_ROLLBACK_ERROR_RATE = 0.05;
export const DEFAULT_ROLLBACK_WINDOW_MS = 5 * 60_000;
/** The role whose approval the default policy asks for. */
export const DEFAULT_APPROVER_ROLE = 'owner';

const TRANSITIONS = ['rollout', 'phase', 'rollback'] as const;
export type TransitionKind = (typeof TRANSITIONS)[number];
const PHASES = ['expand', 'dual-write', 'backfill', 'read-switch', 'cut-off', 'contract'] as const;
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof DAYS)[number];

/** `watcher`, `agent`, `human` (anyone), or `role:NAME` (a human holding that role). */
const actorPattern = z.string().regex(/^(watcher|agent|human|role:[a-z][a-z0-9-]*)$/, 'use watcher, agent, human or role:NAME (e.g. role:dba)');
const role = z.string().regex(/^[a-z][a-z0-9-]*$/, 'roles are lower-case words, e.g. dba or lead');
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'write times as HH:MM, e.g. 09:00');
const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'not a time zone; use an IANA name such as Europe/Berlin or UTC');

/** Which transitions a rule or an approval is about. */
const transitionMatch = {
  transition: z.enum(TRANSITIONS),
  /** Only these phases (the phase entered, rolled out, or rolled back). */
  phase: z.union([z.enum(PHASES), z.array(z.enum(PHASES)).min(1)]).optional(),
  /** Rollout steps only: those that take the flag beyond this percentage. */
  above: z.number().min(0).max(100).optional(),
};

export const policySchema = z.strictObject({
  version: z.literal(POLICY_VERSION, { message: `version must be ${POLICY_VERSION}` }),
  /** Who may take a transition alone; the first matching rule decides. No rule: nobody may. */
  rules: z.array(z.strictObject({ ...transitionMatch, allow: z.array(actorPattern).min(1) })).default([]),
  /** Transitions that need a named human's approval whoever takes them. */
  approvals: z.array(z.strictObject({ ...transitionMatch, role })).default([]),
  rollout: z
    .strictObject({
      /** Largest step (percentage points) the watcher or an agent may take alone. */
      maxStepPercent: z.number().gt(0).max(100).default(DEFAULT_MAX_STEP_PERCENT),
      /** Time at each rollout step before the watcher takes the next one. */
      soak: duration.default(DEFAULT_ROLLOUT_SOAK_MS),
      /** Calls on the new side needed before any verdict (fewer: inconclusive). */
      minCalls: z.number().int().min(1).default(DEFAULT_MIN_CALLS),
      maxMismatchRate: z.number().min(0).max(1).default(DEFAULT_MAX_MISMATCH_RATE),
      maxErrorRate: z.number().min(0).max(1).default(DEFAULT_MAX_ERROR_RATE),
      /** Where the numbers come from: the SDK's rows in the database, or Prometheus. */
      metrics: z.enum(['database', 'prometheus']).default('database'),
    })
    .prefault({}),
  /** Rollback rules the watcher applies while a rollout is exposed. */
  rollback: z
    .strictObject({
      mismatchRate: z.number().min(0).max(1).default(DEFAULT_ROLLBACK_MISMATCH_RATE),
      errorRate: z.number().min(0).max(1).default(DEFAULT_ROLLBACK_ERROR_RATE),
      /** Look back this far (never before the current rollout step). */
      window: duration.default(DEFAULT_ROLLBACK_WINDOW_MS),
      /** Correlated negative human signals of at least this severity (1..3) roll back; 0 turns it off. */
      signalSeverity: z.number().int().min(0).max(3).default(3),
      /** Fewer comparisons or calls than this in the window cannot trip a rule. */
      minSamples: z.number().int().min(1).default(20),
    })
    .prefault({}),
  /** When the watcher and agents may move forward alone (rollbacks are always allowed). */
  hours: z
    .strictObject({
      timezone: timezone.default('UTC'),
      days: z.array(z.enum(DAYS)).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']),
      from: clockTime.default('09:00'),
      to: clockTime.default('17:00'),
    })
    .optional(),
});

export type Policy = z.output<typeof policySchema>;
export type PolicyRule = Policy['rules'][number];
export type ApprovalRule = Policy['approvals'][number];

/**
 * The policy with no file: the watcher may roll out and roll back, agents
 * and humans may also enter phases, and a named owner approves read-switch
 * beyond 50%, cut-off and contract.
 */
export const DEFAULT_POLICY: Policy = policySchema.parse({
  version: POLICY_VERSION,
  rules: [
    { transition: 'rollback', allow: ['watcher', 'agent', 'human'] },
    { transition: 'rollout', allow: ['watcher', 'agent', 'human'] },
    { transition: 'phase', allow: ['agent', 'human'] },
  ],
  approvals: [
    { transition: 'rollout', phase: 'read-switch', above: 50, role: DEFAULT_APPROVER_ROLE },
    { transition: 'phase', phase: 'cut-off', role: DEFAULT_APPROVER_ROLE },
    { transition: 'phase', phase: 'contract', role: DEFAULT_APPROVER_ROLE },
  ],
});
