import { PGlite } from '@electric-sql/pglite';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SqlClient } from '../sql-client.js';
import { changedFlags, FlagClient } from './flag-client.js';
import type { FlagDefinition } from './evaluate.js';
import type { Snapshot } from './snapshot.js';

const READ = 'ReadContractDetailsFromCustomer';
const CHANGE = 'move-contract-details';
const ctx = { key: 'customer-42', tenant: 'acme' };

let db: PGlite;
const clients: FlagClient[] = [];
const track = (c: FlagClient): FlagClient => (clients.push(c), c);

beforeAll(async () => {
  db = await PGlite.create();
  await db.exec(`
    CREATE SCHEMA switchback;
    CREATE TABLE switchback.flags (
      name text PRIMARY KEY, description text NOT NULL DEFAULT '',
      enabled boolean NOT NULL DEFAULT false,
      rollout_bps integer NOT NULL DEFAULT 0 CHECK (rollout_bps BETWEEN 0 AND 10000),
      allow_tenants text[] NOT NULL DEFAULT '{}',
      rules jsonb NOT NULL DEFAULT '{}',
      change_id text, version bigint NOT NULL DEFAULT 1,
      updated_at timestamptz NOT NULL DEFAULT now(), updated_by text NOT NULL DEFAULT '');
    CREATE TABLE switchback.changes (
      id text PRIMARY KEY, intent text NOT NULL, title text NOT NULL, sync text NOT NULL,
      applied_phase text, status text NOT NULL);`);
});

beforeEach(async () => {
  await db.exec(`
    TRUNCATE switchback.flags, switchback.changes;
    INSERT INTO switchback.flags (name, enabled, rollout_bps, allow_tenants, version)
      VALUES ('${READ}', true, 0, '{acme}', 7);
    INSERT INTO switchback.changes (id, intent, title, sync, applied_phase, status)
      VALUES ('${CHANGE}', 'move-columns', 'Move contract details', 'app', 'backfill', 'active'),
             ('other-change', 'rename-column', 'Other', 'trigger', NULL, 'planned');`);
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await db.close();
});

describe('FlagClient', () => {
  it('loads flags and phases from the switchback tables', async () => {
    const flags = track(await FlagClient.start(db));
    expect(flags.snapshot.flags.get(READ)).toEqual({
      name: READ, enabled: true, rolloutBps: 0, allowTenants: ['acme'], version: 7,
    });
    expect(flags.isEnabled(READ, ctx)).toBe(true);
    expect(flags.evaluate(READ, { key: 'customer-42' })).toMatchObject({ value: false, reason: 'outside-rollout' });
    expect(flags.explain(READ, ctx)).toBe(`${READ} is on for key "customer-42": tenant "acme" is on its allow list.`);
    expect(flags.evaluate('NoSuchFlag', ctx)).toEqual({ value: false, reason: 'unknown-flag' });
    expect(flags.phaseOf(CHANGE)).toBe('backfill');
    expect(flags.phaseOf('other-change')).toBeNull();
    expect(flags.phaseOf('no-such-change')).toBeNull();
  });

  it('applies targeting rules and variants from the rules column, reporting invalid rules once per version', async () => {
    const errors: unknown[] = [];
    await db.query(`UPDATE switchback.flags SET rules = $2 WHERE name = $1`, [READ, JSON.stringify({
      deny: { tenants: ['acme'] },
      rules: [{ attribute: 'plan', op: 'in', values: ['gold'], serve: 'b' }, { attribute: 'plan', op: 'regex', values: [], serve: true }],
      variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }], defaultVariant: 'a',
    })]);
    const flags = track(await FlagClient.start(db, { pollMs: 60_000, onError: (e) => errors.push(e) }));
    await flags.refresh();
    expect(flags.evaluate(READ, ctx)).toMatchObject({ value: false, reason: 'deny-list', variant: 'a' });
    expect(flags.variant(READ, { key: 'k', attributes: { plan: 'gold' } })).toBe('b');
    expect(flags.variant('NoSuchFlag', { key: 'k' }, 'fallback')).toBe('fallback');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ name: 'InvalidFlagRulesError', flag: READ, problems: ['rules[1].op must be one of in, not-in, equals, starts-with'] });
  });

  it('picks up a change on refresh', async () => {
    const flags = track(await FlagClient.start(db, { pollMs: 60_000 }));
    await db.query(`UPDATE switchback.flags SET rollout_bps = 10000 WHERE name = $1`, [READ]);
    await db.query(`UPDATE switchback.changes SET applied_phase = 'read-switch' WHERE id = $1`, [CHANGE]);
    expect(flags.isEnabled(READ, { key: 'customer-42' })).toBe(false);
    await flags.refresh();
    expect(flags.isEnabled(READ, { key: 'customer-42' })).toBe(true);
    expect(flags.phaseOf(CHANGE)).toBe('read-switch');
  });

  it('picks up a change by polling', async () => {
    const flags = track(await FlagClient.start(db, { pollMs: 20 }));
    await db.query(`UPDATE switchback.flags SET enabled = false WHERE name = $1`, [READ]);
    await vi.waitFor(() => expect(flags.evaluate(READ, ctx).reason).toBe('disabled'), { timeout: 2000 });
  });

  it('keeps the last snapshot when the database fails, and reports the error', async () => {
    let down = false;
    const flaky: SqlClient = {
      query: (sql, params) => (down ? Promise.reject(new Error('connection refused')) : db.query(sql, params)),
    };
    const errors: unknown[] = [];
    const flags = track(await FlagClient.start(flaky, { pollMs: 60_000, onError: (e) => errors.push(e) }));
    const before = flags.snapshot;
    down = true;
    await flags.refresh();
    expect(errors).toEqual([new Error('connection refused')]);
    expect(flags.snapshot).toBe(before);
    expect(flags.isEnabled(READ, ctx)).toBe(true);
    down = false;
    await flags.refresh();
    expect(flags.snapshot).not.toBe(before);
  });

  it('starts with every flag off when the database is down', async () => {
    const errors: unknown[] = [];
    const down: SqlClient = { query: () => Promise.reject(new Error('connection refused')) };
    const flags = track(await FlagClient.start(down, { onError: (e) => errors.push(e) }));
    expect(errors).toHaveLength(1);
    expect(flags.isEnabled(READ, ctx)).toBe(false);
    expect(flags.isEnabled(READ, ctx, true)).toBe(true); // the caller's default when nothing is known
    expect(flags.phaseOf(CHANGE)).toBeNull();
  });

  it('treats missing tables (42P01) as an empty snapshot, not an error', async () => {
    await db.exec('ALTER SCHEMA switchback RENAME TO switchback_hidden');
    try {
      const errors: unknown[] = [];
      const flags = track(await FlagClient.start(db, { onError: (e) => errors.push(e) }));
      expect(errors).toEqual([]);
      expect(flags.snapshot.flags.size).toBe(0);
      expect(flags.snapshot.loadedAt.getTime()).toBeGreaterThan(0);
    } finally {
      await db.exec('ALTER SCHEMA switchback_hidden RENAME TO switchback');
    }
  });

  it('runs one more load for refreshes made during a load, not one each', async () => {
    let loads = 0;
    const release: Array<() => void> = [];
    const flags = track(
      await FlagClient.fromSource({
        load: () => {
          loads++;
          if (loads === 1) return Promise.resolve(snapshot());
          return new Promise<Snapshot>((resolve) => release.push(() => resolve(snapshot())));
        },
      }, { pollMs: 60_000 }),
    );
    const first = flags.refresh();
    const trailing = [flags.refresh(), flags.refresh()];
    expect(trailing[0]).toBe(trailing[1]);
    release.shift()?.();
    await first;
    await vi.waitFor(() => expect(release).toHaveLength(1));
    release.shift()?.();
    await Promise.all(trailing);
    expect(loads).toBe(3); // start, the in-flight refresh, one trailing load
  });
});

function snapshot(flags: FlagDefinition[] = []): Snapshot {
  return { flags: new Map(flags.map((f) => [f.name, f])), phases: new Map(), loadedAt: new Date() };
}

const def = (name: string, over: Partial<FlagDefinition> = {}): FlagDefinition => ({ name, enabled: true, rolloutBps: 0, allowTenants: [], version: 1, ...over });

describe('changedFlags', () => {
  it.each([
    ['nothing changed', [def('A'), def('B')], [def('B'), def('A')], []],
    ['added', [def('A')], [def('A'), def('B')], ['B']],
    ['removed', [def('A'), def('B')], [def('A')], ['B']],
    ['rollout', [def('A')], [def('A', { rolloutBps: 100 })], ['A']],
    ['allow list', [def('A', { allowTenants: ['acme'] })], [def('A', { allowTenants: ['acme', 'globex'] })], ['A']],
    ['rules', [def('A', { rules: { variants: [{ name: 'x', weight: 1 }] } })], [def('A', { rules: { variants: [{ name: 'x', weight: 2 }] } })], ['A']],
    ['several, sorted', [def('C'), def('A')], [def('C', { enabled: false }), def('B')], ['A', 'B', 'C']],
  ])('%s', (_name, before, after, changed) => {
    expect(changedFlags(snapshot(before), snapshot(after))).toEqual(changed);
  });
});

describe('FlagClient.subscribe', () => {
  it('tells subscribers about every load and about changed flags, until they unsubscribe', async () => {
    let next: Snapshot | Error = snapshot([def('A')]);
    const flags = track(await FlagClient.fromSource({ load: async () => { if (next instanceof Error) throw next; return next; } }, { pollMs: 60_000 }));
    expect(flags.loaded).toBe(true);
    expect(flags.lastRefresh?.outcome).toBe('ok');
    const heard: string[] = [];
    const unsubscribe = flags.subscribe({
      onRefresh: (outcome, error) => heard.push(`refresh ${outcome}${error ? ` (${String(error)})` : ''}`),
      onChange: (names) => heard.push(`changed ${names.join(',')}`),
    });
    flags.subscribe({ onRefresh: () => { throw new Error('broken listener'); } }); // ignored
    await flags.refresh();
    next = snapshot([def('A', { version: 2, rolloutBps: 500 }), def('B')]);
    await flags.refresh();
    next = new Error('down');
    await flags.refresh();
    expect(flags.lastRefresh?.outcome).toBe('error');
    expect(flags.loaded).toBe(true);
    unsubscribe();
    next = snapshot([]);
    await flags.refresh();
    expect(heard).toEqual(['refresh ok', 'refresh ok', 'changed A,B', 'refresh error (Error: down)']);
  });

  it('is not loaded until a load succeeds', async () => {
    const flags = track(await FlagClient.fromSource({ load: () => Promise.reject(new Error('down')) }, { pollMs: 60_000 }));
    expect(flags.loaded).toBe(false);
    expect(flags.lastRefresh?.outcome).toBe('error');
  });
});
