import type { FlagDefinition } from './evaluate.js';

/**
 * Everything the application decides from, held in memory: the flags and, per
 * change id, the last phase whose forward steps completed (null = none yet).
 */
export interface Snapshot {
  flags: ReadonlyMap<string, FlagDefinition>;
  phases: ReadonlyMap<string, string | null>;
  /**
   * Changes being rolled back: the old shape is catching up with writes made
   * to the new one, so comparing the two would only report that lag.
   */
  rollingBack?: ReadonlySet<string>;
  loadedAt: Date;
}

/**
 * Where snapshots come from. The client asks for a whole snapshot and swaps it
 * in atomically; how often it asks (polling today, LISTEN/NOTIFY later calling
 * `FlagClient.refresh`) is the client's business, not the source's.
 */
export interface SnapshotSource {
  /** Reads the current state. May reject; the caller keeps its last snapshot. */
  load(): Promise<Snapshot>;
}

/** A snapshot with no flags and no changes: every flag is off, every change is before expand. */
export function emptySnapshot(loadedAt = new Date(0)): Snapshot {
  return { flags: new Map(), phases: new Map(), loadedAt };
}
