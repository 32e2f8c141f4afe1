import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareAppVersions, isOlderAppVersion, isOrderedAppVersion } from './app-version.js';

const sign = (n: number): number => Math.sign(n) || 0;

describe('compareAppVersions', () => {
  // Each pair: a is older than b.
  it.each([
    ['1.2.9', '1.2.10'],
    ['1.9', '1.10.0'],
    ['v41', 'v42'],
    ['41.9.9', 'v42'],
    ['v42', '42.0.1'],
    ['999', '1000'],
    ['build 999', 'build 1000'],
    ['9007199254740993', '9007199254740994'], // beyond 2^53: compared as digits, not floats
    ['2026.11.24-rc1', '2026.11.24-rc2'],
    ['2026.11.24-rc9', '2026.11.24-rc10'],
    ['2026.11.24-rc2', '2026.11.24'],
    ['2026.11.23', '2026.11.24-rc1'],
    ['1.0.0-alpha', '1.0.0-alpha.1'],
    ['1.0.0-alpha.1', '1.0.0-alpha.beta'],
    ['1.0.0-alpha.beta', '1.0.0-beta'],
    ['1.0.0-beta.2', '1.0.0-beta.11'],
    ['1.0.0-rc.1', '1.0.0'],
    ['1.2.3', '1.2.3a'],
    ['1.0', '1.0+b1'],
    ['1.0+b9', '1.0+b10'],
    ['1.0.0+999', '1.0.1'],
  ])('%s < %s', (a, b) => {
    expect(sign(compareAppVersions(a, b))).toBe(-1);
    expect(sign(compareAppVersions(b, a))).toBe(1);
    expect(isOlderAppVersion(a, b)).toBe(true);
    expect(isOlderAppVersion(b, a)).toBe(false);
  });

  it.each([
    ['v42', '42'],
    ['42', '42.0.0'],
    ['V42', 'v42'],
    ['1.02', '1.2'],
    ['2026.11.24-RC1', '2026.11.24-rc.1'],
    [' 1.2.3 ', '1.2.3'],
  ])('%s and %s name the same version', (a, b) => {
    expect(compareAppVersions(a, b)).toBe(0);
    expect(isOlderAppVersion(a, b)).toBe(false);
  });

  it('sorts a mixed list oldest first', () => {
    const versions = ['2026.11.24', 'v42', '1.2.10', '2026.11.24-rc1', '1.2.9', 'v41', '1.2.9-beta'];
    expect([...versions].sort(compareAppVersions)).toEqual(['1.2.9-beta', '1.2.9', '1.2.10', 'v41', 'v42', '2026.11.24-rc1', '2026.11.24']);
  });
});

/** Version-like strings, and some that are not, so the order holds on anything an instance might report. */
const part = fc.oneof(fc.nat({ max: 30 }).map(String), fc.constantFrom('rc', 'alpha', 'beta', 'b', 'RC'), fc.bigInt({ min: 0n, max: 10n ** 20n }).map(String));
const sep = fc.constantFrom('.', '-', '+', '', '_');
const versionLike = fc
  .tuple(fc.boolean(), fc.array(fc.tuple(part, sep), { minLength: 1, maxLength: 6 }))
  .map(([v, ps]) => (v ? 'v' : '') + ps.map(([p, s]) => p + s).join(''));
const version = fc.oneof({ weight: 4, arbitrary: versionLike }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });

describe('compareAppVersions is a total order', () => {
  it('antisymmetric: swapping the arguments flips the sign', () => {
    fc.assert(fc.property(version, version, (a, b) => sign(compareAppVersions(a, b)) === -sign(compareAppVersions(b, a))));
  });

  it('reflexive: every version equals itself', () => {
    fc.assert(fc.property(version, (a) => compareAppVersions(a, a) === 0));
  });

  it('transitive: a ≤ b and b ≤ c give a ≤ c (and < stays strict)', () => {
    fc.assert(
      fc.property(version, version, version, (a, b, c) => {
        const [ab, bc, ac] = [compareAppVersions(a, b), compareAppVersions(b, c), compareAppVersions(a, c)];
        if (ab <= 0 && bc <= 0) return ac <= 0 && (ab < 0 || bc < 0 ? ac < 0 : ac === 0);
        return true;
      }),
      { numRuns: 2000 },
    );
  });

  it('transitive over sorted lists: every pair of a sorted list is in order', () => {
    fc.assert(
      fc.property(fc.array(version, { maxLength: 20 }), (list) => {
        const sorted = [...list].sort(compareAppVersions);
        for (let i = 0; i < sorted.length; i++) {
          for (let j = i + 1; j < sorted.length; j++) if (compareAppVersions(sorted[i]!, sorted[j]!) > 0) return false;
        }
        return true;
      }),
    );
  });

  it('agrees with numeric order on plain dotted releases', () => {
    const release = fc.array(fc.nat({ max: 1000 }), { minLength: 3, maxLength: 3 });
    fc.assert(
      fc.property(release, release, (a, b) => {
        const expected = sign(a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!);
        return sign(compareAppVersions(a.join('.'), b.join('.'))) === expected && sign(compareAppVersions(`v${a.join('.')}`, b.join('.'))) === expected;
      }),
    );
  });

  it('puts a pre-release before its release and after the previous release', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1000 }), fc.nat({ max: 99 }), fc.constantFrom('rc', 'alpha', 'beta'), (n, k, tag) => {
        const pre = `${n + 1}.0.0-${tag}${k}`;
        return isOlderAppVersion(pre, `${n + 1}.0.0`) && isOlderAppVersion(`${n}.9.9`, pre);
      }),
    );
  });
});

describe('isOrderedAppVersion', () => {
  it.each(['v42', '42', '1.2.10', '2026.11.24-rc1', '2.0.0+build.7', '1.0.0-alpha.beta', '99999999999999999999'])('%s is a release number', (v) => {
    expect(isOrderedAppVersion(v)).toBe(true);
  });
  it.each(['', 'dev', 'a1b2c3d', '1..2', 'v', '1.2-', 'latest', '1.2.3 ; drop table x'])('%s is not', (v) => {
    expect(isOrderedAppVersion(v)).toBe(false);
  });
});
