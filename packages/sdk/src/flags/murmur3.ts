const encoder = new TextEncoder();
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** Mixes one 4-byte block (or the zero-padded tail) before it enters the hash. */
function scramble(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

/**
 * MurmurHash3, x86 32-bit variant, over the UTF-8 bytes of `input`. Returns an
 * unsigned 32-bit integer, identical to the reference C implementation (and so
 * to other SDKs that bucket the same way).
 *
 * @example
 * murmur3_32('hello'); // 0x248bfa47
 */
export function murmur3_32(input: string, seed = 0): number {
  const bytes = encoder.encode(input);
  const tail = bytes.length & ~3;
  let h = seed | 0;
  for (let i = 0; i < tail; i += 4) {
    h ^= scramble(bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rest = bytes.length & 3;
  if (rest > 0) {
    let k = bytes[tail]!;
    if (rest >= 2) k |= bytes[tail + 1]! << 8;
    if (rest === 3) k |= bytes[tail + 2]! << 16;
    h ^= scramble(k);
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
