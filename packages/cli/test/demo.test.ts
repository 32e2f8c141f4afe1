import { describe, expect, it } from 'vitest';
import { targets } from '../../../test-support/databases.js';
import { runDemo } from '../src/demo/run-demo.js';

describe.each(targets)('demo on $name', (target) => {
  it('carries the seed change through every phase in both sync modes with nothing lost', async () => {
    const t = await target.create();
    try {
      const result = await runDemo({ db: t.db, rows: 3_000 });
      for (const s of result.scenarios) {
        expect(s.error).toBeUndefined();
        expect({ mode: s.mode, lost: s.lostSamples, stale: s.workloads.map((w) => w.staleSamples), errors: s.workloads.map((w) => w.errorSamples) }).toEqual({ mode: s.mode, lost: [], stale: [[], []], errors: [[], []] });
        expect(s.phases).toEqual(['expand', 'dual-write', 'backfill', 'read-switch', 'cut-off', 'contract']);
        expect(s.writes.committed).toBeGreaterThan(20);
        expect(s.parityMismatches).toBe(0);
      }
      expect(result.rollbacks).toEqual([{ from: 'read-switch', to: 'backfill' }]);
      expect(result.ledger.intact).toBe(true);
      expect(result.ok).toBe(true);
    } finally {
      await t.drop();
    }
  });
});
