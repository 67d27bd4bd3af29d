import type { LookupFunction } from 'node:net';
import { postJson } from './post.js';
import type { Logger } from 'pino';
import { toWire, getTxn } from 'yibao/spec';
import { stringifyWire } from 'yibao/protocol';
import { parseCallbackAck, sealCallback } from 'yibao/protocol';
import type { EnvelopeKeys } from 'yibao/protocol';
import type { Queryable, Store } from '../../store/store.js';
import type { AppConfig } from '../config.js';
import { sealChannel } from 'yibao/protocol';
import { formatCompact } from 'yibao/protocol';
import { CHANNEL_NOTIFY, type QueuedCallback } from './outbox.js';
import { deliveryCause, httpCause } from './cause.js';

/** What became of one delivery attempt (metrics): delivered, to be retried, or retries used up. */
export type CallbackOutcome = 'delivered' | 'retry' | 'exhausted';

export interface CallbackWorkerOptions {
  store: Store;
  log: Logger;
  /** Delays after each failed attempt, ms; when used up, the callback is RETRIES_EXCEEDED. */
  scheduleMs: number[];
  timeoutMs: number;
  pollMs: number;
  /** How long a claimed callback stays invisible to other workers (longer than timeoutMs). */
  leaseMs?: number;
  batch?: number;
  app(appId: string): AppConfig | undefined;
  keysFor(app: AppConfig): EnvelopeKeys;
  /** Housekeeping run every minute or so (replay-table pruning). */
  housekeeping?: () => Promise<void>;
  /** Throws when a URL may not be called (outbound.ts, SSRF); the attempt fails with its reason. */
  checkUrl?: (url: string) => Promise<void>;
  /** Resolves the HIS's host at connect time and refuses what the outbound policy refuses (outbound.ts outboundLookup). */
  lookup?: LookupFunction;
  /** Told of every attempt's outcome (the platform's metrics). */
  onOutcome?: (o: { appId: string; callType: string; outcome: CallbackOutcome; cause?: string }) => void;
}

/** A callback this process holds the lease of, with the attempt row of this delivery. */
type ClaimedRow = QueuedCallback;

/** What one attempt came to, to be written back (record). */
interface AttemptResult {
  row: ClaimedRow;
  duration: number;
  httpStatus: number | null;
  responseBody: string | null;
  error: string | null;
  success: boolean;
  kind: string | undefined;
}

/**
 * Drains the 6302 outbox (outbox.ts). Any number of instances can run one: a batch is claimed with
 * `FOR UPDATE SKIP LOCKED` and leased, delivered outside any transaction, and the outcome written
 * back. A crash mid-delivery only delays the callback until the lease ends; a restart loses nothing.
 * Every attempt is recorded (callback_attempts) for the operator.
 *
 * The normal path needs no claim (issue 16): a request's transaction queues its callback already
 * leased to this process with its first attempt (outbox.ts deliverAfterCommit), and after the commit
 * the pipeline hands it here (deliverQueued): it is posted at once, and its outcome written in one
 * statement — together with the outcomes of the other deliveries that finished meanwhile.
 */
export class CallbackWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private lastHousekeeping = 0;
  /** Ends drain()'s wait between deliveries (notify, stop). */
  private wake: (() => void) | undefined;
  /** notify() or stop() came while drain() was not waiting: its next wait returns at once. */
  private poked = false;
  private readonly limit: number;
  /**
   * Delivery slots held per app: claimed and handed-over deliveries alike, from their start until
   * their outcome is written. One pool, so a slow HIS holds its own share only (mayTakeSlot).
   */
  private readonly byApp = new Map<string, number>();
  /** Every delivery under way (stop waits for them). */
  private readonly underway = new Set<Promise<void>>();
  /** Handed over after a commit, leased to us, waiting for a slot of their app; `until`: the local time past which the lease no longer covers a delivery. */
  private readonly waiting: Array<{ row: ClaimedRow; until: number }> = [];
  /**
   * Apps known to have due callbacks that a look could not take for want of a slot ('*': any app,
   * no look was possible). When one of their slots frees, look again; otherwise a finished delivery
   * costs no look (at full load the slots are always full, and a look per delivery is what issue 16
   * removed).
   */
  private readonly blocked = new Set<string>();
  /** Outcomes waiting to be written, and the write under way (record). */
  private results: Array<{ r: AttemptResult; resolve: (exhausted: boolean) => void; reject: (err: unknown) => void }> = [];
  private writing: Promise<void> | undefined;

  constructor(private readonly o: CallbackWorkerOptions) {
    this.limit = Math.max(1, o.batch ?? 10);
  }

  /** How long a claimed or handed-over callback stays ours (longer than a delivery can take). */
  get leaseMs(): number {
    return this.o.leaseMs ?? this.o.timeoutMs * 2 + 5000;
  }

  /**
   * The lease for callbacks that a transaction starting now queues for direct delivery, or undefined
   * when this worker is not running (they are then queued for any worker to claim).
   */
  directLeaseMs(): number | undefined {
    return this.stopped ? undefined : this.leaseMs;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.poked = true;
    this.wake?.();
    await this.running;
    await this.giveBack(this.waiting.splice(0).map((w) => w.row));
    await Promise.all(this.underway);
    await this.writing;
  }

  /** Something was queued: look now rather than at the next poll. */
  notify(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      this.poked = true;
      this.wake?.();
    } else this.schedule(0);
  }

  /**
   * Callbacks a committed transaction queued leased to this process (outbox.ts deliverAfterCommit):
   * delivered now, each as soon as its app has a free slot, with no claiming transaction.
   */
  deliverQueued(rows: readonly ClaimedRow[]): void {
    if (rows.length === 0) return;
    if (this.stopped) {
      void this.giveBack([...rows]);
      return;
    }
    // The lease was taken before the commit (which may have been slow): a delivery starts only while
    // what is left of it covers the delivery's timeout and a margin; otherwise the callback is given back.
    for (const row of rows) this.waiting.push({ row, until: (row.leasedAt ?? Date.now()) + this.leaseMs - this.o.timeoutMs - 2000 });
    this.pump();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.drain()
        .catch((err) => this.o.log.error({ err }, 'callback worker error'))
        .finally(() => {
          this.running = undefined;
          const more = this.again;
          this.again = false;
          this.schedule(more ? 0 : this.o.pollMs);
        });
    }, ms);
    this.timer.unref?.();
  }

  private held(): number {
    let n = 0;
    for (const v of this.byApp.values()) n += v;
    return n;
  }

  /**
   * Starts the delivery of `row` in a slot of its app (the caller checked mayTakeSlot). The slot is
   * the HIS's: it is freed when the POST is over, not when the outcome is written, so that a write
   * queued behind the requests' transactions for a pooled connection does not hold the HIS's slots.
   */
  private begin(row: ClaimedRow): Promise<void> {
    this.byApp.set(row.app_id, (this.byApp.get(row.app_id) ?? 0) + 1);
    let freed = false;
    const free = () => {
      if (freed) return;
      freed = true;
      const n = (this.byApp.get(row.app_id) ?? 1) - 1;
      if (n > 0) this.byApp.set(row.app_id, n);
      else this.byApp.delete(row.app_id);
      this.pump();
      // A look was held back for want of this slot: look again now.
      if (this.blocked.has(row.app_id) || this.blocked.has('*')) {
        this.blocked.clear();
        this.notify();
      }
    };
    const p: Promise<void> = this.deliver(row, free)
      .catch((err) => this.o.log.error({ err, callbackId: row.id }, 'callback delivery error'))
      .finally(() => {
        this.underway.delete(p);
        free();
      });
    this.underway.add(p);
    return p;
  }

  /** Starts the handed-over callbacks that have a slot now; gives back those whose lease would not cover a delivery any more. */
  private pump(): void {
    if (this.waiting.length === 0) return;
    const late: ClaimedRow[] = [];
    const now = Date.now();
    for (let i = 0; i < this.waiting.length; ) {
      const w = this.waiting[i]!;
      if (this.stopped || now > w.until) {
        late.push(w.row);
        this.waiting.splice(i, 1);
      } else if (mayTakeSlot(w.row.app_id, this.byApp, this.limit)) {
        this.waiting.splice(i, 1);
        void this.begin(w.row);
      } else i++;
    }
    if (late.length > 0) void this.giveBack(late).then(() => this.notify());
  }

  /**
   * Callbacks leased to us that we will not deliver (no slot in time, or stopping): lease released
   * and their unstarted attempt removed, so any worker claims them as if just queued. One statement.
   */
  private async giveBack(rows: ClaimedRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.o.store
      .query(
        `WITH r AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(id bigint, attempt_id bigint, lease timestamptz)),
         a AS (DELETE FROM callback_attempts x USING r WHERE x.id = r.attempt_id AND x.success IS NULL)
         UPDATE callbacks c SET lease_until = NULL, attempts = c.attempts - 1 FROM r WHERE c.id = r.id AND c.lease_until = r.lease`,
        [JSON.stringify(rows.map((r) => ({ id: Number(r.id), attempt_id: Number(r.attemptId), lease: r.lease_until })))],
      )
      .catch((err) => this.o.log.warn({ err, callbackIds: rows.map((r) => r.id) }, 'could not give back callbacks; they are delivered when their lease ends'));
  }

  /** Claims and delivers due callbacks until none is due. Exposed for tests. */
  async drain(): Promise<void> {
    // A pool, not batches: each finished delivery frees a slot that is filled at once, so one slow
    // HIS holds its own deliveries only. Each institution gets at most its share of the slots
    // (mayTakeSlot), so N institutions whose endpoints hang (up to timeoutMs per attempt) never
    // stall another's callbacks (issue 14 point 3). The slots are shared with the handed-over
    // deliveries (deliverQueued), which go first: they are leased to us already.
    const mine = new Set<Promise<void>>();
    try {
      for (;;) {
        if (this.stopped) return;
        // Here, not once per drain: under steady traffic a drain may never end.
        await this.housekeep();
        this.pump();
        const full = [...this.byApp.keys()].filter((appId) => !mayTakeSlot(appId, this.byApp, this.limit));
        const free = this.limit - this.held();
        this.blocked.clear();
        let rows: ClaimedRow[] = [];
        if (free > 0) rows = await this.claim(free, full);
        else this.blocked.add('*');
        for (const r of rows) {
          const p = this.begin(r);
          mine.add(p);
          void p.finally(() => mine.delete(p));
        }
        if (mine.size === 0) return; // nothing due that we could take, nothing of ours under way
        // Nothing more due now, or no free slot: look again when a delivery finishes, something is
        // queued (notify), or a poll interval has passed (a retry may have come due).
        if (rows.length === 0 || this.held() >= this.limit) await this.pause(mine);
      }
    } finally {
      await Promise.all(mine);
    }
  }

  private async housekeep(): Promise<void> {
    if (!this.o.housekeeping || Date.now() - this.lastHousekeeping <= 60_000) return;
    this.lastHousekeeping = Date.now();
    await this.o.housekeeping().catch((err) => this.o.log.warn({ err }, 'housekeeping failed'));
  }

  private pause(inFlight: Set<Promise<void>>): Promise<void> {
    // A notify() or stop() that came while we were claiming is not lost: look again at once.
    if (this.poked || this.stopped) {
      this.poked = false;
      return Promise.resolve();
    }
    let timer: NodeJS.Timeout | undefined;
    return new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.o.pollMs);
      this.wake = resolve;
      for (const p of inFlight) void p.then(resolve);
    }).finally(() => {
      clearTimeout(timer);
      this.wake = undefined;
      this.poked = false;
    });
  }

  /**
   * Claims up to `n` due callbacks, none of the apps in `full`, and no more of one app than its
   * share of the slots allows (mayTakeSlot, counting what is under way). Apps with due callbacks
   * left for want of a slot are noted in `blocked`.
   */
  private async claim(n: number, full: string[]): Promise<ClaimedRow[]> {
    const leaseMs = this.leaseMs;
    return this.o.store.transaction(async (tx) => {
      // Candidates in due order, then at most the slots each app has left; the rest stay PENDING,
      // untouched, for the next look.
      const due = await tx.query<{ id: number; app_id: string }>(
        `SELECT id, app_id FROM callbacks
         WHERE status = 'PENDING' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now()) AND NOT (app_id = ANY($2::text[]))
         ORDER BY next_attempt_at LIMIT $1
         FOR UPDATE SKIP LOCKED`,
        [n, full],
      );
      if (full.length > 0) {
        // Which of the apps with no free slot have due callbacks: only those make a freed slot worth a look.
        const waitingApps = await tx.query<{ app_id: string }>(
          `SELECT DISTINCT app_id FROM callbacks
           WHERE status = 'PENDING' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now()) AND app_id = ANY($1::text[])`,
          [full],
        );
        for (const w of waitingApps) this.blocked.add(w.app_id);
      }
      const held = new Map(this.byApp);
      const ids = due
        .filter((d) => {
          if (!mayTakeSlot(d.app_id, held, this.limit)) {
            this.blocked.add(d.app_id);
            return false;
          }
          held.set(d.app_id, (held.get(d.app_id) ?? 0) + 1);
          return true;
        })
        .map((d) => d.id);
      if (ids.length === 0) return [];
      const rows = await tx.query<Omit<ClaimedRow, 'attemptId'>>(
        // Milliseconds only, so that the lease read back into a JS Date compares equal (write-back guard).
        `UPDATE callbacks SET lease_until = date_trunc('milliseconds', clock_timestamp() + make_interval(secs => $1::double precision / 1000)), attempts = attempts + 1
         WHERE id = ANY($2::bigint[])
         RETURNING id, app_id, pay_ord_id, call_type, url, data, attempts, lease_until`,
        [leaseMs, ids],
      );
      const claimed: ClaimedRow[] = [];
      for (const r of rows) {
        // An attempt whose instance died (or whose lease ran out) never wrote its outcome: say so.
        await tx.query(
          `UPDATE callback_attempts SET success = false, error = '投递中断：投递实例退出或超时，已重新投递' WHERE callback_id = $1 AND success IS NULL`,
          [r.id],
        );
        // Recorded as it starts, so the history shows every delivery, finished or not.
        const [a] = await tx.query<{ id: number }>(
          `INSERT INTO callback_attempts (callback_id, attempt, started_at, duration_ms, success)
           VALUES ($1, (SELECT count(*) + 1 FROM callback_attempts WHERE callback_id = $1), now(), NULL, NULL) RETURNING id`,
          [r.id],
        );
        claimed.push({ ...r, attemptId: a!.id });
      }
      return claimed;
    });
  }

  /** `posted`: called when the POST is over (its slot may be reused), before the outcome is written. */
  private async deliver(row: ClaimedRow, posted: () => void): Promise<void> {
    const started = Date.now();
    let httpStatus: number | null = null;
    let responseBody: string | null = null;
    let error: string | null = null;
    let kind: string | undefined;
    let success = false;
    const app = this.o.app(row.app_id);
    try {
      if (!app) throw new Error(`应用已不在配置中：${row.app_id}`);
      await this.o.checkUrl?.(row.url);
      const channel = row.call_type === CHANNEL_NOTIFY;
      const body = channel
        ? JSON.stringify(sealChannel({ ...row.data, timestamp: formatCompact(new Date()) }, app.appSecret))
        : stringifyWire(
            sealCallback(toWire(getTxn('6302').input, row.data), this.o.keysFor(app), {
              encType: app.encryptCallbacks === false ? 'plain' : 'SM4',
              signType: app.signType ?? 'SM2',
            }),
          );
      const res = await postJson(row.url, body, { timeoutMs: this.o.timeoutMs, cap: MAX_ANSWER_BYTES, ...(this.o.lookup ? { lookup: this.o.lookup } : {}) });
      httpStatus = res.status;
      responseBody = res.text.slice(0, 2000);
      if (res.tooLarge) throw new AnswerTooLarge();
      const acked = channel ? channelAck(responseBody) : parseCallbackAck(responseBody);
      success = res.status >= 200 && res.status < 300 && acked.success;
      if (!success) ({ kind, text: error } = httpCause(res.status, responseBody, acked.message));
    } catch (err) {
      // The real cause (ECONNREFUSED, timeout, an answer over the size cap …), not undici's "TypeError: fetch failed".
      if (err instanceof AnswerTooLarge) ({ kind, text: error } = { kind: 'answer-too-large', text: err.message });
      else ({ kind, text: error } = deliveryCause(err, this.o.timeoutMs));
    }
    const duration = Date.now() - started;
    posted();
    const exhausted = await this.record({ row, duration, httpStatus, responseBody, error, success, kind });
    const outcome: CallbackOutcome = success ? 'delivered' : exhausted ? 'exhausted' : 'retry';
    this.o.onOutcome?.({ appId: row.app_id, callType: row.call_type, outcome, ...(kind ? { cause: kind } : {}) });
    // Retries used up: nobody will try again unless an operator resends. Said loudly (the order is
    // flagged on the console's dashboard too); the cause's kind only, no response body.
    if (exhausted) this.o.log.warn({ callbackId: row.id, payOrdId: row.pay_ord_id, appId: row.app_id, attempts: row.attempts, cause: kind }, 'callback retries exhausted');
    this.o.log.info({ callbackId: row.id, payOrdId: row.pay_ord_id, attempt: row.attempts, success, httpStatus, ms: duration }, 'callback attempt');
  }

  /**
   * Writes an attempt's outcome; true when it used up the retries. Outcomes that finish while a
   * write is under way are written together by the next one (one statement for all of them).
   */
  private record(r: AttemptResult): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.results.push({ r, resolve, reject });
      this.writing ??= this.writeAll().finally(() => (this.writing = undefined));
    });
  }

  private async writeAll(): Promise<void> {
    while (this.results.length > 0) {
      const batch = this.results.splice(0, 200);
      try {
        const exhausted = await this.write(batch.map((b) => b.r));
        for (const b of batch) b.resolve(exhausted.has(Number(b.r.row.id)));
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
  }

  /**
   * One statement for the outcomes of several attempts: each attempt row, and its callback while the
   * lease is still ours (an operator's resend or another instance may have taken the callback over;
   * their outcome is theirs to write). Returns the callbacks whose retries this used up.
   *
   * The attempt's start is written as the statement's time less the measured duration, and a retry
   * comes due its schedule step after the statement's time: so the history shows exactly the
   * schedule (the next attempt at its recorded start + duration + step), whatever the write waited
   * for, on the database's clock.
   */
  private async write(results: AttemptResult[]): Promise<Set<number>> {
    const rows = results.map((r) => {
      const outcome = r.success ? 'delivered' : r.row.attempts > this.o.scheduleMs.length ? 'exhausted' : 'retry';
      return {
        id: Number(r.row.id),
        attempt_id: Number(r.row.attemptId),
        lease: r.row.lease_until,
        duration_ms: r.duration,
        http_status: r.httpStatus,
        response_body: r.responseBody,
        error: r.error,
        success: r.success,
        outcome,
        delay_ms: outcome === 'retry' ? this.o.scheduleMs[r.row.attempts - 1]! : 0,
      };
    });
    const done = await this.o.store.query<{ id: number; status: string }>(
      `WITH r AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(id bigint, attempt_id bigint, lease timestamptz, duration_ms int, http_status int,
           response_body text, error text, success boolean, outcome text, delay_ms double precision)),
       a AS (
         UPDATE callback_attempts x SET started_at = statement_timestamp() - make_interval(secs => r.duration_ms::double precision / 1000),
           duration_ms = r.duration_ms, http_status = r.http_status, response_body = r.response_body, error = r.error, success = r.success
         FROM r WHERE x.id = r.attempt_id)
       UPDATE callbacks c SET
         status = CASE r.outcome WHEN 'delivered' THEN 'DELIVERED' WHEN 'exhausted' THEN 'RETRIES_EXCEEDED' ELSE c.status END,
         delivered_at = CASE WHEN r.outcome = 'delivered' THEN now() ELSE c.delivered_at END,
         next_attempt_at = CASE WHEN r.outcome = 'retry' THEN statement_timestamp() + make_interval(secs => r.delay_ms / 1000) ELSE c.next_attempt_at END,
         lease_until = NULL, last_error = r.error
       FROM r WHERE c.id = r.id AND c.lease_until = r.lease
       RETURNING c.id, c.status`,
      [JSON.stringify(rows)],
    );
    return new Set(done.filter((d) => d.status === 'RETRIES_EXCEEDED').map((d) => Number(d.id)));
  }
}

/**
 * Whether `appId` may take one more delivery slot of `limit`, given what each app holds (`held`):
 * at most an equal share among the apps under way plus one more (a newcomer's), and never the last
 * free slot for an app that already has one: N hanging institutions hold at most N/(N+1) of the
 * slots, and an institution with nothing under way always finds one (issue 14 point 3).
 */
export function mayTakeSlot(appId: string, held: ReadonlyMap<string, number>, limit: number): boolean {
  const mine = held.get(appId) ?? 0;
  let total = 0;
  let apps = 0;
  for (const n of held.values()) {
    total += n;
    if (n > 0) apps += 1;
  }
  if (total >= limit) return false;
  if (mine === 0) return true;
  const share = Math.max(1, Math.floor(limit / (apps + 1)));
  return mine < share && total < limit - 1;
}

/**
 * An answer we only need to recognise (an ack of a few dozen bytes) is read up to this many bytes;
 * past it the connection is dropped (issue 14 point 4: an endpoint streaming its answer must not
 * fill the instance's memory).
 */
export const MAX_ANSWER_BYTES = 4096;

class AnswerTooLarge extends Error {
  constructor() {
    super(`HIS 应答过大：超过 ${MAX_ANSWER_BYTES} 字节，已中止读取（应答只需确认报文）`);
    this.name = 'AnswerTooLarge';
  }
}


/**
 * Operator action: deliver again now, with a fresh retry schedule; history is kept. Not while a
 * delivery is under way (it would run twice at once): `busy` then, try again in a moment.
 */
export async function resendCallback(store: Queryable, id: number, url?: string): Promise<'ok' | 'busy' | 'missing'> {
  // `url`: the app's notifyUrl as it is now (an operator corrected it after the callback was queued).
  const rows = await store.query(
    `UPDATE callbacks SET status = 'PENDING', attempts = 0, next_attempt_at = now(), lease_until = NULL, url = COALESCE($2, url)
     WHERE id = $1 AND (lease_until IS NULL OR lease_until < now()) RETURNING id`,
    [id, url ?? null],
  );
  if (rows.length > 0) return 'ok';
  return (await store.query('SELECT 1 FROM callbacks WHERE id = $1', [id])).length > 0 ? 'busy' : 'missing';
}

/**
 * A channel notification is acknowledged by any 2xx whose body does not refuse it: real channels
 * differ ({"code":"SUCCESS"}, "success", empty body), so only an explicit refusal
 * ({"success": false} or a "code" other than SUCCESS) counts as one (docs/systems.md).
 */
export function channelAck(text: string): { success: boolean; message?: string } {
  let parsed: unknown;
  try {
    parsed = text.trim() ? JSON.parse(text) : undefined;
  } catch {
    return { success: true };
  }
  if (parsed && typeof parsed === 'object') {
    const o = parsed as Record<string, unknown>;
    const message = typeof o.message === 'string' ? o.message : undefined;
    if (o.success === false || o.success === 'false') return { success: false, ...(message ? { message } : {}) };
    if (typeof o.code === 'string' && o.code.toUpperCase() !== 'SUCCESS' && o.success !== true) return { success: false, message: message ?? o.code };
  }
  return { success: true };
}

