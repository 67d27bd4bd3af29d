import { ErrorCode, YibaoError } from 'yibao/protocol';
import type { AppConfig, YibaoConfig } from './config.js';
import { DEFAULT_ADDRESS_RATE_LIMIT, DEFAULT_RATE_LIMIT, monotonicMs, RateLimiter } from './ratelimit.js';
import { checkTimestamp, rememberSignature } from './replay.js';
import type { Store } from '../store/store.js';

/**
 * What every system of the platform does before the business: find the app (-8); limit the sending
 * address (admitSource: called by the HTTP layer for every request before its body is read or
 * parsed, -6, so that junk costs no more than a bucket lookup);
 * after verification apply the app's own rate limit (-6: only the app's genuine requests spend its
 * budget, an appId seen in a redirect cannot be used to starve it) and refuse replays (010010).
 * Shared by the center, the one-code-pay module, the portal, the terminal gateway and the channel
 * API, so an app has one bucket and one replay memory.
 */
export class Gate {
  private readonly limiter = new RateLimiter();
  private readonly addresses = new RateLimiter();
  private readonly apps: Map<string, AppConfig>;

  constructor(
    private readonly config: YibaoConfig,
    private readonly store: Store,
  ) {
    this.apps = new Map((config.apps ?? []).map((a) => [a.appId, a]));
  }

  app(appId: string): AppConfig | undefined {
    return this.apps.get(appId);
  }

  byOrg(orgCodg: string): AppConfig | undefined {
    return (this.config.apps ?? []).find((a) => a.orgCodg === orgCodg);
  }

  /** The app, or -8. */
  require(appId: string | undefined, field = 'appId'): AppConfig {
    const app = appId ? this.apps.get(appId) : undefined;
    if (!app) throw new YibaoError(ErrorCode.UNKNOWN_APP, `${field}: 应用信息不存在（${appId ?? ''}）`, { field });
    return app;
  }

  /** The per-app token bucket, or -6. */
  private admit(app: AppConfig, nowMs = monotonicMs()): void {
    if (!this.limiter.take(app.appId, app.rateLimit ?? DEFAULT_RATE_LIMIT, nowMs)) {
      throw new YibaoError(ErrorCode.RATE_LIMITED, '业务子系统限流，并发数过大，触发限流：请降低请求频率后重试');
    }
  }

  /** The per-address bucket (config `addressRateLimit`), taken for every request before its body is read (app.ts), or -6. */
  admitSource(source: string | undefined, nowMs = monotonicMs()): void {
    if (!source) return;
    if (!this.addresses.take(source, this.config.addressRateLimit ?? DEFAULT_ADDRESS_RATE_LIMIT, nowMs)) {
      throw new YibaoError(ErrorCode.RATE_LIMITED, '业务子系统限流，并发数过大，触发限流：本地址请求过于频繁，请降低请求频率后重试');
    }
  }

  /**
   * Everything after the signature verified, in the one order that is safe: the timestamp window,
   * the once-only signature (or message id; `signature` undefined where repeats are harmless, as in
   * the channel API), 010010 otherwise — and only then the app's bucket (-6), so that neither a
   * forgery nor a replay spends it.
   */
  async admitVerified(app: AppConfig, p: { timestamp: Date; now: Date; signature?: string; timeField?: string; nowMs?: number }): Promise<void> {
    checkTimestamp(p.timestamp, p.now, this.config.replayWindowSeconds ?? 300, p.timeField ?? 'timestamp');
    if (p.signature !== undefined) await rememberSignature(this.store, app.appId, p.signature);
    // Charged now, on the monotonic clock, not at the request's arrival: after a slow replay insert
    // (a database pause) requests reach this point out of order (issue 14 point 7).
    this.admit(app, p.nowMs);
  }
}
