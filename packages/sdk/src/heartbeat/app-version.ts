/**
 * One piece of a version string: a run of digits (compared as a number) or a
 * run of letters (compared as text).
 */
type Part = { kind: 'number'; digits: string } | { kind: 'text'; text: string };

interface ParsedVersion {
  /** The release: `v1.2.10` → 1, 2, 10; `2026.11.24` → 2026, 11, 24. */
  release: Part[];
  /** After the first `-`: `rc1` in `2026.11.24-rc1`. A pre-release sorts before its release. */
  pre: Part[];
  /** After `+`: build metadata, which only breaks ties (`1.0+b10` after `1.0+b9`). */
  build: Part[];
}

const SPLIT = /(\d+|[a-z]+)/g;

function parts(text: string): Part[] {
  return (text.toLowerCase().match(SPLIT) ?? []).map((p) =>
    /^\d/.test(p) ? { kind: 'number', digits: p.replace(/^0+(?=\d)/, '') } : { kind: 'text', text: p },
  );
}

function parse(version: string): ParsedVersion {
  const trimmed = version.trim().replace(/^v(?=\d)/i, '');
  const plus = trimmed.indexOf('+');
  const core = plus === -1 ? trimmed : trimmed.slice(0, plus);
  const build = plus === -1 ? [] : parts(trimmed.slice(plus + 1));
  const dash = core.indexOf('-');
  return {
    release: parts(dash === -1 ? core : core.slice(0, dash)),
    pre: dash === -1 ? [] : parts(core.slice(dash + 1)),
    build,
  };
}

/** Digits compared as numbers of any length (build numbers outgrow 2^53). */
function compareDigits(a: string, b: string): number {
  return a.length !== b.length ? Math.sign(a.length - b.length) : a < b ? -1 : a > b ? 1 : 0;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePart(a: Part, b: Part): number {
  if (a.kind === 'number' && b.kind === 'number') return compareDigits(a.digits, b.digits);
  if (a.kind === 'text' && b.kind === 'text') return compareText(a.text, b.text);
  return a.kind === 'number' ? -1 : 1; // semver: alpha.1 < alpha.beta
}

/** Part by part; a missing part counts as 0, so `v42` equals `42.0`. */
function compareRelease(a: Part[], b: Part[]): number {
  const zero: Part = { kind: 'number', digits: '0' };
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const c = comparePart(a[i] ?? zero, b[i] ?? zero);
    if (c !== 0) return c;
  }
  return 0;
}

/** Part by part; when one runs out first, it is the smaller. */
function compareSequence(a: Part[], b: Part[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = comparePart(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return Math.sign(a.length - b.length);
}

/** A release without a pre-release is newer than any of its pre-releases. */
function comparePre(a: Part[], b: Part[]): number {
  if (a.length === 0 || b.length === 0) return Math.sign(b.length - a.length);
  return compareSequence(a, b);
}

/**
 * Orders the version strings instances report in heartbeats, oldest first:
 * negative when `a` is older than `b`, positive when newer, 0 when the same.
 *
 * - Numbers compare as numbers: `1.2.10` > `1.2.9`, build `1000` > `999`.
 * - A leading `v` is ignored and missing parts are 0: `v42` = `42` = `42.0`.
 * - After `-` is a pre-release, older than its release:
 *   `2026.11.24-rc1` < `2026.11.24-rc2` < `2026.11.24`.
 * - Letters compare as text and sort after numbers, as in semver pre-releases
 *   (`1.0.0-alpha.1` < `1.0.0-alpha.beta`), so `1.2.3a` is after `1.2.3`.
 * - After `+` is build metadata, which only breaks ties (`1.0+b10` after `1.0+b9`,
 *   `1.0` before `1.0+anything`).
 * - Anything else (`.`, `_`, spaces) only separates parts, and case is ignored.
 *
 * The order is total: any two strings compare, consistently (a sort is stable
 * and transitive). It returns 0 only for strings that name the same version
 * in different spellings: `v42`, `42`, `42.0`, `V42`.
 *
 * Git shas and other opaque versions have no order; compare such versions by
 * when they were deployed, not with this function.
 *
 * @example
 * ['1.2.10', 'v42', '1.2.9', '2026.11.24-rc1'].sort(compareAppVersions);
 * // ['1.2.9', '1.2.10', 'v42', '2026.11.24-rc1']
 */
export function compareAppVersions(a: string, b: string): number {
  if (a === b) return 0;
  const x = parse(a);
  const y = parse(b);
  return compareRelease(x.release, y.release) || comparePre(x.pre, y.pre) || compareSequence(x.build, y.build);
}

/**
 * Whether `version` is older than `than` by {@link compareAppVersions}.
 *
 * @example
 * isOlderAppVersion('v41.9', 'v42'); // true
 */
export function isOlderAppVersion(version: string, than: string): boolean {
  return compareAppVersions(version, than) < 0;
}

const RELEASE_NUMBER = /^[vV]?\d+(?:\.\d+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * Whether `text` is a release number (`v42`, `1.2.10`, `2026.11.24-rc1`,
 * `2.0.0+build.7`) that {@link compareAppVersions} orders meaningfully. A git
 * sha or `dev` is not: a gate that meets one says "unknown" instead of guessing.
 *
 * @example
 * isOrderedAppVersion('v42'); // true
 * isOrderedAppVersion('a1b2c3d'); // false
 */
export function isOrderedAppVersion(text: string): boolean {
  return RELEASE_NUMBER.test(text.trim());
}
