import { ErrorCode, YibaoError } from '../protocol/errors.js';
import { sealChannel, verifyChannel } from '../protocol/channel.js';
import { formatCompact, requireWireTime } from '../protocol/time.js';
import { fenToYuan, yuanToFen } from '../spec/money.js';
import { UpstreamError, type ChannelType } from '../upstream/types.js';
import { randomUUID } from 'node:crypto';
import type { AppConfig } from './config.js';
import { asYibaoError } from './errors.js';
import type { CenterDeps } from './context.js';
import type { Gate } from './gate.js';
import { OrdStas, stateAfterRefund } from './ord-stas.js';
import { loadOrder, transition } from './orders.js';

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
  private async answer(body: Record<string, unknown>, fn: (app: AppConfig) => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
    let app: AppConfig | undefined;
    try {
      app = this.gate.require(typeof body.appId === 'string' ? body.appId : undefined);
      this.gate.admit(app);
      verifyChannel(body, app.appSecret);
      requireWireTime(body.timestamp, 'timestamp');
      return sealChannel({ appId: app.appId, ...(await fn(app)) }, app.appSecret);
    } catch (err) {
      const e = asYibaoError(err, this.deps.log, randomUUID(), { system: 'channel' });
      const fail = { status: 'FAIL', code: e.code, message: e.message, timestamp: formatCompact(this.deps.clock()) };
      return app ? sealChannel({ appId: app.appId, ...fail }, app.appSecret) : fail;
    }
  }

  pay(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.answer(body, (app) => this.payFor(app, body));
  }

  private async payFor(app: AppConfig, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const now = this.deps.clock();
    const payCert = String(body.payCert ?? '');
    const outTradeNo = String(body.outTradeNo ?? '');
    if (!payCert) throw new YibaoError(ErrorCode.INVALID_PARAM, 'payCert: 必填（付款凭据）', { field: 'payCert' });
    if (!outTradeNo) throw new YibaoError(ErrorCode.INVALID_PARAM, 'outTradeNo: 必填（商户订单号，即 fixmedinsTrnsSn）', { field: 'outTradeNo' });
    const amountFen = yuanToFen(String(body.amount ?? ''));
    const result = await this.deps.store.transaction(async (tx) => {
      const trade = await channelCall(() => this.deps.upstreams.channels.payWithCert({ tx, now }, { payCert, orgCodg: app.orgCodg, amountFen, outTradeNo }));
      // Step 15, the module's side: the cash part is in, the order pending it is complete (ordStas 4 → 6).
      if (trade.status === 'SUCC' && !trade.repeated && trade.payOrdId) {
        const order = await loadOrder(tx, trade.payOrdId, app.orgCodg, { forUpdate: true });
        if (order.ordStas === OrdStas.HI_PAID) {
          await transition(tx, order, [OrdStas.HI_PAID], OrdStas.SETTLED, { cashPaidFen: order.cashPaidFen + amountFen, chnlType: trade.chnlType, setlType: 'ALL' }, { txn: 'onecode', detail: { tradeNo: trade.tradeNo, payCert: `${payCert.slice(0, 6)}…` } });
        }
      }
      return trade;
    });
    const answer = { outTradeNo, tradeNo: result.tradeNo, amount: fenToYuan(amountFen), status: result.status, chnlType: result.chnlType, payOrdId: result.payOrdId ?? '', timestamp: formatCompact(now), ...(result.message ? { message: result.message } : {}) };
    if (result.status === 'SUCC' && !result.repeated && typeof body.notifyUrl === 'string' && body.notifyUrl) {
      this.notify(String(body.notifyUrl), sealChannel({ appId: app.appId, ...answer, event: 'PAY' }, app.appSecret));
    }
    return answer;
  }

  refund(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.answer(body, (app) => this.refundFor(app, body));
  }

  private async refundFor(app: AppConfig, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const now = this.deps.clock();
    const outTradeNo = String(body.outTradeNo ?? '');
    const outRefundNo = String(body.outRefundNo ?? '');
    if (!outTradeNo || !outRefundNo) throw new YibaoError(ErrorCode.INVALID_PARAM, 'outTradeNo/outRefundNo: 必填');
    const amountFen = yuanToFen(String(body.amount ?? ''));
    const result = await this.deps.store.transaction(async (tx) => {
      const cert = await this.deps.upstreams.channels.findCertTrade({ tx, now }, { orgCodg: app.orgCodg, outTradeNo });
      if (!cert) throw new YibaoError(ErrorCode.BUSINESS, `原交易不存在：outTradeNo=${outTradeNo}`);
      const trade = await this.deps.upstreams.channels.refund({ tx, now }, { chnlType: cert.chnlType, payOrdId: cert.payOrdId ?? '', orgCodg: app.orgCodg, amountFen, outRefundNo });
      if (trade.status === 'SUCC' && cert.payOrdId) {
        const order = await loadOrder(tx, cert.payOrdId, app.orgCodg, { forUpdate: true });
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
  statement(query: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.answer(query, async (app) => {
      const date = String(query.date ?? '');
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new YibaoError(ErrorCode.INVALID_PARAM, 'date: 应为 yyyy-MM-dd 格式（对账日期）', { field: 'date' });
      const chnlType = typeof query.chnlType === 'string' && query.chnlType ? (query.chnlType as ChannelType) : undefined;
      const now = this.deps.clock();
      const lines = await this.deps.store.transaction((tx) => this.deps.upstreams.channels.statement({ tx, now }, { orgCodg: app.orgCodg, date, ...(chnlType ? { chnlType } : {}) }));
      return {
        status: 'SUCC',
        date,
        count: String(lines.length),
        lines: lines.map((l) => ({ tradeNo: l.tradeNo, kind: l.kind, chnlType: l.chnlType, outTradeNo: l.outTradeNo ?? '', payOrdId: l.payOrdId, amount: fenToYuan(l.amountFen), status: l.status, time: formatCompact(l.time) })),
        timestamp: formatCompact(now),
      };
    });
  }

  /** Step 15: tell the HIS (best effort, a few tries). */
  private notify(url: string, body: Record<string, unknown>): void {
    const attempt = async (n: number): Promise<void> => {
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) });
        if (res.ok) return;
      } catch {
        // retried below
      }
      if (n < 3) setTimeout(() => void attempt(n + 1), 500 * 2 ** n).unref();
    };
    void attempt(0);
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
