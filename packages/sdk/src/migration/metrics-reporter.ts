import type { Side } from './migration-hooks.js';

/**
 * Receives every side call and every shadow comparison of a {@link Migration}
 * (see `DbMetricsReporter`, which aggregates them for the watcher's gates).
 * Both methods run on the request path: they must return at once and never
 * do I/O themselves. A throw is ignored.
 */
export interface MetricsReporter {
  /** One read or write of one side, with its wall time and whether it succeeded. */
  recordCall(change: string, op: 'read' | 'write', side: Side, durationMs: number, ok: boolean): void;
  /** One shadow comparison of the read flag `flag`'s old and new reads. */
  recordCompare(flag: string, change: string, equal: boolean): void;
}
