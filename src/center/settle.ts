import type { ChannelType, FeeLine } from '../upstream/types.js';
import { yuanToFen } from 'yibao/spec';
import { formatCompact, formatTime6 } from 'yibao/protocol';
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
}

export interface SettleOutcome {
  order: OrderRow;
  /** Set when the channel refused the cash part and the insurance settlement was reversed. */
  failure?: string;
}

/**
 * Settles a pre-settled order inside the caller's transaction: FSI settlement (2207), then the cash
 * part through the channel. A channel FAIL rolls the FSI settlement back to a savepoint and leaves
 * the order in 结算失败 (15); EXP keeps the insurance settled and marks the order 异常 (14) for the
 * operator to reconcile with the channel's statement (docs/center.md).
 */
export async function settleOrder(deps: CenterDeps, tx: Queryable, app: AppConfig, order: OrderRow, p: SettleParams, now: Date): Promise<SettleOutcome> {
  const u = { tx, now };
  const settling = await transition(tx, order, PAYABLE, OrdStas.SETTLING, { acctUsedFlag: p.acctUsedFlag }, { txn: p.txn });
  await tx.query('SAVEPOINT yb_settle');
  // The authorisation is spent before any money moves, and inside the savepoint: of two payments
  // racing on one payAuthNo the second is refused here (-4); a channel FAIL below gives it back.
  if (p.payAuthNo) await upstream(() => deps.upstreams.evoucher.consumePayAuthNo(u, p.payAuthNo!), 'data.payAuthNo');
  const upload = settling.upload as Record<string, unknown>;
  const feeLines = feeLinesOf(upload);
  const setl = await upstream(() =>
    deps.upstreams.fsi.settle(u, {
      payOrdId: settling.payOrdId,
      mdtrtId: String(upload._fsiMdtrtId ?? settling.mdtrtId),
      psnNo: settling.psnNo,
      insutype: settling.insutype,
      medType: settling.medType,
      admdvs: settling.insuplcAdmdvs,
      lines: feeLines,
      acctUsedFlag: p.acctUsedFlag,
    }),
  );
  const depositUsed = Math.min(p.depositFen, setl.ownPayAmtFen);
  const collect = setl.ownPayAmtFen - depositUsed;
  let cashPaid = 0;
  let state: string = p.cash.by === 'his' && collect > 0 ? OrdStas.HI_PAID : OrdStas.SETTLED;
  if (p.cash.by === 'channel' && collect > 0) {
    const trade = await deps.upstreams.channels.pay(u, {
      chnlType: p.cash.chnlType,
      payOrdId: settling.payOrdId,
      orgCodg: settling.orgCodg,
      amountFen: collect,
      outTradeNo: newId('PAY', 8, now),
    });
    if (trade.status === 'FAIL') {
      await tx.query('ROLLBACK TO SAVEPOINT yb_settle');
      const reason = `自费部分支付失败（${p.cash.chnlType}：${trade.message ?? '渠道拒绝'}），医保结算已冲正`;
      const failed = await transition(tx, settling, [OrdStas.SETTLING], OrdStas.FAILED, {}, { txn: p.txn, detail: { reason, tradeNo: trade.tradeNo } });
      return { order: failed, failure: reason };
    }
    if (trade.status === 'EXP') state = OrdStas.ABNORMAL;
    else cashPaid = collect;
  }
  // The savepoint is not released: COMMIT ends it, and a RELEASE would be one more round trip.
  const settled = await transition(
    tx,
    settling,
    [OrdStas.SETTLING],
    state,
    {
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
    },
    { txn: p.txn, detail: { hiDocSn: setl.hiDocSn, cashPaidFen: cashPaid, chnlType: p.cash.chnlType } },
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
