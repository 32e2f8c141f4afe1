// The whole public API of @switchback/sdk, written out.

export type { SqlClient } from './sql-client.js';

export { murmur3_32 } from './flags/murmur3.js';
export { bucket, BUCKET_COUNT } from './flags/bucket.js';
export { evaluate } from './flags/evaluate.js';
export type { EvalContext, Evaluation, EvaluationReason, FlagDefinition } from './flags/evaluate.js';
export { emptySnapshot } from './flags/snapshot.js';
export type { Snapshot, SnapshotSource } from './flags/snapshot.js';
export { DbSnapshotSource } from './flags/db-snapshot-source.js';
export { FlagClient, DEFAULT_POLL_MS } from './flags/flag-client.js';
export type { FlagClientOptions } from './flags/flag-client.js';

export { stageFor } from './migration/stage.js';
export type { Phase, Stage } from './migration/stage.js';
export { deepEqual } from './migration/deep-equal.js';
export { topLevelDiff } from './migration/mismatch-reporter.js';
export type { Mismatch, MismatchReporter, TopLevelDiff } from './migration/mismatch-reporter.js';
export {
  DbMismatchReporter,
  DEFAULT_MISMATCH_BATCH_SIZE,
  DEFAULT_MISMATCH_FLUSH_MS,
} from './migration/db-mismatch-reporter.js';
export type { DbMismatchReporterOptions } from './migration/db-mismatch-reporter.js';
export { Migration, DEFAULT_SAMPLE_EVERY } from './migration/migration.js';
export type { MigrationCounters, MigrationOptions, ReadImpl, WriteImpl } from './migration/migration.js';

export { startHeartbeat, DEFAULT_HEARTBEAT_INTERVAL_MS } from './heartbeat/heartbeat.js';
export type { Heartbeat, HeartbeatOptions } from './heartbeat/heartbeat.js';
