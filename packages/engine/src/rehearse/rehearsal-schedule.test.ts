import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { planChange, parseChangeFile, type Plan } from '@switchback/core';
import { accessOf, cellApplies, columnsOf, edgeTarget, mayRun, notNullOf, rehearsalSchedule, shapeColumn, versionWindows } from './rehearsal-schedule.js';
import { allowedValues, checkedRange, checkedValues } from './rehearsal-catalog.js';

const seedPlan = (sync: 'trigger' | 'app' = 'trigger'): Plan => {
  const parsed = parseChangeFile(
    `version: 1
id: 0001-contract-into-customer
title: t
intent: move-columns
sync: ${sync}
params:
  from: { table: support_contract, join: customer_id }
  to: { table: support_customer, key: id }
  columns: [tier, end_date]
  retire: table
`,
    'changes/0001-contract-into-customer.yaml',
  );
  if (!parsed.ok) throw new Error('bad test change');
  const col = (name: string, type = 'text') => ({ name, type, nullable: true, default: null });
  const result = planChange(parsed.change, {
    tables: {
      support_customer: { name: 'support_customer', schema: 'public', primaryKey: ['id'], columns: [{ ...col('id', 'bigint'), nullable: false }, col('contact_name')] },
      support_contract: { name: 'support_contract', schema: 'public', primaryKey: ['id'], columns: [{ ...col('id', 'bigint'), nullable: false }, col('customer_id', 'bigint'), col('tier'), col('end_date', 'date')] },
    },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.plan;
};

describe('version windows', () => {
  it('runs the old version until contract and the new one from read-switch (the seed plan)', () => {
    const plan = seedPlan();
    const w = versionWindows(plan);
    const ids = plan.phases.map((p) => p.id);
    expect(ids.filter((_, i) => mayRun(w, 'old', i))).toEqual(['expand', 'dual-write', 'backfill', 'read-switch', 'cut-off']);
    expect(ids.filter((_, i) => mayRun(w, 'new', i))).toEqual(['read-switch', 'cut-off', 'contract']);
    expect(mayRun(w, 'old', -1)).toBe(true);
  });

  it('reads the access of the start for the old version and of the applied phase for the new one', () => {
    const plan = seedPlan();
    expect(accessOf(plan, 'old', 4)).toEqual({ writes: ['support_contract'], reads: ['support_contract'] });
    expect(accessOf(plan, 'new', 3)).toEqual({ writes: ['support_contract'], reads: ['support_customer'] });
    expect(accessOf(plan, 'new', 4).writes).toEqual(['support_customer']);
  });

  it('writes behind a flag only while the flag is on: with sync app the new version writes the old shape at cut-off until contract turns the flag off', () => {
    const plan = seedPlan('app');
    expect(accessOf(plan, 'new', 4, () => true).writes).toEqual(['support_customer', 'support_contract']);
    expect(accessOf(plan, 'new', 4, (f) => f !== 'DualWriteContractDetails').writes).toEqual(['support_customer']);
    expect(accessOf(plan, 'new', 5, () => true).writes).toEqual(['support_customer']);
  });

  it('keeps the old version to the tables of the shape before, and a phase without access to the version\'s shape', () => {
    const base = seedPlan();
    const phase = base.phases[0]!;
    const renamed: Plan = {
      ...base,
      shapes: { before: [{ table: 'support_contract', columns: ['id'] }], after: [{ table: 'service_agreement', columns: ['id'] }], joins: [] },
      phases: [{ ...phase, access: { writes: [{ table: 'service_agreement' }], reads: [{ table: 'service_agreement' }] } }],
    };
    expect(accessOf(renamed, 'old', 0)).toEqual({ writes: ['support_contract'], reads: ['support_contract'] });
    expect(accessOf(renamed, 'new', 0)).toEqual({ writes: ['service_agreement'], reads: ['service_agreement'] });
    const dropped: Plan = { ...renamed, shapes: { ...renamed.shapes, after: [] }, phases: [{ ...phase, access: { writes: [], reads: [] } }] };
    expect(accessOf(dropped, 'new', 0)).toEqual({ writes: [], reads: [] });
  });
});

describe('shape columns', () => {
  it.each([
    ['id', { name: 'id', notNull: false }],
    ['id bigint', { name: 'id', notNull: false }],
    ['customer_id NOT NULL', { name: 'customer_id', notNull: true }],
    ['"Mixed Case" text not null', { name: 'Mixed Case', notNull: true }],
    ['unique (email)', undefined],
    ['index support_ticket_open_by_customer', undefined],
    ['(expression)', undefined],
  ])('%s', (entry, expected) => {
    expect(shapeColumn(entry)).toEqual(expected);
  });

  it('columnsOf and notNullOf read the annotated shape', () => {
    const plan: Plan = { ...seedPlan(), shapes: { before: [{ table: 't', columns: ['id integer', 'c'] }], after: [{ table: 't', columns: ['id bigint', 'c NOT NULL', 'unique (c)'] }], joins: [] } };
    expect(columnsOf(plan, 'old', 't')).toEqual(['id', 'c']);
    expect(columnsOf(plan, 'new', 't')).toEqual(['id', 'c']);
    expect(notNullOf(plan, 'new', 't')).toEqual(['c']);
    expect(notNullOf(plan, 'old', 't')).toEqual([]);
  });
});

describe('rehearsal schedule', () => {
  it('takes every (phase, direction) edge, and each backward edge right after its forward one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.boolean(), (n, back) => {
        const s = rehearsalSchedule(n, { returnToStart: back });
        for (let p = 0; p < n; p++) for (const d of ['forward', 'backward'] as const) expect(s.some((e) => e.phase === p && e.direction === d)).toBe(true);
        // Each edge starts where the previous one ended: the schedule is a walk the executor can take.
        let at = -1;
        for (const e of s) {
          expect(e.direction === 'forward' ? e.phase === at + 1 : e.phase === at).toBe(true);
          at = edgeTarget(e);
        }
        expect(at).toBe(back ? -1 : n - 1);
        expect(s).toHaveLength(back ? 4 * n : 3 * n);
      }),
    );
  });

  it('checks a version in a cell only where it may run after the edge', () => {
    const w = versionWindows(seedPlan());
    expect(cellApplies(w, { phase: 5, direction: 'forward' }, 'old')).toBe(false);
    expect(cellApplies(w, { phase: 5, direction: 'backward' }, 'old')).toBe(true);
    expect(cellApplies(w, { phase: 3, direction: 'backward' }, 'new')).toBe(false);
  });
});

describe('allowedValues', () => {
  it.each([
    ["CHECK ((tier = ANY (ARRAY['gold'::text, 'silver'::text])))", ['gold', 'silver']],
    ["CHECK (((kind)::text = ANY ((ARRAY['a'::character varying, 'b''c'::character varying])::text[])))", ['a', "b'c"]],
    ['CHECK ((n >= 0))', undefined],
  ])('%s', (def, want) => expect(allowedValues(def)).toEqual(want));
});

describe('checkedValues', () => {
  it.each([
    ["CHECK ((tier = ANY (ARRAY['gold'::text, 'silver'::text])))", { values: ['gold', 'silver'], notNull: false }],
    ["CHECK ((tier = 'platinum'::text))", { values: ['platinum'], notNull: false }],
    ["CHECK (((tier = 'platinum'::text) IS TRUE)) NOT VALID", { values: ['platinum'], notNull: true }],
    ["CHECK (((tier = 'it''s'::character varying(20)) IS TRUE))", { values: ["it's"], notNull: true }],
    ['CHECK (((level = 3) IS TRUE))', { values: ['3'], notNull: true }],
    ["CHECK (((tier = ANY (ARRAY['a'::text, 'b'::text])) IS TRUE))", { values: ['a', 'b'], notNull: true }],
    ["CHECK ((((tier = 'x'::text) OR (tier = 'y'::text)) IS TRUE))", undefined],
    ["CHECK (((tier = 'x'::text) OR (tier IS NULL)))", undefined],
    ['CHECK ((n >= 0))', undefined],
    ['CHECK (((score * 0) = 1))', undefined],
    ["CHECK ((lower(code) = 'x'::text))", undefined],
  ])('%s', (def, want) => expect(checkedValues(def)).toEqual(want));
});

describe('checkedRange', () => {
  it.each([
    ['CHECK (((price >= 1) AND (price <= 100)))', { lo: 1, hi: 100 }],
    ['CHECK ((qty > 0))', { lo: 1 }],
    ['CHECK ((qty < 10)) NOT VALID', { hi: 9 }],
    ['CHECK ((((n > 2) AND (n < 9)) AND (n >= 4)))', { lo: 4, hi: 8 }],
    ['CHECK ((price > cost))', undefined],
    ["CHECK ((n > '-5'::integer))", undefined],
    ['CHECK (((n % 2) = 0))', undefined],
    ['CHECK (((n >= 1) OR (n IS NULL)))', undefined],
  ])('%s', (def, want) => expect(checkedRange(def)).toEqual(want));
});
