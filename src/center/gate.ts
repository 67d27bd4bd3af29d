import { ErrorCode, YibaoError } from '../protocol/errors.js';
import type { AppConfig, YibaoConfig } from './config.js';
import { DEFAULT_RATE_LIMIT, RateLimiter } from './ratelimit.js';
import { checkTimestamp, rememberSignature } from './replay.js';
import type { Store } from '../store/store.js';

/**
 * What every system of the platform does before the business: find the app (-8), apply its rate
 * limit (-6), and after verification refuse replays (010010). Shared by the center, the one-code-pay
 * module, the portal and the terminal gateway, so an app has one bucket and one replay memory.
 */
export class Gate {
  private readonly limiter = new RateLimiter();
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
  admit(app: AppConfig, nowMs = Date.now()): void {
    if (!this.limiter.take(app.appId, app.rateLimit ?? DEFAULT_RATE_LIMIT, nowMs)) {
      throw new YibaoError(ErrorCode.RATE_LIMITED, '业务子系统限流，并发数过大，触发限流：请降低请求频率后重试');
    }
  }

  /** Timestamp window and once-only signature (or message id), or 010010. */
  async noReplay(app: AppConfig, timestamp: Date, now: Date, signature: string): Promise<void> {
    checkTimestamp(timestamp, now, this.config.replayWindowSeconds ?? 300);
    await rememberSignature(this.store, app.appId, signature);
  }
}
