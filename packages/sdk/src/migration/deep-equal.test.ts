import { describe, expect, it } from 'vitest';
import { deepEqual } from './deep-equal.js';

const d = (s: string): Date => new Date(s);

const equal: Array<[name: string, a: unknown, b: unknown]> = [
  ['same primitive', 1, 1],
  ['NaN', NaN, NaN],
  ['null', null, null],
  ['dates by value', d('2025-01-01'), d('2025-01-01')],
  ['nested records', { tier: 'gold', end: d('2025-01-01'), tags: ['a', 'b'] }, { tags: ['a', 'b'], end: d('2025-01-01'), tier: 'gold' }],
  ['undefined fields count as absent', { a: 1, b: undefined }, { a: 1 }],
  ['null-prototype rows equal plain ones', Object.assign(Object.create(null), { a: 1 }), { a: 1 }],
  ['buffers by bytes', Buffer.from('abc'), Buffer.from('abc')],
  ['maps by entries', new Map([['a', { x: 1 }]]), new Map([['a', { x: 1 }]])],
  ['sets by membership', new Set([1, 2]), new Set([2, 1])],
  ['bigints', 10n, 10n],
];

const different: Array<[name: string, a: unknown, b: unknown]> = [
  ['different primitives', 1, 2],
  ['number vs string', 1, '1'],
  ['null vs undefined', null, undefined],
  ['dates', d('2025-01-01'), d('2025-01-02')],
  ['date vs its string', d('2025-01-01'), '2025-01-01T00:00:00.000Z'],
  ['nested field', { a: { b: 1 } }, { a: { b: 2 } }],
  ['extra field', { a: 1 }, { a: 1, b: 2 }],
  ['null field vs absent', { a: 1, b: null }, { a: 1 }],
  ['array vs record', [1], { 0: 1 }],
  ['array length', [1, 2], [1]],
  ['buffers', Buffer.from('abc'), Buffer.from('abd')],
  ['maps', new Map([['a', 1]]), new Map([['a', 2]])],
  ['sets', new Set([1]), new Set([2])],
];

describe('deepEqual', () => {
  it.each(equal)('equal: %s', (_name, a, b) => {
    expect(deepEqual(a, b)).toBe(true);
    expect(deepEqual(b, a)).toBe(true);
  });
  it.each(different)('different: %s', (_name, a, b) => {
    expect(deepEqual(a, b)).toBe(false);
    expect(deepEqual(b, a)).toBe(false);
  });
});
