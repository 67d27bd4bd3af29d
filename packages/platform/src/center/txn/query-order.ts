import type { TxnContext } from '../context.js';
import { money } from '../context.js';
import { OrdStas, wireOrdStas } from '../ord-stas.js';
import { expectPatient, expectSame, ownOrder, type TxnResult } from './common.js';
import { reconcileAbnormal, resolvePendingRefunds } from '../reconcile.js';
import { callbacksQueued } from '../callbacks/outbox.js';

/**
 * 【6301】医保订单结算结果查询 (mobile-payment.txt 2.3.1.3.1, 表 275). Fields that only exist after
 * settlement (traceTime, hiDocSn, revsToken, hiChrgTime) are empty strings before it.
 */
export async function queryOrder(ctx: TxnContext): Promise<TxnResult> {
  const { data, app, tx, deps, now } = ctx;
  // One statement, outside a transaction (pipeline.ts AUTOCOMMIT): 6301 is polled, and a row lock
  // would be a write. The order is locked (and read again) only when there is something to settle.
  let order = await ownOrder(tx, app, data, { withoutUpload: true });
  expectSame(data, 'payToken', order.payToken, '支付 token');
  expectPatient(data, order);
  // The HIS polls 6301 when no callback arrives: an order left 异常 by the channel is settled now,
  // and a cash refund the channel left unknown (the order's cash_refund_unknown, set in the
  // transaction that got EXP) is asked about again — both in a transaction of their own, under the
  // order's lock.
  if (order.ordStas === OrdStas.ABNORMAL || order.cashRefundUnknown) {
    const settled = await deps.store.transaction(async (locking) => {
      const locked = await ownOrder(locking, app, data, { forUpdate: true });
      const after = (await resolvePendingRefunds(deps, locking, await reconcileAbnormal(deps, locking, app, locked, now, '6301'), now)).order;
      return { after, queued: callbacksQueued(locking) };
    });
    order = settled.after;
    if (settled.queued) deps.notifyCallbacks();
  }
  const settled = order.hiDocSn !== null;
  return {
    data: {
      ordStas: wireOrdStas(order.ordStas, deps.config.ordStas),
      payOrdId: order.payOrdId,
      callType: settled ? '02' : '',
      medOrgOrd: order.medOrgOrd,
      traceTime: order.traceTime ?? '',
      orgCodg: order.orgCodg,
      orgName: order.orgName,
      setlType: order.setlType ?? '',
      feeSumamt: money(order.feeSumamtFen),
      ownPayAmt: money(order.ownPayAmtFen),
      psnAcctPay: money(order.psnAcctPayFen),
      fundPay: money(order.fundPayFen),
      revsToken: order.revsToken ?? '',
      // extData (表 278, 非必填) is left out rather than sent empty: PHP's json_decode turns {} into [].
      deposit: money(order.depositFen),
      hiChrgTime: order.hiChrgTime ?? '',
      hiDocSn: order.hiDocSn ?? '',
      hiRgstSn: order.hiRgstSn,
      ecCode: order.ecCode ?? '',
    },
  };
}
