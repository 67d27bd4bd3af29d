import type { Queryable } from '../../store/store.js';
import { fenToYuan } from 'yibao/spec';
import type { AppConfig } from '../config.js';
import type { OrderRow } from '../orders.js';

/**
 * 【6302】医保结算结果通知 (mobile-payment.txt 2.3.1.3.2) goes through a durable outbox: the row is
 * written in the same transaction as the settlement, so a committed settlement always has its
 * callback and a rolled-back one never does. Workers of any instance drain it (worker.ts).
 *
 * The data is stored in application form (money as yuan text) and sealed at each attempt, so every
 * attempt carries a fresh timestamp and signature.
 */
export function callbackData(order: OrderRow): Record<string, unknown> {
  // Every input field of 表 20, in its order. ownpayAmt is spelled with a lower-case p in 6302.
  return {
    payOrdId: order.payOrdId,
    callType: '02',
    medOrgOrd: order.medOrgOrd,
    traceTime: order.traceTime ?? '',
    feeSumamt: fenToYuan(order.feeSumamtFen),
    ownpayAmt: fenToYuan(order.ownPayAmtFen),
    psnAcctPay: fenToYuan(order.psnAcctPayFen),
    fundPay: fenToYuan(order.fundPayFen),
    hiChrgTime: order.hiChrgTime ?? '',
    hiDocSn: order.hiDocSn ?? '',
    hiRgstSn: order.hiRgstSn,
    orgName: order.orgName,
    ecCode: order.ecCode ?? '',
    setlType: order.setlType ?? '',
    revsToken: order.revsToken ?? '',
    // extData (非必填) left out rather than sent empty: PHP's json_decode turns {} into [].
    orgCodg: order.orgCodg,
    deposit: fenToYuan(order.depositFen),
  };
}

/**
 * The transactions that queued a callback for the worker to claim. The pipeline wakes the callback
 * worker after the commit of those only: a wake with nothing queued costs the worker a claiming
 * transaction that finds nothing.
 */
const queuedIn = new WeakSet<Queryable>();

/** True when `tx` queued a callback for the worker to claim (enqueueCallback, enqueueChannelNotify). */
export function callbacksQueued(tx: Queryable): boolean {
  return queuedIn.has(tx);
}

/**
 * A callback queued already leased to this process, with its first attempt recorded: the process
 * delivers it right after the commit (CallbackWorker.deliverQueued), with no claiming transaction.
 * If the process dies first, the lease runs out and any worker claims it as any other (the attempt
 * without an outcome is then marked interrupted), so nothing is lost (issue 16).
 */
export interface QueuedCallback {
  id: number;
  /** The callback_attempts row of the first attempt. */
  attemptId: number;
  /** Milliseconds only (date_trunc), so the write-back's `lease_until = $lease` guard compares equal. */
  lease_until: Date;
  app_id: string;
  pay_ord_id: string;
  call_type: string;
  url: string;
  data: Record<string, unknown>;
  attempts: number;
  /** Local time (Date.now()) just before the lease was taken: how much of it is left is counted from here. */
  leasedAt?: number;
}

/** Transactions whose callbacks are delivered by this process after the commit: the lease length, and what was queued. */
const direct = new WeakMap<Queryable, { leaseMs: number; queued: QueuedCallback[] }>();

/**
 * Callbacks queued in `tx` from now on are leased to this process for `leaseMs` and delivered by it
 * after the commit: the caller hands takeDirectCallbacks(tx) to the worker once `tx` has committed
 * (never when it rolled back). A transaction not opened this way queues them for the worker to claim
 * (callbacksQueued). Nothing may undo the INSERT short of a rollback of the whole transaction (no
 * ROLLBACK TO SAVEPOINT after it): the list here would not know, and the HIS would be told of a
 * settlement that was not committed.
 */
export function deliverAfterCommit(tx: Queryable, leaseMs: number): void {
  direct.set(tx, { leaseMs, queued: [] });
}

/** The callbacks `tx` queued leased to this process (deliverAfterCommit); empty when none. */
export function takeDirectCallbacks(tx: Queryable): QueuedCallback[] {
  const d = direct.get(tx);
  if (!d) return [];
  direct.delete(tx);
  return d.queued;
}

/**
 * One statement: the callback row and, for a transaction opened with deliverAfterCommit, its first
 * attempt, leased to this process (attempts = 1, as a claim leaves it). The attempt references the
 * callback inserted by the same statement: the foreign key is checked at the statement's end.
 */
async function enqueue(tx: Queryable, row: Omit<QueuedCallback, 'id' | 'attemptId' | 'lease_until' | 'attempts'>, orgCodg: string): Promise<number> {
  const json = JSON.stringify(row.data);
  const params = [row.app_id, orgCodg, row.pay_ord_id, row.call_type, row.url, json];
  const d = direct.get(tx);
  if (!d) {
    queuedIn.add(tx);
    const rows = await tx.query<{ id: number }>(
      `INSERT INTO callbacks (app_id, org_codg, pay_ord_id, call_type, url, data, status)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, 'PENDING') RETURNING id`,
      params,
    );
    return Number(rows[0]!.id);
  }
  const leasedAt = Date.now();
  const [r] = await tx.query<{ id: number; lease_until: Date; attempt_id: number }>(
    `WITH c AS (
       INSERT INTO callbacks (app_id, org_codg, pay_ord_id, call_type, url, data, status, attempts, lease_until)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, 'PENDING', 1,
               date_trunc('milliseconds', clock_timestamp() + make_interval(secs => $7::double precision / 1000)))
       RETURNING id, lease_until),
     a AS (
       INSERT INTO callback_attempts (callback_id, attempt, started_at, duration_ms, success)
       SELECT id, 1, clock_timestamp(), NULL, NULL FROM c RETURNING id)
     SELECT c.id, c.lease_until, a.id AS attempt_id FROM c, a`,
    [...params, d.leaseMs],
  );
  const id = Number(r!.id);
  // The data as a claim would read it back (undefined fields dropped), so both paths seal the same.
  d.queued.push({ ...row, data: JSON.parse(json) as Record<string, unknown>, id, attemptId: Number(r!.attempt_id), lease_until: new Date(r!.lease_until), attempts: 1, leasedAt });
  return id;
}

/** Queues the 6302 of a settled order; no-op for an app without notifyUrl. Returns the row id. */
export async function enqueueCallback(tx: Queryable, app: AppConfig, order: OrderRow): Promise<number | undefined> {
  if (!app.notifyUrl) return undefined;
  return enqueue(tx, { app_id: app.appId, pay_ord_id: order.payOrdId, call_type: '02', url: app.notifyUrl, data: callbackData(order) }, order.orgCodg);
}

/**
 * The channel's payment notification to the HIS (face-one-code-pay.txt 4.1 step 15) rides the same
 * outbox as 6302, as call_type `CHNL`: written in the transaction that records the payment, retried
 * on the same schedule, visible to the operator. The fields are stored unsigned and signed at each
 * attempt (protocol/channel.ts) with a fresh timestamp.
 */
export const CHANNEL_NOTIFY = 'CHNL';

export async function enqueueChannelNotify(tx: Queryable, app: AppConfig, payOrdId: string, url: string, fields: Record<string, unknown>): Promise<number> {
  return enqueue(tx, { app_id: app.appId, pay_ord_id: payOrdId, call_type: CHANNEL_NOTIFY, url, data: fields }, app.orgCodg);
}
