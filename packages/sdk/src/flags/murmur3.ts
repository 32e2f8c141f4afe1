const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** Mixes one 4-byte block (or the zero-padded tail) before it enters the hash. */
function scramble(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

/** Folds one full 4-byte block into the running hash. */
function mixBlock(h: number, k: number): number {
  h ^= scramble(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/**
 * MurmurHash3 over some leading bytes, not finalised: the running hash, the
 * 0..3 bytes of an unfinished block, and the byte count. Hashing many strings
 * that share a prefix (`flag:` before every key) starts from this instead of
 * rehashing the prefix each time.
 */
export interface Murmur3Prefix {
  readonly h: number;
  readonly block: number;
  readonly blockBytes: number;
  readonly length: number;
}

/**
 * Feeds the UTF-8 bytes of `input` after `from`, encoding on the fly (no
 * byte array is allocated). UTF-8 as `TextEncoder` writes it: a lone
 * surrogate becomes U+FFFD. Writes the state to `out` when given (and
 * returns 0), otherwise returns the finalised hash.
 */
function feed(from: Murmur3Prefix, input: string, out: { h: number; block: number; blockBytes: number; length: number } | undefined): number {
  let h = from.h;
  let k = from.block;
  let n = from.blockBytes;
  let length = from.length;
  const end = input.length;
  for (let i = 0; i < end; i++) {
    let c = input.charCodeAt(i);
    if (c < 0x80) {
      k |= c << (n << 3);
      length++;
      if (++n === 4) {
        h = mixBlock(h, k);
        k = 0;
        n = 0;
      }
      continue;
    }
    let bytes: number;
    if (c < 0x800) bytes = 2;
    else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < end ? input.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        bytes = 4;
        i++;
      } else {
        c = 0xfffd;
        bytes = 3;
      }
    } else bytes = 3;
    for (let j = bytes - 1; j >= 0; j--) {
      const byte = j === bytes - 1 ? ((0xf00 >> bytes) & 0xff) | (c >> (6 * j)) : 0x80 | ((c >> (6 * j)) & 0x3f);
      k |= byte << (n << 3);
      length++;
      if (++n === 4) {
        h = mixBlock(h, k);
        k = 0;
        n = 0;
      }
    }
  }
  if (out !== undefined) {
    out.h = h;
    out.block = k;
    out.blockBytes = n;
    out.length = length;
    return 0;
  }
  if (n > 0) h ^= scramble(k);
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The state after hashing `prefix`, to continue with {@link murmur3Continue}. */
export function murmur3Prefix(prefix: string, seed = 0): Murmur3Prefix {
  const out = { h: 0, block: 0, blockBytes: 0, length: 0 };
  feed({ h: seed | 0, block: 0, blockBytes: 0, length: 0 }, prefix, out);
  return out;
}

/** `murmur3_32(prefix + rest, seed)`, where `from` is `murmur3Prefix(prefix, seed)`. */
export function murmur3Continue(from: Murmur3Prefix, rest: string): number {
  return feed(from, rest, undefined);
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
  return feed({ h: seed | 0, block: 0, blockBytes: 0, length: 0 }, input, undefined);
}
