import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('lets a burst through, then the rate', () => {
    let t = 0;
    const bucket = new TokenBucket(10, 10, () => t);
    const burst = Array.from({ length: 15 }, () => bucket.take()).filter(Boolean).length;
    expect(burst).toBe(10);
    t = 500; // half a second refills five
    expect(Array.from({ length: 10 }, () => bucket.take()).filter(Boolean).length).toBe(5);
  });

  it('never lets more than burst + rate × elapsed through', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 200 }), (rate, gaps) => {
        let t = 0;
        const bucket = new TokenBucket(rate, rate, () => t);
        let taken = 0;
        for (const gap of gaps) {
          t += gap;
          if (bucket.take()) taken++;
        }
        expect(taken).toBeLessThanOrEqual(rate + (t / 1000) * rate + 1e-9);
      }),
    );
  });
});
