/**
 * A table-driven corpus for `switchback check`: each case is a previously
 * deployed schema, a migration, and exactly the `{ rule, line }` findings
 * expected (order-insensitive). Cases where the rules are known to be wrong
 * carry `known` and a one-line `reason`; corpus.test.ts runs them as it.fails.
 */
export interface ExpectedFinding {
  rule: string;
  line: number;
}

export interface CorpusCase {
  name: string;
  /** SQL of the previously deployed schema. */
  schema: string;
  /** The migration being checked. */
  migration: string;
  /** Exactly the findings expected; [] for a safe migration. */
  expect: ExpectedFinding[];
  /** A gap in the current rules: the expectation above is the correct one. */
  known?: 'false-positive' | 'false-negative';
  reason?: string;
}

/** Lines of a migration, joined with newlines (line numbers are index + 1). */
const m = (...lines: string[]): string => lines.join('\n');

const LT = "SET lock_timeout = '2s';";

export const BASE = `
CREATE TABLE customer (
  id bigserial PRIMARY KEY,
  tenant text NOT NULL DEFAULT 'default',
  name text NOT NULL,
  email text,
  code varchar(20),
  label varchar,
  balance numeric(10,2),
  ratio numeric,
  visits integer,
  score smallint,
  weight real,
  big bigint,
  created_at timestamp,
  seen_at timestamptz,
  net cidr,
  note text
);
CREATE TABLE contract (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customer (id),
  tier text,
  end_date date
);
CREATE INDEX contract_customer_id ON contract (customer_id);
CREATE SCHEMA billing;
CREATE TABLE billing.invoice (id bigint PRIMARY KEY, amount numeric(12,2), status text);
CREATE INDEX invoice_status ON billing.invoice (status);
CREATE TABLE "Weird Name" (id int, "Mixed Col" text);
CREATE TABLE audit_log (id bigint, payload jsonb);
CREATE TABLE session (id bigint, token text);
`;

const WITH_VALIDATED_CHECK = `${BASE}
ALTER TABLE contract ADD CONSTRAINT tier_nn CHECK (tier IS NOT NULL) NOT VALID;
ALTER TABLE contract VALIDATE CONSTRAINT tier_nn;
`;
const WITH_UNVALIDATED_CHECK = `${BASE}
ALTER TABLE contract ADD CONSTRAINT tier_nn CHECK (tier IS NOT NULL) NOT VALID;
`;

const c = (name: string, migration: string, expect: ExpectedFinding[], extra: Partial<CorpusCase> = {}): CorpusCase => ({ name, schema: BASE, migration, expect, ...extra });
const f = (rule: string, line: number): ExpectedFinding => ({ rule, line });

const ANC = 'add-not-null-column';
const VOL = 'add-column-volatile-default';
const DCOL = 'drop-column';
const DTAB = 'drop-table';
const RCOL = 'rename-column';
const RTAB = 'rename-table';
const TYPE = 'change-column-type';
const SNN = 'set-not-null';
const VAL = 'validate-constraint-separately';
const UNIQ = 'add-unique-without-index';
const IDX = 'require-concurrent-index';
const IDXD = 'require-concurrent-index-drop';
const CONC = 'concurrently-in-transaction';
const TRUNC = 'truncate-table';
const UPD = 'unbatched-backfill';
const DEL = 'delete-without-where';
const LOCK = 'require-lock-timeout';
const IGN = 'ignore-without-reason';

export const corpus: CorpusCase[] = [
  // ── add-not-null-column ────────────────────────────────────────────────
  c('anc: NOT NULL without default', m(LT, 'ALTER TABLE customer ADD COLUMN plan text NOT NULL;'), [f(ANC, 2)]),
  c('anc: safe nullable column', m(LT, 'ALTER TABLE customer ADD COLUMN plan text;'), []),
  c('anc: safe NOT NULL with constant default (PG11+ no rewrite)', m(LT, "ALTER TABLE customer ADD COLUMN plan text NOT NULL DEFAULT 'basic';"), []),
  c('anc: safe NOT NULL DEFAULT now() (stable)', m(LT, 'ALTER TABLE customer ADD COLUMN joined timestamptz NOT NULL DEFAULT now();'), []),
  c('anc: NOT NULL with volatile default is only a rewrite', m(LT, 'ALTER TABLE customer ADD COLUMN ext uuid NOT NULL DEFAULT gen_random_uuid();'), [f(VOL, 2)]),
  c('anc: NOT NULL identity column rewrites but is filled', m(LT, 'ALTER TABLE customer ADD COLUMN n int NOT NULL GENERATED ALWAYS AS IDENTITY;'), [f(VOL, 2)]),
  c('anc: safe on a table created in the same migration', m('CREATE TABLE plan (id int);', 'ALTER TABLE plan ADD COLUMN name text NOT NULL;'), []),
  c('anc: IF NOT EXISTS still flagged', m(LT, 'ALTER TABLE customer ADD COLUMN IF NOT EXISTS plan text NOT NULL;'), [f(ANC, 2)]),
  c('anc: quoted identifiers', m(LT, 'ALTER TABLE "Weird Name" ADD COLUMN "New Col" text NOT NULL;'), [f(ANC, 2)]),
  c('anc: schema-qualified table', m(LT, 'ALTER TABLE billing.invoice ADD COLUMN due date NOT NULL;'), [f(ANC, 2)]),
  c('anc: points at the column line in a multi-line ALTER', m(LT, 'ALTER TABLE customer', '  ADD COLUMN a text,', '  ADD COLUMN b text NOT NULL,', '  ADD COLUMN c text NOT NULL;'), [f(ANC, 4), f(ANC, 5)]),
  c('anc: without lock_timeout also needs one', 'ALTER TABLE customer ADD COLUMN plan text NOT NULL;', [f(ANC, 1), f(LOCK, 1)]),
  c('anc: NOT NULL stored generated column is filled (rewrite only)', m(LT, 'ALTER TABLE billing.invoice ADD COLUMN gross numeric NOT NULL GENERATED ALWAYS AS (amount * 2) STORED;'), [f(VOL, 2)]),
  c('anc: CREATE TABLE with NOT NULL columns is safe', 'CREATE TABLE plan (id bigint NOT NULL, name text NOT NULL);', []),

  // ── add-column-volatile-default ───────────────────────────────────────
  c('vol: random()', m(LT, 'ALTER TABLE customer ADD COLUMN r float8 DEFAULT random();'), [f(VOL, 2)]),
  c('vol: clock_timestamp()', m(LT, 'ALTER TABLE customer ADD COLUMN at timestamptz DEFAULT clock_timestamp();'), [f(VOL, 2)]),
  c('vol: gen_random_uuid()', m(LT, 'ALTER TABLE customer ADD COLUMN ext uuid DEFAULT gen_random_uuid();'), [f(VOL, 2)]),
  c('vol: uuid_generate_v4()', m(LT, 'ALTER TABLE customer ADD COLUMN ext uuid DEFAULT uuid_generate_v4();'), [f(VOL, 2)]),
  c('vol: timeofday()', m(LT, 'ALTER TABLE customer ADD COLUMN t text DEFAULT timeofday();'), [f(VOL, 2)]),
  c('vol: nextval()', m(LT, "ALTER TABLE customer ADD COLUMN n bigint DEFAULT nextval('customer_n_seq');"), [f(VOL, 2)]),
  c('vol: nested in an expression and cast', m(LT, 'ALTER TABLE customer ADD COLUMN r int DEFAULT (random() * 100)::int;'), [f(VOL, 2)]),
  c('vol: serial column', m(LT, 'ALTER TABLE audit_log ADD COLUMN seq serial;'), [f(VOL, 2)]),
  c('vol: bigserial column', m(LT, 'ALTER TABLE audit_log ADD COLUMN seq bigserial;'), [f(VOL, 2)]),
  c('vol: identity column', m(LT, 'ALTER TABLE audit_log ADD COLUMN seq bigint GENERATED BY DEFAULT AS IDENTITY;'), [f(VOL, 2)]),
  c('vol: stored generated column', m(LT, 'ALTER TABLE customer ADD COLUMN v2 int GENERATED ALWAYS AS (visits * 2) STORED;'), [f(VOL, 2)]),
  c('vol: safe now() is stable', m(LT, 'ALTER TABLE customer ADD COLUMN at timestamptz DEFAULT now();'), []),
  c('vol: safe current_timestamp is stable', m(LT, 'ALTER TABLE customer ADD COLUMN at timestamptz DEFAULT current_timestamp;'), []),
  c('vol: safe CURRENT_DATE', m(LT, 'ALTER TABLE customer ADD COLUMN d date DEFAULT CURRENT_DATE;'), []),
  c('vol: safe statement_timestamp() is stable', m(LT, 'ALTER TABLE customer ADD COLUMN at timestamptz DEFAULT statement_timestamp();'), []),
  c('vol: safe transaction_timestamp() is stable', m(LT, 'ALTER TABLE customer ADD COLUMN at timestamptz DEFAULT transaction_timestamp();'), []),
  c('vol: safe now() + interval', m(LT, "ALTER TABLE customer ADD COLUMN exp timestamptz DEFAULT now() + interval '30 days';"), []),
  c('vol: safe constant with cast', m(LT, "ALTER TABLE customer ADD COLUMN flags jsonb DEFAULT '{}'::jsonb;"), []),
  c('vol: safe constant boolean', m(LT, 'ALTER TABLE customer ADD COLUMN active boolean NOT NULL DEFAULT true;'), []),
  c('vol: safe volatile default on a new table', m('CREATE TABLE token (id int);', 'ALTER TABLE token ADD COLUMN v uuid DEFAULT gen_random_uuid();'), []),
  c('vol: safe SET DEFAULT random() only affects new rows', m(LT, 'ALTER TABLE customer ALTER COLUMN visits SET DEFAULT (random() * 10)::int;'), []),
  c('vol: safe CREATE TABLE with volatile defaults', 'CREATE TABLE token (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), at timestamptz DEFAULT clock_timestamp());', []),
  c('vol: two volatile columns in one ALTER', m(LT, 'ALTER TABLE customer', '  ADD COLUMN a float8 DEFAULT random(),', '  ADD COLUMN b timestamptz DEFAULT now(),', '  ADD COLUMN c uuid DEFAULT gen_random_uuid();'), [f(VOL, 3), f(VOL, 5)]),
  c('vol: schema-qualified function name', m(LT, 'ALTER TABLE customer ADD COLUMN r float8 DEFAULT pg_catalog.random();'), [f(VOL, 2)]),

  // ── drop-column ────────────────────────────────────────────────────────
  c('dcol: drop a column', m(LT, 'ALTER TABLE contract DROP COLUMN tier;'), [f(DCOL, 2)]),
  c('dcol: two columns in one statement', m(LT, 'ALTER TABLE contract DROP COLUMN tier, DROP COLUMN end_date;'), [f(DCOL, 2), f(DCOL, 2)]),
  c('dcol: IF EXISTS CASCADE', m(LT, 'ALTER TABLE contract DROP COLUMN IF EXISTS tier CASCADE;'), [f(DCOL, 2)]),
  c('dcol: without COLUMN keyword', m(LT, 'ALTER TABLE contract DROP tier;'), [f(DCOL, 2)]),
  c('dcol: quoted column', m(LT, 'ALTER TABLE "Weird Name" DROP COLUMN "Mixed Col";'), [f(DCOL, 2)]),
  c('dcol: schema-qualified table', m(LT, 'ALTER TABLE billing.invoice DROP COLUMN status;'), [f(DCOL, 2)]),
  c('dcol: without lock_timeout', 'ALTER TABLE contract DROP COLUMN tier;', [f(DCOL, 1), f(LOCK, 1)]),
  c('dcol: safe on a new table', m('CREATE TABLE plan (id int, x int);', 'ALTER TABLE plan DROP COLUMN x;'), []),
  c('dcol: a column added by this same migration is not used by old code', m(LT, 'ALTER TABLE customer ADD COLUMN tmp text;', 'ALTER TABLE customer DROP COLUMN tmp;'), []),

  // ── drop-table ────────────────────────────────────────────────────────
  c('dtab: drop an existing table', m(LT, 'DROP TABLE contract;'), [f(DTAB, 2)]),
  c('dtab: drop two tables', m(LT, 'DROP TABLE IF EXISTS contract, session CASCADE;'), [f(DTAB, 2), f(DTAB, 2)]),
  c('dtab: schema-qualified', m(LT, 'DROP TABLE billing.invoice;'), [f(DTAB, 2)]),
  c('dtab: public-qualified name matches the schema', m(LT, 'DROP TABLE public.session;'), [f(DTAB, 2)]),
  c('dtab: quoted name', m(LT, 'DROP TABLE "Weird Name";'), [f(DTAB, 2)]),
  c('dtab: without lock_timeout', 'DROP TABLE session;', [f(DTAB, 1), f(LOCK, 1)]),
  c('dtab: safe on a table created in the same migration', m('CREATE TABLE tmp (id int);', 'DROP TABLE tmp;'), []),
  c('dtab: safe DROP VIEW', 'DROP VIEW IF EXISTS customer_view;', []),
  c('dtab: DROP SEQUENCE / FUNCTION are not drop-table', m('DROP SEQUENCE IF EXISTS customer_n_seq;', 'DROP FUNCTION IF EXISTS touch();'), [f('drop-function', 2)]),
  c('dtab: CREATE TABLE IF NOT EXISTS on an existing table is not new', m(LT, 'CREATE TABLE IF NOT EXISTS session (id bigint);', 'DROP TABLE session;'), [f(DTAB, 3)]),
  c('dtab: CREATE TABLE AS creates a new table', m('CREATE TABLE customer_copy AS SELECT * FROM customer;', 'DROP TABLE customer_copy;'), []),

  // ── rename-column ────────────────────────────────────────────────────
  c('rcol: rename a column', m(LT, 'ALTER TABLE contract RENAME COLUMN tier TO level;'), [f(RCOL, 2)]),
  c('rcol: without COLUMN keyword', m(LT, 'ALTER TABLE contract RENAME tier TO level;'), [f(RCOL, 2)]),
  c('rcol: quoted identifiers', m(LT, 'ALTER TABLE "Weird Name" RENAME COLUMN "Mixed Col" TO mixed_col;'), [f(RCOL, 2)]),
  c('rcol: schema-qualified', m(LT, 'ALTER TABLE billing.invoice RENAME COLUMN status TO state;'), [f(RCOL, 2)]),
  c('rcol: without lock_timeout', 'ALTER TABLE contract RENAME COLUMN tier TO level;', [f(RCOL, 1), f(LOCK, 1)]),
  c('rcol: safe on a new table', m('CREATE TABLE plan (id int);', 'ALTER TABLE plan RENAME COLUMN id TO key;'), []),

  // ── rename-table ─────────────────────────────────────────────────────
  c('rtab: rename a table', m(LT, 'ALTER TABLE contract RENAME TO agreement;'), [f(RTAB, 2)]),
  c('rtab: IF EXISTS', m(LT, 'ALTER TABLE IF EXISTS contract RENAME TO agreement;'), [f(RTAB, 2)]),
  c('rtab: schema-qualified', m(LT, 'ALTER TABLE billing.invoice RENAME TO bill;'), [f(RTAB, 2)]),
  c('rtab: quoted name', m(LT, 'ALTER TABLE "Weird Name" RENAME TO weird_name;'), [f(RTAB, 2)]),
  c('rtab: without lock_timeout', 'ALTER TABLE contract RENAME TO agreement;', [f(RTAB, 1), f(LOCK, 1)]),
  c('rtab: safe on a new table, and its new name stays new', m('CREATE TABLE plan (id int);', 'ALTER TABLE plan RENAME TO plans;', 'ALTER TABLE plans ADD COLUMN name text NOT NULL;'), []),
  c('rtab: the renamed existing table is still in use', m(LT, 'ALTER TABLE session RENAME TO web_session;', 'ALTER TABLE web_session DROP COLUMN token;'), [f(RTAB, 2), f(DCOL, 3)]),
  c('rtab: ALTER INDEX RENAME takes SHARE UPDATE EXCLUSIVE (PG12+)', 'ALTER INDEX contract_customer_id RENAME TO contract_customer_idx;', []),
  c('rtab: RENAME CONSTRAINT takes ACCESS EXCLUSIVE', 'ALTER TABLE contract RENAME CONSTRAINT contract_pkey TO contract_pk;', [f('rename-constraint', 1), f(LOCK, 1)]),

  // ── change-column-type ───────────────────────────────────────────────
  c('type: varchar(20) → varchar(40) is binary-coercible', m(LT, 'ALTER TABLE customer ALTER COLUMN code TYPE varchar(40);'), []),
  c('type: varchar(20) → text is binary-coercible', m(LT, 'ALTER TABLE customer ALTER COLUMN code TYPE text;'), []),
  c('type: varchar(20) → unconstrained varchar', m(LT, 'ALTER TABLE customer ALTER COLUMN code TYPE varchar;'), []),
  c('type: varchar → text', m(LT, 'ALTER TABLE customer ALTER COLUMN label TYPE text;'), []),
  c('type: text → unconstrained varchar', m(LT, 'ALTER TABLE customer ALTER COLUMN note TYPE varchar;'), []),
  c('type: numeric(10,2) → numeric(12,2) no rewrite', m(LT, 'ALTER TABLE customer ALTER COLUMN balance TYPE numeric(12,2);'), []),
  c('type: numeric(10,2) → numeric no rewrite', m(LT, 'ALTER TABLE customer ALTER COLUMN balance TYPE numeric;'), []),
  c('type: cidr → inet no rewrite', m(LT, 'ALTER TABLE customer ALTER COLUMN net TYPE inet;'), []),
  c('type: same type via alias int4', m(LT, 'ALTER TABLE customer ALTER COLUMN visits TYPE int4;'), []),
  c('type: int → bigint rewrites', m(LT, 'ALTER TABLE customer ALTER COLUMN visits TYPE bigint;'), [f(TYPE, 2)]),
  c('type: smallint → integer rewrites', m(LT, 'ALTER TABLE customer ALTER COLUMN score TYPE integer;'), [f(TYPE, 2)]),
  c('type: real → double precision rewrites', m(LT, 'ALTER TABLE customer ALTER COLUMN weight TYPE double precision;'), [f(TYPE, 2)]),
  c('type: numeric(10,2) → numeric(12,4) rewrites', m(LT, 'ALTER TABLE customer ALTER COLUMN balance TYPE numeric(12,4);'), [f(TYPE, 2)]),
  c('type: integer → numeric rewrites', m(LT, 'ALTER TABLE customer ALTER COLUMN visits TYPE numeric;'), [f(TYPE, 2)]),
  c('type: timestamp → timestamptz rewrites (unless session TimeZone is UTC; rule treats it as a rewrite)', m(LT, 'ALTER TABLE customer ALTER COLUMN created_at TYPE timestamptz;'), [f(TYPE, 2)]),
  c('type: text → varchar(10) narrows', m(LT, 'ALTER TABLE customer ALTER COLUMN note TYPE varchar(10);'), [f(TYPE, 2)]),
  c('type: varchar(20) → varchar(10) narrows', m(LT, 'ALTER TABLE customer ALTER COLUMN code TYPE varchar(10);'), [f(TYPE, 2)]),
  c('type: bigint → integer narrows', m(LT, 'ALTER TABLE customer ALTER COLUMN big TYPE integer;'), [f(TYPE, 2)]),
  c('type: numeric(10,2) → numeric(8,2) narrows', m(LT, 'ALTER TABLE customer ALTER COLUMN balance TYPE numeric(8,2);'), [f(TYPE, 2)]),
  c('type: numeric → numeric(10,2) narrows', m(LT, 'ALTER TABLE customer ALTER COLUMN ratio TYPE numeric(10,2);'), [f(TYPE, 2)]),
  c('type: text → integer is incompatible', m(LT, 'ALTER TABLE customer ALTER COLUMN note TYPE integer USING note::integer;'), [f(TYPE, 2)]),
  c('type: timestamptz → date is incompatible', m(LT, 'ALTER TABLE customer ALTER COLUMN seen_at TYPE date;'), [f(TYPE, 2)]),
  c('type: column of a table not in the schema is unknown', m(LT, 'ALTER TABLE elsewhere ALTER COLUMN x TYPE bigint;'), [f(TYPE, 2)]),
  c('type: safe on a new table', m('CREATE TABLE plan (id int);', 'ALTER TABLE plan ALTER COLUMN id TYPE bigint;'), []),
  c('type: column added earlier in the migration is replayed', m(LT, 'ALTER TABLE customer ADD COLUMN n int;', 'ALTER TABLE customer ALTER COLUMN n TYPE bigint;'), [f(TYPE, 3)]),
  c('type: SET DATA TYPE spelling', m(LT, 'ALTER TABLE customer ALTER COLUMN visits SET DATA TYPE bigint;'), [f(TYPE, 2)]),
  c('type: two columns in one ALTER', m(LT, 'ALTER TABLE customer ALTER COLUMN visits TYPE bigint, ALTER COLUMN code TYPE text;'), [f(TYPE, 2)]),
  c('type: without lock_timeout', 'ALTER TABLE customer ALTER COLUMN code TYPE text;', [f(LOCK, 1)]),

  // ── set-not-null ─────────────────────────────────────────────────────
  c('snn: SET NOT NULL without a CHECK', m(LT, 'ALTER TABLE contract ALTER COLUMN tier SET NOT NULL;'), [f(SNN, 2)]),
  c('snn: safe after a validated CHECK in a previous migration', m(LT, 'ALTER TABLE contract ALTER COLUMN tier SET NOT NULL;'), [], { schema: WITH_VALIDATED_CHECK }),
  c('snn: a NOT VALID CHECK in a previous migration does not help', m(LT, 'ALTER TABLE contract ALTER COLUMN tier SET NOT NULL;'), [f(SNN, 2)], { schema: WITH_UNVALIDATED_CHECK }),
  c('snn: safe after validating the previous migration\'s CHECK here', m(LT, 'ALTER TABLE contract VALIDATE CONSTRAINT tier_nn;', 'ALTER TABLE contract ALTER COLUMN tier SET NOT NULL;'), [], { schema: WITH_UNVALIDATED_CHECK }),
  c('snn: safe after ADD NOT VALID + VALIDATE in the same file', m(LT, 'ALTER TABLE contract ADD CONSTRAINT tier_nn CHECK (tier IS NOT NULL) NOT VALID;', 'ALTER TABLE contract VALIDATE CONSTRAINT tier_nn;', 'ALTER TABLE contract ALTER COLUMN tier SET NOT NULL;'), []),
  c('snn: a CHECK on another column does not help', m(LT, 'ALTER TABLE contract ALTER COLUMN end_date SET NOT NULL;'), [f(SNN, 2)], { schema: WITH_VALIDATED_CHECK }),
  c('snn: a validated CHECK created with the table counts', m(LT, 'ALTER TABLE plan ALTER COLUMN name SET NOT NULL;'), [], { schema: `${BASE}\nCREATE TABLE plan (id int, name text, CONSTRAINT name_nn CHECK (name IS NOT NULL));` }),
  c('snn: quoted column with a validated CHECK', m(LT, 'ALTER TABLE "Weird Name" ALTER COLUMN "Mixed Col" SET NOT NULL;'), [], { schema: `${BASE}\nALTER TABLE "Weird Name" ADD CONSTRAINT mixed_nn CHECK ("Mixed Col" IS NOT NULL);` }),
  c('snn: safe on a new table', m('CREATE TABLE plan (id int);', 'ALTER TABLE plan ALTER COLUMN id SET NOT NULL;'), []),
  c('snn: DROP NOT NULL is safe', m(LT, 'ALTER TABLE customer ALTER COLUMN name DROP NOT NULL;'), []),
  c('snn: without lock_timeout', 'ALTER TABLE contract ALTER COLUMN tier SET NOT NULL;', [f(SNN, 1), f(LOCK, 1)]),
  c('snn: a validated CHECK (a IS NOT NULL AND …) also proves it (PG predicate proof)', m(LT, 'ALTER TABLE contract ALTER COLUMN tier SET NOT NULL;'), [], {
    schema: `${BASE}\nALTER TABLE contract ADD CONSTRAINT tier_ok CHECK (tier IS NOT NULL AND tier <> '');`,
  }),
  c('snn: column already NOT NULL is a no-op', m(LT, 'ALTER TABLE customer ALTER COLUMN name SET NOT NULL;'), []),

  // ── validate-constraint-separately ────────────────────────────────────
  c('val: CHECK without NOT VALID', m(LT, 'ALTER TABLE contract ADD CONSTRAINT tier_nn CHECK (tier IS NOT NULL);'), [f(VAL, 2)]),
  c('val: FOREIGN KEY without NOT VALID', m(LT, 'ALTER TABLE customer ADD CONSTRAINT fk FOREIGN KEY (big) REFERENCES contract (id);'), [f(VAL, 2)]),
  c('val: safe CHECK NOT VALID', m(LT, 'ALTER TABLE contract ADD CONSTRAINT tier_nn CHECK (tier IS NOT NULL) NOT VALID;'), []),
  c('val: safe FOREIGN KEY NOT VALID (no ACCESS EXCLUSIVE, no lock_timeout needed)', 'ALTER TABLE customer ADD CONSTRAINT fk FOREIGN KEY (big) REFERENCES contract (id) NOT VALID;', []),
  c('val: VALIDATE in the same transaction as the ADD', m('BEGIN;', "SET LOCAL lock_timeout = '2s';", 'ALTER TABLE contract ADD CONSTRAINT tier_nn CHECK (tier IS NOT NULL) NOT VALID;', 'ALTER TABLE contract VALIDATE CONSTRAINT tier_nn;', 'COMMIT;'), [f(VAL, 4)]),
  c('val: VALIDATE in the same transaction (START TRANSACTION)', m('START TRANSACTION;', "SET LOCAL lock_timeout = '2s';", 'ALTER TABLE contract ADD CONSTRAINT tier_nn CHECK (tier IS NOT NULL) NOT VALID;', 'ALTER TABLE contract VALIDATE CONSTRAINT tier_nn;', 'COMMIT;'), [f(VAL, 4)]),
  c('val: safe VALIDATE in a separate transaction', m('BEGIN;', "SET LOCAL lock_timeout = '2s';", 'ALTER TABLE contract ADD CONSTRAINT tier_nn CHECK (tier IS NOT NULL) NOT VALID;', 'COMMIT;', 'BEGIN;', 'ALTER TABLE contract VALIDATE CONSTRAINT tier_nn;', 'COMMIT;'), []),
  c('val: safe FK NOT VALID then VALIDATE outside transaction blocks', m('ALTER TABLE contract ADD CONSTRAINT fk2 FOREIGN KEY (customer_id) REFERENCES customer (id) NOT VALID;', 'ALTER TABLE contract VALIDATE CONSTRAINT fk2;'), []),
  c('val: NOT VALID and VALIDATE in one ALTER TABLE statement', m(LT, 'ALTER TABLE contract ADD CONSTRAINT tier_nn CHECK (tier IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT tier_nn;'), [f(VAL, 2)]),
  c('val: safe VALIDATE of a constraint from a previous migration', 'ALTER TABLE contract VALIDATE CONSTRAINT tier_nn;', [], { schema: WITH_UNVALIDATED_CHECK }),
  c('val: safe on a new table', m('CREATE TABLE plan (id int);', 'ALTER TABLE plan ADD CONSTRAINT pos CHECK (id > 0);'), []),
  c('val: safe FK from a new table to an existing one', m('CREATE TABLE note (id int, customer_id bigint);', 'ALTER TABLE note ADD CONSTRAINT note_fk FOREIGN KEY (customer_id) REFERENCES customer (id);'), []),
  c('val: safe inline FK in CREATE TABLE', 'CREATE TABLE note (id int, customer_id bigint REFERENCES customer (id));', []),
  c('val: unnamed CHECK on a schema-qualified table', m(LT, 'ALTER TABLE billing.invoice ADD CHECK (amount >= 0);'), [f(VAL, 2)]),
  c('val: CHECK without NOT VALID and without lock_timeout', 'ALTER TABLE contract ADD CONSTRAINT tier_nn CHECK (tier IS NOT NULL);', [f(VAL, 1), f(LOCK, 1)]),

  // ── add-unique-without-index ──────────────────────────────────────────
  c('uniq: ADD UNIQUE', m(LT, 'ALTER TABLE customer ADD CONSTRAINT code_key UNIQUE (code);'), [f(UNIQ, 2)]),
  c('uniq: ADD PRIMARY KEY', m(LT, 'ALTER TABLE audit_log ADD PRIMARY KEY (id);'), [f(UNIQ, 2)]),
  c('uniq: unnamed UNIQUE on a schema-qualified table', m(LT, 'ALTER TABLE billing.invoice ADD UNIQUE (status);'), [f(UNIQ, 2)]),
  c('uniq: safe UNIQUE USING INDEX', m(LT, 'ALTER TABLE customer ADD CONSTRAINT code_key UNIQUE USING INDEX code_idx;'), []),
  c('uniq: safe PRIMARY KEY USING INDEX', m(LT, 'ALTER TABLE audit_log ADD CONSTRAINT audit_log_pkey PRIMARY KEY USING INDEX audit_log_id_idx;'), []),
  c('uniq: safe full recipe: index CONCURRENTLY then USING INDEX', m(LT, 'CREATE UNIQUE INDEX CONCURRENTLY customer_code ON customer (code);', 'ALTER TABLE customer ADD CONSTRAINT customer_code UNIQUE USING INDEX customer_code;'), []),
  c('uniq: safe on a new table', m('CREATE TABLE plan (id int);', 'ALTER TABLE plan ADD PRIMARY KEY (id);'), []),
  c('uniq: without lock_timeout', 'ALTER TABLE customer ADD CONSTRAINT code_key UNIQUE (code);', [f(UNIQ, 1), f(LOCK, 1)]),
  c('uniq: EXCLUDE constraint also builds its index under ACCESS EXCLUSIVE', m(LT, 'ALTER TABLE contract ADD CONSTRAINT no_overlap EXCLUDE USING btree (customer_id WITH =);'), [f(UNIQ, 2)]),

  // ── require-concurrent-index ──────────────────────────────────────────
  c('idx: CREATE INDEX on an existing table', 'CREATE INDEX customer_code ON customer (code);', [f(IDX, 1)]),
  c('idx: CREATE UNIQUE INDEX', 'CREATE UNIQUE INDEX customer_code ON customer (code);', [f(IDX, 1)]),
  c('idx: IF NOT EXISTS', 'CREATE INDEX IF NOT EXISTS customer_code ON customer (code);', [f(IDX, 1)]),
  c('idx: partial expression index on a schema-qualified table', "CREATE INDEX invoice_open ON billing.invoice (lower(status)) WHERE status <> 'paid';", [f(IDX, 1)]),
  c('idx: quoted table', 'CREATE INDEX weird_mixed ON "Weird Name" ("Mixed Col");', [f(IDX, 1)]),
  c('idx: unnamed index', 'CREATE INDEX ON customer (email);', [f(IDX, 1)]),
  c('idx: safe CONCURRENTLY', 'CREATE INDEX CONCURRENTLY customer_code ON customer (code);', []),
  c('idx: safe on a table created in the same migration', m('CREATE TABLE plan (id int, name text);', 'CREATE INDEX plan_name ON plan (name);'), []),
  c('idx: safe on a new table inside BEGIN…COMMIT', m('BEGIN;', 'CREATE TABLE plan (id int);', 'CREATE INDEX plan_id ON plan (id);', 'COMMIT;'), []),
  c('idx: inside a transaction too', m('BEGIN;', 'CREATE INDEX customer_code ON customer (code);', 'COMMIT;'), [f(IDX, 2)]),

  // ── require-concurrent-index-drop ─────────────────────────────────────
  c('idxd: DROP INDEX on an existing table', m(LT, 'DROP INDEX contract_customer_id;'), [f(IDXD, 2)]),
  c('idxd: DROP INDEX IF EXISTS without lock_timeout', 'DROP INDEX IF EXISTS contract_customer_id;', [f(IDXD, 1), f(LOCK, 1)]),
  c('idxd: schema-qualified index', m(LT, 'DROP INDEX billing.invoice_status;'), [f(IDXD, 2)]),
  c('idxd: safe CONCURRENTLY', 'DROP INDEX CONCURRENTLY contract_customer_id;', []),
  c('idxd: safe CONCURRENTLY IF EXISTS', 'DROP INDEX CONCURRENTLY IF EXISTS contract_customer_id;', []),
  c('idxd: index created in the same migration: no drop finding, but DROP INDEX still locks the table', m('CREATE INDEX CONCURRENTLY customer_code ON customer (code);', 'DROP INDEX customer_code;'), [f(LOCK, 2)]),
  c('idxd: safe index on a table created in the same migration', m('CREATE TABLE plan (id int);', 'CREATE INDEX plan_id ON plan (id);', 'DROP INDEX plan_id;'), []),
  c('idxd: two indexes in one statement', m(LT, 'DROP INDEX contract_customer_id, billing.invoice_status;'), [f(IDXD, 2), f(IDXD, 2)]),

  // ── concurrently-in-transaction ───────────────────────────────────────
  c('conc: CREATE INDEX CONCURRENTLY inside BEGIN…COMMIT', m('BEGIN;', 'CREATE INDEX CONCURRENTLY customer_code ON customer (code);', 'COMMIT;'), [f(CONC, 2)]),
  c('conc: DROP INDEX CONCURRENTLY inside BEGIN', m('BEGIN;', 'DROP INDEX CONCURRENTLY contract_customer_id;', 'COMMIT;'), [f(CONC, 2)]),
  c('conc: REINDEX CONCURRENTLY inside BEGIN', m('BEGIN;', 'REINDEX INDEX CONCURRENTLY contract_customer_id;', 'COMMIT;'), [f(CONC, 2)]),
  c('conc: inside START TRANSACTION', m('START TRANSACTION;', 'CREATE UNIQUE INDEX CONCURRENTLY customer_email ON customer (email);', 'COMMIT;'), [f(CONC, 2)]),
  c('conc: BEGIN and CREATE INDEX CONCURRENTLY on one line', 'BEGIN; CREATE INDEX CONCURRENTLY customer_code ON customer (code); COMMIT;', [f(CONC, 1)]),
  c('conc: safe after COMMIT', m('BEGIN;', 'SELECT 1;', 'COMMIT;', 'CREATE INDEX CONCURRENTLY customer_code ON customer (code);'), []),
  c('conc: safe after ROLLBACK', m('BEGIN;', 'SELECT 1;', 'ROLLBACK;', 'DROP INDEX CONCURRENTLY contract_customer_id;'), []),
  c('conc: safe REINDEX CONCURRENTLY outside a transaction', 'REINDEX INDEX CONCURRENTLY contract_customer_id;', []),
  c('conc: safe non-concurrent index on a new table in a transaction', m('BEGIN;', 'CREATE TABLE plan (id int);', 'CREATE INDEX plan_id ON plan (id);', 'COMMIT;'), []),

  // ── truncate-table ────────────────────────────────────────────────────
  c('trunc: TRUNCATE an existing table', m(LT, 'TRUNCATE session;'), [f(TRUNC, 2)]),
  c('trunc: TRUNCATE TABLE … CASCADE', m(LT, 'TRUNCATE TABLE session CASCADE;'), [f(TRUNC, 2)]),
  c('trunc: TRUNCATE ONLY … RESTART IDENTITY', m(LT, 'TRUNCATE ONLY session RESTART IDENTITY;'), [f(TRUNC, 2)]),
  c('trunc: several tables in one statement', m(LT, 'TRUNCATE session, audit_log, billing.invoice;'), [f(TRUNC, 2), f(TRUNC, 2), f(TRUNC, 2)]),
  c('trunc: without lock_timeout', 'TRUNCATE session, audit_log;', [f(TRUNC, 1), f(TRUNC, 1), f(LOCK, 1)]),
  c('trunc: safe on a new table', m('CREATE TABLE staging (id int);', 'TRUNCATE staging;'), []),
  c('trunc: new and existing tables together', m(LT, 'CREATE TABLE staging (id int);', 'TRUNCATE staging, session;'), [f(TRUNC, 3)]),

  // ── unbatched-backfill ────────────────────────────────────────────────
  c('upd: UPDATE without WHERE', "UPDATE customer SET tenant = 'x';", [f(UPD, 1)]),
  c('upd: UPDATE … FROM a join', 'UPDATE customer c SET note = k.tier FROM contract k WHERE k.customer_id = c.id;', [f(UPD, 1)]),
  c('upd: schema-qualified without WHERE', "UPDATE billing.invoice SET status = 'open';", [f(UPD, 1)]),
  c('upd: multi-line statement is reported at its first line', m('UPDATE customer', "  SET note = 'n/a',", '      visits = 0;'), [f(UPD, 1)]),
  c('upd: safe UPDATE with a key-range WHERE', "UPDATE customer SET tenant = 'x' WHERE id BETWEEN 1 AND 1000;", []),
  c('upd: safe UPDATE by primary key', "UPDATE customer SET tenant = 'x' WHERE id = 1;", []),
  c('upd: safe on a new table', m('CREATE TABLE plan (id int, name text);', "UPDATE plan SET name = 'x';"), []),
  c('upd: safe INSERT … SELECT is not an UPDATE', 'INSERT INTO audit_log (id, payload) SELECT id, NULL FROM customer;', []),
  c('upd: WHERE true still rewrites every row', "UPDATE customer SET tenant = 'x' WHERE true;", [f(UPD, 1)]),
  c('upd: WHERE 1 = 1 still rewrites every row', "UPDATE customer SET tenant = 'x' WHERE 1 = 1;", [f(UPD, 1)]),
  c('upd: WHERE 1 = 2 touches nothing', "UPDATE customer SET tenant = 'x' WHERE 1 = 2;", []),

  // ── delete-without-where ──────────────────────────────────────────────
  c('del: DELETE without WHERE', 'DELETE FROM session;', [f(DEL, 1)]),
  c('del: schema-qualified DELETE without WHERE', 'DELETE FROM billing.invoice;', [f(DEL, 1)]),
  c('del: quoted table', 'DELETE FROM "Weird Name";', [f(DEL, 1)]),
  c('del: safe with WHERE', 'DELETE FROM session WHERE id < 1000;', []),
  c('del: safe DELETE … USING with WHERE', 'DELETE FROM contract USING customer WHERE contract.customer_id = customer.id AND customer.tenant = \'gone\';', []),
  c('del: safe on a table created in the same migration', m('CREATE TABLE staging (id int);', 'DELETE FROM staging;'), []),
  c('del: DELETE inside a transaction is still reported', m('BEGIN;', 'DELETE FROM session;', 'COMMIT;'), [f(DEL, 2)]),

  // ── require-lock-timeout ──────────────────────────────────────────────
  c('lock: ALTER TABLE without lock_timeout', 'ALTER TABLE customer ADD COLUMN plan text;', [f(LOCK, 1)]),
  c('lock: safe SET lock_timeout earlier', m(LT, 'ALTER TABLE customer ADD COLUMN plan text;'), []),
  c('lock: safe SET lock_timeout TO', m("SET lock_timeout TO '5s';", 'ALTER TABLE customer ADD COLUMN plan text;'), []),
  c('lock: safe SET SESSION lock_timeout', m("SET SESSION lock_timeout = '5s';", 'ALTER TABLE customer ADD COLUMN plan text;'), []),
  c('lock: safe integer milliseconds', m('SET lock_timeout = 3000;', 'ALTER TABLE customer ADD COLUMN plan text;'), []),
  c('lock: safe SET LOCAL inside the transaction', m('BEGIN;', "SET LOCAL lock_timeout = '2s';", 'ALTER TABLE customer ADD COLUMN plan text;', 'COMMIT;'), []),
  c('lock: SET LOCAL outside a transaction has no effect', m("SET LOCAL lock_timeout = '2s';", 'ALTER TABLE customer ADD COLUMN plan text;'), [f(LOCK, 2)]),
  c('lock: SET LOCAL ends at COMMIT', m('BEGIN;', "SET LOCAL lock_timeout = '2s';", 'COMMIT;', 'ALTER TABLE customer ADD COLUMN plan text;'), [f(LOCK, 4)]),
  c('lock: session SET survives COMMIT', m('BEGIN;', "SET lock_timeout = '2s';", 'COMMIT;', 'ALTER TABLE customer ADD COLUMN plan text;'), []),
  c('lock: safe set_config session-wide', m("SELECT set_config('lock_timeout', '2s', false);", 'ALTER TABLE customer ADD COLUMN plan text;'), []),
  c('lock: safe set_config local inside a transaction', m('BEGIN;', "SELECT set_config('lock_timeout', '2s', true);", 'ALTER TABLE customer ADD COLUMN plan text;', 'COMMIT;'), []),
  c('lock: statement_timeout does not count', m("SET statement_timeout = '5s';", 'ALTER TABLE customer ADD COLUMN plan text;'), [f(LOCK, 2)]),
  c('lock: set_config of statement_timeout does not count', m("SELECT set_config('statement_timeout', '5s', false);", 'ALTER TABLE customer ADD COLUMN plan text;'), [f(LOCK, 2)]),
  c('lock: lock_timeout = 0 disables it', m('SET lock_timeout = 0;', 'ALTER TABLE customer ADD COLUMN plan text;'), [f(LOCK, 2)]),
  c("lock: lock_timeout = '0ms' disables it", m("SET lock_timeout = '0ms';", 'ALTER TABLE customer ADD COLUMN plan text;'), [f(LOCK, 2)]),
  c('lock: SET lock_timeout TO DEFAULT', m(LT, 'SET lock_timeout TO DEFAULT;', 'ALTER TABLE customer ADD COLUMN plan text;'), [f(LOCK, 3)]),
  c('lock: RESET lock_timeout', m(LT, 'RESET lock_timeout;', 'ALTER TABLE customer ADD COLUMN plan text;'), [f(LOCK, 3)]),
  c('lock: RESET ALL', m(LT, 'RESET ALL;', 'ALTER TABLE customer ADD COLUMN plan text;'), [f(LOCK, 3)]),
  c('lock: set after the statement is too late', m('ALTER TABLE customer ADD COLUMN plan text;', LT), [f(LOCK, 1)]),
  c('lock: ALTER COLUMN SET DEFAULT takes ACCESS EXCLUSIVE', "ALTER TABLE customer ALTER COLUMN tenant SET DEFAULT 'acme';", [f(LOCK, 1)]),
  c('lock: safe VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE)', 'ALTER TABLE contract VALIDATE CONSTRAINT tier_nn;', [], { schema: WITH_UNVALIDATED_CHECK }),
  c('lock: safe SET STATISTICS', 'ALTER TABLE customer ALTER COLUMN email SET STATISTICS 500;', []),
  c('lock: safe DISABLE TRIGGER ALL (SHARE ROW EXCLUSIVE)', 'ALTER TABLE customer DISABLE TRIGGER ALL;', []),
  c('lock: safe CREATE INDEX CONCURRENTLY', 'CREATE INDEX CONCURRENTLY customer_email ON customer (email);', []),
  c('lock: safe CREATE TABLE and INSERT', m('CREATE TABLE plan (id int);', 'INSERT INTO plan VALUES (1);', 'INSERT INTO customer (name) VALUES (\'x\');'), []),
  c('lock: safe CREATE TRIGGER (SHARE ROW EXCLUSIVE)', 'CREATE TRIGGER touch BEFORE UPDATE ON customer FOR EACH ROW EXECUTE FUNCTION touch();', []),
  c('lock: LOCK TABLE … ACCESS EXCLUSIVE without lock_timeout', m('BEGIN;', 'LOCK TABLE customer IN ACCESS EXCLUSIVE MODE;', 'COMMIT;'), [f(LOCK, 2)]),
  c('lock: several statements each need it', m('ALTER TABLE customer ADD COLUMN a text;', 'ALTER TABLE contract ADD COLUMN b text;'), [f(LOCK, 1), f(LOCK, 2)]),

  // ── ignore comments ───────────────────────────────────────────────────
  c('ign: ignore with a reason silences the rule', m(LT, '-- switchback:ignore drop-table archived last quarter, nothing reads it', 'DROP TABLE session;'), []),
  c('ign: ignore without a reason silences nothing', m(LT, '-- switchback:ignore drop-table', 'DROP TABLE session;'), [f(IGN, 2), f(DTAB, 3)]),
  c('ign: several rules in one ignore', m('-- switchback:ignore drop-table, require-lock-timeout archived', 'DROP TABLE session;'), []),
  c('ign: stacked ignore lines', m('-- switchback:ignore drop-table archived', '-- switchback:ignore require-lock-timeout empty table', 'DROP TABLE session;'), []),
  c('ign: an ignore for another rule does not apply', m(LT, '-- switchback:ignore rename-table archived', 'DROP TABLE session;'), [f(DTAB, 3)]),
  c('ign: an ignore two lines up does not apply', m(LT, '-- switchback:ignore drop-table archived', '', 'DROP TABLE session;'), [f(DTAB, 4)]),
  c('ign: an ignore only covers the next statement', m(LT, '-- switchback:ignore drop-table archived', 'DROP TABLE session;', 'DROP TABLE audit_log;'), [f(DTAB, 4)]),
  c('ign: ignore a multi-line statement', m(LT, '-- switchback:ignore add-not-null-column the table is empty in every environment', 'ALTER TABLE customer', '  ADD COLUMN plan text NOT NULL;'), []),
  c('ign: ignore without a reason before a safe statement', m('-- switchback:ignore drop-table', 'SELECT 1;'), [f(IGN, 1)]),
  c('ign: silences only the named rule of two', m('-- switchback:ignore truncate-table staging copy only', 'TRUNCATE session;'), [f(LOCK, 2)]),

  // ── parsing: comments, dollar quotes, meta-commands, layout ──────────
  c('parse: comments containing SQL are not statements', m('-- DROP TABLE customer;', '/* ALTER TABLE contract DROP COLUMN tier; */', 'SELECT 1;'), []),
  c('parse: function body with DROP TABLE is not run', m('CREATE FUNCTION purge() RETURNS void LANGUAGE plpgsql AS $$', 'BEGIN', '  DROP TABLE customer;', '  TRUNCATE session;', 'END;', '$$;'), []),
  c('parse: tagged dollar quote with DELETE in the body', m('CREATE OR REPLACE FUNCTION wipe() RETURNS void LANGUAGE sql AS $body$', '  DELETE FROM session;', '$body$;'), []),
  c('parse: string literal containing SQL', "INSERT INTO audit_log (id, payload) VALUES (1, '{\"sql\": \"DROP TABLE customer;\"}');", []),
  c('parse: psql meta-commands are skipped and lines kept', m('\\set ON_ERROR_STOP on', '\\echo migrating', LT, 'ALTER TABLE contract DROP COLUMN tier;'), [f(DCOL, 4)]),
  c('parse: multiple statements on one line', "SET lock_timeout = '2s'; ALTER TABLE contract DROP COLUMN tier; DROP TABLE session;", [f(DCOL, 1), f(DTAB, 1)]),
  c('parse: statement after a leading comment block is on its own line', m('-- migration 0042', '-- drops the session table', '', 'DROP TABLE session;'), [f(DTAB, 4), f(LOCK, 4)]),
  c('parse: CRLF line endings', "SET lock_timeout = '2s';\r\n\r\nALTER TABLE contract DROP COLUMN tier;\r\n", [f(DCOL, 3)]),
  c('parse: unicode identifiers keep line numbers', m(LT, '-- café', 'ALTER TABLE customer ADD COLUMN "naïve" text;', 'ALTER TABLE customer ADD COLUMN née text NOT NULL;'), [f(ANC, 4)]),
  c('parse: DO block running a TRUNCATE at migration time', m('DO $$', 'BEGIN', '  TRUNCATE session;', 'END', '$$;'), [f(TRUNC, 1), f(LOCK, 1)]),
  c('parse: safe CREATE VIEW / COMMENT / GRANT', m('CREATE VIEW active_customer AS SELECT * FROM customer WHERE visits > 0;', "COMMENT ON TABLE customer IS 'DROP TABLE customer';", 'GRANT SELECT ON customer TO reporting;'), []),
  c('parse: safe CREATE TYPE and ALTER TYPE ADD VALUE', m("CREATE TYPE mood AS ENUM ('ok', 'sad');", "ALTER TYPE mood ADD VALUE 'happy';"), []),
  c('parse: empty migration', '', []),
  c('parse: whitespace-only migration', '  \n\n', []),
  c('parse: comment-only migration', '-- nothing to do\n', []),

  // ── mixed migrations ──────────────────────────────────────────────────
  c('mix: the seed-style expand migration is safe', m(
    LT,
    'ALTER TABLE customer ADD COLUMN tier text;',
    "ALTER TABLE customer ADD COLUMN seen timestamptz DEFAULT now();",
    'CREATE TABLE support_note (id bigserial PRIMARY KEY, customer_id bigint NOT NULL, body text);',
    'ALTER TABLE support_note ADD CONSTRAINT fk FOREIGN KEY (customer_id) REFERENCES customer (id);',
    'CREATE INDEX support_note_customer ON support_note (customer_id);',
  ), []),
  c('mix: a contract migration flags each destructive step', m(
    'BEGIN;',
    'ALTER TABLE contract DROP COLUMN tier;',
    'DROP TABLE session;',
    'DELETE FROM audit_log;',
    'COMMIT;',
  ), [f(DCOL, 2), f(LOCK, 2), f(DTAB, 3), f(LOCK, 3), f(DEL, 4)]),
  c('mix: rename then alter the old name of a new table', m('CREATE TABLE a (id int);', 'ALTER TABLE a RENAME TO b;', 'ALTER TABLE b ADD COLUMN x int NOT NULL;', 'CREATE INDEX b_x ON b (x);'), []),
  c('mix: several findings on one ALTER', 'ALTER TABLE customer ADD COLUMN plan text NOT NULL, DROP COLUMN note, ADD CONSTRAINT pos CHECK (visits > 0);', [f(ANC, 1), f(DCOL, 1), f(VAL, 1), f(LOCK, 1)]),
  c('mix: a table not in the schema counts as existing', m(LT, 'ALTER TABLE legacy DROP COLUMN x;', 'DROP TABLE legacy;'), [f(DCOL, 2), f(DTAB, 3)]),
  // ── further subtle cases ──────────────────────────────────────────────
  c('anc: ALTER TABLE ONLY', m(LT, 'ALTER TABLE ONLY customer ADD COLUMN plan text NOT NULL;'), [f(ANC, 2)]),
  c('anc: with COLLATE', m(LT, 'ALTER TABLE customer ADD COLUMN plan text COLLATE "C" NOT NULL;'), [f(ANC, 2)]),
  c('anc: NOT NULL DEFAULT NULL still fails on existing rows', m(LT, 'ALTER TABLE customer ADD COLUMN plan text NOT NULL DEFAULT NULL;'), [f(ANC, 2)]),
  c('vol: safe constant timestamp literal', m(LT, "ALTER TABLE customer ADD COLUMN at timestamptz DEFAULT '2020-01-01'::timestamptz;"), []),
  c('vol: on a table not in the schema (treated as existing)', m(LT, 'ALTER TABLE elsewhere ADD COLUMN r float8 DEFAULT random();'), [f(VOL, 2)]),
  c('uniq: ADD COLUMN … UNIQUE builds a unique index under ACCESS EXCLUSIVE', m(LT, 'ALTER TABLE customer ADD COLUMN handle text UNIQUE;'), [f(UNIQ, 2)]),
  c('type: same type spelled differently', m(LT, 'ALTER TABLE customer ALTER COLUMN code TYPE character varying(20);'), []),
  c('type: schema-qualified numeric widening', m(LT, 'ALTER TABLE billing.invoice ALTER COLUMN amount TYPE numeric(14,2);'), []),
  c('type: quoted column narrowed', m(LT, 'ALTER TABLE "Weird Name" ALTER COLUMN "Mixed Col" TYPE varchar(5);'), [f(TYPE, 2)]),
  c('type: timestamp(3) → timestamp(6) is a typmod increase (no rewrite)', m(LT, 'ALTER TABLE event ALTER COLUMN at TYPE timestamp(6);'), [], {
    schema: `${BASE}\nCREATE TABLE event (id int, at timestamp(3));`,
  }),
  c('snn: a validated CHECK declared as a column constraint counts', m(LT, 'ALTER TABLE plan ALTER COLUMN name SET NOT NULL;'), [], { schema: `${BASE}\nCREATE TABLE plan (id int, name text CHECK (name IS NOT NULL));` }),
  c('snn: CHECK added validated in the same migration proves it (but was itself a scan)', m(LT, 'ALTER TABLE contract ADD CONSTRAINT tier_nn CHECK (tier IS NOT NULL);', 'ALTER TABLE contract ALTER COLUMN tier SET NOT NULL;'), [f(VAL, 2)]),
  c('val: ADD NOT VALID in autocommit, VALIDATE in a later BEGIN block', m(LT, 'ALTER TABLE contract ADD CONSTRAINT tier_nn CHECK (tier IS NOT NULL) NOT VALID;', 'BEGIN;', 'ALTER TABLE contract VALIDATE CONSTRAINT tier_nn;', 'COMMIT;'), []),
  c('conc: CONCURRENTLY on a new table inside a transaction still fails', m('BEGIN;', 'CREATE TABLE plan (id int);', 'CREATE INDEX CONCURRENTLY plan_id ON plan (id);', 'COMMIT;'), [f(CONC, 3)]),
  c('idx: REINDEX without CONCURRENTLY blocks writes like a plain CREATE INDEX', 'REINDEX TABLE customer;', [f(IDX, 1)]),
  c('del: DELETE … RETURNING without WHERE', 'DELETE FROM session RETURNING id;', [f(DEL, 1)]),
  c('del: DELETE without WHERE inside a data-modifying CTE', 'WITH gone AS (DELETE FROM session RETURNING id) INSERT INTO audit_log (id) SELECT id FROM gone;', [f(DEL, 1)]),
  c('upd: UPDATE with a leading CTE and no WHERE', "WITH x AS (SELECT 1) UPDATE customer SET note = 'a';", [f(UPD, 1)]),
  c('upd: UPDATE … RETURNING without WHERE', "UPDATE session SET token = NULL RETURNING id;", [f(UPD, 1)]),
  c('lock: set_config local outside a transaction has no effect', m("SELECT set_config('lock_timeout', '2s', true);", 'ALTER TABLE customer ADD COLUMN plan text;'), [f(LOCK, 2)]),
  c('lock: SET in a comment does not count', m("-- SET lock_timeout = '2s';", 'ALTER TABLE customer ADD COLUMN plan text;'), [f(LOCK, 2)]),
  c('lock: safe ENABLE TRIGGER by name', 'ALTER TABLE customer ENABLE TRIGGER touch;', []),
  c('lock: safe SET (fillfactor) takes SHARE UPDATE EXCLUSIVE', 'ALTER TABLE customer SET (fillfactor = 90);', []),
  c('lock: ignore with a reason for require-lock-timeout', m('-- switchback:ignore require-lock-timeout run in a maintenance window', 'ALTER TABLE customer ADD COLUMN plan text;'), []),
  c('lock: SET LOCAL lock_timeout = 0 overrides the session value for the transaction', m(LT, 'BEGIN;', 'SET LOCAL lock_timeout = 0;', 'ALTER TABLE customer ADD COLUMN plan text;', 'COMMIT;'), [f(LOCK, 4)]),
  c('lock: a SET inside a rolled-back transaction is undone', m('BEGIN;', "SET lock_timeout = '2s';", 'ROLLBACK;', 'ALTER TABLE customer ADD COLUMN plan text;'), [f(LOCK, 4)]),
  c('ign: bare switchback:ignore with no rule', m('-- switchback:ignore', 'DROP TABLE session;'), [f(IGN, 1), f(DTAB, 2), f(LOCK, 2)]),
  c('ign: ignore for an unknown rule id with a reason does nothing', m(LT, '-- switchback:ignore drop-everything legacy', 'DROP TABLE session;'), [f(DTAB, 3)]),
];
