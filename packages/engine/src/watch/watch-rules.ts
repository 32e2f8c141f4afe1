import { formatDuration, type Gate, type Phase, type Policy } from '@switchback/core';

/**
 * Evidence the watcher requires before it takes the next rollout step
 * alone, from the policy: time at the current step, enough shadow
 * comparisons with few mismatches, a healthy new side, and no negative
 * human signal in that time. Zero traffic leaves these inconclusive.
 */
export function rolloutGates(policy: Policy, phase: Phase): Gate[] {
  const r = policy.rollout;
  const flag = phase.rollout!.flag;
  const windowSeconds = Math.max(60, r.soak / 1000);
  const source = r.metrics;
  return [
    { id: 'rollout-soak', kind: 'soak', description: `${formatDuration(r.soak)} at the current rollout step`, phase: phase.id, seconds: r.soak / 1000, since: 'rollout-step' },
    { id: 'rollout-mismatch-rate', kind: 'shadow-mismatch-rate', description: `at most ${r.maxMismatchRate * 100}% of shadow reads differ`, flag, maxRate: r.maxMismatchRate, minCompares: r.minCalls, windowSeconds, source },
    { id: 'rollout-new-errors', kind: 'error-rate', description: `at most ${r.maxErrorRate * 100}% of new-side reads fail`, side: 'new', op: 'read', maxRate: r.maxErrorRate, minCalls: r.minCalls, windowSeconds, source },
    { id: 'rollout-no-complaints', kind: 'no-negative-signals', description: 'no negative human signal about this change at this step', minSeverity: 1, windowSeconds },
  ];
}

/**
 * Rules that roll an exposed phase back: the plan's own `rollbackWhen`, and
 * for a phase with a rollout the policy's thresholds on the mismatch rate,
 * new-side errors and severe human signals. Only a failing rule trips;
 * inconclusive never rolls back.
 */
export function rollbackRules(policy: Policy, phase: Phase): Gate[] {
  const rules: Gate[] = [...(phase.rollbackWhen ?? [])];
  if (!phase.rollout) return rules;
  const r = policy.rollback;
  const windowSeconds = r.window / 1000;
  const source = policy.rollout.metrics;
  rules.push(
    { id: 'rollback-mismatch-rate', kind: 'shadow-mismatch-rate', description: `shadow reads differ at most ${r.mismatchRate * 100}% of the time`, flag: phase.rollout.flag, maxRate: r.mismatchRate, minCompares: r.minSamples, windowSeconds, source },
    { id: 'rollback-new-errors', kind: 'error-rate', description: `new-side reads fail at most ${r.errorRate * 100}% of the time`, side: 'new', op: 'read', maxRate: r.errorRate, minCalls: r.minSamples, windowSeconds, source },
  );
  if (r.signalSeverity > 0) rules.push({ id: 'rollback-severe-complaints', kind: 'no-negative-signals', description: `no negative human signal of severity ≥ ${r.signalSeverity}`, minSeverity: r.signalSeverity, windowSeconds });
  return rules;
}
