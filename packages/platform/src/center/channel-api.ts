import { ErrorCode, YibaoError } from 'yibao/protocol';
import { openWithRotation } from './apps.js';
import { refusedUrl } from './outbound.js';
import { sealChannel, verifyChannel } from 'yibao/protocol';
import { formatCompact, requireWireTime } from 'yibao/protocol';
import { fenToYuan } from 'yibao/spec';
import { UpstreamError, type ChannelType } from '../upstream/types.js';
import { randomUUID } from 'node:crypto';
import type { AppConfig } from './config.js';
import { asYibaoError, positiveFen } from './errors.js';
import type { CenterDeps } from './context.js';
import type { Gate } from './gate.js';
import { ORD_STAS_NAMES, OrdStas, stateAfterRefund, type OrdStasCode } from './ord-stas.js';
import { loadOrder, setCashRefundUnknown, transition } from './orders.js';
import { enqueueChannelNotify } from './callbacks/outbox.js';

/**
 * The simulated channels' merchant API (docs/systems.md): the HIS's self-pay order with payCert
 * (4.1 step 14), refunds (4.2) and the statement for reconciliation (4.3). A successful payment also
 * informs the module (the payCert is used) and completes the order whose cash part was pending
 * (ordStas 4 → 6), then notifies the HIS at its notifyUrl (step 15).
 */
export class ChannelApi {
  constructor(
    private readonly deps: CenterDeps,
    private readonly gate: Gate,
  ) {}

  /**
   * Every answer is signed with the app's secret once the app is known, failures included (status
   * FAIL with the code and message), so a HIS never has to act on an unsigned reply.
   */
  private async answer(body: Record<string, unknown>, source: string | undefined, fn: (app: AppConfig) => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
    let app: AppConfig | undefined;
    try {
      const appId = typeof body.appId === 'string' ? body.appId : undefined;
      app = appId ? this.gate.app(appId) : undefined;
      app = this.gate.require(appId);
      // During an appSecret rotation's overlap the previous secret verifies too, and the answer is
      // signed with the secret the request used (docs/apps.md).
      app = openWithRotation(app, this.deps.clock(), (k) => verifyChannel(body, k.appSecret)).keys;
      // A signed request is good for the replay window only (±5 minutes by default). Within it a
      // repeat is harmless — pay and refund answer the same trade for the same outTradeNo/outRefundNo —
      // so no signature is remembered.
      await this.gate.admitVerified(app, { timestamp: requireWireTime(body.timestamp, 'timestamp'), now: this.deps.clock() });
      return sealChannel({ appId: app.appId, ...(await fn(app)) }, app.appSecret);
    } catch (err) {
      const e = asYibaoError(err, this.deps.log, randomUUID(), { system: 'channel' });
      const fail = { status: 'FAIL', code: e.code, message: e.message, timestamp: formatCompact(this.deps.clock()) };
      return app ? sealChannel({ appId: app.appId, ...fail }, app.appSecret) : fail;
    }
  }

  pay(body: Record<string, unknown>, source?: string): Promise<Record<string, unknown>> {
    return this.answer(body, source, (app) => this.payFor(app, body));
  }

  private async payFor(app: AppConfig, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const now = this.deps.clock();
    const payCert = String(body.payCert ?? '');
    const outTradeNo = String(body.outTradeNo ?? '');
    if (!payCert) throw new YibaoError(ErrorCode.INVALID_PARAM, 'payCert: 必填（付款凭据）', { field: 'payCert' });
    if (!outTradeNo) throw new YibaoError(ErrorCode.INVALID_PARAM, 'outTradeNo: 必填（商户订单号，即 fixmedinsTrnsSn）', { field: 'outTradeNo' });
    const amountFen = positiveFen(body.amount, 'amount', '支付金额');
    const notifyUrl = typeof body.notifyUrl === 'string' ? body.notifyUrl : '';
    if (notifyUrl && !/^https?:\/\/\S+$/.test(notifyUrl)) throw new YibaoError(ErrorCode.INVALID_PARAM, 'notifyUrl: 应为 http(s) 地址（支付结果通知地址）', { field: 'notifyUrl' });
    // SSRF (issue 14 point 11): refused at once, not retried against an internal address for days.
    const refused = notifyUrl && this.deps.outbound ? await refusedUrl(this.deps.outbound, notifyUrl) : undefined;
    if (refused) throw new YibaoError(ErrorCode.INVALID_PARAM, `notifyUrl: 不允许的通知地址（${refused}）`, { field: 'notifyUrl' });
    let queued = false;
    const answer = await this.deps.store.transaction(async (tx) => {
      // The order the credential was issued for must still be waiting for exactly this cash (ordStas 4):
      // not paid with another credential, refunded or revoked since. Locked, so two credentials of one
      // order paid at once are taken one after the other and the second is refused.
      const bound = await this.deps.upstreams.channels.certOrder({ tx, now }, { payCert, orgCodg: app.orgCodg });
      // (A used credential is answered by the channel itself: the same order again, or 已使用.)
      if (bound?.payOrdId && !bound.used) {
        const order = await loadOrder(tx, bound.payOrdId, app.orgCodg, { forUpdate: true });
        const repeat = await this.deps.upstreams.channels.findCertTrade({ tx, now }, { orgCodg: app.orgCodg, outTradeNo });
        if (!repeat && order.ordStas !== OrdStas.HI_PAID) {
          throw new YibaoError(ErrorCode.FORBIDDEN, `付款凭据已作废：订单 ${order.payOrdId} 不在待付现金状态（ordStas=${order.ordStas} ${ORD_STAS_NAMES[order.ordStas as OrdStasCode] ?? ''}），请勿重复收款`);
        }
      }
      const trade = await channelCall(() => this.deps.upstreams.channels.payWithCert({ tx, now }, { payCert, orgCodg: app.orgCodg, amountFen, outTradeNo }));
      // Step 15, the module's side: the cash part is in, the order pending it is complete (ordStas 4 → 6).
      if (trade.status === 'SUCC' && !trade.repeated && trade.payOrdId) {
        const order = await loadOrder(tx, trade.payOrdId, app.orgCodg, { forUpdate: true });
        if (order.ordStas === OrdStas.HI_PAID) {
          await transition(tx, order, [OrdStas.HI_PAID], OrdStas.SETTLED, { cashPaidFen: order.cashPaidFen + amountFen, chnlType: trade.chnlType, setlType: 'ALL' }, { txn: 'onecode', detail: { tradeNo: trade.tradeNo, payCert: `${payCert.slice(0, 6)}…` } });
        }
      }
      const fields = { outTradeNo, tradeNo: trade.tradeNo, amount: fenToYuan(amountFen), status: trade.status, chnlType: trade.chnlType, payOrdId: trade.payOrdId ?? '', timestamp: formatCompact(now), ...(trade.message ? { message: trade.message } : {}) };
      // Step 15, the HIS's side: queued with the payment, so a committed payment is always notified,
      // retried until the HIS acknowledges it, and never notified twice for a repeated request.
      if (trade.status === 'SUCC' && !trade.repeated && notifyUrl) {
        await enqueueChannelNotify(tx, app, trade.payOrdId ?? '', notifyUrl, { appId: app.appId, ...fields, event: 'PAY' });
        queued = true;
      }
      return fields;
    });
    if (queued) this.deps.notifyCallbacks();
    return answer;
  }

  refund(body: Record<string, unknown>, source?: string): Promise<Record<string, unknown>> {
    return this.answer(body, source, (app) => this.refundFor(app, body));
  }

  private async refundFor(app: AppConfig, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const now = this.deps.clock();
    const outTradeNo = String(body.outTradeNo ?? '');
    const outRefundNo = String(body.outRefundNo ?? '');
    if (!outTradeNo) throw new YibaoError(ErrorCode.INVALID_PARAM, 'outTradeNo: 必填（原商户订单号）', { field: 'outTradeNo' });
    if (!outRefundNo) throw new YibaoError(ErrorCode.INVALID_PARAM, 'outRefundNo: 必填（商户退款单号）', { field: 'outRefundNo' });
    const amountFen = positiveFen(body.amount, 'amount', '退款金额');
    const result = await this.deps.store.transaction(async (tx) => {
      const cert = await this.deps.upstreams.channels.findCertTrade({ tx, now }, { orgCodg: app.orgCodg, outTradeNo });
      if (!cert) throw new YibaoError(ErrorCode.BUSINESS, `原交易不存在：outTradeNo=${outTradeNo}`, { field: 'outTradeNo' });
      // The order is locked before the channel is asked, as 6203 does: a one-code refund and a 6203
      // cash refund of the same order run one after the other and see each other's refunds.
      const order = cert.payOrdId ? await loadOrder(tx, cert.payOrdId, app.orgCodg, { forUpdate: true }) : undefined;
      const trade = await this.deps.upstreams.channels.refund({ tx, now }, { chnlType: cert.chnlType, payOrdId: cert.payOrdId ?? '', orgCodg: app.orgCodg, amountFen, outRefundNo, origTradeNo: cert.tradeNo });
      if (trade.repeated && trade.amountFen !== undefined && trade.amountFen !== amountFen) {
        throw new YibaoError(ErrorCode.INVALID_PARAM, `outRefundNo: 已用于金额 ${fenToYuan(trade.amountFen)} 元的退款，新的退款请使用新的退款单号`, { field: 'outRefundNo' });
      }
      if (trade.status === 'EXP' && order) await setCashRefundUnknown(tx, order.payOrdId, true);
      // A repeat is the earlier refund: counted when it succeeded (here, or by resolvePendingRefunds).
      if (trade.status === 'SUCC' && !trade.repeated && order) {
        const cashRefundedFen = Math.min(order.cashPaidFen, order.cashRefundedFen + amountFen);
        const next = stateAfterRefund({ hiRefunded: order.hiRefunded, hiSettled: order.hiDocSn !== null, cashPaidFen: order.cashPaidFen, cashRefundedFen });
        if (next !== order.ordStas || cashRefundedFen !== order.cashRefundedFen) {
          await transition(tx, order, [order.ordStas], next, { cashRefundedFen }, { txn: 'onecode-refund', detail: { tradeNo: trade.tradeNo } });
        }
      }
      return trade;
    });
    return { outTradeNo, outRefundNo, refundNo: result.tradeNo, amount: fenToYuan(amountFen), status: result.status, timestamp: formatCompact(now), ...(result.message ? { message: result.message } : {}) };
  }

  /** One day's trades of the institution (4.3 对账), signed like every answer. */
  statement(query: Record<string, unknown>, source?: string): Promise<Record<string, unknown>> {
    return this.answer(query, source, async (app) => {
      const date = String(query.date ?? '');
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new YibaoError(ErrorCode.INVALID_PARAM, 'date: 应为 yyyy-MM-dd 格式（对账日期）', { field: 'date' });
      const chnlType = typeof query.chnlType === 'string' && query.chnlType ? (query.chnlType as ChannelType) : undefined;
      const now = this.deps.clock();
      const lines = await this.deps.store.transaction((tx) => this.deps.upstreams.channels.statement({ tx, now }, { orgCodg: app.orgCodg, date, ...(chnlType ? { chnlType } : {}) }));
      return {
        status: 'SUCC',
        date,
        count: String(lines.length),
        lines: lines.map((l) => ({ tradeNo: l.tradeNo, kind: l.kind, chnlType: l.chnlType, outTradeNo: l.outTradeNo ?? '', payOrdId: l.payOrdId, amount: fenToYuan(l.amountFen), status: l.status, time: formatCompact(l.time), origTradeNo: l.origTradeNo ?? '' })),
        timestamp: formatCompact(now),
      };
    });
  }
}

/** The channel's refusals, as the codes a HIS acts on: credential problems -4, wrong amount or serial 000105. */
async function channelCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof UpstreamError)) throw err;
    const field = err.code === 'AMOUNT_MISMATCH' ? 'amount' : err.code === 'TRNS_MISMATCH' ? 'outTradeNo' : undefined;
    throw new YibaoError(field ? ErrorCode.INVALID_PARAM : err.code.startsWith('CERT_') ? ErrorCode.FORBIDDEN : ErrorCode.BUSINESS, err.message, { cause: err, ...(field ? { field } : {}) });
  }
}
