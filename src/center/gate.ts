import { ErrorCode, YibaoError } from 'yibao/protocol';
import type { AppConfig, YibaoConfig } from './config.js';
import { DEFAULT_ADDRESS_RATE_LIMIT, DEFAULT_RATE_LIMIT, RateLimiter } from './ratelimit.js';
import { checkTimestamp, rememberSignature } from './replay.js';
import type { Store } from '../store/store.js';
import type { AppRegistry } from './apps.js';

/**
 * What every system of the platform does before the business: find the app (-8); limit the sending
 * address before the signature is checked (-6, so that junk costs no more than a bucket lookup);
 * after verification apply the app's own rate limit (-6: only the app's genuine requests spend its
 * budget, an appId seen in a redirect cannot be used to starve it) and refuse replays (010010).
 * Shared by the center, the one-code-pay module, the portal, the terminal gateway and the channel
 * API, so an app has one bucket and one replay memory.
 */
export class Gate {
  private readonly limiter = new RateLimiter();
  private readonly addresses = new RateLimiter();
  /** The apps of the database (apps.ts), re-read when they change; the config's when none is given. */
  constructor(
    private readonly config: YibaoConfig,
    private readonly store: Store,
    private readonly registry?: AppRegistry,
  ) {}

  app(appId: string): AppConfig | undefined {
    return this.registry ? this.registry.get(appId) : (this.config.apps ?? []).find((a) => a.appId === appId);
  }

  /** An app that is known but disabled: its refusal is still signed with its own keys. */
  disabledApp(appId: string): AppConfig | undefined {
    return this.registry?.disabled(appId);
  }

  byOrg(orgCodg: string): AppConfig | undefined {
    return (this.registry ? this.registry.list() : (this.config.apps ?? [])).find((a) => a.orgCodg === orgCodg);
  }

  /** The app, or -8 (unknown or disabled). */
  require(appId: string | undefined, field = 'appId'): AppConfig {
    const app = appId ? this.app(appId) : undefined;
    if (!app && appId && this.registry?.isDisabled(appId)) throw new YibaoError(ErrorCode.UNKNOWN_APP, `${field}: 应用已停用（${appId}），请联系医保移动支付中心`, { field });
    if (!app) throw new YibaoError(ErrorCode.UNKNOWN_APP, `${field}: 应用信息不存在（${appId ?? ''}）`, { field });
    return app;
  }

  /** The per-app token bucket, or -6. */
  private admit(app: AppConfig, nowMs = Date.now()): void {
    if (!this.limiter.take(app.appId, app.rateLimit ?? DEFAULT_RATE_LIMIT, nowMs)) {
      throw new YibaoError(ErrorCode.RATE_LIMITED, '业务子系统限流，并发数过大，触发限流：请降低请求频率后重试');
    }
  }

  /** The per-address bucket checked before verification (config `addressRateLimit`), or -6. */
  admitSource(source: string | undefined, nowMs = Date.now()): void {
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
    this.admit(app, p.nowMs);
  }
}
