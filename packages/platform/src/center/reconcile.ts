import type { Queryable } from '../store/store.js';
import { enqueueCallback } from './callbacks/outbox.js';
import type { AppConfig } from './config.js';
import type { CenterDeps } from './context.js';
import { upstream } from './errors.js';
import { parse } from 'lossless-json';
import { stringifyWire } from 'yibao/protocol';
import { OrdStas, stateAfterRefund, wireOrdStas } from './ord-stas.js';
import { setCashRefundUnknown, transition, type OrderRow } from './orders.js';

/**
 * An order in 异常 (14): insurance settled, the channel's answer for the cash part unknown (EXP). The
 * center asks the channel (its order query) and settles the question (docs/center.md):
 * - the cash was taken → 结算完成 (6), the 6302 callback is queued;
 * - it was not → the insurance settlement is reversed with the FSI core (balances and yearly
 *   accumulations restored) → 结算失败 (15), and the HIS may pay again with a new orgBizSer;
 * - still unknown → unchanged, asked again next time.
 * Runs inside the caller's transaction with the order locked; 6301 and the operator's
 * `POST /admin/orders/:payOrdId/reconcile` call it.
 */
export async function reconcileAbnormal(deps: CenterDeps, tx: Queryable, app: AppConfig | undefined, order: OrderRow, now: Date, txn: string): Promise<OrderRow> {
  if (order.ordStas !== OrdStas.ABNORMAL) return order;
  const u = { tx, now };
  const trade = await deps.upstreams.channels.queryPayment(u, { orgCodg: order.orgCodg, payOrdId: order.payOrdId });
  if (!trade || trade.status === 'EXP') return order;
  if (trade.status === 'SUCC') {
    const due = order.ownPayAmtFen - order.depositFen;
    const settled = await transition(tx, order, [OrdStas.ABNORMAL], OrdStas.SETTLED, { cashPaidFen: due }, { txn, detail: { reconciled: 'SUCC', tradeNo: trade.tradeNo } });
    if (app) await enqueueCallback(tx, app, settled);
    await settleStoredAnswer(deps, tx, order.payOrdId, OrdStas.SETTLED, '结算完成（渠道确认已收款）');
    return settled;
  }
  const rev = await upstream(() => deps.upstreams.fsi.reverseSettlement(u, { hiDocSn: order.hiDocSn! }));
  const reason = `自费部分支付失败（渠道确认：${trade.message ?? '支付失败'}），医保结算已冲正`;
  // As a channel FAIL during 6202 leaves it: no settlement, payable again (with a new orgBizSer).
  const cleared = { hiDocSn: null, settledAt: null, traceTime: null, hiChrgTime: null, revsToken: null, revsTokenExpiresAt: null, cashPaidFen: 0, setlType: null };
  const failed = await transition(tx, order, [OrdStas.ABNORMAL], OrdStas.FAILED, cleared, { txn, detail: { reconciled: 'FAIL', reason, tradeNo: trade.tradeNo, hiFefdSn: rev.hiFefdSn } });
  await settleStoredAnswer(deps, tx, order.payOrdId, OrdStas.FAILED, reason);
  return failed;
}

/**
 * The 6202/6205 whose answer was 14 now has an outcome: its stored answer (what a repeat of that
 * orgBizSer gets) says so from now on. Other attempts of the order keep their own answers.
 */
async function settleStoredAnswer(deps: CenterDeps, tx: Queryable, payOrdId: string, ordStas: string, message: string): Promise<void> {
  const abnormal = wireOrdStas(OrdStas.ABNORMAL, deps.config.ordStas);
  const rows = await tx.query<{ org_codg: string; org_biz_ser: string; response: string }>('SELECT org_codg, org_biz_ser, response::text AS response FROM pay_requests WHERE pay_ord_id = $1', [payOrdId]);
  for (const row of rows) {
    const stored = parse(row.response) as { data?: Record<string, unknown>; message?: string };
    if (!stored.data || String(stored.data.ordStas) !== abnormal) continue;
    const updated = { ...stored, message, data: { ...stored.data, ordStas: wireOrdStas(ordStas, deps.config.ordStas), ...(ordStas === OrdStas.FAILED ? { hiDocSn: '' } : {}) } };
    await tx.query('UPDATE pay_requests SET response = $3 WHERE org_codg = $1 AND org_biz_ser = $2', [row.org_codg, row.org_biz_ser, stringifyWire(updated)]);
  }
}

/**
 * Cash refunds the channel answered EXP (outcome unknown), asked about again (6203 and 6301 do it
 * first). What is now known is recorded once: the order's refunded cash, and the 6203 that made the
 * refund — its row and the answer a repeat of its appRefdSn gets. A one-code refund (the channel API)
 * has no 6203 row: only the order learns it. Still unknown: pendingFen, which no new cash may join.
 */
export async function resolvePendingRefunds(deps: CenterDeps, tx: Queryable, order: OrderRow, now: Date): Promise<{ order: OrderRow; pendingFen: number; confirmedFen: number }> {
  if (!order.chnlType) return { order, pendingFen: 0, confirmedFen: 0 };
  const r = await deps.upstreams.channels.resolveRefunds({ tx, now }, { orgCodg: order.orgCodg, payOrdId: order.payOrdId });
  const confirmedFen = r.resolved.filter((x) => x.status === 'SUCC').reduce((a, x) => a + x.amountFen, 0);
  let current = order;
  if (r.pendingFen === 0 && order.cashRefundUnknown) {
    await setCashRefundUnknown(tx, order.payOrdId, false);
    current = { ...order, cashRefundUnknown: false };
  }
  if (confirmedFen > 0) {
    const cashRefundedFen = Math.min(order.cashPaidFen, order.cashRefundedFen + confirmedFen);
    const next = stateAfterRefund({ hiRefunded: order.hiRefunded, hiSettled: order.hiDocSn !== null, cashPaidFen: order.cashPaidFen, cashRefundedFen });
    current = await transition(tx, current, [current.ordStas], next, { cashRefundedFen }, { txn: 'refund-resolve', detail: { confirmedFen } });
  }
  for (const x of r.resolved) {
    // Only the center's own refunds (6203, no original trade named) have a refunds row; a one-code
    // refund's outRefundNo is the HIS's and may look like anything.
    if (x.origTradeNo) continue;
    const rows = await tx.query<{ refd_sn: string; fund_refd_fen: number; psn_acct_refd_fen: number; response: string }>(
      'SELECT refd_sn, fund_refd_fen, psn_acct_refd_fen, response::text AS response FROM refunds WHERE refd_sn = $1 AND pay_ord_id = $2',
      [x.outRefundNo, order.payOrdId],
    );
    const row = rows[0];
    if (!row) continue;
    const hiFen = Number(row.fund_refd_fen) + Number(row.psn_acct_refd_fen);
    const stored = parse(row.response) as { data: Record<string, unknown>; message?: string; _request?: string };
    // SUCC: the cash went; FAIL: it did not — with the insurance part refunded that is EXP (a CASH
    // retry completes it), without it FAIL (nothing refunded).
    const status = x.status === 'SUCC' ? 'SUCC' : hiFen > 0 ? 'EXP' : 'FAIL';
    const message = x.status === 'SUCC' ? '自费退费已由渠道确认到账' : hiFen > 0 ? '医保退费成功，自费退费经渠道确认失败，可发起退纯自费(CASH)重试' : '自费退费经渠道确认失败，未退任何款项';
    const cash = x.status === 'SUCC' ? x.amountFen : 0;
    await tx.query('UPDATE refunds SET ref_status = $2, cash_refd_fen = $3, totl_refd_fen = $4, response = $5 WHERE refd_sn = $1', [
      row.refd_sn,
      status,
      cash,
      hiFen + cash,
      stringifyWire({ ...stored, message, data: { ...stored.data, refStatus: status } }),
    ]);
  }
  return { order: current, pendingFen: r.pendingFen, confirmedFen };
}
