import { describe, expect, it } from 'vitest';
import { classifyTypeChange, type TypeChange } from './type-change.js';

describe('classifyTypeChange', () => {
  const cases: [string | undefined, string, TypeChange][] = [
    ['character varying(20)', 'character varying(50)', 'no-rewrite'],
    ['character varying(20)', 'text', 'no-rewrite'],
    ['character varying(20)', 'character varying', 'no-rewrite'],
    ['text', 'character varying', 'no-rewrite'],
    ['numeric(10,2)', 'numeric(12,2)', 'no-rewrite'],
    ['numeric(10,2)', 'numeric', 'no-rewrite'],
    ['cidr', 'inet', 'no-rewrite'],
    ['integer', 'bigint', 'widening-rewrite'],
    ['smallint', 'integer', 'widening-rewrite'],
    ['numeric(10,2)', 'numeric(12,4)', 'widening-rewrite'],
    ['real', 'double precision', 'widening-rewrite'],
    ['character varying(50)', 'character varying(20)', 'narrowing'],
    ['text', 'character varying(20)', 'narrowing'],
    ['bigint', 'integer', 'narrowing'],
    ['numeric(10,2)', 'numeric(8,2)', 'narrowing'],
    ['numeric(10,2)', 'numeric(10,1)', 'narrowing'],
    ['text', 'integer', 'incompatible'],
    ['integer', 'integer', 'same'],
    [undefined, 'bigint', 'unknown'],
  ];
  it.each(cases)('%s → %s is %s', (from, to, expected) => {
    expect(classifyTypeChange(from, to)).toBe(expected);
  });
});
