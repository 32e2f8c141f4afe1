import { LedgerTooNewError } from '../errors.js';
import type { Db } from '../db/db.js';

/**
 * The `switchback` schema, as an ordered list of migrations. The ledger
 * migrates itself forward when any command opens it: add a new entry at the
 * end, never edit a released one.
 */
export const LEDGER_MIGRATIONS: readonly { version: number; description: string; sql: string }[] = [
  {
    version: 1,
    description: 'changes, phase runs, step runs, checkpoints, events, flags, shadow mismatches, app instances',
    sql: `
CREATE TABLE switchback.changes (
  id text PRIMARY KEY,
  intent text NOT NULL,
  title text NOT NULL,
  sync text NOT NULL CHECK (sync IN ('trigger', 'app')),
  file text,
  spec jsonb NOT NULL,
  plan jsonb NOT NULL,
  plan_hash text NOT NULL,
  applied_phase text,
  rollout_step integer,
  status text NOT NULL DEFAULT 'idle' CHECK (status IN ('idle', 'advancing', 'rolling-back', 'failed', 'completed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE switchback.phase_runs (
  id bigserial PRIMARY KEY,
  change_id text NOT NULL REFERENCES switchback.changes (id),
  phase text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('forward', 'backward')),
  status text NOT NULL CHECK (status IN ('running', 'succeeded', 'abandoned')),
  actor text NOT NULL,
  error text,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
-- One active phase per change, enforced by the database.
CREATE UNIQUE INDEX phase_runs_one_active ON switchback.phase_runs (change_id) WHERE status = 'running';

CREATE TABLE switchback.step_runs (
  phase_run_id bigint NOT NULL REFERENCES switchback.phase_runs (id),
  step_id text NOT NULL,
  finished_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (phase_run_id, step_id)
);

CREATE TABLE switchback.backfill_checkpoints (
  phase_run_id bigint NOT NULL REFERENCES switchback.phase_runs (id),
  step_id text NOT NULL,
  last_key text,
  rows_visited bigint NOT NULL DEFAULT 0,
  rows_changed bigint NOT NULL DEFAULT 0,
  batches integer NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (phase_run_id, step_id)
);

CREATE TABLE switchback.events (
  seq bigint PRIMARY KEY,
  at timestamptz NOT NULL,
  change_id text,
  phase text,
  actor text NOT NULL,
  action text NOT NULL,
  outcome text NOT NULL,
  sql text,
  evidence jsonb NOT NULL DEFAULT '{}',
  prev_hash text NOT NULL,
  hash text NOT NULL UNIQUE
);
CREATE INDEX events_change ON switchback.events (change_id, seq);
CREATE FUNCTION switchback.events_append_only() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  RAISE EXCEPTION 'switchback.events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $f$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON switchback.events
  FOR EACH ROW EXECUTE FUNCTION switchback.events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON switchback.events
  FOR EACH STATEMENT EXECUTE FUNCTION switchback.events_append_only();

CREATE TABLE switchback.flags (
  name text PRIMARY KEY,
  description text NOT NULL DEFAULT '',
  enabled boolean NOT NULL DEFAULT false,
  rollout_bps integer NOT NULL DEFAULT 0 CHECK (rollout_bps BETWEEN 0 AND 10000),
  allow_tenants text[] NOT NULL DEFAULT '{}',
  rules jsonb NOT NULL DEFAULT '{}',
  change_id text,
  version bigint NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text NOT NULL DEFAULT ''
);

CREATE TABLE switchback.shadow_mismatches (
  id bigserial PRIMARY KEY,
  flag text NOT NULL,
  change_id text,
  key text NOT NULL,
  tenant text,
  old_value jsonb,
  new_value jsonb,
  diff jsonb,
  app_version text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shadow_mismatches_flag_at ON switchback.shadow_mismatches (flag, at);

CREATE TABLE switchback.app_instances (
  instance_id text PRIMARY KEY,
  app text NOT NULL,
  version text NOT NULL,
  host text,
  pid integer,
  started_at timestamptz NOT NULL DEFAULT now(),
  last_seen timestamptz NOT NULL DEFAULT now(),
  stopped_at timestamptz
);`,
  },
  {
    version: 2,
    description: 'SDK side metrics and shadow comparison counts, approval requests, human signals',
    sql: `
-- What the SDK measured per side, one row per instance, change, operation, side and window.
-- le_counts[i] counts calls slower than le_ms[i-1] and at most le_ms[i]; slower ones are calls - sum.
CREATE TABLE switchback.side_metrics (
  change_id text NOT NULL,
  instance_id text NOT NULL,
  app_version text,
  op text NOT NULL CHECK (op IN ('read', 'write')),
  side text NOT NULL CHECK (side IN ('old', 'new')),
  window_start timestamptz NOT NULL,
  calls bigint NOT NULL DEFAULT 0 CHECK (calls >= 0),
  errors bigint NOT NULL DEFAULT 0 CHECK (errors >= 0 AND errors <= calls),
  total_ms double precision NOT NULL DEFAULT 0,
  max_ms double precision NOT NULL DEFAULT 0,
  le_ms double precision[] NOT NULL DEFAULT '{}',
  le_counts bigint[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (change_id, instance_id, op, side, window_start)
);
CREATE INDEX side_metrics_window ON switchback.side_metrics (change_id, window_start);

-- Shadow comparisons per instance and window: the denominator of the mismatch rate
-- (switchback.shadow_mismatches keeps samples and is rate-limited).
CREATE TABLE switchback.shadow_compares (
  flag text NOT NULL,
  change_id text,
  instance_id text NOT NULL,
  window_start timestamptz NOT NULL,
  compares bigint NOT NULL DEFAULT 0 CHECK (compares >= 0),
  mismatches bigint NOT NULL DEFAULT 0 CHECK (mismatches >= 0 AND mismatches <= compares),
  PRIMARY KEY (flag, instance_id, window_start)
);

CREATE TABLE switchback.approval_requests (
  id bigserial PRIMARY KEY,
  change_id text NOT NULL REFERENCES switchback.changes (id),
  transition text NOT NULL,
  question text NOT NULL,
  options text[] NOT NULL CHECK (cardinality(options) >= 1),
  evidence jsonb NOT NULL DEFAULT '{}',
  asked_by text NOT NULL,
  required_role text,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved', 'rejected')),
  answered_by text,
  answered_role text,
  answer text,
  reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  answered_at timestamptz,
  -- Whoever asked cannot answer their own question, whatever the code path.
  CHECK (answered_by IS DISTINCT FROM asked_by),
  CHECK ((status = 'open') = (answered_by IS NULL))
);
CREATE UNIQUE INDEX approval_requests_one_open ON switchback.approval_requests (change_id, transition) WHERE status = 'open';

-- What people said (tickets, chat, reports), and which changes each one is about.
CREATE TABLE switchback.signals (
  id bigserial PRIMARY KEY,
  source text NOT NULL,
  external_id text,
  at timestamptz NOT NULL,
  tenant text,
  author text,
  body text NOT NULL,
  polarity text NOT NULL CHECK (polarity IN ('negative', 'neutral', 'positive')),
  severity integer NOT NULL CHECK (severity BETWEEN 0 AND 3),
  cues text[] NOT NULL DEFAULT '{}',
  classifier text NOT NULL DEFAULT 'deterministic',
  recorded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source, external_id)
);
CREATE INDEX signals_at ON switchback.signals (at);
CREATE TABLE switchback.signal_correlations (
  signal_id bigint NOT NULL REFERENCES switchback.signals (id),
  change_id text NOT NULL REFERENCES switchback.changes (id),
  relevance double precision NOT NULL CHECK (relevance BETWEEN 0 AND 1),
  evidence jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (signal_id, change_id)
);`,
  },
];

export const LEDGER_VERSION = LEDGER_MIGRATIONS[LEDGER_MIGRATIONS.length - 1]!.version;

/** Key for the advisory lock that serialises ledger migrations across processes. */
const MIGRATE_LOCK = 0x5357_4243; // "SWBC"

/** Bring the `switchback` schema up to date. Safe to call from many processes at once. */
export async function migrateLedger(db: Db): Promise<{ from: number; to: number }> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATE_LOCK]);
    await tx.exec(`CREATE SCHEMA IF NOT EXISTS switchback;
CREATE TABLE IF NOT EXISTS switchback.schema_version (
  version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());`);
    const { rows } = await tx.query<{ v: number | null }>('SELECT max(version) AS v FROM switchback.schema_version');
    const from = rows[0]?.v ?? 0;
    if (from > LEDGER_VERSION) throw new LedgerTooNewError(from, LEDGER_VERSION);
    for (const m of LEDGER_MIGRATIONS.filter((m) => m.version > from)) {
      await tx.exec(m.sql);
      await tx.query('INSERT INTO switchback.schema_version (version, description) VALUES ($1, $2)', [m.version, m.description]);
    }
    return { from, to: LEDGER_VERSION };
  });
}
