import type { ChannelType, DeferredWrite, FeeLine, UpstreamContext } from '../upstream/types.js';
import { yuanToFen } from 'yibao/spec';
import { ErrorCode, YibaoError, formatCompact, formatTime6 } from 'yibao/protocol';
import { newId, newToken } from '../util/ids.js';
import type { CenterDeps } from './context.js';
import type { AppConfig } from './config.js';
import type { Queryable } from '../store/store.js';
import { upstream } from './errors.js';
import { enqueueCallback } from './callbacks/outbox.js';
import { OrdStas, PAYABLE } from './ord-stas.js';
import { transition, type OrderRow } from './orders.js';

/** revsToken: 用于院内结算失败对医保的冲正授权, 1小时内有效 (6301 表 275, 6302 表 20). */
export const REVS_TOKEN_TTL_MS = 3600_000;

export interface SettleParams {
  txn: string;
  /** Who collects the cash part: a payment channel through the center (6202, 6205), or the HIS itself after 6204 (cashier mode). */
  cash: { by: 'channel'; chnlType: ChannelType } | { by: 'his'; chnlType: string };
  acctUsedFlag: string;
  depositFen: number;
  payAuthNo?: string;
  /**
   * The cash part (ownPayAmt, fen) the patient confirmed on a page (cashier, 6205). When the
   * settlement's differs (the personal account was spent by another order meanwhile), nothing is
   * settled or charged: AmountChangedError, and the page asks again (issue 11).
   */
  confirmedOwnPayFen?: number;
}

/** The settlement's cash part is not the one the patient confirmed; the caller's transaction must roll back. */
export class AmountChangedError extends Error {
  constructor(readonly now: { ownPayAmtFen: number; psnAcctPayFen: number; fundPayFen: number; othFeeAmtFen: number; medfeeSumamtFen: number }) {
    super('现金支付金额已变化，需参保人重新确认');
    this.name = 'AmountChangedError';
  }
}

export interface SettleOutcome {
  order: OrderRow;
  /** Set when the channel refused the cash part and the insurance settlement was reversed. */
  failure?: string;
}

/**
 * Settles a pre-settled order inside the caller's transaction: FSI settlement (2207), then the cash
 * part through the channel. A channel FAIL leaves the order in 结算失败 (15) with nothing settled and
 * the payAuthNo unspent; EXP keeps the insurance settled and marks the order 异常 (14) for the
 * operator to reconcile with the channel's statement (docs/center.md).
 *
 * The caller holds the order locked (read FOR UPDATE). Round trips (docs/performance.md): the
 * e-voucher's consumption and the FSI core's settlement writes are handed over through
 * `UpstreamContext.defer` (their simulations do; a real adapter acts at once) and run in the last
 * statement, which moves the order 预结算完成 → 支付中 → final state (both events) together with
 * `final`'s writes (6202: its stored answer). A channel FAIL drops them: what a rollback to a
 * savepoint taken before them did, without the SAVEPOINT statement on every payment. So a normal
 * settlement is the FSI read, the channel's trade and that statement (plus the callback's INSERT).
 */
export async function settleOrder(
  deps: CenterDeps,
  tx: Queryable,
  app: AppConfig,
  order: OrderRow,
  p: SettleParams,
  now: Date,
  final?: (predicted: OrderRow, failure?: string) => Array<DeferredWrite & { field?: string }>,
): Promise<SettleOutcome> {
  // Callers check under the lock; this keeps the old first transition's refusal before anything runs.
  if (!PAYABLE.includes(order.ordStas)) throw new YibaoError(ErrorCode.BUSINESS, `订单状态已变化，请查询后重试：payOrdId=${order.payOrdId}`, { field: 'data.payOrdId' });
  const deferred: Array<DeferredWrite & { field?: string }> = [];
  const ctx = (field?: string): UpstreamContext => ({ tx, now, defer: (w) => void deferred.push({ ...w, ...(field ? { field } : {}) }) });
  const u = { tx, now };
  const via = { to: OrdStas.SETTLING, event: { txn: p.txn } };
  // The authorisation is spent before any money moves: of two payments racing on one payAuthNo the
  // second is refused (-4), at the latest in the last statement, which then rolls everything back.
  if (p.payAuthNo) await upstream(() => deps.upstreams.evoucher.consumePayAuthNo(ctx('data.payAuthNo'), p.payAuthNo!), 'data.payAuthNo');
  const upload = order.upload as Record<string, unknown>;
  const feeLines = feeLinesOf(upload);
  const setl = await upstream(() =>
    deps.upstreams.fsi.settle(ctx(), {
      payOrdId: order.payOrdId,
      mdtrtId: String(upload._fsiMdtrtId ?? order.mdtrtId),
      psnNo: order.psnNo,
      insutype: order.insutype,
      medType: order.medType,
      admdvs: order.insuplcAdmdvs,
      lines: feeLines,
      acctUsedFlag: p.acctUsedFlag,
    }),
  );
  // Before any money moves through a channel; the thrown error rolls the caller's transaction back.
  if (p.confirmedOwnPayFen !== undefined && p.confirmedOwnPayFen !== setl.ownPayAmtFen) throw new AmountChangedError(setl);
  const depositUsed = Math.min(p.depositFen, setl.ownPayAmtFen);
  const collect = setl.ownPayAmtFen - depositUsed;
  let cashPaid = 0;
  let state: string = p.cash.by === 'his' && collect > 0 ? OrdStas.HI_PAID : OrdStas.SETTLED;
  if (p.cash.by === 'channel' && collect > 0) {
    const trade = await deps.upstreams.channels.pay(u, {
      chnlType: p.cash.chnlType,
      payOrdId: order.payOrdId,
      orgCodg: order.orgCodg,
      amountFen: collect,
      outTradeNo: newId('PAY', 8, now),
    });
    if (trade.status === 'FAIL') {
      // The deferred writes are dropped: no settlement, the payAuthNo unspent.
      const reason = `自费部分支付失败（${p.cash.chnlType}：${trade.message ?? '渠道拒绝'}），医保结算已冲正`;
      const changes = { acctUsedFlag: p.acctUsedFlag };
      const failed = await transition(tx, order, PAYABLE, OrdStas.FAILED, changes, { txn: p.txn, detail: { reason, tradeNo: trade.tradeNo } }, {
        via,
        also: final ? final({ ...order, ...changes, ordStas: OrdStas.FAILED }, reason) : [],
      });
      return { order: failed, failure: reason };
    }
    if (trade.status === 'EXP') state = OrdStas.ABNORMAL;
    else cashPaid = collect;
  }
  const changes = {
    acctUsedFlag: p.acctUsedFlag,
    feeSumamtFen: setl.medfeeSumamtFen,
    fundPayFen: setl.fundPayFen,
    psnAcctPayFen: setl.psnAcctPayFen,
    ownPayAmtFen: setl.ownPayAmtFen,
    othFeeAmtFen: setl.othFeeAmtFen,
    depositFen: depositUsed,
    cashPaidFen: cashPaid,
    setlType: p.cash.by === 'his' || setl.ownPayAmtFen === 0 ? 'HI' : 'ALL',
    chnlType: p.cash.chnlType,
    hiDocSn: setl.hiDocSn,
    hiChrgTime: formatTime6(setl.setlTime),
    traceTime: formatCompact(now),
    settledAt: now,
    revsToken: newToken('RV'),
    revsTokenExpiresAt: new Date(now.getTime() + REVS_TOKEN_TTL_MS),
    breakdown: setl,
  };
  const settled = await transition(
    tx,
    order,
    PAYABLE,
    state,
    changes,
    { txn: p.txn, detail: { hiDocSn: setl.hiDocSn, cashPaidFen: cashPaid, chnlType: p.cash.chnlType } },
    { via, also: [...deferred, ...(final ? final({ ...order, ...changes, ordStas: state }) : [])] },
  );
  // The pipeline wakes the callback worker after the commit.
  if (state !== OrdStas.ABNORMAL) await enqueueCallback(tx, app, settled);
  return { order: settled };
}

/** The fee lines of the stored 6201 upload, as the FSI core takes them. */
export function feeLinesOf(upload: Record<string, unknown>): FeeLine[] {
  return ((upload.feedetailList as Array<Record<string, unknown>>) ?? []).map((l) => ({
    feedetlSn: String(l.feedetlSn ?? ''),
    medListCodg: String(l.medListCodg ?? ''),
    medinsListCodg: String(l.medinsListCodg ?? ''),
    medListName: String(l.medListName ?? ''),
    cnt: String(l.cnt),
    pric: String(l.pric),
    detItemFeeSumamtFen: yuanToFen(String(l.detItemFeeSumamt)),
  }));
}
