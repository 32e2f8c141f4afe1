/**
 * A plan is data: the phases an intent produces, each with forward and
 * backward steps, verifications, gates, flags and the application changes a
 * developer must make. The executor interprets it; nothing is hidden in code.
 * Plans serialise to JSON unchanged (`JSON.parse(JSON.stringify(plan))` is the
 * same plan), which is how they are stored in the ledger.
 */
export const PLAN_VERSION = 1;

export type PhaseId = 'expand' | 'dual-write' | 'backfill' | 'read-switch' | 'cut-off' | 'contract';
export const MOVE_COLUMNS_PHASES: readonly PhaseId[] = [
  'expand',
  'dual-write',
  'backfill',
  'read-switch',
  'cut-off',
  'contract',
];

export type SyncMode = 'trigger' | 'app';

export interface Plan {
  version: typeof PLAN_VERSION;
  /** The change id, e.g. `0001-contract-into-customer`. */
  change: string;
  title: string;
  intent: string;
  sync: SyncMode;
  /** Milliseconds DDL may wait for a lock before it gives up and retries. */
  lockTimeoutMs: number;
  flags: FlagSpec[];
  /** What a reviewer should know that the phases do not show. */
  notes: string[];
  /** The shapes before and after, for diagrams and reviewers. */
  shapes: { before: TableShape[]; after: TableShape[]; joins: JoinShape[] };
  /**
   * Constraints the change adds that the rows must already hold, though
   * nothing in the schema says so before (a foreign key the application
   * honours before the database checks it). A rehearsal generates and writes
   * data that holds them from the start; the plan's gates check real data.
   */
  constraints?: PlannedConstraint[];
  /**
   * Data the change rewrites on purpose and no backward step restores (a
   * NULL filled with a value): after a rollback the rows keep the new value.
   * A rehearsal accepts exactly these in place of a committed write; any
   * other difference is a lost write.
   */
  rewrites?: PlannedRewrite[];
  phases: Phase[];
}

/** A foreign key as a plan adds it: `table (columns)` names a row of `references.table (references.columns)`, or holds a NULL. */
export interface PlannedConstraint {
  kind: 'foreign-key';
  table: string;
  columns: string[];
  references: { table: string; columns: string[] };
}

/**
 * `table.column` holding NULL may come to hold `value`, a SQL expression
 * evaluated on the row (the change file's fill, e.g. `0` or `'unknown'`).
 */
export interface PlannedRewrite {
  kind: 'fill-nulls';
  table: string;
  column: string;
  value: string;
}

export interface TableShape {
  table: string;
  columns: string[];
  /** Columns this change adds (drawn bold). */
  added?: string[];
}

export interface JoinShape {
  from: string;
  to: string;
  label: string;
  /** The rows of `from` are rows of `to`, by the same key (a split): a write to one is a write to the other. */
  sameRows?: boolean;
}

export interface FlagSpec {
  name: string;
  purpose: string;
}

export interface Phase {
  id: PhaseId;
  title: string;
  /** What this phase achieves, in a sentence or two. */
  summary: string;
  /** How to back out of this phase, in words. */
  backout: string;
  forward: Step[];
  backward: Step[];
  /** Run after forward (and after backward, where marked) to prove the state. */
  verify: Verification[];
  /** Evidence required before this phase's forward steps may run. */
  gates: Gate[];
  /** Flags this phase's forward steps change; backward restores them. */
  flags: FlagChange[];
  /** What the application must change to live in this phase. */
  app: AppChange[];
  /** Reads and writes in this phase, for the flowchart. */
  access: Access;
  /** Percent steps for a gradual rollout inside the phase (read-switch). */
  rollout?: RolloutSpec;
  /**
   * While this phase is applied, a failing gate here rolls it back (the
   * watcher's rollback rules). Inconclusive never rolls back.
   */
  rollbackWhen?: Gate[];
}

export type Step = SqlStep | ConcurrentStep | BackfillStep | FlagStep | PauseStep;

interface StepBase {
  /** Deterministic id, unique in the plan: `<phase>.<direction>.<name>`. */
  id: string;
  description: string;
}

/** SQL run in one transaction together with its ledger record. */
export interface SqlStep extends StepBase {
  kind: 'sql';
  sql: string;
  /** Takes a strong lock: run under lock_timeout with retries. */
  ddl: boolean;
}

/**
 * Statements PostgreSQL refuses inside a transaction block (CREATE INDEX
 * CONCURRENTLY, DROP INDEX CONCURRENTLY, ALTER TYPE … ADD VALUE), run one at
 * a time under lock_timeout, the step recorded after the last. A failure or
 * crash can stop between two of them, so the list must be safe to run again
 * from the top (e.g. drop a half-built index before building it).
 */
export interface ConcurrentStep extends StepBase {
  kind: 'concurrent';
  statements: string[];
}

/** Batched, resumable copy of rows by primary-key ranges. */
export interface BackfillStep extends StepBase {
  kind: 'backfill';
  backfill: BackfillSpec;
}

export interface BackfillSpec {
  /** Table whose primary key drives the batches. */
  table: string;
  key: string;
  /**
   * The next range: `$1` = last key done (exclusive, as text), `$2` = batch
   * size. Returns one row `{ lo, hi }` (as text), both null when done.
   */
  boundSql: string;
  /** The first range: like `boundSql` with no lower bound; `$1` = batch size. */
  firstBoundSql: string;
  /** One batch over keys `$1..$2` inclusive; returns the rows it changed. */
  batchSql: string;
  /** Estimated rows to visit, one row `{ n }`. */
  countSql: string;
  /**
   * Checksum verification run when the copy ends. Absent when the other shape
   * is expected to keep moving (apps still write only the source of the copy).
   */
  verification?: RangeChecksum;
}

/** Set a flag's state, or remove the flag (`'remove'`) once no code reads it. */
export interface FlagStep extends StepBase {
  kind: 'flag';
  flag: string;
  set: FlagState | 'remove';
}

/**
 * Wait for running app instances to notice the phase change (their flag
 * snapshot refresh) before removing what they might still use.
 */
export interface PauseStep extends StepBase {
  kind: 'pause';
}

export interface FlagState {
  enabled: boolean;
  /** Basis points 0..10000 (10000 = 100%). */
  rolloutBps: number;
  /** Tenants always served the new path, whatever the percentage. */
  allowTenants?: string[];
}

export interface FlagChange {
  flag: string;
  forward: FlagState;
  backward: FlagState;
}

export type Verification = QueryEmptyVerification | RangeChecksum;

/** A query whose rows are violations: passes when it returns none. */
export interface QueryEmptyVerification {
  id: string;
  kind: 'query-empty';
  description: string;
  sql: string;
}

/**
 * Per-range checksums of the old and the new shape, read in one snapshot.
 * `oldSql` and `newSql` take inclusive key bounds `$1..$2` and return rows
 * `{ k, v }` (text) where `v` is the row's payload; bounds as in BackfillSpec.
 */
export interface RangeChecksum {
  id: string;
  kind: 'range-checksum';
  description: string;
  table: string;
  key: string;
  oldSql: string;
  newSql: string;
  boundSql: string;
  firstBoundSql: string;
}

export type Gate =
  | QueryGate
  | FlagGate
  | ShadowGate
  | SoakGate
  | AppVersionGate
  | ParityGate
  | MismatchRateGate
  | ErrorRateGate
  | LatencyGate
  | TrafficGate
  | PromqlGate
  | VersionWindowGate
  | ApprovalGate
  | HumanSignalsGate;

interface GateBase {
  id: string;
  description: string;
}

/** Passes when the query returns no rows; the rows are the evidence. */
export interface QueryGate extends GateBase {
  kind: 'query-empty';
  sql: string;
}

/** Passes when the flag is enabled at or above a rollout. */
export interface FlagGate extends GateBase {
  kind: 'flag-at-least';
  flag: string;
  rolloutBps: number;
}

/** Passes when shadow reads recorded at most `max` mismatches since the phase began. */
export interface ShadowGate extends GateBase {
  kind: 'shadow-mismatches';
  flag: string;
  max: number;
}

/**
 * Passes once `seconds` have elapsed since `phase` completed, or, with
 * `since: 'rollout-step'`, since its last rollout step was taken.
 */
export interface SoakGate extends GateBase {
  kind: 'soak';
  phase: PhaseId;
  seconds: number;
  since?: 'completed' | 'rollout-step';
}

/** Passes when no live instance runs a version in `retired`. */
export interface AppVersionGate extends GateBase {
  kind: 'app-versions';
  app: string;
  retired: string[];
  /** Heartbeats older than this are ignored. */
  withinSeconds: number;
}

/**
 * Old and new read in one snapshot and compared by key: `oldSql` and
 * `newSql` each return rows `{ k, v }` (text). Passes when at most
 * `maxMismatches` keys differ (missing on one side counts).
 */
export interface ParityGate extends GateBase {
  kind: 'parity';
  oldSql: string;
  newSql: string;
  maxMismatches?: number;
}

/**
 * Where traffic numbers come from: the SDK's rows in the database (default),
 * or the SDK's Prometheus metrics through a Prometheus server's HTTP API.
 */
export type MetricSource = 'database' | 'prometheus';

interface MetricGateBase extends GateBase {
  /** Look back this far, but never before the change entered its current state. */
  windowSeconds: number;
  source?: MetricSource;
}

/** Passes when at most `maxRate` of shadow comparisons differed, over at least `minCompares`. */
export interface MismatchRateGate extends MetricGateBase {
  kind: 'shadow-mismatch-rate';
  flag: string;
  maxRate: number;
  minCompares: number;
}

/** Passes when at most `maxRate` of one side's calls failed, over at least `minCalls`. */
export interface ErrorRateGate extends MetricGateBase {
  kind: 'error-rate';
  side: 'old' | 'new';
  op?: 'read' | 'write';
  maxRate: number;
  minCalls: number;
}

/** Passes when the `quantile` latency of one side's calls is at most `maxMs`, over at least `minCalls`. */
export interface LatencyGate extends MetricGateBase {
  kind: 'latency';
  side: 'old' | 'new';
  op?: 'read' | 'write';
  /** 0 < quantile < 1, e.g. 0.95. */
  quantile: number;
  maxMs: number;
  minCalls: number;
}

/** Passes when at least `minCalls` calls were seen; fewer is inconclusive, never healthy. */
export interface TrafficGate extends MetricGateBase {
  kind: 'min-traffic';
  side?: 'old' | 'new';
  op?: 'read' | 'write';
  minCalls: number;
}

/**
 * A PromQL expression that must yield one number within `[min, max]`. With
 * `traffic`, fewer than `traffic.min` (that query's value) is inconclusive.
 * `url` defaults to the Prometheus URL the watcher is given.
 */
export interface PromqlGate extends GateBase {
  kind: 'promql';
  query: string;
  min?: number;
  max?: number;
  traffic?: { query: string; min: number };
  url?: string;
}

/** Passes when no instance of `app` older than `minVersion` was seen in the last `withinSeconds`. */
export interface VersionWindowGate extends GateBase {
  kind: 'version-window';
  app: string;
  minVersion: string;
  withinSeconds: number;
}

/** Passes once a person holding `role` approved this transition (not the one who asked). */
export interface ApprovalGate extends GateBase {
  kind: 'approval';
  role: string;
}

/** Passes when no negative signal of at least `minSeverity` (1..3) correlated with the change in the last `windowSeconds`. */
export interface HumanSignalsGate extends GateBase {
  kind: 'no-negative-signals';
  minSeverity: number;
  windowSeconds: number;
}

export interface RolloutSpec {
  flag: string;
  /** Percentages in increasing order, ending at 100. */
  steps: number[];
}

export interface AppChange {
  side: 'read' | 'write';
  summary: string;
  /** A code sketch in TypeScript. */
  sketch: string;
  flag?: string;
}

export interface Access {
  writes: Arrow[];
  reads: Arrow[];
  /** A backfill copies from `from` to `to` in this phase. */
  backfill?: { from: string; to: string };
}

export interface Arrow {
  table: string;
  /** The flag this access goes through. */
  via?: string;
  /** Drawn as a stopped (crossed) arrow. */
  stopped?: boolean;
}

/** Every step of a plan, forward and backward, in plan order. */
export function allSteps(plan: Plan): Step[] {
  return plan.phases.flatMap((p) => [...p.forward, ...p.backward]);
}

export function phaseIndex(plan: Plan, id: string): number {
  return plan.phases.findIndex((p) => p.id === id);
}
