import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { histogramQuantile, mergeHistograms, type LatencyHistogram } from './latency-histogram.js';

const BOUNDS = [1, 5, 10, 50, 100, 500];

describe('histogramQuantile', () => {
  it('interpolates inside the bucket holding the rank', () => {
    const h: LatencyHistogram = { bounds: BOUNDS, counts: [0, 0, 50, 50, 0, 0], calls: 100, maxMs: 40 };
    expect(histogramQuantile(h, 0.5)).toBe(10);
    expect(histogramQuantile(h, 0.75)).toBe(30);
  });

  it('answers the slowest call when the rank is beyond the last bound', () => {
    expect(histogramQuantile({ bounds: BOUNDS, counts: [10, 0, 0, 0, 0, 0], calls: 20, maxMs: 1234 }, 0.95)).toBe(1234);
  });

  it('has no answer without calls, and refuses a quantile outside (0, 1)', () => {
    expect(histogramQuantile({ bounds: BOUNDS, counts: [0, 0, 0, 0, 0, 0], calls: 0, maxMs: 0 }, 0.5)).toBeUndefined();
    expect(() => histogramQuantile({ bounds: BOUNDS, counts: [1, 0, 0, 0, 0, 0], calls: 1, maxMs: 1 }, 1)).toThrow(/between 0 and 1/);
  });

  it('is monotonic in q and stays within the bucket of its rank', () => {
    const counts = fc.array(fc.nat(1000), { minLength: BOUNDS.length, maxLength: BOUNDS.length });
    fc.assert(
      fc.property(counts, fc.nat(100), fc.double({ min: 0.01, max: 0.98, noNaN: true }), (cs, over, q) => {
        const calls = cs.reduce((a, b) => a + b, 0) + over;
        fc.pre(calls > 0);
        const h = { bounds: BOUNDS, counts: cs, calls, maxMs: 900 };
        const a = histogramQuantile(h, q)!;
        const b = histogramQuantile(h, Math.min(0.99, q + 0.01))!;
        expect(a).toBeLessThanOrEqual(b + 1e-9);
        expect(a).toBeGreaterThanOrEqual(0);
        expect(a).toBeLessThanOrEqual(900);
      }),
    );
  });
});

describe('mergeHistograms', () => {
  it('adds histograms with the same bounds and counts the calls measured otherwise', () => {
    const { merged, skippedCalls } = mergeHistograms([
      { bounds: BOUNDS, counts: [1, 2, 3, 0, 0, 0], calls: 7, maxMs: 600 },
      { bounds: BOUNDS, counts: [0, 0, 1, 1, 0, 0], calls: 2, maxMs: 20 },
      { bounds: [1, 2], counts: [1, 1], calls: 2, maxMs: 2 },
      { bounds: [2, 1], counts: [1, 1], calls: 3, maxMs: 2 },
    ]);
    expect(merged).toEqual({ bounds: BOUNDS, counts: [1, 2, 4, 1, 0, 0], calls: 9, maxMs: 600 });
    expect(skippedCalls).toBe(5);
  });
});
