import { randomUUID } from 'node:crypto';
import { stringifyWire } from '../protocol/json.js';
import type { SignType } from '../protocol/signer.js';
import { openTerminalResponse, sealTerminalRequest, TERMINAL_OK, type TerminalTransType } from '../protocol/terminal.js';
import { TERMINAL_PATH, getTxn, toWire } from '../spec/index.js';
import type { AuthCheckInput, AuthCheckOutput, EcAuthInput, EcAuthOutput, SettleNotifyInput, SettleNotifyOutput } from '../spec/types.generated.js';
import { YibaoApiError } from './errors.js';
import { newTraceId, openReply, post, UniqueSealer, validateBeforeSend } from './transport.js';

/**
 * The HIS's client of a 医保业务综合服务终端 gateway (service-terminal.txt): cn.nhsa.ec.auth (face
 * scan → authNo), cn.nhsa.auth.check (authNo → e-voucher identity with ecToken) and
 * cn.nhsa.settle.notify (the result on the terminal's screen). Code 0000 is success.
 */
export interface TerminalClientOptions {
  baseUrl: string;
  appId: string;
  appSecret: string;
  /** 医保定点机构代码: the header's orgId, and the data's when left out. */
  orgId: string;
  /** With signType SM2: the institution's private key and the gateway's public key. */
  privateKey?: string;
  platformPublicKey?: string;
  signType?: SignType;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

type WithOrg<T> = Omit<T, 'orgId'> & { orgId?: string };
const PEER = '医保业务综合服务终端';

export class TerminalClient {
  private readonly sealer = new UniqueSealer();

  constructor(private readonly o: TerminalClientOptions) {
    for (const f of ['baseUrl', 'appId', 'appSecret', 'orgId'] as const) if (!o[f]) throw new TypeError(`TerminalClient: ${f} is required`);
    if (o.signType === 'SM2' && (!o.privateKey || !o.platformPublicKey)) throw new TypeError('TerminalClient: signType SM2 needs privateKey and platformPublicKey');
  }

  /** cn.nhsa.ec.auth 刷脸获取医保用户身份授权. outBizNo is generated when absent (it must be unique). */
  faceAuth(data: Omit<WithOrg<EcAuthInput>, 'outBizNo'> & { outBizNo?: string }): Promise<EcAuthOutput> {
    return this.request('cn.nhsa.ec.auth', { outBizNo: `TB${randomUUID().replace(/-/g, '').slice(0, 30)}`, ...data }) as unknown as Promise<EcAuthOutput>;
  }

  /** cn.nhsa.auth.check 获取医保用户身份信息 (by authNo). */
  authCheck(data: WithOrg<AuthCheckInput>): Promise<AuthCheckOutput> {
    return this.request('cn.nhsa.auth.check', { ...data }) as unknown as Promise<AuthCheckOutput>;
  }

  /** cn.nhsa.settle.notify 结算结果通知. */
  settleNotify(data: SettleNotifyInput): Promise<SettleNotifyOutput> {
    return this.request('cn.nhsa.settle.notify', { ...data }) as unknown as Promise<SettleNotifyOutput>;
  }

  async request(transType: TerminalTransType, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const spec = getTxn(transType);
    const data = 'orgId' in spec.input.properties && input.orgId === undefined ? { ...input, orgId: this.o.orgId } : input;
    validateBeforeSend(transType, data);
    const traceId = newTraceId();
    const keys = { appId: this.o.appId, appSecret: this.o.appSecret, ...(this.o.privateKey ? { privateKey: this.o.privateKey } : {}), ...(this.o.platformPublicKey ? { peerPublicKey: this.o.platformPublicKey } : {}) };
    const body = stringifyWire(await this.sealer.seal(() => sealTerminalRequest(transType, this.o.orgId, toWire(spec.input, data), keys, this.o.signType ? { signType: this.o.signType } : {})));
    const res = await post({ url: `${this.o.baseUrl.replace(/\/+$/, '')}${TERMINAL_PATH}`, body, txn: transType, traceId, timeoutMs: this.o.timeoutMs ?? 15_000, peer: PEER, ...(this.o.fetch ? { fetch: this.o.fetch } : {}) });
    const opened = openReply(() => openTerminalResponse(res.raw, keys, { signTypes: this.o.signType === 'SM2' ? ['SM2'] : ['SM3', 'SM2'] }), { txn: transType, traceId: res.traceId, raw: res.raw, status: res.status, peer: PEER });
    if (opened.code !== TERMINAL_OK) {
      throw new YibaoApiError({ type: 'business', code: opened.code, message: opened.message || '业务失败', txn: transType, traceId: res.traceId, raw: res.raw, httpStatus: res.status });
    }
    return opened.plainData ?? {};
  }
}
