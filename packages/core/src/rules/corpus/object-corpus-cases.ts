/**
 * Corpus cases for views, functions, types and enums, for the statements
 * that rewrite a table in place (VACUUM FULL, CLUSTER, SET LOGGED/UNLOGGED),
 * and for what hides inside other statements (DO blocks, WITH clauses,
 * transaction-scoped settings). Same shape as corpus-cases.ts.
 */
import { BASE, type CorpusCase, type ExpectedFinding } from './corpus-cases.js';

const m = (...lines: string[]): string => lines.join('\n');
const LT = "SET lock_timeout = '2s';";
const f = (rule: string, line: number): ExpectedFinding => ({ rule, line });

const OBJECTS = `${BASE}
CREATE VIEW active_customer AS SELECT id, name, email FROM customer;
CREATE VIEW customer_all AS SELECT * FROM customer;
CREATE MATERIALIZED VIEW customer_count AS SELECT count(*) AS n FROM customer;
CREATE TYPE tier AS ENUM ('basic', 'gold', 'platinum');
CREATE DOMAIN email_address AS text CHECK (VALUE LIKE '%@%');
CREATE TABLE subscription (id bigint PRIMARY KEY, tier tier NOT NULL);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.id = NEW.id; RETURN NEW; END $$;
`;

const c = (name: string, migration: string, expect: ExpectedFinding[], extra: Partial<CorpusCase> = {}): CorpusCase => ({ name, schema: OBJECTS, migration, expect, ...extra });

const DVIEW = 'drop-view';
const VCOL = 'view-drops-column';
const DFN = 'drop-function';
const DTYPE = 'drop-type';
const DENUM = 'drop-enum-value';
const RENUM = 'rename-enum-value';
const RTYPE = 'rename-type';
const RCON = 'rename-constraint';
const VAC = 'vacuum-full';
const CLU = 'cluster-table';
const LOGGED = 'set-logged-unlogged';
const TYPE = 'change-column-type';
const LOCK = 'require-lock-timeout';

export const objectCorpus: CorpusCase[] = [
  // ── drop-view ──────────────────────────────────────────────────────────
  c('dview: drop a view', m(LT, 'DROP VIEW active_customer;'), [f(DVIEW, 2)]),
  c('dview: without lock_timeout', 'DROP VIEW active_customer;', [f(DVIEW, 1), f(LOCK, 1)]),
  c('dview: drop a materialized view', m(LT, 'DROP MATERIALIZED VIEW customer_count;'), [f(DVIEW, 2)]),
  c('dview: CASCADE', m(LT, 'DROP VIEW IF EXISTS active_customer CASCADE;'), [f(DVIEW, 2)]),
  c('dview: safe DROP + CREATE with the same columns in a transaction', m(LT, 'BEGIN;', 'DROP VIEW active_customer;', 'CREATE VIEW active_customer AS SELECT id, name, email FROM customer WHERE tenant <> \'x\';', 'COMMIT;'), []),
  c('dview: safe on a view created in the same migration', m('CREATE VIEW tmp_v AS SELECT 1 AS one;', 'DROP VIEW tmp_v;'), []),
  c('dview: safe IF EXISTS on a view that is not there', 'DROP VIEW IF EXISTS never_existed;', []),

  // ── view-drops-column ──────────────────────────────────────────────────
  c('vcol: CREATE OR REPLACE dropping a column fails', m(LT, 'CREATE OR REPLACE VIEW active_customer AS SELECT id, name FROM customer;'), [f(VCOL, 2)]),
  c('vcol: CREATE OR REPLACE renaming a column fails', m(LT, 'CREATE OR REPLACE VIEW active_customer AS SELECT id, name AS full_name, email FROM customer;'), [f(VCOL, 2)]),
  c('vcol: DROP + CREATE without a column breaks old code', m(LT, 'BEGIN;', 'DROP VIEW active_customer;', 'CREATE VIEW active_customer AS SELECT id, name FROM customer;', 'COMMIT;'), [f(VCOL, 4)]),
  c('vcol: column list renames', m(LT, 'CREATE OR REPLACE VIEW active_customer (id, label, email) AS SELECT id, name, email FROM customer;'), [f(VCOL, 2)]),
  c('vcol: safe CREATE OR REPLACE adding a column at the end', m(LT, 'CREATE OR REPLACE VIEW active_customer AS SELECT id, name, email, code FROM customer;'), []),
  c('vcol: safe CREATE OR REPLACE with a new body and the same columns', m(LT, 'CREATE OR REPLACE VIEW active_customer AS SELECT c.id, c.name, lower(c.email) AS email FROM customer c;'), []),
  c('vcol: safe a view with * is not judged', m(LT, 'CREATE OR REPLACE VIEW customer_all AS SELECT * FROM customer;'), []),

  // ── drop-function ──────────────────────────────────────────────────────
  c('dfn: drop a function', 'DROP FUNCTION touch();', [f(DFN, 1)]),
  c('dfn: drop a procedure', 'DROP PROCEDURE IF EXISTS purge(int);', [f(DFN, 1)]),
  c('dfn: safe signature change (dropped and created in the same file)', m('DROP FUNCTION touch();', 'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;'), []),
  c('dfn: safe CREATE OR REPLACE FUNCTION', 'CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;', []),
  c('dfn: safe on a function created in the same migration', m("CREATE FUNCTION tmp_fn() RETURNS int LANGUAGE sql AS 'select 1';", 'DROP FUNCTION tmp_fn();'), []),

  // ── drop-type ──────────────────────────────────────────────────────────
  c('dtype: drop an enum type', 'DROP TYPE tier CASCADE;', [f(DTYPE, 1)]),
  c('dtype: drop a domain', 'DROP DOMAIN email_address;', [f(DTYPE, 1)]),
  c('dtype: safe on a type created in the same migration', m("CREATE TYPE mood AS ENUM ('ok');", 'DROP TYPE mood;'), []),

  // ── drop-enum-value ────────────────────────────────────────────────────
  c('denum: recreate the enum without a value', m(LT, "CREATE TYPE tier_new AS ENUM ('basic', 'gold');", 'ALTER TABLE subscription ALTER COLUMN tier TYPE tier_new USING tier::text::tier_new;', 'DROP TYPE tier;', 'ALTER TYPE tier_new RENAME TO tier;'), [f(DENUM, 3)]),
  c('denum: deleting from pg_enum', "DELETE FROM pg_enum WHERE enumlabel = 'gold';", [f(DENUM, 1)]),
  c('denum: a superset enum is only a rewrite', m(LT, "CREATE TYPE tier_new AS ENUM ('basic', 'gold', 'platinum', 'diamond');", 'ALTER TABLE subscription ALTER COLUMN tier TYPE tier_new USING tier::text::tier_new;'), [f(TYPE, 3)]),
  c('denum: safe ALTER TYPE ADD VALUE (fine in a transaction on PG12+)', m('BEGIN;', "ALTER TYPE tier ADD VALUE 'diamond';", 'COMMIT;'), []),
  c('denum: safe ADD VALUE BEFORE', "ALTER TYPE tier ADD VALUE IF NOT EXISTS 'free' BEFORE 'basic';", []),

  // ── rename-enum-value ──────────────────────────────────────────────────
  c('renum: rename a value', "ALTER TYPE tier RENAME VALUE 'gold' TO 'premium';", [f(RENUM, 1)]),
  c('renum: safe on an enum created in the same migration', m("CREATE TYPE mood AS ENUM ('ok');", "ALTER TYPE mood RENAME VALUE 'ok' TO 'fine';"), []),

  // ── rename-type ────────────────────────────────────────────────────────
  c('rtype: rename an enum type used by a column', "ALTER TYPE tier RENAME TO plan_tier;", [f(RTYPE, 1)]),
  c('rtype: rename a domain', 'ALTER DOMAIN email_address RENAME TO email;', [f(RTYPE, 1)]),
  c('rtype: rename a schema-qualified type', 'ALTER TYPE public.tier RENAME TO plan_tier;', [f(RTYPE, 1)]),
  c('rtype: safe on a type created in the same migration', m("CREATE TYPE mood AS ENUM ('ok');", 'ALTER TYPE mood RENAME TO feeling;'), []),
  c('rtype: safe rename away to put a new type under the name', m(LT, 'ALTER TYPE tier RENAME TO tier_old;', "CREATE TYPE tier AS ENUM ('basic', 'gold', 'platinum', 'diamond');", 'ALTER TABLE subscription ALTER COLUMN tier TYPE tier USING tier::text::tier;', 'DROP TYPE tier_old;'), [f(TYPE, 4)]),
  c('rtype: rename away and recreate without a value drops it', m(LT, 'ALTER TYPE tier RENAME TO tier_old;', "CREATE TYPE tier AS ENUM ('basic', 'gold');", 'ALTER TABLE subscription ALTER COLUMN tier TYPE tier USING tier::text::tier;', 'DROP TYPE tier_old;'), [f(DENUM, 4)]),
  c('rtype: safe renaming a table is not a type rename', m(LT, 'CREATE TABLE scratch (id int);', 'ALTER TABLE scratch RENAME TO scratch2;'), []),

  // ── rename-constraint ──────────────────────────────────────────────────
  c('rcon: rename a constraint', m(LT, 'ALTER TABLE subscription RENAME CONSTRAINT subscription_pkey TO subscription_pk;'), [f(RCON, 2)]),
  c('rcon: safe on a table created in the same migration', m('CREATE TABLE plan (id int CONSTRAINT plan_pk PRIMARY KEY);', 'ALTER TABLE plan RENAME CONSTRAINT plan_pk TO plan_pkey;'), []),

  // ── vacuum-full / cluster-table / set-logged-unlogged ──────────────────
  c('vac: VACUUM FULL', m(LT, 'VACUUM FULL customer;'), [f(VAC, 2)]),
  c('vac: VACUUM (FULL) without lock_timeout', 'VACUUM (FULL, VERBOSE) customer;', [f(VAC, 1), f(LOCK, 1)]),
  c('vac: safe plain VACUUM ANALYZE', 'VACUUM ANALYZE customer;', []),
  c('clu: CLUSTER', m(LT, 'CLUSTER contract USING contract_customer_id;'), [f(CLU, 2)]),
  c('clu: safe CLUSTER ON only marks the index', m(LT, 'ALTER TABLE contract CLUSTER ON contract_customer_id;'), []),
  c('logged: SET UNLOGGED', m(LT, 'ALTER TABLE audit_log SET UNLOGGED;'), [f(LOGGED, 2)]),
  c('logged: SET LOGGED', m(LT, 'ALTER TABLE audit_log SET LOGGED;'), [f(LOGGED, 2)]),
  c('logged: safe on a table created in the same migration', m('CREATE UNLOGGED TABLE scratch (id int);', 'ALTER TABLE scratch SET LOGGED;'), []),

  // ── lock levels of statements that are not rules of their own ──────────
  c('lock: safe ALTER TYPE … RENAME VALUE locks no table', "ALTER TYPE tier RENAME VALUE 'basic' TO 'free';", [f(RENUM, 1)]),
  c('lock: LOCK TABLE IN SHARE MODE is not ACCESS EXCLUSIVE', m('BEGIN;', 'LOCK TABLE customer IN SHARE MODE;', 'COMMIT;'), []),
  c('lock: bare LOCK defaults to ACCESS EXCLUSIVE', m('BEGIN;', 'LOCK customer;', 'COMMIT;'), [f(LOCK, 2)]),
  c('lock: safe ALTER INDEX … RENAME without lock_timeout', 'ALTER INDEX contract_customer_id RENAME TO contract_customer_idx;', []),
  c('lock: safe ENABLE TRIGGER USER', 'ALTER TABLE customer ENABLE TRIGGER USER;', []),

  // ── transaction-scoped lock_timeout ────────────────────────────────────
  c('scope: a SET inside a committed transaction stays in force', m('BEGIN;', "SET lock_timeout = '2s';", 'COMMIT;', 'ALTER TABLE customer ADD COLUMN plan text;'), []),
  c('scope: SET LOCAL ends with its transaction', m('BEGIN;', "SET LOCAL lock_timeout = '2s';", 'ALTER TABLE customer ADD COLUMN a text;', 'COMMIT;', 'ALTER TABLE customer ADD COLUMN b text;'), [f(LOCK, 5)]),
  c('scope: SET LOCAL outside a transaction does nothing', m("SET LOCAL lock_timeout = '2s';", 'ALTER TABLE customer ADD COLUMN a text;'), [f(LOCK, 2)]),
  c('scope: a session SET after SET LOCAL 0 wins', m('BEGIN;', 'SET LOCAL lock_timeout = 0;', "SET lock_timeout = '2s';", 'ALTER TABLE customer ADD COLUMN a text;', 'COMMIT;'), []),
  c('scope: RESET lock_timeout turns it off', m(LT, 'RESET lock_timeout;', 'ALTER TABLE customer ADD COLUMN a text;'), [f(LOCK, 3)]),

  // ── DO blocks ──────────────────────────────────────────────────────────
  c('do: DELETE without WHERE inside IF', m('DO $$', 'BEGIN', '  IF true THEN', '    DELETE FROM session;', '  END IF;', 'END', '$$;'), [f('delete-without-where', 1)]),
  c('do: EXECUTE of a literal is checked', m(LT, "DO $$ BEGIN EXECUTE 'ALTER TABLE contract DROP COLUMN tier'; END $$;"), [f('drop-column', 2)]),
  c('do: the lock_timeout set before the block covers it', m(LT, 'DO $do$', 'BEGIN', '  ALTER TABLE customer ADD COLUMN plan text;', 'END', '$do$;'), []),
  c('do: safe block with only queries and RAISE', m('DO $$', 'DECLARE n bigint;', 'BEGIN', '  SELECT count(*) INTO n FROM customer;', "  RAISE NOTICE 'customers: %', n;", 'END', '$$;'), []),
  c('do: safe EXECUTE of a built string is not guessed', m('DO $$', 'BEGIN', "  EXECUTE format('DROP TABLE %I', 'session');", 'END', '$$;'), []),
  c('do: safe block in another language is not parsed', "DO LANGUAGE plperl $$ my $x = 1; $$;", []),

  // ── REINDEX, WITH clauses, constraints on added columns ────────────────
  c('idx: REINDEX INDEX', 'REINDEX INDEX contract_customer_id;', [f('require-concurrent-index', 1)]),
  c('idx: safe REINDEX CONCURRENTLY', 'REINDEX TABLE CONCURRENTLY customer;', []),
  c('idx: safe REINDEX of a table created in the same migration', m('CREATE TABLE plan (id int PRIMARY KEY);', 'REINDEX TABLE plan;'), []),
  c('del: safe DELETE with WHERE in a CTE', "WITH gone AS (DELETE FROM session WHERE id < 10 RETURNING id) INSERT INTO audit_log (id) SELECT id FROM gone;", []),
  c('uniq: ADD COLUMN … PRIMARY KEY', m(LT, 'ALTER TABLE audit_log ADD COLUMN pk bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;'), [f('add-column-volatile-default', 2), f('add-unique-without-index', 2)]),
  c('uniq: safe EXCLUDE on a table created in the same migration', m('CREATE TABLE slot (room int, during tsrange);', 'ALTER TABLE slot ADD CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&);'), []),
  c('snn: a CHECK with OR proves nothing', m(LT, 'ALTER TABLE contract ALTER COLUMN tier SET NOT NULL;'), [f('set-not-null', 2)], {
    schema: `${BASE}\nALTER TABLE contract ADD CONSTRAINT tier_ok CHECK (tier IS NOT NULL OR end_date IS NULL);`,
  }),
  c('rcol: safe renaming a column added by the same migration', m(LT, 'ALTER TABLE customer ADD COLUMN tmp text;', 'ALTER TABLE customer RENAME COLUMN tmp TO plan;'), []),
  c('dcol: ADD COLUMN IF NOT EXISTS of an existing column is not new', m(LT, 'ALTER TABLE contract ADD COLUMN IF NOT EXISTS tier text;', 'ALTER TABLE contract DROP COLUMN tier;'), [f('drop-column', 3)]),
];
