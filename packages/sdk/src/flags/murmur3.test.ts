import { describe, expect, it } from 'vitest';
import { murmur3_32 } from './murmur3.js';

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
