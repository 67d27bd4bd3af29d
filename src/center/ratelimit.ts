/**
 * Per-app token buckets (issue: "over the per-app rate limit → -6"). Kept in each instance's memory:
 * with N instances behind a balancer an app gets up to N × its rate, which the operator sizes for
 * (docs/operations.md). The app's bucket is taken after verification, the address's before (gate.ts).
 */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 50, burst: 100 };
/** Per sending address, before signatures are checked: room for a busy HIS host serving many counters and apps. */
export const DEFAULT_ADDRESS_RATE_LIMIT: RateLimit = { perSecond: 1000, burst: 2000 };

/**
 * Milliseconds on a monotonic clock (performance.now): a wall-clock step (NTP, a VM resumed) never
 * refills or drains a bucket.
 */
export function monotonicMs(): number {
  return performance.now();
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number; limit: RateLimit }>();
  private takes = 0;

  /**
   * True when the request may proceed. `nowMs` is the monotonic time of the take itself (not of the
   * request's arrival): a time earlier than the bucket's (two requests finishing out of order after a
   * slow database) refills nothing and never moves the bucket back, so it cannot drain it either.
   */
  take(key: string, limit: RateLimit, nowMs: number = monotonicMs()): boolean {
    if (++this.takes % 1000 === 0) this.sweep(nowMs);
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: limit.burst, at: nowMs, limit };
      this.buckets.set(key, b);
    }
    b.limit = limit;
    if (nowMs > b.at) {
      b.tokens = Math.min(limit.burst, b.tokens + ((nowMs - b.at) / 1000) * limit.perSecond);
      b.at = nowMs;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Forgets buckets that have refilled: a new one would be the same. Keeps memory to the active keys (addresses). */
  private sweep(nowMs: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + (Math.max(0, nowMs - b.at) / 1000) * b.limit.perSecond >= b.limit.burst) this.buckets.delete(key);
    }
  }

  /** Buckets kept (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }
}
