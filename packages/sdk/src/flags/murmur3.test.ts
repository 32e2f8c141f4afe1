import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { murmur3_32, murmur3Continue, murmur3Prefix } from './murmur3.js';

// Reference vectors from the canonical C implementation (MurmurHash3_x86_32).
const vectors: Array<[input: string, seed: number, hash: number]> = [
  ['', 0, 0],
  ['', 1, 0x514e28b7],
  ['', 0xffffffff, 0x81f16f39],
  ['\0\0\0\0', 0, 0x2362f9de],
  ['hello', 0, 0x248bfa47],
  ['abc', 0, 0xb3dd93fa],
  ['The quick brown fox jumps over the lazy dog', 0, 0x2e4ff723],
  ['a', 0x9747b28c, 0x7fa09ea6],
  ['ab', 0x9747b28c, 0x74875592],
  ['abc', 0x9747b28c, 0xc84a62dd],
  ['aaaa', 0x9747b28c, 0x5a97808a],
  ['Hello, world!', 0x9747b28c, 0x24884cba],
  ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
  ['ππππππππ', 0x9747b28c, 0xd58063c1], // multi-byte UTF-8
];

describe('murmur3_32', () => {
  it.each(vectors)('hashes %j with seed %d', (input, seed, hash) => {
    expect(murmur3_32(input, seed)).toBe(hash);
  });

  it('defaults the seed to 0', () => {
    expect(murmur3_32('hello')).toBe(0x248bfa47);
  });
});

/** The byte-array formulation: TextEncoder's UTF-8, then the reference algorithm. */
function reference(input: string, seed: number): number {
  const bytes = new TextEncoder().encode(input);
  const block = (k: number): number => Math.imul(((Math.imul(k, 0xcc9e2d51) << 15) | (Math.imul(k, 0xcc9e2d51) >>> 17)), 0x1b873593);
  let h = seed | 0;
  const tail = bytes.length & ~3;
  for (let i = 0; i < tail; i += 4) {
    h ^= block(bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  for (let i = bytes.length - 1; i >= tail; i--) k = (k << 8) | bytes[i]!;
  if (bytes.length & 3) h ^= block(k);
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

describe('murmur3_32 on any string', () => {
  // 'binary' strings include lone surrogates, which UTF-8 encoding turns into U+FFFD.
  const anyString = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string());

  it('agrees with hashing the TextEncoder bytes', () => {
    fc.assert(
      fc.property(anyString, fc.integer({ min: 0, max: 0xffffffff }), (input, seed) => {
        expect(murmur3_32(input, seed)).toBe(reference(input, seed));
      }),
      { numRuns: 2000 },
    );
  });

  it('continues from a prefix exactly as if hashing the whole string', () => {
    fc.assert(
      fc.property(anyString, anyString, fc.integer({ min: 0, max: 0xffffffff }), (prefix, rest, seed) => {
        expect(murmur3Continue(murmur3Prefix(prefix, seed), rest)).toBe(murmur3_32(prefix + rest, seed));
      }),
      { numRuns: 2000 },
    );
  });
});
