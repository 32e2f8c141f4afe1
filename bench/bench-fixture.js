/**
 * The data both contenders start from: the support desk schema with
 * `rows` customers and contracts, Switchback's ledger with the change
 * registered, and the plan's expand and dual-write phases applied (the new
 * columns exist and the sync trigger copies every contract write), which is
 * where a real backfill phase starts. Built once in a template database;
 * every contender runs on a byte-identical copy of it.
 */
import fs from 'node:fs';
import { parseChangeFile, planChange } from '@switchback/core';
import { migrateLedger, readSchema, registerChange } from '@switchback/engine';
import { files, schemaSql, seedSql } from '@switchback/example-support-desk';

export const SCHEMA = 'support';
export const CHANGE_ID = 'bench-contract-into-customer';

export const tables = {
  customer: `"${SCHEMA}"."support_customer"`,
  contract: `"${SCHEMA}"."support_contract"`,
};

/** The example's change file, pointed at the bench schema; execution settings as the file has them. */
export function benchChange() {
  const parsed = parseChangeFile(fs.readFileSync(files.change, 'utf8'), files.change);
  if (!parsed.ok) throw new Error(`the example change file is invalid: ${parsed.problems.map((p) => p.message).join('; ')}`);
  const c = parsed.change;
  return {
    ...c,
    id: CHANGE_ID,
    sync: 'trigger',
    params: {
      ...c.params,
      from: { ...c.params.from, table: `${SCHEMA}.${c.params.from.table}` },
      to: { ...c.params.to, table: `${SCHEMA}.${c.params.to.table}` },
    },
  };
}

/** Seed `db`, plan the change against it and apply expand + dual-write. Returns the change and its plan. */
export async function buildFixture(db, rows, log) {
  let t = Date.now();
  await db.exec(schemaSql(SCHEMA));
  await db.exec(seedSql(SCHEMA, rows));
  log(`seed_seconds=${((Date.now() - t) / 1000).toFixed(1)}`);

  await migrateLedger(db);
  const change = benchChange();
  const planned = planChange(change, await readSchema(db));
  if (!planned.ok) throw new Error(`the change cannot be planned: ${planned.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  const plan = planned.plan;
  await registerChange(db, change, 'bench');

  const phase = (id) => plan.phases.find((p) => p.id === id);
  await db.exec(phase('expand').forward[0].sql);
  await db.exec(phase('dual-write').forward[0].sql);
  // Frozen, hinted and analysed: neither contender pays for first-touch writes the other skipped.
  t = Date.now();
  await db.exec(`VACUUM (FREEZE, ANALYZE) ${tables.customer}, ${tables.contract}`);
  log(`vacuum_seconds=${((Date.now() - t) / 1000).toFixed(1)}`);
  return { change, plan, backfillStep: phase('backfill').forward[0] };
}

/** Rows whose old and new shapes disagree (what the plan's parity gate looks for), counted in full. */
export const parityCountSql = `SELECT count(*)::int AS n
  FROM ${tables.customer} AS t LEFT JOIN ${tables.contract} AS s ON s.customer_id = t.id
 WHERE ROW(t.tier, t.end_date) IS DISTINCT FROM ROW(s.tier, s.end_date)`;
