import { fenToYuan, yuanToFen } from 'yibao/spec';
import { formatDate8, formatTime6 } from 'yibao/protocol';
import { ErrorCode, YibaoError } from 'yibao/protocol';
import type { ChannelType } from '../../upstream/types.js';
import { newId } from '../../util/ids.js';
import type { Queryable } from '../../store/store.js';
import type { TxnContext } from '../context.js';
import { text } from '../context.js';
import { business, invalid, upstream } from '../errors.js';
import { ORD_STAS_NAMES, REFUNDABLE, stateAfterRefund, type OrdStasCode } from '../ord-stas.js';
import { setCashRefundUnknown, transition, type OrderRow } from '../orders.js';
import { ownOrder, requestFingerprint, storeAnswer, storedAnswer, type TxnResult } from './common.js';
import { resolvePendingRefunds } from '../reconcile.js';

/**
 * 【6203】医保退费 (mobile-payment.txt 2.3.1.2.3). refdType ALL refunds everything that is left,
 * HI only the insurance part (fund + personal account, all or nothing: the FSI settlement is reversed
 * as a whole), CASH only cash, partially if wanted. Never more cash than was paid, counting earlier
 * refunds: the order row is locked, and a constraint backs the rule up.
 *
 * refStatus: SUCC; FAIL (nothing refunded); EXP (insurance refunded, cash failed): a later CASH refund
 * of the cash completes it (表 12 说明: 可发起退纯自费重试).
 */
/** What a 6203 means: the same appRefdSn may only repeat these (the credential may be refreshed). */
const REFUND_MONEY = ['totlRefdAmt', 'psnAcctRefdAmt', 'fundRefdAmt', 'cashRefdAmt'] as const;
const REFUND_MEANING = ['payOrdId', 'refdType', ...REFUND_MONEY, 'expContent'] as const;

/**
 * `authority`: 'institution' for a HIS's 6203 (the patient's ecToken / payAuthNo is checked);
 * 'operator' for a refund on the institution's behalf from the console or /admin (issue 13), where
 * the signed-in operator's role and the audited reason stand in for the patient's credential.
 * Everything else (money rules, idempotency, states, callbacks) is the same.
 */
export async function refundOrder(ctx: TxnContext, authority: 'institution' | 'operator' = 'institution'): Promise<TxnResult> {
  const { data, app, tx, deps, now } = ctx;
  const order = await ownOrder(tx, app, data, { forUpdate: true });
  const appRefdSn = text(data, 'appRefdSn');
  const prior = await tx.query<{ pay_ord_id: string; response: string }>(
    'SELECT pay_ord_id, response::text AS response FROM refunds WHERE org_codg = $1 AND app_refd_sn = $2',
    [app.orgCodg, appRefdSn],
  );
  const fingerprint = requestFingerprint(data, REFUND_MEANING, REFUND_MONEY);
  if (prior.length > 0) {
    if (prior[0]!.pay_ord_id === order.payOrdId) {
      // The same refund again is how a HIS asks what became of a refund answered EXP: the channel is
      // asked first, and the answer is the refund's as it stands now.
      await resolvePendingRefunds(deps, tx, order, now);
      const [latest] = await tx.query<{ response: string }>('SELECT response::text AS response FROM refunds WHERE org_codg = $1 AND app_refd_sn = $2', [app.orgCodg, appRefdSn]);
      return storedAnswer(latest!.response, { value: fingerprint, field: 'data.appRefdSn', name: '应用退款流水号' });
    }
    throw invalid('data.appRefdSn', '已用于其他订单（应用退款流水号）');
  }
  if (authority === 'institution') await checkCredential(ctx, order);
  if (!REFUNDABLE.includes(order.ordStas)) {
    throw business(`订单当前状态不能退费：ordStas=${order.ordStas} ${ORD_STAS_NAMES[order.ordStas as OrdStasCode] ?? ''}`, 'data.payOrdId');
  }

  const refdType = text(data, 'refdType');
  const refdSn = newId('RF', 10, now);
  const u = { tx, now };
  // Cash refunds the channel left unknown (EXP) are asked about first, and whatever is known now is
  // recorded (reconcile.ts). Until all are known, no more cash leaves: it may already have.
  const settledBefore = await resolvePendingRefunds(deps, tx, order, now);
  const current = settledBefore.order;
  if (settledBefore.pendingFen > 0 && refdType !== 'HI') {
    throw business(`上次自费退费 ${fenToYuan(settledBefore.pendingFen)} 元结果仍未知（渠道处理中），请稍后重试，勿另行退款`, 'data.cashRefdAmt');
  }
  const requestedCash = yuanToFen(text(data, 'cashRefdAmt') || '0');
  if (settledBefore.confirmedFen > 0 && requestedCash > current.cashPaidFen - current.cashRefundedFen) {
    // The retry the EXP answer invited, after the channel confirmed the first refund: nothing more
    // to refund. Answered (not thrown) so that what was just learnt is kept.
    const result: TxnResult = {
      data: { refdSn, hiFefdSn: '', hiTrnsDate: '', hiTrnsTime: '', refStatus: 'FAIL' },
      message: `此前结果未知的自费退款 ${fenToYuan(settledBefore.confirmedFen)} 元已由渠道确认到账，可退现金余 ${fenToYuan(current.cashPaidFen - current.cashRefundedFen)} 元，本次未退款`,
    };
    const none: RefundPlan = { hi: false, fundFen: 0, acctFen: 0, cashFen: 0, totalFen: 0 };
    await insertRefund(tx, refundRow(refdSn, order.payOrdId, app.orgCodg, appRefdSn, refdType, 'FAIL', none, false, [null, null, null, storeAnswer(result, fingerprint)]));
    return result;
  }
  const plan = planRefund(data, current, refdType);
  let hiFefdSn = '';
  let hiTrnsDate = '';
  let hiTrnsTime = '';
  if (plan.hi) {
    const rev = await upstream(() => deps.upstreams.fsi.reverseSettlement(u, { hiDocSn: current.hiDocSn! }));
    hiFefdSn = rev.hiFefdSn;
    hiTrnsDate = formatDate8(now);
    hiTrnsTime = formatTime6(now);
  }
  let cashOk = true;
  let cashUnknown = false;
  let cashMessage = '';
  if (plan.cashFen > 0) {
    const trade = await deps.upstreams.channels.refund(u, {
      chnlType: order.chnlType as ChannelType,
      payOrdId: order.payOrdId,
      orgCodg: order.orgCodg,
      amountFen: plan.cashFen,
      outRefundNo: refdSn,
    });
    cashOk = trade.status === 'SUCC';
    cashUnknown = trade.status === 'EXP';
    cashMessage = trade.message ?? trade.status;
    if (cashUnknown) await setCashRefundUnknown(tx, order.payOrdId, true);
  }
  // Cash unknown (the channel answered EXP) is not "nothing refunded": the answer says so, and the
  // next cash refund asks the channel first (above).
  const refStatus = cashOk ? 'SUCC' : plan.hi || cashUnknown ? 'EXP' : 'FAIL';
  let message: string | undefined;
  if (refStatus !== 'FAIL') {
    const hiRefunded = current.hiRefunded || plan.hi;
    const cashRefundedFen = current.cashRefundedFen + (cashOk ? plan.cashFen : 0);
    const next = stateAfterRefund({ hiRefunded, hiSettled: current.hiDocSn !== null, cashPaidFen: current.cashPaidFen, cashRefundedFen });
    await transition(tx, current, REFUNDABLE, next, { hiRefunded, cashRefundedFen }, {
      txn: '6203',
      detail: { refdSn, refdType, refStatus, fundFen: plan.fundFen, acctFen: plan.acctFen, cashFen: cashOk ? plan.cashFen : 0 },
    });
    if (refStatus === 'EXP') {
      message = cashUnknown
        ? `${plan.hi ? '医保退费成功，' : ''}自费退费结果未知（${cashMessage}）：请用原 appRefdSn 重发本请求获知结果（将先向渠道确认），勿用新流水号重复退款`
        : `医保退费成功，自费退费失败（${cashMessage}），可发起退纯自费(CASH)重试`;
    }
  } else {
    message = `自费退费失败（${cashMessage}），未退任何款项`;
  }
  const result: TxnResult = {
    // No empty extData (非必填): PHP's json_decode would read {} as [] (issue 12 §2).
    data: { refdSn, hiFefdSn, hiTrnsDate, hiTrnsTime, refStatus },
    ...(message ? { message } : {}),
  };
  // What was actually refunded: nothing for FAIL, the insurance part only for EXP (the cash retry is its own row).
  await insertRefund(tx, refundRow(refdSn, order.payOrdId, app.orgCodg, appRefdSn, refdType, refStatus, plan, cashOk, [hiFefdSn || null, hiTrnsDate || null, hiTrnsTime || null, storeAnswer(result, fingerprint)]));
  return result;
}

async function insertRefund(tx: Queryable, row: unknown[]): Promise<void> {
  await tx.query(
    `INSERT INTO refunds (refd_sn, pay_ord_id, org_codg, app_refd_sn, refd_type, totl_refd_fen, fund_refd_fen, psn_acct_refd_fen,
       cash_refd_fen, ref_status, hi_fefd_sn, hi_trns_date, hi_trns_time, response)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
    row,
  );
}

function refundRow(refdSn: string, payOrdId: string, orgCodg: string, appRefdSn: string, refdType: string, refStatus: string, plan: RefundPlan, cashOk: boolean, rest: unknown[]): unknown[] {
  const fund = refStatus === 'FAIL' ? 0 : plan.fundFen;
  const acct = refStatus === 'FAIL' ? 0 : plan.acctFen;
  const cash = cashOk ? plan.cashFen : 0;
  return [refdSn, payOrdId, orgCodg, appRefdSn, refdType, fund + acct + cash, fund, acct, cash, refStatus, ...rest];
}

interface RefundPlan {
  hi: boolean;
  fundFen: number;
  acctFen: number;
  cashFen: number;
  totalFen: number;
}

function optionalFen(data: Record<string, unknown>, field: string): number | undefined {
  const v = text(data, field);
  return v === '' ? undefined : yuanToFen(v);
}

function planRefund(data: Record<string, unknown>, order: OrderRow, refdType: string): RefundPlan {
  const fund = optionalFen(data, 'fundRefdAmt');
  const acct = optionalFen(data, 'psnAcctRefdAmt');
  const cash = yuanToFen(text(data, 'cashRefdAmt'));
  const total = yuanToFen(text(data, 'totlRefdAmt'));
  const remainingCash = order.cashPaidFen - order.cashRefundedFen;
  const hi = refdType === 'ALL' || refdType === 'HI';
  if (hi) {
    if (order.hiRefunded) throw business('医保部分已退费，剩余现金请用 refdType=CASH 退费', 'data.refdType');
    if (fund !== undefined && fund !== order.fundPayFen) {
      throw invalid('data.fundRefdAmt', `医保部分须整笔退回，应为 ${fenToYuan(order.fundPayFen)}（基金支付）`);
    }
    if (acct !== undefined && acct !== order.psnAcctPayFen) {
      throw invalid('data.psnAcctRefdAmt', `医保部分须整笔退回，应为 ${fenToYuan(order.psnAcctPayFen)}（医保个人账户支付）`);
    }
  } else if ((fund ?? 0) !== 0 || (acct ?? 0) !== 0) {
    throw invalid(fund ? 'data.fundRefdAmt' : 'data.psnAcctRefdAmt', 'refdType=CASH 时只退现金，应为 0 或不传');
  }
  if (refdType === 'ALL' && cash !== remainingCash) {
    throw invalid('data.cashRefdAmt', `refdType=ALL 应退全部剩余现金 ${fenToYuan(remainingCash)}（现金退费金额）`);
  }
  if (refdType === 'HI' && cash !== 0) throw invalid('data.cashRefdAmt', 'refdType=HI 只退医保，应为 0（现金退费金额）');
  if (refdType === 'CASH') {
    if (remainingCash <= 0) throw business('订单没有可退的现金', 'data.cashRefdAmt');
    if (cash <= 0) throw invalid('data.cashRefdAmt', '应大于 0（现金退费金额）');
    if (cash > remainingCash) {
      throw invalid('data.cashRefdAmt', `不能超过可退现金 ${fenToYuan(remainingCash)}（已付 ${fenToYuan(order.cashPaidFen)}，已退 ${fenToYuan(order.cashRefundedFen)}）`);
    }
  }
  const plan: RefundPlan = {
    hi,
    fundFen: hi ? order.fundPayFen : 0,
    acctFen: hi ? order.psnAcctPayFen : 0,
    cashFen: cash,
    totalFen: 0,
  };
  const sum = plan.fundFen + plan.acctFen + plan.cashFen;
  // 表 272 names totlRefdAmt 总退费金额 (this refund's total) but describes it as 原交易记录总金额 (the
  // original order's total). Both readings are accepted, since a HIS following either text is right;
  // anything else is refused naming both. What is recorded is what this request refunds.
  if (total !== sum && total !== order.feeSumamtFen) {
    throw invalid('data.totlRefdAmt', `应为本次退费金额 ${fenToYuan(sum)}（基金、个账与现金退费之和）或原交易总金额 ${fenToYuan(order.feeSumamtFen)}（总退费金额）`);
  }
  plan.totalFen = sum;
  return plan;
}

/**
 * 6203 needs ecToken or payAuthNo (表 272: 不可同时为空). The order's revsToken counts as an ecToken
 * for one hour after settlement (用于院内结算失败对医保的冲正授权，1小时内有效).
 */
async function checkCredential(ctx: TxnContext, order: OrderRow): Promise<void> {
  const { data, app, tx, deps, now } = ctx;
  const ecToken = text(data, 'ecToken');
  const payAuthNo = text(data, 'payAuthNo');
  const u = { tx, now };
  if (ecToken !== '') {
    if (order.revsToken !== null && ecToken === order.revsToken) {
      if (order.revsTokenExpiresAt && order.revsTokenExpiresAt.getTime() <= now.getTime()) {
        throw new YibaoError(ErrorCode.FORBIDDEN, 'revsToken 已过期（冲正授权 1 小时内有效），请使用电子凭证 ecToken 或 payAuthNo', { field: 'data.ecToken' });
      }
      return;
    }
    const person = await upstream(() => deps.upstreams.evoucher.checkEcToken(u, { ecToken, orgCodg: app.orgCodg, idNo: order.idNo }), 'data.ecToken');
    if (person.psnNo !== order.psnNo) throw new YibaoError(ErrorCode.FORBIDDEN, '电子凭证令牌不属于该订单的参保人', { field: 'data.ecToken' });
    return;
  }
  if (payAuthNo !== '') {
    await upstream(() => deps.upstreams.evoucher.checkPayAuthNo(u, { payAuthNo, psnNo: order.psnNo, orgCodg: app.orgCodg }), 'data.payAuthNo');
    await upstream(() => deps.upstreams.evoucher.consumePayAuthNo(u, payAuthNo));
    return;
  }
  throw invalid('data.ecToken', 'ecToken 与 payAuthNo 不可同时为空（电子凭证授权 Token）');
}
