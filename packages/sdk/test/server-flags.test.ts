import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DbMismatchReporter, FlagClient } from '../src/index.js';
import { createServerDatabase, type ServerDatabase } from './server-database.js';

describe.runIf(process.env.DATABASE_URL)('targeting and mismatch reports on PostgreSQL', () => {
  let server: ServerDatabase;

  beforeAll(async () => {
    server = await createServerDatabase();
  });
  afterAll(async () => {
    await server?.drop();
  });

  it('reads rules from jsonb through pg, and reports invalid ones once', async () => {
    await server.pool.query(`INSERT INTO switchback.flags (name, enabled, rollout_bps, version, rules) VALUES ('Checkout', true, 10000, 12, $1)`, [
      JSON.stringify({
        deny: { users: ['mallory'] },
        rules: [{ attribute: 'plan', op: 'in', values: ['gold'], serve: 'gold-button' }, { attribute: 'plan', op: '~', values: [], serve: true }],
        variants: [{ name: 'blue', weight: 1 }, { name: 'gold-button', weight: 0 }],
        defaultVariant: 'none',
      }),
    ]);
    const errors: unknown[] = [];
    const flags = await FlagClient.start(server.pool, { pollMs: 60_000, onError: (e) => errors.push(e) });
    await flags.refresh();
    expect(flags.variant('Checkout', { key: 'u1', attributes: { plan: 'gold' } })).toBe('gold-button');
    expect(flags.variant('Checkout', { key: 'u1' })).toBe('blue');
    expect(flags.variant('Checkout', { key: 'u1', user: 'mallory' })).toBe('none');
    expect(flags.explain('Checkout', { key: 'u1', user: 'mallory' })).toBe('Checkout is off for key "u1": user "mallory" is on its deny list; variant "none".');
    expect(errors).toMatchObject([{ name: 'InvalidFlagRulesError', flag: 'Checkout' }]);
    await flags.close();
  });

  it('writes at most maxPerSecond mismatches, in one batch', async () => {
    const reporter = new DbMismatchReporter(server.pool, { maxPerSecond: 50, now: () => 0 });
    for (let i = 0; i < 80; i++) {
      reporter.report({ flag: 'Read', changeId: 'c', key: `k${i}`, oldValue: { tier: 'gold' }, newValue: { tier: 'silver' }, at: new Date() });
    }
    await reporter.close();
    const { rows } = await server.pool.query<{ n: number; diff: unknown }>(
      'SELECT count(*)::int AS n, min(diff::text)::jsonb AS diff FROM switchback.shadow_mismatches',
    );
    expect(rows[0]).toEqual({ n: 50, diff: { tier: { old: 'gold', new: 'silver' } } });
    expect(reporter.dropped).toBe(30);
  });
});
