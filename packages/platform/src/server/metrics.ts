import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { CallbackOutcome } from '../center/callbacks/worker.js';
import { beijingDay } from './console/time.js';
import { ABNORMAL_BY_AGE_SQL, AGE_BUCKETS } from '../center/dashboard.js';

/**
 * The platform's Prometheus metrics (`GET /metrics`, docs/console.md), one registry per platform
 * (several platforms share a test process). Counters and histograms are this instance's; the gauges
 * read the database when scraped, so every instance reports the same backlog.
 */
export class PlatformMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'txn' | 'code'>;
  private readonly latency: Histogram<'txn'>;
  private readonly http: Histogram<'method' | 'route' | 'status'>;
  private readonly callbacks: Counter<'call_type' | 'outcome' | 'cause'>;
  private readonly signatures: Counter<'app_id'>;
  /** Signature failures not yet added to the database: app → count, per Beijing day. */
  private pending = new Map<string, number>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'yibao_process_' });
    this.requests = new Counter({ name: 'yibao_requests_total', help: 'Center requests (6101–6401) by transaction and answer code', labelNames: ['txn', 'code'], registers });
    this.latency = new Histogram({
      name: 'yibao_request_duration_seconds',
      help: 'Center request latency by transaction, from raw body to sealed answer',
      labelNames: ['txn'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.http = new Histogram({
      name: 'yibao_http_request_duration_seconds',
      help: 'HTTP requests by route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.callbacks = new Counter({
      name: 'yibao_callback_attempts_total',
      help: 'Callback delivery attempts by outcome (delivered, retry, exhausted) and cause of failure',
      labelNames: ['call_type', 'outcome', 'cause'],
      registers,
    });
    this.signatures = new Counter({ name: 'yibao_signature_failures_total', help: 'Requests refused with 000102 (bad signature), by app', labelNames: ['app_id'], registers });
    const gauge = (name: string, help: string, labelNames: string[], collect: (g: Gauge) => Promise<void>) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        async collect() {
          await collect(this as unknown as Gauge).catch((err) => log.warn({ err, metric: name }, 'metric collection failed'));
        },
      });
    gauge('yibao_callback_backlog', 'Callbacks waiting for delivery (PENDING), and those whose retries ran out (RETRIES_EXCEEDED)', ['status'], async (g) => {
      const rows = await store.query<{ status: string; n: string }>("SELECT status, count(*) AS n FROM callbacks WHERE status IN ('PENDING', 'RETRIES_EXCEEDED') GROUP BY status");
      g.reset();
      g.set({ status: 'PENDING' }, 0);
      g.set({ status: 'RETRIES_EXCEEDED' }, 0);
      for (const r of rows) g.set({ status: r.status }, Number(r.n));
    });
    gauge('yibao_orders_abnormal', 'Orders in state 14 (异常), by age', ['age'], async (g) => {
      const rows = await store.query<{ age: string; n: string }>(ABNORMAL_BY_AGE_SQL);
      g.reset();
      for (const a of AGE_BUCKETS) g.set({ age: a }, 0);
      for (const r of rows) g.set({ age: r.age }, Number(r.n));
    });
    // One job row per Beijing day (statements.ts): running until finished_at is set.
    gauge('yibao_statement_jobs', 'Daily statement jobs: running (claimed, not finished) and done', ['status'], async (g) => {
      const rows = await store.query<{ status: string; n: string }>("SELECT CASE WHEN finished_at IS NULL THEN 'running' ELSE 'done' END AS status, count(*) AS n FROM statement_jobs GROUP BY 1");
      g.reset();
      g.set({ status: 'running' }, 0);
      g.set({ status: 'done' }, 0);
      for (const r of rows) g.set({ status: r.status }, Number(r.n));
    });
  }

  /** One center request (app.ts). */
  request(txn: string, code: string, appId: string | undefined, seconds: number): void {
    this.requests.inc({ txn, code });
    this.latency.observe({ txn }, seconds);
    if (code === '000102' && appId) {
      this.signatures.inc({ app_id: appId });
      this.pending.set(appId, (this.pending.get(appId) ?? 0) + 1);
      this.flushSoon();
    }
  }

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.http.observe({ method, route, status: String(status) }, seconds);
  }

  callback(o: { callType: string; outcome: CallbackOutcome; cause?: string }): void {
    this.callbacks.inc({ call_type: o.callType, outcome: o.outcome, cause: o.cause ?? '' });
  }

  /**
   * Signature failures reach the dashboard through the database, added up every few seconds: one
   * write per burst, not per forged request (which would let junk traffic load the database).
   */
  private flushSoon(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => void this.flush(), 2000);
    this.flushTimer.unref?.();
  }

  async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    const day = beijingDay(new Date());
    for (const [appId, n] of batch) {
      await this.store
        .query('INSERT INTO signature_failures (day, app_id, failures) VALUES ($1, $2, $3) ON CONFLICT (day, app_id) DO UPDATE SET failures = signature_failures.failures + $3', [day, appId, n])
        .catch((err) => this.log.warn({ err }, 'signature failure count not saved'));
    }
  }
}
