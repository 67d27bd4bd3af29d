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

describe('token buckets on a monotonic clock (issue 14 point 7)', () => {
  it('requests finishing out of order never drain a bucket nor move its clock back', () => {
    const l = new RateLimiter();
    const limit = { perSecond: 1, burst: 3 };
    // The one that finished late (time 40 s) is charged first; the ones that started before it
    // (times 0–2 s) come after: each takes one token, none drains the bucket.
    expect(l.take('app', limit, 40_000)).toBe(true);
    expect([l.take('app', limit, 0), l.take('app', limit, 1000)]).toEqual([true, true]);
    expect(l.take('app', limit, 2000)).toBe(false); // the burst of 3 spent, nothing more
    // The bucket's clock stayed at 40 s: half a second later, half a token — not 38.5 s worth.
    expect(l.take('app', limit, 40_500)).toBe(false);
    expect(l.take('app', limit, 41_000)).toBe(true);
    expect(l.take('app', limit, 41_000)).toBe(false);
  });

  it('a wall-clock step back (NTP, a resumed VM) does not touch the buckets: the default clock is performance.now()', async () => {
    const { Gate } = await import('../../packages/platform/src/center/gate.js');
    const app = { appId: 'A'.repeat(32), appSecret: 'S', orgCodg: 'H1', orgName: 'n', rateLimit: { perSecond: 1, burst: 2 } };
    const gate = new Gate({ apps: [app], addressRateLimit: { perSecond: 1, burst: 2 } }, undefined as never);
    const realNow = Date.now;
    try {
      gate.admitSource('10.0.0.1');
      // Wall time jumps back a minute between two requests of the same address.
      Date.now = () => realNow() - 60_000;
      expect(() => gate.admitSource('10.0.0.1')).not.toThrow();
    } finally {
      Date.now = realNow;
    }
  });
});
