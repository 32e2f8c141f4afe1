import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PositionMap, positionOfCharIndex } from './positions.js';

describe('PositionMap', () => {
  const cases: [string, string, number, { line: number; column: number }][] = [
    ['start of text', 'SELECT 1;', 0, { line: 1, column: 1 }],
    ['second line', 'SELECT 1;\nSELECT 2;', 10, { line: 2, column: 1 }],
    ['after a 2-byte character', "-- é\nSELECT 'é', 2;", 6 + 11, { line: 2, column: 11 }],
    ['after a 4-byte character', '/* 😀 */ DROP TABLE t;', 10, { line: 1, column: 8 }],
    ['clamped past the end', 'x', 99, { line: 1, column: 2 }],
  ];
  it.each(cases)('%s', (_, text, offset, expected) => {
    expect(new PositionMap(text).at(offset)).toEqual(expected);
  });

  it('agrees with counting characters for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (before, after) => {
        const lines = before.split('\n');
        const at = new PositionMap(before + after).at(Buffer.byteLength(before));
        expect(at).toEqual({ line: lines.length, column: [...(lines[lines.length - 1] ?? '')].length + 1 });
      }),
    );
  });
});

describe('positionOfCharIndex', () => {
  it.each([
    ['a\nbc', 3, { line: 2, column: 2 }],
    ['é\nx', 2, { line: 2, column: 1 }],
  ] as const)('%j at %i', (text, index, expected) => {
    expect(positionOfCharIndex(text, index)).toEqual(expected);
  });
});
