import { yuanToFen } from 'yibao/spec';
import type { ChannelType } from '../../upstream/types.js';
import { newToken } from '../../util/ids.js';
import type { TxnContext } from '../context.js';
import { money, text } from '../context.js';
import { business, invalid, upstream } from '../errors.js';
import { ORD_STAS_NAMES, OrdStas, PAYABLE, wireOrdStas, type OrdStasCode } from '../ord-stas.js';
import { orderColumns, orderNotFound, rowToOrder, sameOrg, type OrderRow } from '../orders.js';
import type { DeferredWrite } from '../../upstream/types.js';
import { stringifyWire } from 'yibao/protocol';
import { settleOrder } from '../settle.js';
import { expContent, expectSame, requestFingerprint, storeAnswer, storedAnswer, type TxnResult } from './common.js';

const CHANNELS: readonly string[] = ['WX', 'ALI', 'UP', 'BANK'];

/**
 * Checks shared by 【6202】支付下单 and 【6205】银行卡支付下单: the order is this institution's and
 * payable, the tokens are the upload's, and payAuthNo belongs to the order's person (6205 重点说明:
 * 支付授权码与定单号必须归属为同一用户).
 */
/** What a 6202/6205 means: the same orgBizSer may only repeat these (payAuthNo may be refreshed). */
function payFingerprint(data: Record<string, unknown>): string {
  return requestFingerprint(data, ['payOrdId', 'payToken', 'chrgBchno', 'feeType', 'mdtrtId', 'deposit', 'expContent', 'acctUsedFlag'], ['deposit']);
}

async function checkPayRequest(ctx: TxnContext, txn: '6202' | '6205'): Promise<{ order: OrderRow; prior?: TxnResult }> {
  const { data, app, tx, deps, now } = ctx;
  const payOrdId = text(data, 'payOrdId');
  if ('orgCodg' in data && text(data, 'orgCodg') !== app.orgCodg) throw orderNotFound(payOrdId);
  const orgBizSer = text(data, 'orgBizSer');
  // One statement: the order, locked; the orgBizSer claimed for it (a row the answer fills in at the
  // end, in the same transaction: a failing request leaves none); and an earlier request's row.
  // The claim waits for a concurrent request with the same orgBizSer and then claims nothing; its
  // row is not in this statement's snapshot, so only then is it read again, by a second statement.
  const rows = await tx.query<Record<string, unknown> & { yb_claimed: number; yb_prior_txn: string | null; yb_prior_ord: string | null; yb_prior_response: string | null }>(
    `WITH claim AS (
       INSERT INTO pay_requests (org_codg, org_biz_ser, txn, pay_ord_id, response)
       SELECT org_codg, $3, $4, pay_ord_id, '{}'::jsonb FROM orders WHERE pay_ord_id = $1 AND ${sameOrg('', '$2')}
       ON CONFLICT (org_codg, org_biz_ser) DO NOTHING RETURNING 1)
     SELECT ${orderColumns('o')}, (SELECT count(*) FROM claim)::int AS yb_claimed,
       r.txn AS yb_prior_txn, r.pay_ord_id AS yb_prior_ord, r.response::text AS yb_prior_response
     FROM orders o LEFT JOIN pay_requests r ON r.org_codg = $2 AND r.org_biz_ser = $3
     WHERE o.pay_ord_id = $1 AND ${sameOrg('o.', '$2')} FOR UPDATE OF o`,
    [payOrdId, app.orgCodg, orgBizSer, txn],
  );
  if (rows.length === 0) throw orderNotFound(payOrdId);
  const order = rowToOrder(rows[0]!);
  if (Number(rows[0]!.yb_claimed) === 0) {
    let prior = rows[0]!.yb_prior_ord === null ? undefined : { txn: rows[0]!.yb_prior_txn!, pay_ord_id: rows[0]!.yb_prior_ord, response: rows[0]!.yb_prior_response! };
    if (!prior) {
      const again = await tx.query<{ txn: string; pay_ord_id: string; response: string }>(
        'SELECT txn, pay_ord_id, response::text AS response FROM pay_requests WHERE org_codg = $1 AND org_biz_ser = $2',
        [app.orgCodg, orgBizSer],
      );
      prior = again[0];
    }
    // orgBizSer is unique: the same business request repeated gets the same answer and pays once;
    // the same key with other content is refused. An answer of 14 (异常) is brought up to date when
    // the order is reconciled (reconcile.ts), so a repeat learns that attempt's outcome.
    if (prior && prior.pay_ord_id === order.payOrdId && prior.txn === txn) {
      return { order, prior: storedAnswer(prior.response, { value: payFingerprint(data), field: 'data.orgBizSer', name: '业务流水号' }) };
    }
    throw invalid('data.orgBizSer', '已用于其他订单或交易（业务流水号，每一次请求唯一）');
  }
  expectSame(data, 'payToken', order.payToken, '支付订单对应的 token');
  if (txn === '6202') {
    expectSame(data, 'chrgBchno', order.chrgBchno, '收费批次号');
    expectSame(data, 'feeType', text(order.upload, 'feeType'), '费用类别');
    const mdtrtId = text(data, 'mdtrtId');
    if (mdtrtId !== order.mdtrtId && mdtrtId !== text(order.upload, '_fsiMdtrtId')) {
      throw invalid('data.mdtrtId', '与费用上传时的不一致（就诊事件 ID，见 6201 出参 extData.mdtrtId）');
    }
  }
  if (!PAYABLE.includes(order.ordStas)) {
    throw business(`订单当前状态不能支付：ordStas=${order.ordStas} ${ORD_STAS_NAMES[order.ordStas as OrdStasCode] ?? ''}`, 'data.payOrdId');
  }
  await upstream(
    () => deps.upstreams.evoucher.checkPayAuthNo({ tx, now }, { payAuthNo: text(data, 'payAuthNo'), psnNo: order.psnNo, orgCodg: app.orgCodg }),
    'data.payAuthNo',
  );
  return { order };
}

/** The answer filled into the row checkPayRequest claimed, as a write of its own or a part of the settlement's last statement. */
function answerWrite(ctx: TxnContext, result: TxnResult, session?: unknown): DeferredWrite {
  return {
    sql: 'UPDATE pay_requests SET response = $3::jsonb, session = $4::jsonb WHERE org_codg = $1 AND org_biz_ser = $2 RETURNING 1',
    params: [ctx.app.orgCodg, text(ctx.data, 'orgBizSer'), storeAnswer(result, payFingerprint(ctx.data)), session === undefined ? null : JSON.stringify(session)],
  };
}

async function remember(ctx: TxnContext, result: TxnResult, session?: unknown): Promise<void> {
  const w = answerWrite(ctx, result, session);
  const rows = await ctx.tx.query(w.sql, w.params);
  if (rows.length === 0) throw new Error('pay_requests: the claimed row is missing');
}

export function payOutput(order: OrderRow, overrides?: Record<string, string>) {
  return {
    payOrdId: order.payOrdId,
    ordStas: wireOrdStas(order.ordStas, overrides),
    feeSumamt: money(order.feeSumamtFen),
    ownPayAmt: money(order.ownPayAmtFen),
    psnAcctPay: money(order.psnAcctPayFen),
    fundPay: money(order.fundPayFen),
    deposit: money(order.depositFen),
    extData: { hiDocSn: order.hiDocSn ?? '', setlType: order.setlType ?? '', chnlType: order.chnlType ?? '' },
    othFeeAmt: money(order.othFeeAmtFen),
  };
}

/** 【6202】支付下单 (mobile-payment.txt 2.3.1.2.2), no-cashier mode: settle now, take the cash part. */
export async function payOrder(ctx: TxnContext): Promise<TxnResult> {
  const { data, app, deps, tx, now } = ctx;
  const { order, prior } = await checkPayRequest(ctx, '6202');
  if (prior) return prior;
  const ext = expContent(data);
  const chnlType = text(ext, 'chnlType') || 'WX';
  if (!CHANNELS.includes(chnlType)) throw invalid('data.expContent', `chnlType 应为 WX/ALI/UP/BANK 之一（扩展数据）`);
  // yibao extension (docs/center.md): expContent {"ownPayBy":"HIS"} settles the insurance part only;
  // the institution collects the cash itself — one-code-pay's 先医保后自费 (face-one-code-pay.txt 4.1).
  const ownPayBy = text(ext, 'ownPayBy').toUpperCase();
  if (ownPayBy !== '' && ownPayBy !== 'HIS' && ownPayBy !== 'CENTER') throw invalid('data.expContent', 'ownPayBy 应为 HIS 或 CENTER（扩展数据）');
  // The answer is stored by the settlement's last statement, made from the order it will write;
  // the order that statement returns must give the same answer (checked below, before the commit).
  const answer = (o: OrderRow, failure?: string): TxnResult => {
    const r: TxnResult = { data: payOutput(o, deps.config.ordStas) };
    if (failure) r.message = failure;
    else if (o.ordStas === OrdStas.ABNORMAL) r.message = '自费部分支付结果未知，订单异常，请稍后查询(6301)';
    return r;
  };
  let stored: TxnResult | undefined;
  const outcome = await settleOrder(
    deps,
    tx,
    app,
    order,
    {
      txn: '6202',
      cash: ownPayBy === 'HIS' ? { by: 'his', chnlType: text(ext, 'chnlType') || 'HIS' } : { by: 'channel', chnlType: chnlType as ChannelType },
      acctUsedFlag: text(data, 'acctUsedFlag') || order.acctUsedFlag,
      depositFen: data.deposit === undefined || data.deposit === '' ? 0 : yuanToFen(text(data, 'deposit')),
      payAuthNo: text(data, 'payAuthNo'),
    },
    now,
    (predicted, failure) => {
      stored = answer(predicted, failure);
      return [answerWrite(ctx, stored)];
    },
  );
  const result = answer(outcome.order, outcome.failure);
  if (stringifyWire(result) !== stringifyWire(stored!)) throw new Error(`6202 ${order.payOrdId}: the stored answer is not the one given`);
  return result;
}

/**
 * 【6205】银行卡支付下单 (mobile-payment.txt 2.3.1.2.5): answers the address of the bank-card page;
 * the sandbox serves that page, and paying on it settles the order with channel BANK.
 */
export async function bankCardPay(ctx: TxnContext): Promise<TxnResult> {
  const { data, deps } = ctx;
  const { order, prior } = await checkPayRequest(ctx, '6205');
  if (prior) return prior;
  const pageToken = newToken('BK');
  const url = `${deps.publicUrl}/medBankPay?payOrdId=${encodeURIComponent(order.payOrdId)}&token=${pageToken}`;
  const result: TxnResult = { data: { medBankPayUrl: url, } };
  await remember(ctx, result, {
    pageToken,
    payAuthNo: text(data, 'payAuthNo'),
    acctUsedFlag: order.acctUsedFlag,
  });
  return result;
}
