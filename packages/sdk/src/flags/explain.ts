import type { EvalContext, Evaluation, FlagDefinition } from './evaluate.js';

const percent = (bps: number): string => `${bps / 100}%`;

/**
 * One sentence saying why `flag` has the value in `result` for `ctx`.
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
  const who = `key "${ctx.key}"`;
  const rollout = def === undefined ? '' : `the rollout of ${def.rolloutBps} bps (${percent(def.rolloutBps)})`;
  switch (result.reason) {
    case 'unknown-flag':
      return `${flag} is off for ${who}: no such flag in switchback.flags, and unknown flags are off.`;
    case 'disabled':
      return `${flag} is off for everyone: it is disabled (kill switch).`;
    case 'allow-list':
      return `${flag} is on for ${who}: tenant "${ctx.tenant ?? ''}" is on its allow list.`;
    case 'rollout':
      return `${flag} is on for ${who}: its bucket ${result.bucket} is below ${rollout}.`;
    case 'outside-rollout':
      return `${flag} is off for ${who}: its bucket ${result.bucket} is not below ${rollout}.`;
  }
}
