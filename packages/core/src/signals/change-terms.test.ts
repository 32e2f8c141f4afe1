import { describe, expect, it } from 'vitest';
import { seedPlan } from '../../test/seed-fixture.js';
import { changeTerms } from './change-terms.js';

describe('changeTerms', () => {
  it('names the moved columns and the old table, not the generic words', () => {
    expect(changeTerms(seedPlan())).toEqual(['contract', 'end date', 'end_date', 'tier']);
  });
});
