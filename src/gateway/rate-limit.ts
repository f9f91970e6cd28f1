/**
 * Per-agent token buckets (per instance): `ratePerSec` sustained, `burst` at once; either at 0
 * turns the limit off (a bucket that holds no token would refuse every request).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
  ) {}

  /** True when the request may go ahead. */
  take(key: string, now: number): boolean {
    if (this.ratePerSec <= 0 || this.burst <= 0) return true;
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.ratePerSec);
    b.at = now;
    if (this.buckets.size > 100_000) this.buckets.clear();
    if (b.tokens < 1) {
      this.buckets.set(key, b);
      return false;
    }
    b.tokens -= 1;
    this.buckets.set(key, b);
    return true;
  }
}
