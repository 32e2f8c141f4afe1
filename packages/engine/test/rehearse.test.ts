import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseChangeFile, type ChangeSpec, type Plan } from '@switchback/core';
import { createScratchDatabase, PlanProblemsError, rehearse, RehearsalInputError, type RehearsalResult } from '@switchback/engine';

const seedDir = fileURLToPath(new URL('../../../examples/support-desk/', import.meta.url));
const schema = [{ file: 'migrations/0001_create_support_tables.sql', sql: fs.readFileSync(`${seedDir}migrations/0001_create_support_tables.sql`, 'utf8') }];
const serverUrl = process.env.DATABASE_URL;
const where = [{ name: 'pglite', url: undefined as string | undefined }, ...(serverUrl ? [{ name: 'postgres', url: serverUrl }] : [])];

function seedChange(edit: (yaml: string) => string = (y) => y, file = 'changes/0001-contract-into-customer.yaml'): ChangeSpec {
  const parsed = parseChangeFile(edit(fs.readFileSync(`${seedDir}${file}`, 'utf8')), file);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('; '));
  return parsed.change;
}

async function rehearseOn(url: string | undefined, o: { change?: ChangeSpec; alterPlan?: (p: Plan) => Plan; schema?: typeof schema; seed?: number; settleOps?: number; returnToStart?: boolean } = {}): Promise<RehearsalResult> {
  const scratch = await createScratchDatabase(url ? { url } : {});
  try {
    return await rehearse({ db: scratch.db, schema: o.schema ?? schema, change: o.change ?? seedChange(), rows: 300, seed: o.seed ?? 3, actor: 'test', settleOps: o.settleOps ?? 10, returnToStart: o.returnToStart ?? false, ...(o.alterPlan ? { alterPlan: o.alterPlan } : {}) });
  } finally {
    await scratch.dispose();
  }
}

/** The seed plan without one step: the compatibility a rehearsal must notice is missing. */
const withoutStep = (id: string) => (p: Plan): Plan => ({ ...p, phases: p.phases.map((ph) => ({ ...ph, forward: ph.forward.filter((s) => s.id !== id) })) });

/** The seed plan dropping the old column in expand, under the old version's feet. */
const dropOldColumnInExpand = (p: Plan): Plan => ({
  ...p,
  phases: p.phases.map((ph) => (ph.id !== 'expand' ? ph : { ...ph, forward: [...ph.forward, { id: 'expand.forward.drop-old', kind: 'sql', description: 'drop the old column', sql: 'ALTER TABLE support_contract DROP COLUMN IF EXISTS start_date', ddl: true }] })),
});

/** Replace the SQL of one step (by id) of a plan. */
const withStepSql = (id: string, sql: string) => (p: Plan): Plan => ({
  ...p,
  phases: p.phases.map((ph) => ({ ...ph, forward: ph.forward.map((s) => (s.id === id && s.kind === 'sql' ? { ...s, sql } : s)), backward: ph.backward.map((s) => (s.id === id && s.kind === 'sql' ? { ...s, sql } : s)) })),
});

const renameChange = () => seedChange((y) => y, 'changes/0002-rename-company-name.yaml');

describe.each(where)('rehearse on $name', ({ url }) => {
  it('the seed change: every cell of the matrix is clean, forward and backward, for both versions', async () => {
    const r = await rehearseOn(url);
    expect(r.failures).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.edges.every((e) => e.outcome === 'succeeded')).toBe(true);
    expect(r.edges).toHaveLength(3 * r.phases.length);
    const applicable = r.cells.filter((c) => c.status !== 'n/a');
    expect(applicable.every((c) => c.status === 'pass')).toBe(true);
    expect(r.cells.find((c) => c.phase === 'contract' && c.direction === 'forward' && c.version === 'old')?.status).toBe('n/a');
    expect(r.cells.find((c) => c.phase === 'cut-off' && c.direction === 'backward' && c.version === 'new')?.status).toBe('pass');
    expect(r.writes.committed).toBeGreaterThan(0);
    expect(r.writes.lost).toBe(0);
    expect(r.overrides.map((o) => o.gate).sort()).toEqual(['old-versions-gone', 'read-switch-soak', 'retention']);
    const locks = r.cells.find((c) => c.status === 'pass')!.checks.locks;
    if (url) expect(locks).toMatch(/ms max wait/);
    else expect(locks).toBe('not measurable on PGlite');
  });

  it('the seed change with sync: app is clean too: the new version dual-writes the linked rows itself', async () => {
    const r = await rehearseOn(url, { change: seedChange((y) => y.replace('sync: trigger', 'sync: app')) });
    expect(r.failures).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.cells.find((c) => c.phase === 'read-switch' && c.direction === 'forward' && c.version === 'new')?.status).toBe('pass');
  });

  it('a plan without the reverse trigger at cut-off fails, naming cut-off, the new version and the parity query', async () => {
    const r = await rehearseOn(url, { alterPlan: withoutStep('cut-off.forward.create-reverse-trigger') });
    expect(r.ok).toBe(false);
    const f = r.failures.find((x) => x.phase === 'cut-off' && x.direction === 'forward' && x.version === 'new' && x.check === 'parity');
    expect(f, JSON.stringify(r.failures.slice(0, 3))).toBeDefined();
    expect(f!.query).toContain('FROM "support_customer" AS t LEFT JOIN "support_contract"');
    expect(f!.error).toMatch(/mismatching rows/);
    expect(r.cells.find((c) => c.phase === 'cut-off' && c.direction === 'forward' && c.version === 'new')?.status).toBe('fail');
  });

  it('a plan that drops a column the old version uses in expand fails, naming expand, the old version and its query', async () => {
    const r = await rehearseOn(url, { alterPlan: dropOldColumnInExpand });
    expect(r.ok).toBe(false);
    const f = r.failures.find((x) => x.phase === 'expand' && x.direction === 'forward' && x.version === 'old' && x.check === 'queries');
    expect(f, JSON.stringify(r.failures.slice(0, 3))).toBeDefined();
    expect(f!.query).toContain('"start_date"');
    expect(f!.error).toMatch(/column "start_date" (of relation "support_contract" )?does not exist/);
  });
});

describe.each(where)('rehearse add-not-null with nullWriters: none on $name', ({ url }) => {
  const requireAddress = (writers: string) =>
    parseChangeFile(`version: 1\ntitle: Require an address\nintent: add-not-null\nparams:\n  table: support_customer\n  column: address\n  fill: "'unknown'"\n  ${writers}\n`, 'changes/0009-require-address.yaml');

  it('keeps the old version running through expand, writing no NULL, and is clean', async () => {
    const parsed = requireAddress('nullWriters: none');
    if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('; '));
    const r = await rehearseOn(url, { change: parsed.change });
    expect(r.failures.slice(0, 3)).toEqual([]);
    expect(r.windows.old).toEqual(['start', 'expand', 'backfill']);
    expect(r.cells.find((c) => c.phase === 'backfill' && c.direction === 'forward' && c.version === 'old')).toMatchObject({ status: 'pass' });
    expect(r.ok).toBe(true);
  });

  it('fails from expand on, naming the old version\'s write, when a version does write NULL after all', async () => {
    const parsed = requireAddress('nullWriters: none');
    if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('; '));
    // The plan as it would be if the statement were false: the versions before write NULL where the schema lets them.
    const writesNull = (p: Plan): Plan => ({ ...p, shapes: { ...p.shapes, before: p.shapes.before.map((t) => ({ ...t, columns: t.columns.map((c) => c.replace(/ NOT NULL in the app$/, '')) })) } });
    const r = await rehearseOn(url, { change: parsed.change, alterPlan: writesNull });
    expect(r.ok).toBe(false);
    // Which edge first sees a NULL write depends on timing (on the server, how many operations an edge lasts):
    // every failure is an old-version write the check (added at expand) refuses, and nothing else fails.
    expect(r.failures.length).toBeGreaterThan(0);
    for (const f of r.failures) {
      expect(f, JSON.stringify(f)).toMatchObject({ version: 'old', check: 'queries', error: expect.stringMatching(/violates check constraint "support_customer_address_not_null"/) });
    }
  });
});

describe.each(where)('rehearse catches a broken plan on $name', ({ url }) => {
  it('a rename without a compatibility window (RENAME COLUMN in expand) fails at expand forward, naming the old version\'s query', async () => {
    const r = await rehearseOn(url, { change: renameChange(), alterPlan: withStepSql('expand.forward.add-column', 'ALTER TABLE "support_customer" RENAME COLUMN "company_name" TO "organisation";') });
    expect(r.ok).toBe(false);
    const f = r.failures.find((x) => x.phase === 'expand' && x.direction === 'forward' && x.version === 'old' && x.check === 'queries');
    expect(f, JSON.stringify(r.failures.slice(0, 3))).toBeDefined();
    expect(f!.query).toContain('"company_name"');
    expect(f!.error).toMatch(/column "company_name" (of relation "support_customer" )?does not exist/);
  });

  it('a rename without its sync trigger (nor the check that it exists) fails once the versions share the data', async () => {
    const noTrigger = withStepSql('expand.forward.add-column', 'ALTER TABLE "support_customer" ADD COLUMN IF NOT EXISTS "organisation" text;');
    const unchecked = (p: Plan): Plan => ({ ...p, phases: p.phases.map((ph) => ({ ...ph, verify: ph.verify.filter((v) => v.id !== 'trigger-exists') })) });
    const r = await rehearseOn(url, { change: renameChange(), alterPlan: (p) => unchecked(noTrigger(p)) });
    expect(r.ok).toBe(false);
    // The old version's writes since expand never reached the new column: the backfill phase's parity names the rows.
    const f = r.failures.find((x) => x.phase === 'backfill' && x.direction === 'forward' && x.check === 'parity');
    expect(f, JSON.stringify(r.failures.slice(0, 3))).toBeDefined();
    expect(f!.query).toContain('WHERE "organisation" IS DISTINCT FROM "company_name"');
    expect(f!.error).toMatch(/mismatching rows/);
    expect(r.cells.find((c) => c.phase === 'backfill' && c.direction === 'forward' && c.version === 'old')?.status).toBe('fail');
  });

  it('a contract that archives a table with its foreign keys fails: the new version cannot delete a customer that had a contract', async () => {
    const archiveKeepingKeys = withStepSql('contract.forward.archive', 'CREATE SCHEMA IF NOT EXISTS "switchback_archive__0001-contract-into-customer";\nALTER TABLE "support_contract" SET SCHEMA "switchback_archive__0001-contract-into-customer";');
    const scratch = await createScratchDatabase(url ? { url } : {});
    let r: RehearsalResult;
    try {
      r = await rehearse({ db: scratch.db, schema, change: seedChange(), rows: 200, seed: 1, actor: 'test', settleOps: 40, alterPlan: archiveKeepingKeys });
    } finally {
      await scratch.dispose();
    }
    expect(r.ok).toBe(false);
    const f = r.failures.find((x) => x.phase === 'contract' && x.direction === 'forward' && x.version === 'new' && x.check === 'queries');
    expect(f, JSON.stringify(r.failures.slice(0, 3))).toBeDefined();
    expect(f!.query).toMatch(/^DELETE FROM "support_customer"/);
    expect(f!.error).toMatch(/violates foreign key constraint .* is not an application table/);
  });
});

const tickets = [{ file: '../changes/schema.sql', sql: fs.readFileSync(`${seedDir}../changes/schema.sql`, 'utf8') }];

/** The split-table plan with its new table not held to the predicate: no CHECK, nothing to validate. */
const withoutPredicateCheck = (p: Plan): Plan => ({
  ...p,
  phases: p.phases.map((ph) => ({
    ...ph,
    forward: ph.forward.filter((s) => s.id !== 'expand.forward.validate-check').map((s) => (s.kind === 'sql' ? { ...s, sql: s.sql.replace(/\n  IF NOT EXISTS \(SELECT 1 FROM pg_constraint WHERE [^\n]*_where_check'\) THEN\n.*?\n  END IF;/s, '') } : s)),
    verify: ph.verify.filter((v) => v.id !== 'check-valid'),
  })),
});

describe.each(where)('rehearse holds what a change adds on $name', ({ url }) => {
  it('a ticket that is an orphan before the change (not written by the rehearsal) stops contract at the no-orphans gate, which names it', async () => {
    const orphan = { file: 'orphan.sql', sql: "INSERT INTO support_ticket (customer_id, subject) VALUES (424242, 'left behind');" };
    const r = await rehearseOn(url, { change: seedChange((y) => y, '../changes/0006-ticket-customer-fkey.yaml'), schema: [...tickets, orphan] });
    expect(r.ok).toBe(false);
    // Only contract is refused (the constraint it should have validated is named too); every edge before it is clean.
    expect(new Set(r.failures.map((f) => `${f.phase} ${f.direction}`))).toEqual(new Set(['contract forward']));
    expect(r.failures[0]).toMatchObject({ check: 'transition', query: 'gate no-orphans' });
    expect(r.failures[0]!.error).toMatch(/gate no-orphans failed: 1 violating rows, e\.g\. \{"id":"1","customer_id_value":"424242"\}/);
  });

  it('a split whose new table does not hold the predicate fails from cut-off: the new version writes rows there that parity names', async () => {
    // Enough operations after each edge that the new version surely writes platinum_contract (with 2, one run in ten does not).
    const r = await rehearseOn(url, { change: seedChange((y) => y, '../intents/split-table.yaml'), alterPlan: withoutPredicateCheck, settleOps: 40 });
    expect(r.ok).toBe(false);
    // A row of platinum_contract with no platinum row of support_contract beside it: one the new version wrote there.
    const strays = r.failures.filter((x) => (x.check === 'parity' || x.check === 'transition') && x.error.includes('"old":"(,,,,)"'));
    expect(strays.length, JSON.stringify(r.failures.slice(0, 3))).toBeGreaterThan(0);
    expect(r.failures.every((x) => x.phase === 'cut-off' || x.phase === 'contract'), JSON.stringify(r.failures.slice(0, 3))).toBe(true);
  });
});

/** The add-not-null plan with its backfill filling `value` instead of the fill it declares. */
const fillingWith = (value: string) => (p: Plan): Plan => ({
  ...p,
  phases: p.phases.map((ph) => ({ ...ph, forward: ph.forward.map((s) => (s.kind === 'backfill' ? { ...s, backfill: { ...s.backfill, batchSql: s.backfill.batchSql.replace(/ SET "customer_id" = 0 /, ` SET "customer_id" = ${value} `) } } : s)) })),
});

describe.each(where)('rehearse add-not-null with a fill, back to the start, on $name', ({ url }) => {
  const requireCustomer = () => seedChange((y) => y, '../changes/0005-require-ticket-customer.yaml');
  // The old version writes NULLs before expand; the backfill fills them with 0, and rolling back leaves them 0.
  const cases = [
    { name: 'as planned: a NULL the old version wrote now holds the fill, as the plan declares, and is clean', alterPlan: (p: Plan) => p, lost: undefined },
    { name: 'a backfill that writes another value than the fill loses the NULL', alterPlan: fillingWith('7'), lost: /^support_ticket \{"id":"\d+"\}: customer_id = "7" \(committed NULL\)$/ },
    { name: 'a plan that does not declare its fill loses the NULL', alterPlan: (p: Plan): Plan => ({ ...p, rewrites: [] }), lost: /^support_ticket \{"id":"\d+"\}: customer_id = "0" \(committed NULL\)$/ },
  ];
  it.each(cases)('$name', async ({ alterPlan, lost }) => {
    const r = await rehearseOn(url, { change: requireCustomer(), schema: tickets, alterPlan, seed: 1, settleOps: 40, returnToStart: true });
    expect(r.edges.every((e) => e.outcome === 'succeeded')).toBe(true);
    expect(r.edges.at(-1)).toMatchObject({ phaseId: 'expand', direction: 'backward' });
    if (!lost) {
      expect(r.failures.slice(0, 3)).toEqual([]);
      expect(r.writes.lost).toBe(0);
      expect(r.ok).toBe(true);
      return;
    }
    expect(r.ok).toBe(false);
    const writes = r.failures.filter((f) => f.check === 'writes');
    expect(writes.length, JSON.stringify(r.failures.slice(0, 3))).toBeGreaterThan(0);
    expect(writes.every((f) => f.version === 'old' && f.phase === 'expand' && f.direction === 'backward' && lost.test(f.error)), JSON.stringify(writes.slice(0, 3))).toBe(true);
  });
});

describe('rehearse: bad input', () => {
  it('a change naming an unknown table is refused before anything runs, with the field', async () => {
    const change = seedChange((y) => y.replace('table: support_contract', 'table: support_contracts'));
    const e = await rehearseOn(undefined, { change }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PlanProblemsError);
    expect((e as PlanProblemsError).problems.map((p) => p.field).join(' ')).toContain('params.from.table');
  });

  it('a schema that does not load names its file', async () => {
    const e = await rehearseOn(undefined, { schema: [{ file: 'broken.sql', sql: 'CREATE TABLE (' }] }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RehearsalInputError);
    expect((e as Error).message).toMatch(/^broken\.sql: the schema could not be loaded/);
  });
});
