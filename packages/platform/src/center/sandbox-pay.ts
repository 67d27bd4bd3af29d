import { build6204Redirect, openCashierLaunchParams } from 'yibao/protocol';
import { openWithRotation } from './apps.js';
import { checkCashierChnlType } from './cashier-channel.js';
import { YibaoError, ErrorCode } from 'yibao/protocol';
import { yuanToFen } from 'yibao/spec';
import type { CenterDeps } from './context.js';
import { money } from './context.js';
import type { AppConfig } from './config.js';
import { upstream } from './errors.js';
import { OrdStas, PAYABLE } from './ord-stas.js';
import { loadOrder, rowToOrder, type OrderRow } from './orders.js';
import { settleOrder } from './settle.js';

/**
 * The two pages the center serves to the patient: the 6205 bank-card page and the cashier
 * (收银台, 3.1.2.1.5.1). Each confirms a payment and settles the order like 6202 does.
 */
export async function loadBankPaySession(deps: CenterDeps, payOrdId: string, token: string): Promise<{ order: OrderRow; session: { pageToken: string; payAuthNo: string; acctUsedFlag: string } }> {
  const rows = await deps.store.query<{ session: { pageToken: string; payAuthNo: string; acctUsedFlag: string } }>(
    `SELECT session FROM pay_requests WHERE pay_ord_id = $1 AND txn = '6205' AND session->>'pageToken' = $2`,
    [payOrdId, token],
  );
  if (rows.length === 0) throw new YibaoError(ErrorCode.FORBIDDEN, '银行卡支付地址无效或已过期');
  const orders = await deps.store.query('SELECT * FROM orders WHERE pay_ord_id = $1', [payOrdId]);
  return { order: rowToOrder(orders[0]!), session: rows[0]!.session };
}

/**
 * The patient confirmed the bank-card payment of `confirmedOwnPayFen` (the cash part the page showed).
 * The card is charged exactly that, or nothing: a different settlement amount throws
 * AmountChangedError and the page asks again.
 */
export async function confirmBankPay(deps: CenterDeps, app: AppConfig, payOrdId: string, token: string, confirmedOwnPayFen?: number): Promise<OrderRow> {
  const { session } = await loadBankPaySession(deps, payOrdId, token);
  const now = deps.clock();
  const order = await deps.store.transaction(async (tx) => {
    const o = await loadOrder(tx, payOrdId, app.orgCodg, { forUpdate: true });
    if (!PAYABLE.includes(o.ordStas)) return o; // paid already: show the result
    await upstream(() => deps.upstreams.evoucher.checkPayAuthNo({ tx, now }, { payAuthNo: session.payAuthNo, psnNo: o.psnNo, orgCodg: app.orgCodg }));
    const out = await settleOrder(deps, tx, app, o, { txn: '6205', cash: { by: 'channel', chnlType: 'BANK' }, acctUsedFlag: session.acctUsedFlag, depositFen: 0, payAuthNo: session.payAuthNo, ...(confirmedOwnPayFen !== undefined ? { confirmedOwnPayFen } : {}) }, now);
    return out.order;
  });
  deps.notifyCallbacks();
  return order;
}

export type CashierChannelType = 'WX' | 'ALI' | 'UP' | 'BANK';

/** The channels an app's cashier offers (config `channels`), default all four in the usual order. */
export function cashierChannels(app: AppConfig): CashierChannelType[] {
  return app.channels && app.channels.length > 0 ? [...app.channels] : ['WX', 'ALI', 'UP', 'BANK'];
}

export interface CashierLaunch {
  app: AppConfig;
  order: OrderRow;
  payAuthNo: string;
  depositFen: number;
}

/**
 * Opens the cashier's launch parameters: chnlEncData is SM4 under the app's key (3.1.2.1.5.1) — during
 * an appSecret rotation's overlap, the current secret's or the previous one's (docs/apps.md). The
 * launch keeps the secret that opened it, so the 6204 back to the HIS is sealed with the secret it uses.
 */
export async function openCashier(deps: CenterDeps, configured: AppConfig | undefined, payOrdId: string, chnlEncData: string): Promise<CashierLaunch> {
  if (!configured) throw new YibaoError(ErrorCode.UNKNOWN_APP, 'chnlAppId: 应用信息不存在');
  const { opened: params, keys: app } = openWithRotation(configured, deps.clock(), (k) => openCashierLaunchParams(k.appId, chnlEncData, k.appSecret));
  const payAuthNo = typeof params.payAuthNo === 'string' ? params.payAuthNo : '';
  if (!payAuthNo) throw new YibaoError(ErrorCode.INVALID_PARAM, 'chnlEncData.payAuthNo: 必填（支付授权码）');
  const depositFen = params.deposit === undefined || params.deposit === null || params.deposit === '' ? 0 : yuanToFen(String(params.deposit));
  const order = await loadOrder(deps.store, payOrdId, app.orgCodg);
  return { app, order, payAuthNo, depositFen };
}

/**
 * The patient confirms in the cashier and picks a channel: the center settles the insurance part,
 * then redirects to the HIS with 6204 (医保订单信息同步); the HIS collects the cash itself.
 */
export async function cashierPay(deps: CenterDeps, launch: CashierLaunch, chnlType: string, confirmedOwnPayFen?: number): Promise<string> {
  const { app } = launch;
  chnlType = checkCashierChnlType(app, chnlType);
  if (!app.redirectUrl) throw new YibaoError(ErrorCode.SYSTEM, '该应用未配置 redirectUrl，无法完成收银台支付');
  const now = deps.clock();
  const order = await deps.store.transaction(async (tx) => {
    const o = await loadOrder(tx, launch.order.payOrdId, app.orgCodg, { forUpdate: true });
    if (!PAYABLE.includes(o.ordStas)) {
      if (o.ordStas === OrdStas.HI_PAID || o.ordStas === OrdStas.SETTLED) return o;
      throw new YibaoError(ErrorCode.BUSINESS, `订单当前状态不能支付：ordStas=${o.ordStas}`);
    }
    await upstream(() => deps.upstreams.evoucher.checkPayAuthNo({ tx, now }, { payAuthNo: launch.payAuthNo, psnNo: o.psnNo, orgCodg: app.orgCodg }));
    const out = await settleOrder(deps, tx, app, o, { txn: '6204', cash: { by: 'his', chnlType }, acctUsedFlag: o.acctUsedFlag, depositFen: launch.depositFen, payAuthNo: launch.payAuthNo, ...(confirmedOwnPayFen !== undefined ? { confirmedOwnPayFen } : {}) }, now);
    return out.order;
  });
  deps.notifyCallbacks();
  // 表 13: every input field of 6204.
  const data = {
    payOrdId: order.payOrdId,
    medOrgOrd: order.medOrgOrd,
    feeSumamt: money(order.feeSumamtFen),
    ownPayAmt: money(order.ownPayAmtFen),
    psnAcctPay: money(order.psnAcctPayFen),
    fundPay: money(order.fundPayFen),
    othFeeAmt: money(order.othFeeAmtFen),
    deposit: money(order.depositFen),
    // 表 14: merchantNo/terminalNo/isvNo when the app has them; otherwise none (表 13: extData 非必填).
    ...(app.unionPay ? { extData: { merchantNo: app.unionPay.merchantNo, terminalNo: app.unionPay.terminalNo, isvNo: app.unionPay.isvNo } } : {}),
  };
  return build6204Redirect(app.redirectUrl, app, data, chnlType);
}
