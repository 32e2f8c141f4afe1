import { afterEach, describe, expect, it } from 'vitest';
import { advance, dueReport, readEvents, registerChange, type Db } from '@switchback/engine';
import { schemaSql, seedSql } from '@switchback/example-support-desk';
import { demoChange } from '../../cli/src/demo/demo-change.js';
import { targets, type TestDatabase } from '../../../test-support/databases.js';
import { FakeClock } from '../../../test-support/fake-clock.js';

const ID = 'due-statements';
const DAY = 86_400_000;
const appRead = (db: Db, id: number) => db.query('SELECT tier, end_date FROM desk.support_contract WHERE customer_id = $1', [id]);

/**
 * `due` with pg_stat_statements. It can be read only where the server loads it
 * (shared_preload_libraries): there the test proves the counts since cut-off;
 * elsewhere (PGlite, a server without it) that `due` falls back to the SDK's
 * numbers rather than failing or trusting a view it cannot read.
 */
describe.each(targets)('switchback due and pg_stat_statements on $name', (target) => {
  let t: TestDatabase;
  afterEach(() => t.drop());

  it('counts only the reads of the old table since cut-off: not those before, not the engine\'s own, not writes into it', async () => {
    t = await target.create();
    const loaded = await t.db
      .exec('CREATE EXTENSION IF NOT EXISTS pg_stat_statements')
      .then(() => t.db.query('SELECT 1 FROM pg_stat_statements LIMIT 1'))
      .then(() => true, () => false);
    await t.db.exec(schemaSql('desk'));
    await t.db.exec(seedSql('desk', 100));
    await t.db.exec(`INSERT INTO switchback.app_instances (instance_id, app, version, stopped_at) VALUES ('v1-a', 'support-desk', '1', now())`);
    const spec = demoChange('desk', 'trigger', ID);
    await registerChange(t.db, { ...spec, params: { ...spec.params, retention: 21 * DAY } }, 'test');
    for (let i = 1; i <= 5; i++) await appRead(t.db, i);
    const clock = new FakeClock();
    await advance(t.db, ID, { actor: 'test', propagationMs: 0, to: 'cut-off', clock: () => clock.now() });
    const later = new Date(clock.now().getTime() + 30 * DAY);
    const cutOff = (await readEvents(t.db, ID)).filter((e) => e.action === 'phase.forward' && e.outcome === 'succeeded').at(-1)!;

    if (!loaded) {
      expect(cutOff.evidence).not.toHaveProperty('statements');
      const [item] = await dueReport(t.db, later);
      expect(item!.oldReads).toMatchObject({ source: 'unknown', seen: null });
      expect(item!.eligible).toBe(false);
      return;
    }

    // The counts at cut-off hold the reads before it (and not the parity checks the executor ran).
    const baseline = (cutOff.evidence as { statements: { statements: { query: string; calls: number }[] } }).statements.statements;
    expect(baseline.find((s) => s.query.startsWith('SELECT tier, end_date FROM desk.support_contract'))?.calls).toBeGreaterThanOrEqual(5);
    expect(baseline.filter((s) => s.query.includes('switchback'))).toEqual([]);

    // The app writes the old table (not a read), and due's own gates read it: still no reads since cut-off.
    await t.db.query('UPDATE desk.support_contract SET tier = $1 WHERE id = $2', ['gold', -1]);
    await t.db.query('DELETE FROM desk.support_contract WHERE id = $1', [-1]);
    await dueReport(t.db, later);
    const [quiet] = await dueReport(t.db, later);
    expect(quiet!.oldReads).toMatchObject({ source: 'pg_stat_statements', seen: false, statements: [] });
    expect(quiet!.oldReads.detail).toContain('since cut-off');
    expect(quiet!.blockers).toEqual([]);
    expect(quiet!.eligible).toBe(true);

    await appRead(t.db, 7);
    const [read] = await dueReport(t.db, later);
    expect(read!.oldReads).toMatchObject({ source: 'pg_stat_statements', seen: true, statements: [{ calls: 1, query: expect.stringMatching(/^SELECT tier, end_date FROM desk\.support_contract/) }] });
    expect(read!.eligible).toBe(false);
    expect(read!.blockers.join('\n')).toMatch(/old reads: 1 calls of 1 statement\(s\) reading support_contract since cut-off/);
  });
});
