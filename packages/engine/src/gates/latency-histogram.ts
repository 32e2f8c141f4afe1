/**
 * Latency histograms as the SDK writes them to switchback.side_metrics:
 * `counts[i]` calls took more than `bounds[i-1]` and at most `bounds[i]`
 * milliseconds; calls beyond the last bound are `calls - sum(counts)`.
 */
export interface LatencyHistogram {
  bounds: number[];
  counts: number[];
  calls: number;
  /** Slowest call seen, for a quantile that falls beyond the last bound. */
  maxMs: number;
}

/** Add histograms with the same bounds; rows with other bounds are left out and counted. */
export function mergeHistograms(rows: LatencyHistogram[]): { merged: LatencyHistogram | undefined; skippedCalls: number } {
  // The bounds most calls were measured with win; a fleet mid-upgrade may report two sets.
  const byBounds = new Map<string, LatencyHistogram>();
  for (const r of rows) {
    if (r.counts.length !== r.bounds.length || !isIncreasing(r.bounds)) continue;
    const key = r.bounds.join(',');
    const acc = byBounds.get(key);
    if (!acc) byBounds.set(key, { bounds: [...r.bounds], counts: [...r.counts], calls: r.calls, maxMs: r.maxMs });
    else {
      r.counts.forEach((c, i) => (acc.counts[i]! += c));
      acc.calls += r.calls;
      acc.maxMs = Math.max(acc.maxMs, r.maxMs);
    }
  }
  const merged = [...byBounds.values()].sort((a, b) => b.calls - a.calls)[0];
  const total = rows.reduce((n, r) => n + r.calls, 0);
  return { merged, skippedCalls: total - (merged?.calls ?? 0) };
}

/**
 * The `q` quantile in milliseconds, interpolated linearly inside its bucket
 * (as Prometheus' histogram_quantile does); the slowest call when it falls
 * beyond the last bound. Undefined without calls.
 */
export function histogramQuantile(h: LatencyHistogram, q: number): number | undefined {
  if (!(q > 0 && q < 1)) throw new RangeError(`quantile must be between 0 and 1 (got ${q})`);
  if (h.calls <= 0) return undefined;
  const rank = q * h.calls;
  let below = 0;
  for (let i = 0; i < h.bounds.length; i++) {
    const c = h.counts[i] ?? 0;
    if (below + c >= rank && c > 0) {
      const lo = i === 0 ? 0 : h.bounds[i - 1]!;
      const hi = h.bounds[i]!;
      return lo + ((hi - lo) * (rank - below)) / c;
    }
    below += c;
  }
  return Math.max(h.maxMs, h.bounds.at(-1) ?? 0);
}

function isIncreasing(a: number[]): boolean {
  return a.every((v, i) => Number.isFinite(v) && (i === 0 || v > a[i - 1]!));
}
