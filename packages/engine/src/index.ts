export type { Db, Queryable, QueryResult, Row, Isolation } from './db/db.js';
export { PgCode, errorCode } from './db/db.js';
export { PgDb, redactUrl } from './db/pg-db.js';
export { PgliteDb } from './db/pglite-db.js';
export { openDatabase, DEFAULT_DATA_DIR, type OpenOptions } from './db/open-database.js';
export * from './errors.js';
export { migrateLedger, LEDGER_VERSION, LEDGER_MIGRATIONS } from './ledger/ledger-migrations.js';
export {
  appendEvent,
  activePhaseRun,
  readEvents,
  verifyLedger,
  getChange,
  listChanges,
  phaseRuns,
  listFlags,
  getFlag,
  writeFlag,
  type ChangeRow,
  type FlagRow,
  type LedgerEvent,
  type LedgerVerification,
  type NewEvent,
  type PhaseRun,
} from './ledger/ledger-store.js';
export { readSchema } from './schema/read-schema.js';
export { registerChange, planHash, PlanProblemsError } from './executor/register-change.js';
export { advance, rollback, DEFAULT_PROPAGATION_MS, type ExecutorOptions, type TransitionResult, type Transition } from './executor/executor.js';
export type { ExecutorEvent } from './executor/executor-events.js';
export { changeStatus, allStatuses, type ChangeStatus, type StatusOptions } from './executor/status.js';
export { evaluateGates, gatesPass, type GateResult, type GateVerdict, type GateContext } from './executor/gates.js';
export { promQueryNumber, PrometheusQueryError, safeUrl, DEFAULT_PROMETHEUS_TIMEOUT_MS } from './gates/prometheus-client.js';
export { histogramQuantile, mergeHistograms, type LatencyHistogram } from './gates/latency-histogram.js';
export { stateSince } from './gates/gate-window.js';
export { runVerification, type VerificationResult, type Mismatch } from './executor/verify.js';
export { withLockRetry, backoffDelay, isRetryable, type RetryPolicy } from './executor/run-sql-step.js';
export { runBackfill, type BackfillProgress, type BackfillResult } from './backfill/backfill-runner.js';
export { updateFlag, FlagNotFoundError, type FlagUpdate } from './ledger/flag-store.js';
export { runWatcher, watchTick, DEFAULT_WATCH_INTERVAL_MS, DEFAULT_FOLLOWER_POLL_MS, DEFAULT_REPEAT_MS, type WatcherOptions, type WatchReport } from './watch/watcher.js';
export { watchChange, type WatchDecision, type WatchContext } from './watch/watch-change.js';
export { rolloutGates, rollbackRules } from './watch/watch-rules.js';
export { systemClock, type Clock } from './watch/clock.js';
export { currentLeader } from './watch/leader-lock.js';
export { webhookNotifier, allNotifiers, slackMessage, webhookLabel, DEFAULT_WEBHOOK_TIMEOUT_MS, DEFAULT_WEBHOOK_RETRIES, DEFAULT_WEBHOOK_BACKOFF_MS, type Notice, type Notifier, type WebhookOptions } from './watch/notifier.js';
export {
  openApprovalRequest,
  answerApprovalRequest,
  listApprovalRequests,
  getApprovalRequest,
  ApprovalRequestNotFoundError,
  SelfApprovalError,
  RequestAnsweredError,
  ApprovalRoleError,
  type ApprovalRequest,
  type NewApprovalRequest,
  type ApprovalAnswer,
} from './ledger/approval-store.js';
export { enforcePolicy, enforceFlagPolicy, flagTransition, forwardTransitions, backwardTransitions, PolicyRefusedError, ApprovalRequiredError } from './policy/policy-guard.js';
export { recordSignals, correlate, CORRELATION_THRESHOLD, RECENT_TRANSITION_MS, type RecordedSignal, type Correlation } from './signals/signal-store.js';
export { flagStateAt, type FlagStateAt } from './signals/flag-history.js';
export { dueReport, observeOldReads, type DueItem, type OldReads } from './due/due-report.js';
export { startFeedbackServer, FeedbackTokenError, MAX_FEEDBACK_BODY_BYTES, MIN_FEEDBACK_TOKEN_LENGTH, type FeedbackServer, type FeedbackServerOptions } from './signals/feedback-server.js';
export { llmClassifier, deterministicClassifier, DEFAULT_LLM_TIMEOUT_MS, type Classifier, type Classified, type LlmClassifierOptions } from './signals/llm-classifier.js';
export {
  rehearse,
  REHEARSAL_JSON_VERSION,
  REHEARSAL_OVERRIDDEN_GATES,
  REHEARSAL_OVERRIDE_REASON,
  DEFAULT_SETTLE_OPS,
  type RehearseOptions,
  type RehearsalResult,
  type RehearsalCell,
  type RehearsalEdge,
  type RehearsalFailure,
  type RehearsalEvent,
  type Check as RehearsalCheck,
} from './rehearse/rehearse.js';
export { createScratchDatabase, openPgliteFromTemplate, type ScratchDatabase } from './rehearse/scratch-database.js';
export { DEFAULT_REHEARSAL_ROWS, DEFAULT_REHEARSAL_SEED } from './rehearse/generate-data.js';
export { RehearsalInputError, UnsupportedColumnTypeError } from './rehearse/rehearsal-errors.js';
export { versionWindows, rehearsalSchedule, type AppVersion } from './rehearse/rehearsal-schedule.js';
