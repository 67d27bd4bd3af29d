import type { Queryable } from '../store/store.js';
import { enqueueCallback } from './callbacks/outbox.js';
import type { AppConfig } from './config.js';
import type { CenterDeps } from './context.js';
import { upstream } from './errors.js';
import { OrdStas } from './ord-stas.js';
import { transition, type OrderRow } from './orders.js';

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
    return settled;
  }
  const rev = await upstream(() => deps.upstreams.fsi.reverseSettlement(u, { hiDocSn: order.hiDocSn! }));
  const reason = `自费部分支付失败（渠道确认：${trade.message ?? '支付失败'}），医保结算已冲正`;
  // As a channel FAIL during 6202 leaves it: no settlement, payable again (with a new orgBizSer).
  const cleared = { hiDocSn: null, settledAt: null, traceTime: null, hiChrgTime: null, revsToken: null, revsTokenExpiresAt: null, cashPaidFen: 0, setlType: null };
  return transition(tx, order, [OrdStas.ABNORMAL], OrdStas.FAILED, cleared, { txn, detail: { reconciled: 'FAIL', reason, tradeNo: trade.tradeNo, hiFefdSn: rev.hiFefdSn } });
}
