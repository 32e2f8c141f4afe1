import type { BackfillStep, ExecutionSettings, Step } from '@switchback/core';
import type { Db, Queryable } from '../db/db.js';
import { runBackfill, type BackfillResult } from '../backfill/backfill-runner.js';
import { appendEvent, doneSteps, markStepDone, saveCheckpoint, writeFlag } from '../ledger/ledger-store.js';
import type { ExecutorEvent } from './executor-events.js';
import { runConcurrent, sleep, withLockRetry, type RetryPolicy } from './run-sql-step.js';
import { runVerification, type VerificationResult } from './verify.js';
import { isSwitchbackError } from '../errors.js';

export interface StepContext {
  change: string;
  phase: string;
  phaseRun: number;
  step: Step;
  settings: ExecutionSettings;
  actor: string;
  propagationMs: number;
  onEvent?: (e: ExecutorEvent) => void;
  /** The time recorded for the step's events and flag writes (a simulated timeline); default: now. */
  clock?: () => Date;
  afterBatch?: (batch: number) => void | Promise<void>;
}

export interface StepOutcome {
  id: string;
  kind: Step['kind'];
  outcome: 'succeeded' | 'skipped' | 'failed';
  error?: string;
  backfill?: BackfillResult & { verification: VerificationResult | undefined; repairPasses: number };
}

/**
 * Run one step exactly once per phase run: a step already recorded is
 * skipped, and each step's effect commits in the same transaction as its
 * record (backfills: each batch with its checkpoint).
 */
export async function runStep(db: Db, c: StepContext): Promise<StepOutcome> {
  const { step } = c;
  const base = { id: step.id, kind: step.kind };
  if ((await doneSteps(db, c.phaseRun)).has(step.id)) {
    c.onEvent?.({ type: 'step', phase: c.phase, step: step.id, description: step.description, status: 'skipped', ms: 0 });
    return { ...base, outcome: 'skipped' };
  }
  const t0 = Date.now();
  const retry: RetryPolicy = {
    lockTimeoutMs: c.settings.lockTimeout,
    retries: c.settings.lockRetries,
    onRetry: async (attempt, waitMs, error) => {
      c.onEvent?.({ type: 'retry', step: step.id, attempt, waitMs, error });
      await db.transaction((tx) => appendEvent(tx, { change: c.change, phase: c.phase, actor: c.actor, action: 'step.lock-retry', outcome: 'retrying', evidence: { step: step.id, attempt, waitMs, error } }, c.clock?.()));
    },
  };
  const record = (tx: Queryable, evidence: Record<string, unknown> = {}, sql: string | null = null) =>
    markStepDone(tx, c.phaseRun, step.id).then(() =>
      appendEvent(tx, { change: c.change, phase: c.phase, actor: c.actor, action: `step.${step.kind}`, outcome: 'succeeded', sql, evidence: { step: step.id, description: step.description, ms: Date.now() - t0, ...evidence } }, c.clock?.()),
    );
  try {
    let extra: Partial<StepOutcome> = {};
    switch (step.kind) {
      case 'sql':
        await withLockRetry(db, step.id, step.ddl ? retry : { ...retry, lockTimeoutMs: Math.max(retry.lockTimeoutMs, 60_000) }, async (tx) => {
          await tx.exec(step.sql);
          await record(tx, {}, step.sql);
        });
        break;
      case 'concurrent':
        await runConcurrent(db, step.id, step.statements, retry);
        await db.transaction((tx) => record(tx, { statements: step.statements.length }, step.statements.join('\n')));
        break;
      case 'flag':
        await db.transaction(async (tx) => {
          await writeFlag(tx, step.flag, step.set, { change: c.change, actor: c.actor, description: step.description, ...(c.clock ? { at: c.clock() } : {}) });
          await record(tx, { flag: step.flag, set: step.set });
        });
        break;
      case 'pause':
        await sleep(c.propagationMs);
        await db.transaction((tx) => record(tx, { waitedMs: c.propagationMs }));
        break;
      case 'backfill':
        extra = { backfill: await backfillWithVerification(db, step, c, retry) };
        if (extra.backfill!.verification && !extra.backfill!.verification.ok) {
          const v = extra.backfill!.verification;
          throw new Error(`${v.mismatchCount} rows still differ after ${extra.backfill!.repairPasses} repair pass(es), e.g. ${JSON.stringify(v.mismatches.slice(0, 3))}`);
        }
        await db.transaction((tx) => record(tx, { ...extra.backfill, verification: extra.backfill!.verification ? summarize(extra.backfill!.verification) : 'not required' }));
        break;
    }
    c.onEvent?.({ type: 'step', phase: c.phase, step: step.id, description: step.description, status: 'done', ms: Date.now() - t0 });
    return { ...base, outcome: 'succeeded', ...extra };
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    c.onEvent?.({ type: 'step', phase: c.phase, step: step.id, description: step.description, status: 'failed', ms: Date.now() - t0 });
    if (isSwitchbackError(e) && e.exitCode === 2) throw e;
    return { ...base, outcome: 'failed', error };
  }
}

/** Where the step's checkpoints live for a repair pass (a fresh key walk). */
const repairStep = (id: string, pass: number) => (pass === 0 ? id : `${id}#repair-${pass}`);

export const MAX_REPAIR_PASSES = 2;

/**
 * Copy, then verify per range. Mismatches left by writes that raced the
 * copy outside the sync (an app that dual-writes in two transactions) are
 * fixed by a repair pass, which only touches rows that differ; what still
 * differs after that is listed and fails the step.
 */
async function backfillWithVerification(db: Db, step: BackfillStep, c: StepContext, retry: RetryPolicy) {
  let result!: BackfillResult;
  let verification: VerificationResult | undefined;
  let pass = 0;
  for (; pass <= MAX_REPAIR_PASSES; pass++) {
    const id = repairStep(step.id, pass);
    result = await runBackfill(db, step.backfill, { phaseRun: c.phaseRun, step: id }, {
      batchSize: c.settings.batchSize,
      targetBatchMs: c.settings.targetBatchTime,
      pauseMs: c.settings.batchPause,
      retry,
      onProgress: (progress) => c.onEvent?.({ type: 'backfill', step: id, progress }),
      ...(c.afterBatch ? { afterBatch: c.afterBatch } : {}),
    });
    if (!step.backfill.verification) return { ...result, verification: undefined, repairPasses: 0 };
    const v = await runVerification(db, step.backfill.verification);
    verification = v;
    c.onEvent?.({ type: 'verification', phase: c.phase, result: v });
    await db.transaction((tx) => appendEvent(tx, { change: c.change, phase: c.phase, actor: c.actor, action: 'backfill.verification', outcome: v.ok ? 'passed' : 'failed', evidence: { step: id, ...v } }, c.clock?.()));
    if (v.ok) break;
    // Start the next pass from the first key (its own checkpoint row).
    await db.transaction((tx) => saveCheckpoint(tx, c.phaseRun, repairStep(step.id, pass + 1), { last_key: null, rows_visited: 0, rows_changed: 0, batches: 0 }));
  }
  return { ...result, verification, repairPasses: Math.min(pass, MAX_REPAIR_PASSES) };
}

function summarize(v: VerificationResult) {
  return { ok: v.ok, rangesChecked: v.rangesChecked, rowsChecked: v.rowsChecked, mismatchCount: v.mismatchCount, mismatches: v.mismatches.slice(0, 20) };
}
