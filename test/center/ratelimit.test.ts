import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../packages/platform/src/center/ratelimit.js';

describe('token buckets', () => {
  it('refuse past the burst, refill with time, and forget refilled buckets (memory stays with the active addresses)', () => {
    const l = new RateLimiter();
    const limit = { perSecond: 1, burst: 2 };
    expect([l.take('a', limit, 0), l.take('a', limit, 0), l.take('a', limit, 0)]).toEqual([true, true, false]);
    expect(l.take('a', limit, 1000)).toBe(true);
    // Ten thousand addresses seen once, long ago: swept on the way.
    for (let i = 0; i < 10_000; i++) l.take(`addr-${i}`, limit, 2000);
    for (let i = 0; i < 1000; i++) l.take('busy', { perSecond: 1000, burst: 2000 }, 60_000);
    expect(l.size).toBeLessThan(100);
    // A bucket still below its burst is kept: sweeping never hands out extra tokens.
    const k = new RateLimiter();
    k.take('x', limit, 0);
    k.take('x', limit, 0);
    for (let i = 0; i < 1000; i++) k.take(`y${i}`, limit, 10);
    expect(k.take('x', limit, 10)).toBe(false);
  });
});
