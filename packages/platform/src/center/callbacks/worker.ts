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
import { CHANNEL_NOTIFY } from './outbox.js';
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

interface ClaimedRow {
  id: number;
  /** The callback_attempts row of this delivery. */
  attemptId: number;
  /** Our lease: the outcome is written back only while it is still ours. */
  lease_until: Date;
  app_id: string;
  pay_ord_id: string;
  call_type: string;
  url: string;
  data: Record<string, unknown>;
  attempts: number;
}

/**
 * Drains the 6302 outbox (outbox.ts). Any number of instances can run one: a batch is claimed with
 * `FOR UPDATE SKIP LOCKED` and leased, delivered outside any transaction, and the outcome written
 * back. A crash mid-delivery only delays the callback until the lease ends; a restart loses nothing.
 * Every attempt is recorded (callback_attempts) for the operator.
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

  constructor(private readonly o: CallbackWorkerOptions) {}

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

  /** Claims and delivers due callbacks until none is due. Exposed for tests. */
  async drain(): Promise<void> {
    // A pool, not batches: each finished delivery frees a slot that is filled at once, so one slow
    // HIS holds its own deliveries only. Each institution gets at most its share of the slots
    // (mayTakeSlot), so N institutions whose endpoints hang (up to timeoutMs per attempt) never
    // stall another's callbacks (issue 14 point 3).
    const limit = Math.max(1, this.o.batch ?? 10);
    const inFlight = new Set<Promise<void>>();
    const byApp = new Map<string, number>();
    try {
      for (;;) {
        if (this.stopped) return;
        // Here, not once per drain: under steady traffic a drain may never end.
        await this.housekeep();
        const full = [...byApp.keys()].filter((appId) => !mayTakeSlot(appId, byApp, limit));
        const rows = inFlight.size < limit ? await this.claim(limit - inFlight.size, full, limit, byApp) : [];
        for (const r of rows) {
          byApp.set(r.app_id, (byApp.get(r.app_id) ?? 0) + 1);
          const p: Promise<void> = this.deliver(r)
            .catch((err) => this.o.log.error({ err, callbackId: r.id }, 'callback delivery error'))
            .finally(() => {
              inFlight.delete(p);
              const n = (byApp.get(r.app_id) ?? 1) - 1;
              if (n > 0) byApp.set(r.app_id, n);
              else byApp.delete(r.app_id);
            });
          inFlight.add(p);
        }
        if (inFlight.size === 0) return; // nothing due, nothing under way
        // Nothing more due now, or no free slot: look again when a delivery finishes, something is
        // queued (notify), or a poll interval has passed (a retry may have come due).
        if (rows.length === 0 || inFlight.size >= limit) await this.pause(inFlight);
      }
    } finally {
      await Promise.all(inFlight);
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
   * share of the `limit` slots allows (mayTakeSlot, counting what is under way).
   */
  private async claim(n: number, full: string[], limit: number, byApp: Map<string, number>): Promise<ClaimedRow[]> {
    const leaseMs = this.o.leaseMs ?? this.o.timeoutMs * 2 + 5000;
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
      const held = new Map(byApp);
      const ids = due
        .filter((d) => {
          if (!mayTakeSlot(d.app_id, held, limit)) return false;
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

  private async deliver(row: ClaimedRow): Promise<void> {
    const started = new Date();
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
    const duration = Date.now() - started.getTime();
    const exhausted = await this.o.store.transaction(async (tx) => {
      await tx.query(
        `UPDATE callback_attempts SET duration_ms = $2, http_status = $3, response_body = $4, error = $5, success = $6 WHERE id = $1`,
        [row.attemptId, duration, httpStatus, responseBody, error, success],
      );
      // Only while the lease is still ours: an operator's resend or another instance may have taken
      // the callback over; their outcome is theirs to write.
      const ours = 'id = $1 AND lease_until = $2';
      if (success) {
        await tx.query(`UPDATE callbacks SET status = 'DELIVERED', delivered_at = now(), lease_until = NULL, last_error = NULL WHERE ${ours}`, [row.id, row.lease_until]);
      } else if (row.attempts > this.o.scheduleMs.length) {
        const done = await tx.query(`UPDATE callbacks SET status = 'RETRIES_EXCEEDED', lease_until = NULL, last_error = $3 WHERE ${ours} RETURNING id`, [row.id, row.lease_until, error]);
        return done.length > 0;
      } else {
        // The step's delay counted from the attempt's end as recorded (its start plus its duration),
        // so that the history shows exactly the schedule, whatever this write-back waited for.
        const delay = this.o.scheduleMs[row.attempts - 1]!;
        await tx.query(
          `UPDATE callbacks SET next_attempt_at = (SELECT started_at FROM callback_attempts WHERE id = $5) + make_interval(secs => ($3::double precision + $6::double precision) / 1000),
             lease_until = NULL, last_error = $4 WHERE ${ours}`,
          [row.id, row.lease_until, delay, error, row.attemptId, duration],
        );
      }
      return false;
    });
    const outcome: CallbackOutcome = success ? 'delivered' : exhausted ? 'exhausted' : 'retry';
    this.o.onOutcome?.({ appId: row.app_id, callType: row.call_type, outcome, ...(kind ? { cause: kind } : {}) });
    // Retries used up: nobody will try again unless an operator resends. Said loudly (the order is
    // flagged on the console's dashboard too); the cause's kind only, no response body.
    if (exhausted) this.o.log.warn({ callbackId: row.id, payOrdId: row.pay_ord_id, appId: row.app_id, attempts: row.attempts, cause: kind }, 'callback retries exhausted');
    this.o.log.info({ callbackId: row.id, payOrdId: row.pay_ord_id, attempt: row.attempts, success, httpStatus, ms: duration }, 'callback attempt');
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
