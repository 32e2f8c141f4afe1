import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { col, seedChange, seedSchema } from '../../test/seed-fixture.js';
import { allSteps, MOVE_COLUMNS_PHASES, type Plan } from '../plan/plan.js';
import type { SchemaModel } from '../schema/schema-model.js';
import { defaultFlags, planMoveColumns } from './move-columns-intent.js';

const change = (params: Record<string, unknown> = {}, sync: 'trigger' | 'app' = 'trigger') => seedChange(sync, params);
const plan = (c = change(), schema = seedSchema()): Plan => {
  const r = planMoveColumns(c as never, schema);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.plan;
};

describe('move-columns plan', () => {
  it.each(['trigger', 'app'] as const)('has the six phases of the seed, in order (sync: %s)', (sync) => {
    expect(plan(change({}, sync)).phases.map((p) => p.id)).toEqual([...MOVE_COLUMNS_PHASES]);
  });

  it('names the flags after the tables, as the seed does', () => {
    expect(defaultFlags('support_contract', 'support_customer')).toEqual({ dualWrite: 'DualWriteContractDetails', readSwitch: 'ReadContractDetailsFromCustomer' });
    expect(defaultFlags('billing.invoice_line', 'billing.invoice')).toEqual({ dualWrite: 'DualWriteInvoiceLineDetails', readSwitch: 'ReadInvoiceLineDetailsFromInvoice' });
  });

  it.each(['trigger', 'app'] as const)('gives every phase a way back, and every step a unique deterministic id (sync: %s)', (sync) => {
    const p = plan(change({}, sync));
    for (const phase of p.phases) {
      expect(phase.backout.length).toBeGreaterThan(10);
      if (phase.id !== 'backfill') expect(phase.backward.length + phase.flags.length).toBeGreaterThan(0);
    }
    const ids = allSteps(p).map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(plan(change({}, sync))).toEqual(p);
  });

  it('adds the new columns nullable with the source types, so expand never rewrites the table', () => {
    const sql = (plan().phases[0]!.forward[0] as { sql: string }).sql;
    expect(sql).toContain('ADD COLUMN IF NOT EXISTS "tier" text');
    expect(sql).toContain('ADD COLUMN IF NOT EXISTS "end_date" date');
    expect(sql).not.toMatch(/NOT NULL|DEFAULT/);
  });

  it('syncs with a trigger in trigger mode and with the dual-write flag in app mode', () => {
    expect(plan(change({}, 'trigger')).phases[1]!.forward[0]).toMatchObject({ kind: 'sql', ddl: true });
    expect(plan(change({}, 'app')).phases[1]!.forward[0]).toMatchObject({ kind: 'flag', flag: 'DualWriteContractDetails', set: { enabled: true, rolloutBps: 10_000 } });
    expect(plan(change({}, 'app')).flags.map((f) => f.name)).toEqual(['DualWriteContractDetails', 'ReadContractDetailsFromCustomer']);
    expect(plan(change({}, 'trigger')).flags.map((f) => f.name)).toEqual(['ReadContractDetailsFromCustomer']);
  });

  it('backfills with locked source rows and never overwrites an equal or newer target value', () => {
    const step = plan().phases[2]!.forward.find((s) => s.id === 'backfill.forward.copy')!;
    expect(step.kind).toBe('backfill');
    const sql = step.kind === 'backfill' ? step.backfill.batchSql : '';
    expect(sql).toContain('FOR SHARE');
    expect(sql).toContain('IS DISTINCT FROM');
    expect(sql).not.toMatch(/OFFSET/i);
  });

  it('clears new columns left without a source row (a sync undone by a rollback) before it copies', () => {
    const [clear, copy] = plan().phases[2]!.forward;
    expect([clear?.id, copy?.id]).toEqual(['backfill.forward.clear-orphans', 'backfill.forward.copy']);
    const sql = clear?.kind === 'backfill' ? clear.backfill.batchSql : '';
    expect(sql).toMatch(/SET "tier" = NULL, "end_date" = NULL/);
    expect(sql).toContain('NOT EXISTS (SELECT 1 FROM "support_contract"');
  });

  it('rolls the read flag out in the configured steps, sticky from the first percent', () => {
    const rs = plan(change({ rollout: [5, 25, 100] })).phases[3]!;
    expect(rs.rollout).toEqual({ flag: 'ReadContractDetailsFromCustomer', steps: [5, 25, 100] });
    expect(rs.flags[0]).toEqual({ flag: 'ReadContractDetailsFromCustomer', forward: { enabled: true, rolloutBps: 500 }, backward: { enabled: false, rolloutBps: 0 } });
  });

  it('gates cut-off on a full rollout, clean shadow reads, soak and parity; contract on the retention window', () => {
    const p = plan(change({ soak: { readSwitch: '2h' }, retention: '30d', oldVersions: { app: 'support-desk', versions: ['1'] } }));
    expect(p.phases[4]!.gates.map((g) => g.id)).toEqual(['read-flag-at-100', 'no-shadow-mismatches', 'read-switch-soak', 'parity']);
    expect(p.phases[4]!.gates.find((g) => g.id === 'read-switch-soak')).toMatchObject({ seconds: 7200 });
    expect(p.phases[5]!.gates.map((g) => g.id)).toEqual(['retention', 'parity', 'old-versions-gone']);
    expect(p.phases[5]!.gates[0]).toMatchObject({ kind: 'soak', phase: 'cut-off', seconds: 30 * 86400 });
  });

  it('in app mode requires the old version gone before the backfill, and catches up the old shape when cut-off is undone', () => {
    const p = plan(change({ oldVersions: { app: 'support-desk', versions: ['1'] } }, 'app'));
    expect(p.phases[2]!.gates.map((g) => g.id)).toEqual(['dual-write-on', 'old-versions-gone']);
    expect(p.phases[4]!.backward.map((s) => s.id)).toEqual(['cut-off.backward.dual-write-on', 'cut-off.backward.await-apps', 'cut-off.backward.catch-up']);
    expect(p.phases[4]!.backward[0]).toMatchObject({ kind: 'flag', flag: 'DualWriteContractDetails', set: { enabled: true, rolloutBps: 10_000 } });
    expect(plan(change({}, 'app')).notes.join(' ')).toContain('oldVersions');
  });

  it('in app mode keeps the app writing the old shape through cut-off (ramp-down), and verifies parity there in both modes', () => {
    for (const sync of ['trigger', 'app'] as const) {
      const cutOff = plan(change({}, sync)).phases[4]!;
      expect(cutOff.verify.map((v) => v.id)).toEqual(['parity']);
      expect(cutOff.app[0]!.summary).toContain('"ramp-down"');
    }
    expect(plan(change({}, 'app')).phases[4]!.access.writes).toEqual([{ table: 'support_customer' }, { table: 'support_contract', via: 'DualWriteContractDetails' }]);
  });

  it('in app mode stops the old-shape writes and waits for the apps to see it before archiving, and resumes them only once restored', () => {
    const c = plan(change({}, 'app')).phases[5]!;
    expect(c.forward.map((s) => s.id)).toEqual([
      'contract.forward.stop-old-writes',
      'contract.forward.await-apps',
      'contract.forward.archive',
      'contract.forward.remove-ReadContractDetailsFromCustomer',
      'contract.forward.remove-DualWriteContractDetails',
    ]);
    expect(c.forward[0]).toMatchObject({ kind: 'flag', flag: 'DualWriteContractDetails', set: { enabled: false, rolloutBps: 0 } });
    expect(c.forward[1]).toMatchObject({ kind: 'pause' });
    expect(c.backward.map((s) => s.id)).toEqual([
      'contract.backward.restore-ReadContractDetailsFromCustomer',
      'contract.backward.restore',
      'contract.backward.restore-DualWriteContractDetails',
      'contract.backward.await-apps',
      'contract.backward.catch-up',
    ]);
    const catchUp = c.backward.at(-1)!;
    expect(catchUp.kind === 'backfill' && catchUp.backfill.verification).toBeTruthy();
  });

  it('archives the source table in contract and restores it going back', () => {
    const c = plan().phases[5]!;
    expect(c.forward.map((s) => s.id)).toEqual(['contract.forward.drop-triggers', 'contract.forward.archive', 'contract.forward.remove-ReadContractDetailsFromCustomer']);
    expect(c.backward.map((s) => s.id)).toEqual(['contract.backward.restore-ReadContractDetailsFromCustomer', 'contract.backward.restore', 'contract.backward.recreate-triggers', 'contract.backward.catch-up']);
  });

  it('quotes every identifier it generates', () => {
    const schema = seedSchema();
    schema.tables['Weird Table'] = { ...schema.tables.support_contract!, name: 'Weird Table' };
    const p = plan(change({ from: { table: 'support_contract', join: 'customer_id' } }), schema);
    for (const s of allSteps(p)) if (s.kind === 'sql') expect(s.sql).not.toMatch(/(ALTER|UPDATE|FROM|ON) support_/);
  });
});

describe('move-columns problems', () => {
  const cases: [string, Record<string, unknown>, (s: SchemaModel) => void, { code: string; field: string; message: RegExp }][] = [
    ['missing source table', { from: { table: 'support_contracts', join: 'customer_id' } }, () => {}, { code: 'table-not-found', field: 'params.from.table', message: /table "support_contracts" does not exist .*support_contract, support_customer/ }],
    ['missing target table', { to: { table: 'customer' } }, () => {}, { code: 'table-not-found', field: 'params.to.table', message: /table "customer" does not exist/ }],
    ['missing column', { columns: ['tier', 'ends_on'] }, () => {}, { code: 'column-not-found', field: 'params.columns[1]', message: /column "ends_on" does not exist in support_contract \(columns: id, customer_id, start_date, tier, end_date\)/ }],
    ['missing join column', { from: { table: 'support_contract', join: 'customer' } }, () => {}, { code: 'column-not-found', field: 'params.from.join', message: /column "customer" does not exist/ }],
    ['moving the join column', { columns: ['customer_id'] }, () => {}, { code: 'invalid-params', field: 'params.columns[0]', message: /join or key column/ }],
    ['a conflicting target column', {}, (s) => s.tables.support_customer!.columns.push(col('tier', 'integer')), { code: 'column-conflict', field: 'params.columns[0]', message: /already has a column "tier" of type integer/ }],
    ['a composite key', {}, (s) => (s.tables.support_contract!.primaryKey = ['id', 'customer_id']), { code: 'unsupported-key', field: 'params.from.table', message: /composite primary key \(id, customer_id\)/ }],
    ['no primary key', {}, (s) => (s.tables.support_customer!.primaryKey = []), { code: 'unsupported-key', field: 'params.to.table', message: /no primary key/ }],
  ];
  it.each(cases)('reports %s with the field and a fix', (_name, params, mutate, expected) => {
    const schema = seedSchema();
    mutate(schema);
    const r = planMoveColumns(change(params) as never, schema);
    expect(r.ok).toBe(false);
    const problem = !r.ok ? r.problems[0]! : undefined;
    expect(problem).toMatchObject({ code: expected.code, field: expected.field });
    expect(problem?.message).toMatch(expected.message);
  });

  it('accepts target columns that already exist with the same type (a re-plan after expand)', () => {
    const schema = seedSchema();
    schema.tables.support_customer!.columns.push(col('tier', 'text'), col('end_date', 'date'));
    expect(planMoveColumns(change() as never, schema).ok).toBe(true);
  });
});

describe('move-columns properties', () => {
  const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/);
  it('plans any valid choice of payload columns into JSON that round-trips, with unique step ids', () => {
    fc.assert(
      fc.property(fc.uniqueArray(name, { minLength: 1, maxLength: 6 }), fc.constantFrom('trigger' as const, 'app' as const), (cols, sync) => {
        const payload = cols.filter((c) => !['id', 'customer_id'].includes(c));
        fc.pre(payload.length > 0);
        const schema = seedSchema();
        schema.tables.support_contract!.columns.push(...payload.filter((c) => !['start_date', 'tier', 'end_date'].includes(c)).map((c) => col(c, 'numeric(10,2)')));
        schema.tables.support_customer!.columns = schema.tables.support_customer!.columns.filter((c) => !payload.includes(c.name) || c.name === 'id');
        const p = plan(change({ columns: payload }, sync), schema);
        expect(JSON.parse(JSON.stringify(p))).toEqual(p);
        const ids = allSteps(p).map((s) => s.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const c of payload) expect((p.phases[0]!.forward[0] as { sql: string }).sql).toContain(`"${c}"`);
      }),
      { numRuns: 200 },
    );
  });
});
