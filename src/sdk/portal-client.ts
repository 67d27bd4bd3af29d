import { randomUUID } from 'node:crypto';
import { ErrorCode, YibaoError } from '../protocol/errors.js';
import { stringifyWire } from '../protocol/json.js';
import { openPortalResponse, sealPortalRequest } from '../protocol/portal.js';
import type { EncType, SignType } from '../protocol/signer.js';
import { getTxn, toWire, validateTxn } from '../spec/index.js';
import type { PushMsgInput, PushMsgOutput, VerificationDrugInput, VerificationDrugOutput } from '../spec/portal.js';
import { YibaoApiError } from './errors.js';

/**
 * The client of a regional payment portal (regional-payment-portal.txt): SM3 signatures and SM4
 * encryption with appId/appKey, the portal's response codes (000000 = success).
 */
export interface PortalClientOptions {
  baseUrl: string;
  appId: string;
  /** appKey (应用秘钥). */
  appKey: string;
  /** 平台给机构分配的机构ID. */
  orgId: string;
  signType?: SignType;
  encType?: EncType;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export class PortalClient {
  constructor(private readonly o: PortalClientOptions) {
    for (const f of ['baseUrl', 'appId', 'appKey', 'orgId'] as const) if (!o[f]) throw new TypeError(`PortalClient: ${f} is required`);
  }

  /** 医疗消息推送 (/api/amp/hos/pushMsg). */
  pushMsg(data: PushMsgInput): Promise<PushMsgOutput> {
    return this.request('pushMsg', data as unknown as Record<string, unknown>) as Promise<PushMsgOutput>;
  }

  /** 药品核销 YM_PORTAL_008 (/api/mobile/verificationDrug). */
  verificationDrug(data: VerificationDrugInput): Promise<VerificationDrugOutput> {
    return this.request('verificationDrug', data as unknown as Record<string, unknown>) as Promise<VerificationDrugOutput>;
  }

  /** Any portal transaction; `url` overrides baseUrl + path (the MobileTrans serverAddr). */
  async request(txn: string, data: Record<string, unknown>, url?: string): Promise<Record<string, unknown>> {
    const spec = getTxn(txn);
    const traceId = `sdk-${randomUUID()}`;
    const issues = validateTxn(txn, 'input', data);
    if (issues.length > 0) {
      throw new YibaoApiError({ type: 'validation', code: ErrorCode.INVALID_PARAM, message: issues.map((i) => i.message).join('；'), txn, traceId, issues });
    }
    const keys = { appId: this.o.appId, appSecret: this.o.appKey };
    const body = stringifyWire(sealPortalRequest(toWire(spec.input, data), keys, { orgId: this.o.orgId, ...(this.o.signType ? { signType: this.o.signType } : {}), ...(this.o.encType ? { encType: this.o.encType } : {}) }));
    let raw: string;
    let status: number;
    try {
      const res = await (this.o.fetch ?? fetch)(url ?? `${this.o.baseUrl.replace(/\/+$/, '')}${spec.path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': traceId },
        body,
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 15_000),
      });
      status = res.status;
      raw = await res.text();
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      throw new YibaoApiError({ type: 'transport', code, message: `无法连接区域医保支付门户（${code}）`, txn, traceId, cause: err });
    }
    let opened;
    try {
      opened = openPortalResponse(raw, keys);
    } catch (err) {
      const e = err as YibaoError;
      const type = e instanceof YibaoError && e.code === ErrorCode.BAD_SIGNATURE ? 'signature' : 'protocol';
      throw new YibaoApiError({ type, code: e instanceof YibaoError ? e.code : ErrorCode.UNKNOWN, message: `${type === 'signature' ? '响应签名验证失败' : '无法解析门户响应'}：${e.message}`, txn, traceId, raw, httpStatus: status });
    }
    if (opened.code !== ErrorCode.PORTAL_OK) {
      throw new YibaoApiError({ type: 'business', code: opened.code, message: opened.message || '业务失败', txn, traceId, raw, httpStatus: status });
    }
    return (opened.plainData ?? {}) as Record<string, unknown>;
  }
}
