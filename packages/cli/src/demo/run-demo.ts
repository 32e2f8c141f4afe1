import { advance, changeStatus, migrateLedger, registerChange, rollback, updateFlag, verifyLedger, type Db, type ExecutorEvent, type TransitionResult } from '@switchback/engine';
import { schemaSql, seedSql, SupportDeskApp, tables, Workload, type WorkloadStats } from '@switchback/example-support-desk';
import { demoChange } from './demo-change.js';

export interface DemoOptions {
  db: Db;
  rows: number;
  modes?: ('trigger' | 'app')[];
  /** Suffix for schema and change ids, so demos on a shared server never collide. */
  suffix?: string;
  actor?: string;
  /** Drop the demo's tables afterwards (on a shared server); the ledger keeps its record. */
  cleanup?: boolean;
  onEvent?: (e: DemoEvent) => void;
}

export type DemoEvent =
  | { type: 'scenario'; mode: 'trigger' | 'app'; change: string; schema: string }
  | { type: 'note'; message: string }
  | { type: 'transition'; action: 'advance' | 'rollback'; result: TransitionResult }
  | { type: 'executor'; event: ExecutorEvent };

export interface ScenarioResult {
  mode: 'trigger' | 'app';
  change: string;
  phases: string[];
  rollbacks: { from: string; to: string }[];
  writes: { attempted: number; committed: number; lost: number };
  lostSamples: string[];
  oldVersionErrors: number;
  newVersionErrors: number;
  staleReads: number;
  parityMismatches: number;
  shadowMismatches: number;
  workloads: WorkloadStats[];
  /** Why the scenario stopped early, if it did. */
  error?: string;
  ok: boolean;
}

export interface DemoResult {
  scenario: 'support-contract-into-customer';
  rows: number;
  phases: string[];
  rollbacks: { from: string; to: string }[];
  writes: { attempted: number; committed: number; lost: number };
  oldVersionErrors: number;
  parityMismatches: number;
  seconds: number;
  ok: boolean;
  ledger: { events: number; intact: boolean };
  scenarios: ScenarioResult[];
}

/**
 * The seed scenario end to end: the old and the new app version run against
 * the same tables while the change goes through every phase, rolls back from
 * read-switch to backfill part-way, and goes forward again to contract.
 */
export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  await migrateLedger(o.db);
  const scenarios: ScenarioResult[] = [];
  for (const mode of o.modes ?? ['trigger', 'app']) scenarios.push(await runScenario(o, mode));
  const ledger = await verifyLedger(o.db);
  const sum = (f: (s: ScenarioResult) => number) => scenarios.reduce((a, s) => a + f(s), 0);
  return {
    scenario: 'support-contract-into-customer',
    rows: o.rows,
    phases: scenarios[0]?.phases ?? [],
    rollbacks: scenarios[0]?.rollbacks ?? [],
    writes: { attempted: sum((s) => s.writes.attempted), committed: sum((s) => s.writes.committed), lost: sum((s) => s.writes.lost) },
    oldVersionErrors: sum((s) => s.oldVersionErrors),
    parityMismatches: sum((s) => s.parityMismatches),
    seconds: Math.round((Date.now() - started) / 100) / 10,
    ok: ledger.ok && scenarios.every((s) => s.ok),
    ledger: { events: ledger.events, intact: ledger.ok },
    scenarios,
  };
}

async function runScenario(o: DemoOptions, mode: 'trigger' | 'app'): Promise<ScenarioResult> {
  const schema = `support_desk_${mode}${o.suffix ? `_${o.suffix}` : ''}`;
  const id = `0001-contract-into-customer-${mode}${o.suffix ? `-${o.suffix.replace(/_/g, '-')}` : ''}`;
  const actor = o.actor ?? 'demo';
  const emit = (e: DemoEvent) => o.onEvent?.(e);
  emit({ type: 'scenario', mode, change: id, schema });
  await o.db.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; DROP SCHEMA IF EXISTS "switchback_archive__${id}" CASCADE;`);
  await o.db.exec(schemaSql(schema));
  await o.db.exec(seedSql(schema, o.rows));
  emit({ type: 'note', message: `loaded ${o.rows.toLocaleString('en-US')} customers and contracts into ${schema}` });
  await registerChange(o.db, demoChange(schema, mode, id), actor);

  const v1 = await SupportDeskApp.start({ db: o.db, version: '1', schema });
  const v2 = await SupportDeskApp.start({ db: o.db, version: '2', schema, change: id, sync: mode, pollMs: 100 });
  const old = new Workload(v1, { owns: (k) => k % 2 === 0, existing: o.rows });
  const neu = new Workload(v2, { owns: (k) => k % 2 === 1, existing: o.rows });
  old.start();
  neu.start();
  let oldRunning = true;
  const stopOld = async (why: string) => {
    if (!oldRunning) return;
    oldRunning = false;
    await old.stop();
    await v1.stop();
    emit({ type: 'note', message: `version 1 retired (${why}): ${old.stats.committed} writes, ${old.stats.errors} errors` });
  };

  const phases: string[] = [];
  const rollbacks: ScenarioResult['rollbacks'] = [];
  const exec = { actor, propagationMs: 250, onEvent: (event: ExecutorEvent) => emit({ type: 'executor', event }) };
  const step = async (action: 'advance' | 'rollback', run: () => Promise<TransitionResult>) => {
    const result = await run();
    emit({ type: 'transition', action, result });
    if (result.outcome !== 'succeeded') throw new Error(`${action} ${id} ${result.outcome}: ${result.reason ?? ''}`);
    await v2.refresh();
    for (const t of result.transitions) if (t.kind === 'phase' && t.direction === 'forward' && !phases.includes(t.phase)) phases.push(t.phase);
    return result;
  };
  let failure: string | undefined;
  try {
    await step('advance', () => advance(o.db, id, { ...exec, to: 'expand' }));
    await settle(300);
    await step('advance', () => advance(o.db, id, { ...exec, to: 'dual-write' }));
    await settle(300);
    // sync: app — the previous version does not dual-write; it must be gone before the backfill.
    if (mode === 'app') await stopOld('its writes do not reach the new columns');
    await step('advance', () => advance(o.db, id, { ...exec, to: 'backfill' }));
    await step('advance', () => advance(o.db, id, { ...exec, to: 'read-switch' }));
    // Internal users first: one tenant reads the new shape whatever the percentage.
    await updateFlag(o.db, 'ReadContractDetailsFromCustomer', { allowTenants: ['acme'] }, actor);
    await v2.refresh();
    emit({ type: 'note', message: 'tenant acme allow-listed for ReadContractDetailsFromCustomer' });
    await settle(200);
    await step('advance', () => advance(o.db, id, exec)); // 1% → 10%
    await settle(300);
    await step('rollback', () => rollback(o.db, id, { ...exec, to: 'backfill' }));
    rollbacks.push({ from: 'read-switch', to: 'backfill' });
    await step('advance', () => advance(o.db, id, { ...exec, to: 'read-switch' }));
    for (let i = 0; i < 3; i++) {
      await settle(200);
      await step('advance', () => advance(o.db, id, exec)); // 10%, 50%, 100%
    }
    await step('advance', () => advance(o.db, id, { ...exec, to: 'cut-off' }));
    await settle(300);
    await stopOld('contract removes the shape it reads');
    await step('advance', () => advance(o.db, id, { ...exec, to: 'contract' }));
    await settle(300);
  } catch (e) {
    failure = e instanceof Error ? e.message : String(e);
    emit({ type: 'note', message: `stopped: ${failure}` });
  } finally {
    await stopOld('demo finished');
    await neu.stop();
    await v2.stop();
  }

  const lost = await findLost(o.db, schema, [old, neu], (await changeStatus(o.db, id)).appliedPhase === 'contract');
  const shadow = await o.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM switchback.shadow_mismatches WHERE change_id = $1`, [id]);
  const verifyFailures = await o.db.query<{ n: number }>(`SELECT coalesce(sum((evidence->>'mismatchCount')::int), 0)::int AS n FROM switchback.events WHERE change_id = $1 AND action IN ('verification', 'backfill.verification') AND outcome = 'failed'`, [id]);
  const shadowMismatches = shadow.rows[0]!.n;
  const parityMismatches = verifyFailures.rows[0]!.n + shadowMismatches;
  if (o.cleanup) await o.db.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; DROP SCHEMA IF EXISTS "switchback_archive__${id}" CASCADE;`);
  const writes = { attempted: old.stats.attempted + neu.stats.attempted, committed: old.stats.committed + neu.stats.committed, lost: lost.length };
  return {
    mode,
    change: id,
    phases,
    rollbacks,
    writes,
    lostSamples: lost.slice(0, 5),
    oldVersionErrors: old.stats.errors,
    newVersionErrors: neu.stats.errors,
    staleReads: old.stats.staleReads + neu.stats.staleReads,
    parityMismatches,
    shadowMismatches,
    workloads: [old.stats, neu.stats],
    ...(failure ? { error: failure } : {}),
    ok: !failure && phases.length === 6 && writes.lost === 0 && old.stats.errors === 0 && neu.stats.errors === 0 && parityMismatches === 0 && old.stats.staleReads + neu.stats.staleReads === 0,
  };
}

/** Let the apps work a little in the new state before the next transition. */
async function settle(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Every committed write must be the value the database holds now, in the shape the change ended in. */
async function findLost(db: Db, schema: string, workloads: Workload[], contracted: boolean): Promise<string[]> {
  const t = tables(schema);
  const sql = contracted
    ? `SELECT id::int8 AS id, tier, to_char(end_date, 'YYYY-MM-DD') AS end_date FROM ${t.customer} WHERE id = ANY($1::int8[])`
    : `SELECT c.id::int8 AS id, k.tier, to_char(k.end_date, 'YYYY-MM-DD') AS end_date FROM ${t.customer} c LEFT JOIN ${t.contract} k ON k.customer_id = c.id WHERE c.id = ANY($1::int8[])`;
  const lost: string[] = [];
  for (const w of workloads) {
    const ids = [...w.expected.keys()];
    const { rows } = await db.query<{ id: number; tier: string | null; end_date: string | null }>(sql, [ids]);
    const have = new Map(rows.map((r) => [Number(r.id), r]));
    for (const [id, want] of w.expected) {
      const got = have.get(id);
      if (!got || got.tier !== want.tier || got.end_date !== want.endDate) lost.push(`customer ${id}: committed ${want.tier}/${want.endDate}, found ${got ? `${got.tier}/${got.end_date}` : 'no row'}`);
    }
  }
  return lost;
}
