import type { EvalContext, Evaluation, FlagDefinition } from './evaluate.js';

const percent = (bps: number): string => `${bps / 100}%`;

/** Why, without the variant: the clause after the colon. */
function because(ctx: EvalContext, def: FlagDefinition | undefined, result: Evaluation): string {
  const rollout = def === undefined ? '' : `the rollout of ${def.rolloutBps} bps (${percent(def.rolloutBps)})`;
  switch (result.reason) {
    case 'unknown-flag':
      return 'no such flag in switchback.flags, and unknown flags are off';
    case 'disabled':
      return 'it is disabled (kill switch)';
    case 'deny-list':
      return result.rule === 'deny.users'
        ? `user "${ctx.user ?? ''}" is on its deny list`
        : `tenant "${ctx.tenant ?? ''}" is on its deny list`;
    case 'allow-list':
      return result.rule === 'allow.users'
        ? `user "${ctx.user ?? ''}" is on its allow list`
        : `tenant "${ctx.tenant ?? ''}" is on its allow list`;
    case 'rule':
      return `${result.rule ?? 'a rule'} matched`;
    case 'rollout':
      return `its bucket ${result.bucket} is below ${rollout}`;
    case 'outside-rollout':
      return `its bucket ${result.bucket} is not below ${rollout}`;
    case 'error':
      return 'evaluation failed, so it is off';
  }
}

/**
 * One sentence saying why `flag` has the value in `result` for `ctx`, naming
 * the deciding list or rule and the variant served.
 *
 * @example
 * explainEvaluation('F', { key: 'c-1' }, def, evaluate(def, { key: 'c-1' }));
 * // 'F is on for key "c-1": its bucket 1234 is below the rollout of 2500 bps (25%).'
 */
export function explainEvaluation(
  flag: string,
  ctx: EvalContext,
  def: FlagDefinition | undefined,
  result: Evaluation,
): string {
  const state = result.value ? 'on' : 'off';
  const who = result.reason === 'disabled' ? 'everyone' : `key "${ctx.key}"`;
  const variant = result.variant === undefined ? '' : `; variant "${result.variant}"`;
  return `${flag} is ${state} for ${who}: ${because(ctx, def, result)}${variant}.`;
}
