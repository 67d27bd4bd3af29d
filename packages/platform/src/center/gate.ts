import { ErrorCode, YibaoError } from 'yibao/protocol';
import type { AppConfig, YibaoConfig } from './config.js';
import { DEFAULT_ADDRESS_RATE_LIMIT, DEFAULT_RATE_LIMIT, monotonicMs, RateLimiter } from './ratelimit.js';
import { checkTimestamp, recordingReplay, rememberSignature, signatureHash, type ReplayRecording } from './replay.js';
import type { Queryable, Store } from '../store/store.js';
import type { AppRegistry } from './apps.js';

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

  /**
   * The center's cheaper order of the same checks (pipeline.ts): the timestamp window before any
   * database work, then — inside the request's own transaction, so that it costs no commit of its
   * own — the once-only signature and the app's bucket (admitOnce). A request that fails after that
   * is remembered by rememberFailed, so that it does not become replayable when its transaction
   * rolls back.
   */
  checkTime(p: { timestamp: Date; now: Date; timeField?: string }): void {
    checkTimestamp(p.timestamp, p.now, this.config.replayWindowSeconds ?? 300, p.timeField ?? 'timestamp');
  }

  /**
   * The request's transaction, remembering its signature on its first statement (replay.ts
   * recordingReplay); the bucket is taken once that statement has passed the replay check — at the
   * time of taking, not the request's start, so concurrent requests take in order.
   */
  admitOnce(tx: Queryable, app: AppConfig, signature: string): ReplayRecording {
    return recordingReplay(tx, app.appId, signature, () => this.admit(app));
  }

  async rememberFailed(app: AppConfig, signature: string): Promise<void> {
    await this.store.query('INSERT INTO seen_signatures (app_id, sign_hash) VALUES ($1, $2) ON CONFLICT DO NOTHING', [app.appId, signatureHash(signature)]);
  }
}
