/**
 * A token bucket: up to `ratePerSecond` takes a second on average, with bursts
 * of up to `burst` (default: one second's worth). The clock is passed in.
 *
 * @example
 * const limit = new TokenBucket(10);
 * if (limit.take()) send(); else dropped++;
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst = Math.max(1, ratePerSecond),
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes one token if there is one; false means over the limit. */
  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
