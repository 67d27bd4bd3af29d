import { ErrorCode, YibaoError } from '../protocol/errors.js';
import { sealChannel, statementCsv, verifyChannel } from '../protocol/channel.js';
import { formatCompact } from '../protocol/time.js';
import { YibaoApiError } from './errors.js';
import { newTraceId, openReply, post } from './transport.js';

/**
 * The HIS's client of a payment channel's merchant API for one-code-pay (face-one-code-pay.txt 4.1
 * step 14: the self-pay order with payCert; 4.2 refunds through the channel; 4.3 the statement for
 * reconciliation). Real channels (WeChat Pay, Alipay, UnionPay) each have their own API; this one
 * speaks the simulated channels of yibao's sandbox (docs/systems.md): flat JSON, `sign` = SM3 over
 * the v2.0.1 sign string with `&key=<appSecret>`. Every reply is verified, failures included.
 */
export interface ChannelClientOptions {
  baseUrl: string;
  appId: string;
  appSecret: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface ChannelPayResult {
  status: 'SUCC' | 'FAIL' | 'EXP';
  tradeNo: string;
  outTradeNo: string;
  amount: string;
  chnlType: string;
  payOrdId: string;
  message?: string;
}

export interface ChannelRefundResult {
  status: 'SUCC' | 'FAIL' | 'EXP';
  refundNo: string;
  outTradeNo: string;
  outRefundNo: string;
  amount: string;
  message?: string;
}

export interface StatementLine {
  tradeNo: string;
  kind: 'PAY' | 'REFUND';
  chnlType: string;
  outTradeNo: string;
  payOrdId: string;
  amount: string;
  status: string;
  time: string;
  /** REFUND: the channel trade (tradeNo) it refunds; '' when unknown. */
  origTradeNo: string;
}

const PEER = '支付渠道';

export class ChannelClient {
  constructor(private readonly o: ChannelClientOptions) {
    for (const f of ['baseUrl', 'appId', 'appSecret'] as const) if (!o[f]) throw new TypeError(`ChannelClient: ${f} is required`);
  }

  /** 自费下单 with the payCert of 获取一码付付款凭据; outTradeNo is that request's fixmedinsTrnsSn. */
  pay(p: { payCert: string; outTradeNo: string; amount: string; notifyUrl?: string }): Promise<ChannelPayResult> {
    return this.call('channel.pay', 'POST', '/channel/pay', p) as unknown as Promise<ChannelPayResult>;
  }

  /** 退费 of (part of) a one-code-pay trade, through the channel (4.2). */
  refund(p: { outTradeNo: string; outRefundNo: string; amount: string }): Promise<ChannelRefundResult> {
    return this.call('channel.refund', 'POST', '/channel/refund', p) as unknown as Promise<ChannelRefundResult>;
  }

  /** 对账单: the institution's trades of one day (yyyy-MM-dd, Beijing time). */
  async statement(p: { date: string; chnlType?: string }): Promise<{ date: string; lines: StatementLine[] }> {
    const r = await this.call('channel.statement', 'GET', '/channel/statement', p);
    return { date: String(r.date), lines: r.lines as unknown as StatementLine[] };
  }

  /**
   * The same statement as the CSV file a reconciliation system imports, built here from the signed
   * JSON statement: the CSV the channel serves for download carries no signature, so a changed line
   * could not be told from a true one.
   */
  async statementCsv(p: { date: string; chnlType?: string }): Promise<string> {
    return statementCsv((await this.statement(p)).lines as unknown as Array<Record<string, unknown>>);
  }

  /**
   * Checks a notification the channel POSTs to the HIS (4.1 step 15) and returns its fields; throws
   * (000102) when the signature does not verify, so a forged "paid" is never believed.
   */
  verifyNotification(body: string | Record<string, unknown>): Record<string, unknown> {
    const fields = typeof body === 'string' ? (JSON.parse(body) as Record<string, unknown>) : body;
    if (fields.appId !== this.o.appId) throw new YibaoError(ErrorCode.BAD_SIGNATURE, `appId: 通知不属于本应用（${String(fields.appId)}）`, { field: 'appId' });
    verifyChannel(fields, this.o.appSecret);
    return fields;
  }

  private signed(params: Record<string, unknown>): Record<string, unknown> {
    const fields: Record<string, unknown> = { appId: this.o.appId, timestamp: formatCompact() };
    for (const [k, v] of Object.entries(params)) if (v !== undefined) fields[k] = v;
    return sealChannel(fields, this.o.appSecret);
  }

  private verified(raw: string): Record<string, unknown> {
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    if (typeof parsed.sign !== 'string') throw new YibaoError(ErrorCode.BAD_SIGNATURE, `sign: 应答未签名（${String(parsed.code ?? '')} ${String(parsed.message ?? '')}）`);
    verifyChannel(parsed, this.o.appSecret);
    return parsed;
  }

  private async call(txn: string, method: 'POST' | 'GET', path: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const signed = this.signed(params);
    const traceId = newTraceId();
    const base = `${this.o.baseUrl.replace(/\/+$/, '')}${path}`;
    const url = method === 'GET' ? `${base}?${new URLSearchParams(signed as Record<string, string>).toString()}` : base;
    const res = await post({ url, method, body: JSON.stringify(signed), txn, traceId, timeoutMs: this.o.timeoutMs ?? 15_000, peer: PEER, ...(this.o.fetch ? { fetch: this.o.fetch } : {}) });
    const answer = openReply(() => this.verified(res.raw), { txn, traceId: res.traceId, raw: res.raw, status: res.status, peer: PEER },
    );
    if (answer.status !== 'SUCC' && answer.code !== undefined) {
      throw new YibaoApiError({ type: 'business', code: String(answer.code), message: String(answer.message ?? '渠道交易失败'), txn, traceId: res.traceId, raw: res.raw, httpStatus: res.status });
    }
    return answer;
  }
}
