import { describe, expect, it } from 'vitest';
import { topLevelDiff } from './mismatch-reporter.js';

describe('topLevelDiff', () => {
  it('lists only the differing top-level fields', () => {
    expect(
      topLevelDiff(
        { id: 1, tier: 'gold', endDate: new Date('2025-01-01'), address: { city: 'Oslo' } },
        { id: 1, tier: 'silver', endDate: new Date('2025-01-01'), address: { city: 'Bergen' }, extra: true },
      ),
    ).toEqual({
      tier: { old: 'gold', new: 'silver' },
      address: { old: { city: 'Oslo' }, new: { city: 'Bergen' } },
      extra: { old: undefined, new: true },
    });
  });

  it('is empty when only a custom equality saw a difference', () => {
    expect(topLevelDiff({ tier: 'gold' }, { tier: 'gold' })).toEqual({});
  });

  it.each([
    ['scalars', 'gold', 'silver'],
    ['arrays', [1], [2]],
    ['a record and null', { tier: 'gold' }, null],
    ['dates', new Date(0), new Date(1)],
  ])('is null for %s', (_name, a, b) => {
    expect(topLevelDiff(a, b)).toBeNull();
  });
});
