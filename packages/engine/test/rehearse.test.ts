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

async function rehearseOn(url: string | undefined, o: { change?: ChangeSpec; alterPlan?: (p: Plan) => Plan; schema?: typeof schema } = {}): Promise<RehearsalResult> {
  const scratch = await createScratchDatabase(url ? { url } : {});
  try {
    return await rehearse({ db: scratch.db, schema: o.schema ?? schema, change: o.change ?? seedChange(), rows: 300, seed: 3, actor: 'test', settleOps: 10, ...(o.alterPlan ? { alterPlan: o.alterPlan } : {}) });
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
