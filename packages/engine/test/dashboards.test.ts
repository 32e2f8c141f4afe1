import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advance, getChange, registerChange } from '@switchback/engine';
import { dashboardsFor } from '@switchback/core';
import { schemaSql, seedSql } from '@switchback/example-support-desk';
import { demoChange } from '../../cli/src/demo/demo-change.js';
import { targets, type TestDatabase } from '../../../test-support/databases.js';

describe.each(targets)('dashboard SQL on $name', (target) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await target.create();
    await t.db.exec(schemaSql('desk'));
    await t.db.exec(seedSql('desk', 100));
    await t.db.exec(`INSERT INTO switchback.app_instances (instance_id, app, version, stopped_at) VALUES ('v1-a', 'support-desk', '1', now())`);
    await registerChange(t.db, demoChange('desk', 'trigger', 'dash'), 'test');
    await advance(t.db, 'dash', { actor: 'test', propagationMs: 0, to: 'read-switch' });
  });
  afterEach(() => t.drop());

  it('every query runs against the database and shows the change as it is', async () => {
    const d = dashboardsFor((await getChange(t.db, 'dash'))!.plan);
    const results: Record<string, unknown[]> = {};
    for (const q of d.sql) results[q.id] = (await t.db.query(q.query)).rows;
    expect(results.parity).toEqual([{ differing: expect.anything() }]);
    expect(Number((results.parity![0] as { differing: unknown }).differing)).toBe(0);
    expect(results.rollout).toEqual([{ percent: expect.anything(), allow_listed_tenants: 0 }]);
    expect(Number((results.rollout![0] as { percent: unknown }).percent)).toBe(1);
    expect((results.backfill as { step_id: string }[]).map((r) => r.step_id)).toContain('backfill.forward.copy');
  });
});
