import type { Evaluation } from './evaluate.js';

/** One flag evaluation, as reported to {@link FlagHooks}. */
export interface EvaluationEvent extends Evaluation {
  flag: string;
}

/**
 * Plain callbacks a {@link FlagClient} calls, e.g. to count evaluations in
 * metrics or add them to an OpenTelemetry span. They run on the request path:
 * keep them cheap. A hook that throws is ignored.
 */
export interface FlagHooks {
  /** After every `evaluate`, `isEnabled` and `variant`. */
  onEvaluation?(event: EvaluationEvent): void;
  /** After every snapshot load: 'ok', or 'error' (the last snapshot is kept). */
  onRefresh?(outcome: 'ok' | 'error'): void;
}
