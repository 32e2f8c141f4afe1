import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareAppVersions, isOrderedAppVersion, parseAppVersion } from './app-version.js';

const segment = fc.integer({ min: 0, max: 1000 });
const preId = fc.oneof(fc.integer({ min: 0, max: 50 }).map(String), fc.constantFrom('alpha', 'beta', 'rc', 'x-1'));
const release = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('.'));
const version = fc
  .tuple(fc.constantFrom('', 'v', 'V'), release, fc.option(fc.array(preId, { minLength: 1, maxLength: 3 }), { nil: undefined }), fc.option(fc.constantFrom('abc', 'build.7'), { nil: undefined }))
  .map(([v, r, pre, build]) => `${v}${r}${pre ? `-${pre.join('.')}` : ''}${build ? `+${build}` : ''}`);
const anyText = fc.oneof(version, fc.string({ maxLength: 8 }), fc.constantFrom('dev', 'a1b2c3d', 'latest', ''));

describe('compareAppVersions', () => {
  it.each([
    ['v9', 'v10', -1],
    ['v42', '42', 0],
    ['1.2', '1.2.0', 0],
    ['1.2.3', '1.10.0', -1],
    ['2.0.0-rc.1', '2.0.0', -1],
    ['2.0.0-rc.2', '2.0.0-rc.10', -1],
    ['2.0.0-alpha', '2.0.0-1', 1],
    ['1.0.0-alpha', '1.0.0-alpha.1', -1],
    ['1.0.0+sha.1', '1.0.0+sha.2', 0],
    ['a1b2c3d', 'v1', -1],
    ['dev', 'a1b2c3d', 1],
  ] as const)('%s vs %s is %i', (a, b, sign) => {
    expect(Math.sign(compareAppVersions(a, b))).toBe(sign);
    expect(Math.sign(compareAppVersions(b, a))).toBe(-sign || 0);
  });

  it('is reflexive and antisymmetric', () => {
    fc.assert(
      fc.property(anyText, anyText, (a, b) => {
        expect(compareAppVersions(a, a)).toBe(0);
        expect(Math.sign(compareAppVersions(a, b))).toBe(-Math.sign(compareAppVersions(b, a)) || 0);
      }),
    );
  });

  it('is transitive', () => {
    fc.assert(
      fc.property(anyText, anyText, anyText, (a, b, c) => {
        const [x, y, z] = [a, b, c].sort(compareAppVersions) as [string, string, string];
        expect(compareAppVersions(x, y)).toBeLessThanOrEqual(0);
        expect(compareAppVersions(y, z)).toBeLessThanOrEqual(0);
        expect(compareAppVersions(x, z)).toBeLessThanOrEqual(0);
      }),
    );
  });

  it('ignores a v prefix, trailing zero segments and build metadata', () => {
    fc.assert(
      fc.property(release, version, (r, other) => {
        const base = compareAppVersions(r, other);
        expect(Math.sign(compareAppVersions(`v${r}`, other))).toBe(Math.sign(base));
        expect(Math.sign(compareAppVersions(`${r}.0`, other))).toBe(Math.sign(base));
        expect(Math.sign(compareAppVersions(`${r}+build.9`, other))).toBe(Math.sign(base));
      }),
    );
  });

  it('orders releases by their numbers, and a pre-release before its release', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 3 }), preId, (segs, i, pre) => {
        const at = Math.min(i, segs.length - 1);
        const bumped = segs.map((s, j) => (j === at ? s + 1 : s));
        expect(compareAppVersions(segs.join('.'), bumped.join('.'))).toBeLessThan(0);
        expect(compareAppVersions(`${bumped.join('.')}-${pre}`, bumped.join('.'))).toBeLessThan(0);
        expect(compareAppVersions(segs.join('.'), `${bumped.join('.')}-${pre}`)).toBeLessThan(0);
      }),
    );
  });
});

describe('parseAppVersion', () => {
  it('parses release numbers and refuses the rest', () => {
    expect(parseAppVersion('v42.1-rc.2+abc')).toEqual({ release: [42, 1], pre: ['rc', 2] });
    for (const s of ['', 'dev', 'a1b2c3d', '1..2', 'v', '1.2-', '99999999999999999999']) expect(isOrderedAppVersion(s), s).toBe(false);
  });
});
