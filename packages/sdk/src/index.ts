// The whole public API of @switchback/sdk, written out.

export type { SqlClient } from './sql-client.js';

export { murmur3_32 } from './flags/murmur3.js';
export { bucket, BUCKET_COUNT } from './flags/bucket.js';
export { evaluate } from './flags/evaluate.js';
export type { EvalContext, Evaluation, EvaluationReason, FlagDefinition } from './flags/evaluate.js';
export { parseRules, InvalidFlagRulesError } from './flags/rules.js';
export type { FlagRules, RuleOp, TargetingRule, VariantWeight } from './flags/rules.js';
export { pickVariant, variantBucket, attributeOf } from './flags/targeting.js';
export type { TargetingContext } from './flags/targeting.js';
export { explainEvaluation } from './flags/explain.js';
export { emptySnapshot } from './flags/snapshot.js';
export type { Snapshot, SnapshotSource } from './flags/snapshot.js';
export { DbSnapshotSource } from './flags/db-snapshot-source.js';
export { FlagClient, DEFAULT_POLL_MS, changedFlags } from './flags/flag-client.js';
export type { FlagClientListener, FlagClientOptions } from './flags/flag-client.js';
export type { EvaluationEvent, FlagHooks } from './flags/flag-hooks.js';
export { FLAGS_CHANNEL, pgliteListener } from './flags/listener.js';
export type { Listener, PgliteLike } from './flags/listener.js';
export { pgListener } from './flags/pg-listener.js';
export type { PgListenClient, PgListenerOptions } from './flags/pg-listener.js';

export { stageFor, STAGES } from './migration/stage.js';
export type { Phase, Stage, StageBehaviour } from './migration/stage.js';
export { deepEqual } from './migration/deep-equal.js';
export { topLevelDiff } from './migration/mismatch-reporter.js';
export type { Mismatch, MismatchReporter, TopLevelDiff } from './migration/mismatch-reporter.js';
export {
  DbMismatchReporter,
  DEFAULT_MISMATCH_BATCH_SIZE,
  DEFAULT_MISMATCH_FLUSH_MS,
  DEFAULT_MISMATCH_MAX_PER_SECOND,
  DEFAULT_MISMATCH_MAX_VALUE_CHARS,
} from './migration/db-mismatch-reporter.js';
export type { DbMismatchReporterOptions } from './migration/db-mismatch-reporter.js';
export {
  DbMetricsReporter,
  DEFAULT_LATENCY_BOUNDS_MS,
  DEFAULT_METRICS_FLUSH_MS,
  DEFAULT_METRICS_MAX_SERIES,
  InvalidMetricsOptionsError,
} from './migration/db-metrics-reporter.js';
export type { DbMetricsReporterOptions, DroppedMetrics } from './migration/db-metrics-reporter.js';
export type { MetricsReporter } from './migration/metrics-reporter.js';
export { Migration, DEFAULT_SAMPLE_EVERY } from './migration/migration.js';
export type { MigrationCounters, MigrationOptions, ReadImpl, WriteImpl } from './migration/migration.js';
export type { CompareEvent, MigrationHooks, Side, SideCall, SideCounters, SideEvent } from './migration/migration-hooks.js';
export { TokenBucket } from './migration/token-bucket.js';

export { startHeartbeat, DEFAULT_HEARTBEAT_INTERVAL_MS } from './heartbeat/heartbeat.js';
export type { Heartbeat, HeartbeatOptions } from './heartbeat/heartbeat.js';
export { compareAppVersions, isOlderAppVersion, isOrderedAppVersion } from './heartbeat/app-version.js';
export { liveAppVersions, liveVersionsOlderThan } from './heartbeat/live-versions.js';
export type { LiveAppVersion, LiveInstance, LiveVersionsQuery } from './heartbeat/live-versions.js';
