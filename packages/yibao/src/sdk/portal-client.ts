import { ErrorCode } from '../protocol/errors.js';
import { stringifyWire } from '../protocol/json.js';
import { openPortalResponse, sealPortalRequest } from '../protocol/portal.js';
import type { EncType, SignType } from '../protocol/signer.js';
import { getTxn, toWire } from '../spec/index.js';
import type { PushMsgInput, PushMsgOutput, VerificationDrugInput, VerificationDrugOutput } from '../spec/types.generated.js';
import { YibaoApiError } from './errors.js';
import { newTraceId, openReply, post, UniqueSealer, validateBeforeSend } from './transport.js';

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
  /** Shared by clients made per request (the bridge), so that none of them repeats a signData. */
  sealer?: UniqueSealer;
}

const PEER = '区域医保支付门户';

export class PortalClient {
  private readonly sealer: UniqueSealer;

  constructor(private readonly o: PortalClientOptions) {
    for (const f of ['baseUrl', 'appId', 'appKey', 'orgId'] as const) if (!o[f]) throw new TypeError(`PortalClient: ${f} is required`);
    this.sealer = o.sealer ?? new UniqueSealer();
  }

  /** 医疗消息推送 (/api/amp/hos/pushMsg). */
  pushMsg(data: PushMsgInput): Promise<PushMsgOutput> {
    return this.request('pushMsg', data as unknown as Record<string, unknown>) as unknown as Promise<PushMsgOutput>;
  }

  /** 药品核销 YM_PORTAL_008 (/api/mobile/verificationDrug). */
  verificationDrug(data: VerificationDrugInput): Promise<VerificationDrugOutput> {
    return this.request('verificationDrug', data as unknown as Record<string, unknown>) as unknown as Promise<VerificationDrugOutput>;
  }

  /** Any portal transaction; `url` overrides baseUrl + path (the MobileTrans serverAddr). */
  async request(txn: string, data: Record<string, unknown>, url?: string): Promise<Record<string, unknown>> {
    const spec = getTxn(txn);
    validateBeforeSend(txn, data);
    const traceId = newTraceId();
    const keys = { appId: this.o.appId, appSecret: this.o.appKey };
    const body = stringifyWire(await this.sealer.seal(() => sealPortalRequest(toWire(spec.input, data), keys, { orgId: this.o.orgId, ...(this.o.signType ? { signType: this.o.signType } : {}), ...(this.o.encType ? { encType: this.o.encType } : {}) })));
    const res = await post({ url: url ?? `${this.o.baseUrl.replace(/\/+$/, '')}${spec.path}`, body, txn, traceId, timeoutMs: this.o.timeoutMs ?? 15_000, peer: PEER, ...(this.o.fetch ? { fetch: this.o.fetch } : {}) });
    const opened = openReply(() => openPortalResponse(res.raw, keys, { signTypes: ['SM3', 'SM2'] }), { txn, traceId: res.traceId, raw: res.raw, status: res.status, peer: PEER });
    if (opened.code !== ErrorCode.PORTAL_OK) {
      throw new YibaoApiError({ type: 'business', code: opened.code, message: opened.message || '业务失败', txn, traceId: res.traceId, raw: res.raw, httpStatus: res.status });
    }
    return (opened.plainData ?? {}) as Record<string, unknown>;
  }
}
