import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucket, BUCKET_COUNT } from './bucket.js';

const isIn = (flag: string, key: string, rolloutBps: number): boolean => bucket(flag, key) < rolloutBps;

describe('bucket', () => {
  it('is an integer in 0..9999 and the same every time (sticky)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (flag, key) => {
        const b = bucket(flag, key);
        expect(Number.isInteger(b) && b >= 0 && b < BUCKET_COUNT).toBe(true);
        expect(bucket(flag, key)).toBe(b);
      }),
    );
  });

  it('only adds keys as the rollout grows (monotonic)', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (flag, key, a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          if (isIn(flag, key, low)) expect(isIn(flag, key, high)).toBe(true);
        },
      ),
    );
  });

  it('is nobody at 0 bps and everybody at 10000 bps', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (flag, key) => {
        expect(isIn(flag, key, 0)).toBe(false);
        expect(isIn(flag, key, 10_000)).toBe(true);
      }),
    );
  });

  it.each(['ReadContractDetailsFromCustomer', 'DualWriteContractDetails'])(
    'spreads 1,000,000 keys uniformly (every tenth of the buckets and every rollout within 1 percentage point) for %s',
    (flag) => {
      const n = 1_000_000;
      const deciles = new Array<number>(10).fill(0);
      const counts = new Map<number, number>();
      const rollouts = [100, 1000, 2500, 5000, 9000];
      for (let i = 0; i < n; i++) {
        const b = bucket(flag, `customer-${i}`);
        deciles[Math.floor(b / 1000)]!++;
        for (const r of rollouts) if (b < r) counts.set(r, (counts.get(r) ?? 0) + 1);
      }
      for (const d of deciles) expect(Math.abs(d / n - 0.1)).toBeLessThan(0.01);
      for (const r of rollouts) expect(Math.abs((counts.get(r) ?? 0) / n - r / 10_000)).toBeLessThan(0.01);
    },
  );

  it('spreads the same keys differently for different flags', () => {
    const inBoth = Array.from({ length: 10_000 }, (_, i) => `k${i}`).filter(
      (key) => isIn('FlagA', key, 5000) && isIn('FlagB', key, 5000),
    ).length;
    expect(Math.abs(inBoth / 10_000 - 0.25)).toBeLessThan(0.02);
  });
});
