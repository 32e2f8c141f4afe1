import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { camelCase, nameKey, pascalCase, sameName, singular, snakeCase } from './naming.js';

/**
 * snake_case database names: lower-case words of two or more characters, a
 * letter first (a one-letter word is ambiguous once Pascal-cased: `AB` is
 * `a_b` or `ab`).
 */
const word = fc.stringMatching(/^[a-z][a-z][a-z0-9]{0,6}$/);
const snake = fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join('_'));

describe('naming conventions', () => {
  it.each([
    ['support_contract', 'SupportContract', 'supportContract'],
    ['end_date', 'EndDate', 'endDate'],
    ['tier', 'Tier', 'tier'],
  ])('%s ↔ %s ↔ %s', (s, p, c) => {
    expect(pascalCase(s)).toBe(p);
    expect(camelCase(s)).toBe(c);
    expect(snakeCase(p)).toBe(s);
    expect(snakeCase(c)).toBe(s);
  });

  it.each([
    ['SupportContracts', 'support_contract', true],
    ['support_contracts', 'support_contract', true],
    ['SUPPORT_CONTRACT', 'support_contract', true],
    ['public.support_contract', 'support_contract', true],
    ['SupportCategories', 'support_category', true],
    ['addresses', 'address', true],
    ['status', 'status', true],
    ['SupportCustomer', 'support_contract', false],
    ['Contract', 'support_contract', false],
    ['supportContractHistory', 'support_contract', false],
  ])('sameName(%s, %s) is %s', (code, db, expected) => {
    expect(sameName(code, db)).toBe(expected);
  });

  it('snake → Pascal → snake and snake → camel → snake round-trip', () => {
    fc.assert(
      fc.property(snake, (s) => {
        expect(snakeCase(pascalCase(s))).toBe(s);
        expect(snakeCase(camelCase(s))).toBe(s);
      }),
    );
  });

  it('every spelling of a name has the same key, plural included', () => {
    fc.assert(
      fc.property(snake, (s) => {
        for (const spelling of [pascalCase(s), camelCase(s), s.toUpperCase(), `${s}s`, `${pascalCase(s)}s`]) {
          // Regular plurals only: not after s, x, z, ch, sh, y, i, u (nor those plus e: `boxes` is `box`).
          if (!/(s|x|z|ch|sh|y|i|u)e?$/.test(s)) expect(sameName(spelling, s)).toBe(true);
        }
        expect(nameKey(pascalCase(s))).toBe(nameKey(s));
      }),
    );
  });

  it('singular leaves singular words alone', () => {
    for (const w of ['tier', 'date', 'contract', 'status', 'address', 'analysis']) expect(singular(w)).toBe(w);
  });
});
