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
    extData: {},
    orgCodg: order.orgCodg,
    deposit: fenToYuan(order.depositFen),
  };
}

/**
 * The transactions that queued a callback. The pipeline wakes the callback worker after the commit of
 * those only: a wake with nothing queued costs the worker a claiming transaction that finds nothing.
 */
const queuedIn = new WeakSet<Queryable>();

/** True when `tx` queued a callback (enqueueCallback, enqueueChannelNotify). */
export function callbacksQueued(tx: Queryable): boolean {
  return queuedIn.has(tx);
}

/** Queues the 6302 of a settled order; no-op for an app without notifyUrl. Returns the row id. */
export async function enqueueCallback(tx: Queryable, app: AppConfig, order: OrderRow): Promise<number | undefined> {
  if (!app.notifyUrl) return undefined;
  queuedIn.add(tx);
  const rows = await tx.query<{ id: number }>(
    `INSERT INTO callbacks (app_id, org_codg, pay_ord_id, call_type, url, data, status)
     VALUES ($1, $2, $3, '02', $4, $5, 'PENDING') RETURNING id`,
    [app.appId, order.orgCodg, order.payOrdId, app.notifyUrl, JSON.stringify(callbackData(order))],
  );
  return rows[0]!.id;
}

/**
 * The channel's payment notification to the HIS (face-one-code-pay.txt 4.1 step 15) rides the same
 * outbox as 6302, as call_type `CHNL`: written in the transaction that records the payment, retried
 * on the same schedule, visible to the operator. The fields are stored unsigned and signed at each
 * attempt (protocol/channel.ts) with a fresh timestamp.
 */
export const CHANNEL_NOTIFY = 'CHNL';

export async function enqueueChannelNotify(tx: Queryable, app: AppConfig, payOrdId: string, url: string, fields: Record<string, unknown>): Promise<number> {
  queuedIn.add(tx);
  const rows = await tx.query<{ id: number }>(
    `INSERT INTO callbacks (app_id, org_codg, pay_ord_id, call_type, url, data, status)
     VALUES ($1, $2, $3, $4, $5, $6, 'PENDING') RETURNING id`,
    [app.appId, app.orgCodg, payOrdId, CHANNEL_NOTIFY, url, JSON.stringify(fields)],
  );
  return rows[0]!.id;
}
