/**
 * Per-app token buckets (issue: "over the per-app rate limit → -6"). Kept in each instance's memory:
 * with N instances behind a balancer an app gets up to N × its rate, which the operator sizes for
 * (docs/operations.md). Cheap enough to run before signature verification.
 */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 50, burst: 100 };

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** True when the request may proceed. */
  take(key: string, limit: RateLimit, nowMs: number = Date.now()): boolean {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: limit.burst, at: nowMs };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(limit.burst, b.tokens + ((nowMs - b.at) / 1000) * limit.perSecond);
    b.at = nowMs;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
