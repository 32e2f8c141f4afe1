import { isUndefinedTable, type SqlClient } from '../sql-client.js';
import type { FlagDefinition } from './evaluate.js';
import { InvalidFlagRulesError, parseRules } from './rules.js';
import type { Snapshot, SnapshotSource } from './snapshot.js';

interface FlagRow {
  name: string;
  enabled: boolean;
  rollout_bps: number;
  allow_tenants: string[] | null;
  version: string | number;
  rules?: unknown;
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

/**
 * Maps a row to a definition; bigint `version` arrives as a string from pg and
 * a number from PGlite. Empty rules leave `rules` out; problems are returned.
 */
function toDefinition(row: FlagRow): { def: FlagDefinition; problems: string[] } {
  const def: FlagDefinition = {
    name: row.name,
    enabled: row.enabled === true,
    rolloutBps: Math.min(10_000, Math.max(0, Number(row.rollout_bps) || 0)),
    allowTenants: Array.isArray(row.allow_tenants) ? row.allow_tenants.map(String) : [],
    version: Number(row.version),
  };
  const { rules, problems } = parseRules(row.rules);
  if (Object.keys(rules).length > 0) def.rules = rules;
  return { def, problems };
}

/**
 * Loads snapshots from `switchback.flags` and `switchback.changes`.
 *
 * @example
 * const snapshot = await new DbSnapshotSource(pool).load();
 */
export class DbSnapshotSource implements SnapshotSource {
  /** Flag name → version whose invalid rules were already reported (once per version, not per poll). */
  private readonly reported = new Map<string, number>();

  /** `onInvalid` is told, once per flag version, about rules that had to be ignored. */
  constructor(
    private readonly db: SqlClient,
    private readonly onInvalid: (error: InvalidFlagRulesError) => void = () => {},
  ) {}

  async load(): Promise<Snapshot> {
    const [flagRows, changeRows] = await Promise.all([
      rowsOrNone<FlagRow>(
        this.db,
        'SELECT name, enabled, rollout_bps, allow_tenants, version, rules FROM switchback.flags',
      ),
      rowsOrNone<ChangeRow>(this.db, 'SELECT id, applied_phase, status FROM switchback.changes'),
    ]);
    const flags = new Map<string, FlagDefinition>();
    for (const row of flagRows) {
      const { def, problems } = toDefinition(row);
      flags.set(row.name, def);
      if (problems.length > 0 && this.reported.get(row.name) !== def.version) {
        this.reported.set(row.name, def.version);
        this.onInvalid(new InvalidFlagRulesError(row.name, problems));
      }
    }
    return {
      flags,
      phases: new Map(changeRows.map((row) => [row.id, row.applied_phase ?? null])),
      rollingBack: new Set(changeRows.filter((row) => row.status === 'rolling-back').map((row) => row.id)),
      loadedAt: new Date(),
    };
  }
}
