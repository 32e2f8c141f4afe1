import type { BackfillProgress } from '../backfill/backfill-runner.js';
import type { GateResult } from './gates.js';
import type { VerificationResult } from './verify.js';

/** What the executor reports while it works; the CLI renders these, tests record them. */
export type ExecutorEvent =
  | { type: 'gate'; phase: string; gate: GateResult }
  | { type: 'phase-start'; phase: string; direction: 'forward' | 'backward'; resumed: boolean }
  | { type: 'phase-done'; phase: string; direction: 'forward' | 'backward' }
  | { type: 'step'; phase: string; step: string; description: string; status: 'done' | 'skipped' | 'failed'; ms: number }
  | { type: 'retry'; step: string; attempt: number; waitMs: number; error: string }
  | { type: 'backfill'; step: string; progress: BackfillProgress }
  | { type: 'verification'; phase: string; result: VerificationResult }
  | { type: 'rollout'; flag: string; fromPercent: number; toPercent: number };
