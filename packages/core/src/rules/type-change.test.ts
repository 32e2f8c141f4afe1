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
    ['bit(4)', 'bit varying(8)', 'no-rewrite'],
    ['text', 'citext', 'no-rewrite'],
    ['character varying(20)', 'citext', 'no-rewrite'],
    ['bit(4)', 'bit varying', 'no-rewrite'],
    ['bit(8)', 'bit varying(4)', 'narrowing'],
    ['character(10)', 'text', 'widening-rewrite'],
    ['character(10)', 'character varying(10)', 'widening-rewrite'],
    ['character(10)', 'character varying(5)', 'narrowing'],
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
    ['timestamp(3) without time zone', 'timestamp(6) without time zone', 'no-rewrite'],
    ['timestamp(3) with time zone', 'timestamp with time zone', 'no-rewrite'],
    ['timestamp without time zone', 'timestamp(3) without time zone', 'narrowing'],
    ['time(2) without time zone', 'time(4) without time zone', 'no-rewrite'],
    ['interval(0)', 'interval', 'no-rewrite'],
    ['interval(32767,0)', 'interval(32767,3)', 'no-rewrite'],
    ['varbit(8)', 'varbit(16)', 'no-rewrite'],
    ['bit varying(8)', 'bit varying(16)', 'no-rewrite'],
    ['bit varying(16)', 'bit varying(8)', 'narrowing'],
    ['character(5)', 'character(10)', 'widening-rewrite'],
  ];
  it.each(cases)('%s → %s is %s', (from, to, expected) => {
    expect(classifyTypeChange(from, to)).toBe(expected);
  });
});
