import { isUndefinedTable, type SqlClient } from '../sql-client.js';
import type { FlagDefinition } from './evaluate.js';
import type { Snapshot, SnapshotSource } from './snapshot.js';

interface FlagRow {
  name: string;
  enabled: boolean;
  rollout_bps: number;
  allow_tenants: string[] | null;
  version: string | number;
}

interface ChangeRow {
  id: string;
  applied_phase: string | null;
  status?: string;
}

/** Runs `sql`, treating a missing table (the engine has not run yet) as no rows. */
async function rowsOrNone<R>(db: SqlClient, sql: string): Promise<R[]> {
  try {
    return (await db.query<R>(sql)).rows;
  } catch (error) {
    if (isUndefinedTable(error)) return [];
    throw error;
  }
}

/** Maps a row to a definition; bigint `version` arrives as a string from pg and a number from PGlite. */
function toDefinition(row: FlagRow): FlagDefinition {
  return {
    name: row.name,
    enabled: row.enabled === true,
    rolloutBps: Math.min(10_000, Math.max(0, Number(row.rollout_bps) || 0)),
    allowTenants: Array.isArray(row.allow_tenants) ? row.allow_tenants.map(String) : [],
    version: Number(row.version),
  };
}

/**
 * Loads snapshots from `switchback.flags` and `switchback.changes`.
 *
 * @example
 * const snapshot = await new DbSnapshotSource(pool).load();
 */
export class DbSnapshotSource implements SnapshotSource {
  constructor(private readonly db: SqlClient) {}

  async load(): Promise<Snapshot> {
    const [flagRows, changeRows] = await Promise.all([
      rowsOrNone<FlagRow>(
        this.db,
        'SELECT name, enabled, rollout_bps, allow_tenants, version FROM switchback.flags',
      ),
      rowsOrNone<ChangeRow>(this.db, 'SELECT id, applied_phase, status FROM switchback.changes'),
    ]);
    return {
      flags: new Map(flagRows.map((row) => [row.name, toDefinition(row)])),
      phases: new Map(changeRows.map((row) => [row.id, row.applied_phase ?? null])),
      rollingBack: new Set(changeRows.filter((row) => row.status === 'rolling-back').map((row) => row.id)),
      loadedAt: new Date(),
    };
  }
}
