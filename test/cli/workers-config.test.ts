import { describe, expect, it } from 'vitest';
import { parseWorkers, workerConfig } from '../../packages/platform/src/server/cluster.js';
import { DEFAULT_ADDRESS_RATE_LIMIT, DEFAULT_RATE_LIMIT } from '../../packages/platform/src/center/ratelimit.js';

describe('serve --workers: what each worker process gets', () => {
  it('each of N workers takes 1/N of every rate limit, so the configured limits hold for the server', () => {
    const config = {
      apps: [
        { appId: 'A'.repeat(16), appSecret: 's', orgCodg: 'H1', orgName: 'n', rateLimit: { perSecond: 50, burst: 100 } },
        { appId: 'B'.repeat(16), appSecret: 's', orgCodg: 'H2', orgName: 'n' },
      ],
      addressRateLimit: { perSecond: 1000, burst: 2000 },
    };
    const w = workerConfig(config, 2);
    expect(w.apps![0]!.rateLimit).toEqual({ perSecond: 25, burst: 50 });
    expect(w.apps![1]!.rateLimit).toEqual({ perSecond: DEFAULT_RATE_LIMIT.perSecond / 2, burst: DEFAULT_RATE_LIMIT.burst / 2 });
    expect(w.addressRateLimit).toEqual({ perSecond: 500, burst: 1000 });
    expect(workerConfig({}, 4).addressRateLimit).toEqual({ perSecond: DEFAULT_ADDRESS_RATE_LIMIT.perSecond / 4, burst: DEFAULT_ADDRESS_RATE_LIMIT.burst / 4 });
    expect(workerConfig(config, 1)).toBe(config);
    expect(config.apps[0]!.rateLimit).toEqual({ perSecond: 50, burst: 100 });
  });

  it('--workers is 1–256 or auto (one per core)', () => {
    expect(parseWorkers(undefined, 8)).toBeUndefined();
    expect(parseWorkers('auto', 8)).toBe(8);
    expect(parseWorkers('3', 8)).toBe(3);
    for (const bad of ['0', '-1', '1.5', 'x', '257']) expect(parseWorkers(bad, 8)).toBeNaN();
  });
});
