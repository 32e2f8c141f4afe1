/**
 * Order application versions the way release numbers are meant: `v9 < v10`,
 * `1.2 = 1.2.0`, `2.0.0-rc.1 < 2.0.0`, build metadata (`+sha`) ignored.
 * Versions that are not release numbers (a git sha, `dev`) have no meaningful
 * order; {@link parseAppVersion} returns undefined for them, so a caller can
 * say "unknown" instead of guessing.
 */
export interface AppVersion {
  /** Numeric release segments: `v42.1` → [42, 1]. */
  release: number[];
  /** Pre-release identifiers: `1.0.0-rc.2` → ['rc', 2]; empty for a release. */
  pre: (string | number)[];
}

const VERSION = /^[vV]?(\d+(?:\.\d+)*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?$/;

/** `v42`, `1.2.3`, `2.0.0-rc.1+abc` → its parts; undefined for what is not a release number. */
export function parseAppVersion(text: string): AppVersion | undefined {
  const m = VERSION.exec(text.trim());
  if (!m) return undefined;
  const release = m[1]!.split('.').map(Number);
  if (release.some((n) => !Number.isSafeInteger(n))) return undefined;
  const pre = m[2] ? m[2].split('.').map((p) => (/^\d+$/.test(p) && Number.isSafeInteger(Number(p)) ? Number(p) : p)) : [];
  return { release, pre };
}

/** Whether `text` is a release number that {@link compareAppVersions} orders meaningfully. */
export function isOrderedAppVersion(text: string): boolean {
  return parseAppVersion(text) !== undefined;
}

/**
 * Negative when `a` is older than `b`, positive when newer, 0 when they are
 * the same release. A total order over all strings: release numbers by
 * precedence (semver rules, any number of segments, missing ones are 0);
 * anything else sorts before every release number, by plain string order.
 *
 * @example
 * ['v10', 'v9', '1.0.0-rc.1', '1.0.0'].sort(compareAppVersions) // ['1.0.0-rc.1', '1.0.0', 'v9', 'v10']
 */
export function compareAppVersions(a: string, b: string): number {
  const va = parseAppVersion(a);
  const vb = parseAppVersion(b);
  if (!va || !vb) {
    if (va) return 1;
    if (vb) return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const n = Math.max(va.release.length, vb.release.length);
  for (let i = 0; i < n; i++) {
    const d = (va.release[i] ?? 0) - (vb.release[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  // A pre-release comes before its release.
  if (!va.pre.length || !vb.pre.length) return va.pre.length ? -1 : vb.pre.length ? 1 : 0;
  for (let i = 0; i < Math.max(va.pre.length, vb.pre.length); i++) {
    const x = va.pre[i];
    const y = vb.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const d = comparePre(x, y);
    if (d !== 0) return d;
  }
  return 0;
}

/** Numeric identifiers are lower than alphanumeric ones and compare as numbers. */
function comparePre(x: string | number, y: string | number): number {
  if (typeof x === 'number' && typeof y === 'number') return Math.sign(x - y);
  if (typeof x === 'number') return -1;
  if (typeof y === 'number') return 1;
  return x < y ? -1 : x > y ? 1 : 0;
}
