import { openFsiResponse, sealFsiRequest, type FsiKeys } from '../protocol/fsi.js';
import { stringifyWire } from '../protocol/json.js';
import { FSI_PATH, ONE_CODE_INFNO, asLists, getTxn, toWire, type OneCodeInfno } from '../spec/index.js';
import type { OneCodePayCertInput, OneCodePayCertOutput, OneCodeStatusInput, OneCodeStatusOutput, Txn1101Output } from '../spec/types.generated.js';
import { YibaoApiError } from './errors.js';
import { newTraceId, openReply, post, validateBeforeSend } from './transport.js';

/**
 * The HIS's client of the 刷脸一码付 module (face-one-code-pay.txt) in the FSI envelope (ch. 3): the
 * header of 表 3 with `cainfo` = SM2 over the sorted header, `input` = {data: …}, and infcode 0/-1 in
 * reply. A refusal's err_msg starts with the response code (yibao's module: "-1 未开通一码付…");
 * it becomes a `business` YibaoApiError whose message a HIS can show to the patient.
 */
export interface OneCodeClientOptions {
  baseUrl: string;
  /** 渠道 id (app_id) and its secret (SM4 of input/output when `encrypt`). */
  appId: string;
  appSecret: string;
  /** The institution's SM2 private key (cainfo) and the module's public key (its replies' cainfo). */
  privateKey: string;
  platformPublicKey: string;
  /** 定点医药机构编号 (12 characters: it starts every msgid) and name. */
  fixmedinsCode: string;
  fixmedinsName: string;
  /** 就医地医保区划. */
  mdtrtareaAdmvs: string;
  /** 接收方系统代码, default "ONECODE". */
  recerSysCode?: string;
  /** 经办人类别 (1 经办人, 2 自助终端, 3 移动终端), 经办人 and name; default 1 / "01" / "收款员". */
  opterType?: '1' | '2' | '3';
  opter?: string;
  opterName?: string;
  /**
   * enc_type SM4 for input/output. Default true: the FSI signature (cainfo) covers the header only
   * (face-one-code-pay.txt 3.4), so a plain input or output could be changed on the way unnoticed;
   * encrypted with the app's key, it cannot be changed into anything chosen. `false` for a module that
   * only speaks plain (the spec's examples do).
   */
  encrypt?: boolean;
  /** The module's infno for its two transactions (the spec gives none; yibao's default 9701/9702). */
  infno?: Partial<OneCodeInfno>;
  /** Path of the module, default yibao's FSI path. */
  path?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

type Auto<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;
const PEER = '一码付模块';

export class OneCodeClient {
  private readonly infno: OneCodeInfno;
  private readonly keys: FsiKeys;

  constructor(private readonly o: OneCodeClientOptions) {
    for (const f of ['baseUrl', 'appId', 'appSecret', 'privateKey', 'platformPublicKey', 'fixmedinsCode', 'fixmedinsName', 'mdtrtareaAdmvs'] as const) {
      if (!o[f]) throw new TypeError(`OneCodeClient: ${f} is required`);
    }
    this.infno = { ...ONE_CODE_INFNO, ...o.infno };
    this.keys = { privateKey: o.privateKey, peerPublicKey: o.platformPublicKey, appSecret: o.appSecret };
  }

  /** 5.1.1.1 查询用户一码付状态: stasFlag 0 未签约, 1 可用, 2 已签约不可用 (abnRea says why). */
  queryOneCodeStatus(data: Auto<OneCodeStatusInput, 'orgCodg' | 'orgName'>): Promise<OneCodeStatusOutput> {
    return this.call('oneCodeStatus', this.infno.oneCodeStatus, { data: this.org(data) }) as Promise<OneCodeStatusOutput>;
  }

  /** 5.1.1.2 获取一码付付款凭据 for the cash part (ownPaySetlAmt, yuan), bound to fixmedinsTrnsSn. */
  getPayCert(data: Auto<OneCodePayCertInput, 'orgCodg' | 'orgName'>): Promise<OneCodePayCertOutput> {
    return this.call('oneCodePayCert', this.infno.oneCodePayCert, { data: this.org(data) }) as Promise<OneCodePayCertOutput>;
  }

  /** 1101 人员信息获取 (the spec's example, ch. 6). */
  personInfo(data: { psn_cert_type: string; certno: string; psn_name?: string; begntime?: string; mdtrt_cert_type?: string; mdtrt_cert_no?: string }): Promise<Txn1101Output> {
    return this.call('1101', '1101', { data }) as Promise<Txn1101Output>;
  }

  private org<T extends Record<string, unknown>>(data: T): T & { orgCodg: string; orgName: string } {
    return { orgCodg: this.o.fixmedinsCode, orgName: this.o.fixmedinsName, ...data };
  }

  private async call(txn: 'oneCodeStatus' | 'oneCodePayCert' | '1101', infno: string, input: { data: Record<string, unknown> }): Promise<unknown> {
    const spec = getTxn(txn);
    if (txn === '1101') validateBeforeSend(txn, input, 'input');
    else validateBeforeSend(txn, input.data, 'input.data');
    const traceId = newTraceId();
    const wireInput = txn === '1101' ? toWire(spec.input, input) : { data: toWire(spec.input, input.data) };
    const message = sealFsiRequest(
      {
        infno,
        mdtrtarea_admvs: this.o.mdtrtareaAdmvs,
        recer_sys_code: this.o.recerSysCode ?? 'ONECODE',
        signtype: 'SM2',
        opter_type: this.o.opterType ?? '1',
        opter: this.o.opter ?? '01',
        opter_name: this.o.opterName ?? '收款员',
        fixmedins_code: this.o.fixmedinsCode,
        fixmedins_name: this.o.fixmedinsName,
        app_id: this.o.appId,
      },
      wireInput,
      this.keys,
      { encrypt: this.o.encrypt ?? true },
    );
    const res = await post({ url: `${this.o.baseUrl.replace(/\/+$/, '')}${this.o.path ?? FSI_PATH}`, body: stringifyWire(message), txn, traceId, timeoutMs: this.o.timeoutMs ?? 15_000, peer: PEER, ...(this.o.fetch ? { fetch: this.o.fetch } : {}) });
    const opened = openReply(() => openFsiResponse(res.raw, this.keys), { txn, traceId: res.traceId, raw: res.raw, status: res.status, peer: PEER });
    if (opened.infcode !== 0) {
      // err_msg = "<code> <message>" (yibao); other modules may send the message alone.
      const m = /^(-?\d+)\s+([\s\S]*)$/.exec(opened.err_msg);
      throw new YibaoApiError({ type: 'business', code: m ? m[1]! : String(opened.infcode), message: (m ? m[2]! : opened.err_msg) || '交易失败', txn, traceId: res.traceId, raw: res.raw, httpStatus: res.status });
    }
    const out = opened.plainOutput as Record<string, unknown> | undefined;
    // The module's transactions answer {data: …} (表 2, 节点标识 data); 1101 answers its sections.
    return txn === '1101' ? asLists(spec.output, out ?? {}) : ((out?.data as Record<string, unknown> | undefined) ?? out ?? {});
  }
}
