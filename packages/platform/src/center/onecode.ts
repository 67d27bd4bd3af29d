import { randomUUID } from 'node:crypto';
import { openWithRotation } from './apps.js';
import { ErrorCode, YibaoError } from 'yibao/protocol';
import { openFsiRequest, parseFsiMessage, sealFsiResponse, type FsiKeys } from 'yibao/protocol';
import { isPlainObject, parseWireObject, type WireObject, type WireText } from 'yibao/protocol';
import { parseWireTime } from 'yibao/protocol';
import { ONE_CODE_INFNO, type OneCodeInfno } from 'yibao/spec';
import { fenToYuan } from 'yibao/spec';
import type { OneCodeSigning, PersonConfig, PersonInfo1101 } from '../upstream/types.js';
import { LosslessNumber } from 'lossless-json';
import { maskName, maskPhone } from '../util/mask.js';
import type { AppConfig } from './config.js';
import type { CenterDeps } from './context.js';
import { asYibaoError, positiveFen, requireValid, upstream } from './errors.js';
import type { Gate } from './gate.js';
import { OrdStas } from './ord-stas.js';

/**
 * The 刷脸一码付 module (face-one-code-pay.txt) and the FSI person query it leans on, behind one
 * FSI-style path in the FSI envelope (ch. 3): infno 1101 人员信息获取, 9701 查询用户一码付状态, 9702
 * 获取一码付付款凭据 (the spec numbers neither; docs/systems.md). A refusal is infcode -1 with an
 * err_msg a HIS can show the patient, prefixed by the response code.
 *
 * payCert (4.1 steps 7–13): the token is checked with the e-voucher center (valid, not expired, not a
 * 亲情代展码), the channel is asked for the user's status, the amount is checked against the order's
 * pending cash part, the channel's risk check runs, and the credential is single-use, bound to the
 * amount and fixmedinsTrnsSn, and expires.
 */
export const DEFAULT_PAY_CERT_TTL_SECONDS = 300;

const CHANNEL_NAMES: Record<string, string> = { WX: '微信支付', ALI: '支付宝', UP: '云闪付', BANK: '银行卡' };

class Refusal extends YibaoError {}

function refuse(message: string, code: string = ErrorCode.BUSINESS): Refusal {
  return new Refusal(code, message);
}

export class OneCodeModule {
  constructor(
    private readonly deps: CenterDeps,
    private readonly gate: Gate,
    private readonly platformPrivateKey: string,
  ) {}

  /** The module's infno (config `oneCode.infno`, default 9701/9702). */
  get infno(): OneCodeInfno {
    return { ...ONE_CODE_INFNO, ...this.deps.config.oneCode?.infno };
  }

  private get payCertTtlMs(): number {
    return (this.deps.config.oneCode?.payCertTtlSeconds ?? DEFAULT_PAY_CERT_TTL_SECONDS) * 1000;
  }

  async handle(rawBody: WireText, source?: string): Promise<{ body: WireObject; traceId: string; infcode: number }> {
    const traceId = randomUUID();
    const now = this.deps.clock();
    let app: AppConfig | undefined;
    let encrypt = false;
    let admdvs = this.deps.config.platform?.admdvs ?? '000000';
    try {
      const message = parseFsiMessage(parseWireObject(rawBody, 'FSI 报文'));
      encrypt = typeof message.enc_type === 'string' && message.enc_type.toUpperCase() === 'SM4';
      const appId = typeof message.app_id === 'string' && message.app_id ? message.app_id : undefined;
      const orgCodg = typeof message.fixmedins_code === 'string' ? message.fixmedins_code : '';
      app = appId ? this.gate.app(appId) : this.gate.byOrg(orgCodg);
      app = appId ? this.gate.require(appId, 'app_id') : app;
      if (!app) throw new YibaoError(ErrorCode.UNKNOWN_APP, `fixmedins_code: 应用信息不存在（${orgCodg}）`, { field: 'fixmedins_code' });
      // During a rotation's overlap the previous appSecret or public key opens it too; the answer is
      // sealed with the secret the request used (docs/apps.md).
      const rotated = openWithRotation(app, now, (k) => openFsiRequest(message, { appSecret: k.appSecret, ...(k.publicKey ? { peerPublicKey: k.publicKey } : {}), signTypes: [k.signType ?? 'SM2'] } satisfies FsiKeys));
      const opened = rotated.opened;
      app = rotated.keys;
      if (opened.header.fixmedins_code !== app.orgCodg) throw new YibaoError(ErrorCode.INVALID_PARAM, 'fixmedins_code: 与应用所属机构不符（定点医药机构编号）', { field: 'fixmedins_code' });
      if (typeof opened.header.mdtrtarea_admvs === 'string') admdvs = opened.header.mdtrtarea_admvs;
      // msgid names one message (3.1: 机构编码+时间+顺序号); cainfo, whatever its spelling, cannot make it new.
      await this.gate.admitVerified(app, { timestamp: parseWireTime(opened.header.inf_time)!, now, signature: `fsi:${String(opened.header.msgid)}`, timeField: 'inf_time' });
      const infno = String(opened.header.infno);
      const input = opened.plainInput as Record<string, unknown>;
      let output: unknown;
      if (infno === '1101') output = await this.personInfo(input);
      // 表 2 of both: 输出 (节点标识: data).
      else if (infno === this.infno.oneCodeStatus) output = { data: await this.status(app, this.data(input, 'oneCodeStatus')) };
      else if (infno === this.infno.oneCodePayCert) output = { data: await this.payCert(app, this.data(input, 'oneCodePayCert'), now) };
      else throw new YibaoError(ErrorCode.NOT_OPENED, `infno: 该功能未开放（${infno}）`, { field: 'infno' });
      this.deps.log.info({ traceId, infno, appId: app.appId, infcode: 0 }, 'fsi request');
      return { traceId, infcode: 0, body: sealFsiResponse({ infcode: 0, output, app_id: app.appId, admdvs }, this.keys(app), { encrypt, now }) };
    } catch (err) {
      const e = asYibaoError(err, this.deps.log, traceId, { system: 'fsi' });
      this.deps.log.info({ traceId, appId: app?.appId, code: e.code, infcode: -1 }, 'fsi request refused');
      const body = sealFsiResponse({ infcode: -1, err_msg: `${e.code} ${e.message}`, ...(app ? { app_id: app.appId } : {}), admdvs }, this.keys(app), { encrypt: encrypt && !!app, now });
      return { traceId, infcode: -1, body };
    }
  }

  private keys(app: AppConfig | undefined): FsiKeys {
    return { privateKey: this.platformPrivateKey, ...(app ? { appSecret: app.appSecret } : {}) };
  }

  /** input = {data: {...}} (6.1); validated against the catalogue entry. */
  private data(input: Record<string, unknown>, txn: 'oneCodeStatus' | 'oneCodePayCert'): Record<string, unknown> {
    const data = isPlainObject(input?.data) ? (input.data as Record<string, unknown>) : input;
    requireValid(txn, data, 'input.data');
    return data;
  }

  private async personInfo(input: Record<string, unknown>): Promise<unknown> {
    requireValid('1101', input, 'input');
    const d = input.data as Record<string, unknown>;
    const now = this.deps.clock();
    return asExample1101(await this.deps.store.transaction((tx) =>
      upstream(() =>
        this.deps.upstreams.fsi.getPersonInfo(
          { tx, now },
          { certno: String(d.certno), psnCertType: String(d.psn_cert_type), ...(d.psn_name ? { psnName: String(d.psn_name) } : {}) },
        ),
      ),
    ));
  }

  /** Steps 8–9: the token (valid, this institution's, not a 亲情代展码), then the user's status with the channel. */
  private async person(app: AppConfig, token: string, now: Date): Promise<{ person: PersonConfig; signing: OneCodeSigning | undefined }> {
    return this.deps.store.transaction(async (tx) => {
      const person = await upstream(() => this.deps.upstreams.evoucher.checkEcToken({ tx, now }, { ecToken: token, orgCodg: app.orgCodg }));
      if (person.tokenProxy) throw refuse('亲情代展码不可使用一码付：请参保人本人刷脸或展码', ErrorCode.FORBIDDEN);
      const signing = await upstream(() => this.deps.upstreams.channels.oneCodeSigning({ tx, now }, { psnNo: person.psnNo }));
      return { person, signing };
    });
  }

  private async status(app: AppConfig, data: Record<string, unknown>): Promise<unknown> {
    if (data.orgCodg !== app.orgCodg) throw new YibaoError(ErrorCode.INVALID_PARAM, 'input.data.orgCodg: 与应用所属机构不符（定点医药机构代码）', { field: 'input.data.orgCodg' });
    const { signing } = await this.person(app, String(data.token), this.deps.clock());
    // 表 2 marks all four fields Y (非空): a HIS that checks the table gets a value in each, also where
    // there is nothing to report — '无' when the service is usable, '未签约' when no channel is signed.
    if (!signing) return { stasFlag: '0', abnRea: '未开通一码付', payChnlUserName: '未签约', payChnlName: '未签约' };
    const enabled = signing.status === 'ENABLED';
    return {
      stasFlag: enabled ? '1' : '2',
      abnRea: enabled ? '无' : signing.abnRea || '一码付已停用',
      payChnlUserName: signing.payChnlUserName,
      payChnlName: CHANNEL_NAMES[signing.chnlType] ?? signing.chnlType,
    };
  }

  /** Steps 7–13. */
  private async payCert(app: AppConfig, data: Record<string, unknown>, now: Date): Promise<unknown> {
    if (data.orgCodg !== app.orgCodg) throw new YibaoError(ErrorCode.INVALID_PARAM, 'input.data.orgCodg: 与应用所属机构不符（定点医药机构代码）', { field: 'input.data.orgCodg' });
    const amountFen = positiveFen(data.ownPaySetlAmt, 'input.data.ownPaySetlAmt', '现金支付金额');
    const trnsSn = String(data.fixmedinsTrnsSn);
    const { person, signing } = await this.person(app, String(data.token), now);
    // Step 10: an abnormal status is returned as an error the HIS shows, to guide the patient elsewhere.
    if (!signing) throw refuse('未开通一码付：请参保人在支付渠道开通一码付后重试，或改用其他方式付款');
    if (signing.status !== 'ENABLED') throw refuse(`一码付不可用：${signing.abnRea || '一码付已停用'}，请改用其他方式付款`);

    return this.deps.store.transaction(async (tx) => {
      // A serial already paid gets no second credential, whatever else holds.
      if (await this.deps.upstreams.channels.findCertTrade({ tx, now }, { orgCodg: app.orgCodg, outTradeNo: trnsSn })) {
        throw refuse(`该交易流水号已付款：fixmedinsTrnsSn=${trnsSn}`);
      }
      // The person's orders here whose insurance part is settled and whose cash part waits (ordStas 4):
      // the credential is for one of them, and its amount must be that order's cash part exactly.
      const pending = await tx.query<{ pay_ord_id: string; due: number }>(
        `SELECT pay_ord_id, own_pay_amt_fen - deposit_fen - cash_paid_fen AS due FROM orders
         WHERE psn_no = $1 AND org_codg = $2 AND ord_stas = $3 ORDER BY settled_at DESC NULLS LAST`,
        [person.psnNo, app.orgCodg, OrdStas.HI_PAID],
      );
      const order = pending.find((o) => Number(o.due) === amountFen);
      if (!order && pending.length > 0) {
        const latest = pending[0]!;
        throw refuse(`金额不符：订单 ${latest.pay_ord_id} 待付现金 ${fenToYuan(Number(latest.due))} 元，请求 ${fenToYuan(amountFen)} 元`, ErrorCode.INVALID_PARAM);
      }
      // 4.1 steps 4–5: insurance is settled first and its result says what cash is due. Where insurance
      // is settled outside this platform, `oneCode.requireSettledOrder: false` allows a free-standing credential.
      if (!order && this.deps.config.oneCode?.requireSettledOrder !== false) {
        const settling = await tx.query<{ pay_ord_id: string }>('SELECT pay_ord_id FROM orders WHERE psn_no = $1 AND org_codg = $2 AND ord_stas = $3 LIMIT 1', [person.psnNo, app.orgCodg, OrdStas.SETTLING]);
        if (settling[0]) throw refuse(`医保结算尚未完成：订单 ${settling[0].pay_ord_id} 结算中，请待医保结算完成后再获取付款凭据`);
        throw refuse('未找到待收现金的医保结算：请先完成医保结算（先医保后自费），再按结算结果的现金部分获取付款凭据');
      }
      // Steps 11–12: the channel's risk check and credential.
      const cert = await upstream(() =>
        this.deps.upstreams.channels.issuePayCert(
          { tx, now },
          { psnNo: person.psnNo, orgCodg: app.orgCodg, amountFen, fixmedinsTrnsSn: trnsSn, ttlMs: this.payCertTtlMs, ...(order ? { payOrdId: order.pay_ord_id } : {}) },
        ),
      );
      return { payCert: cert.payCert, payChnlUserName: signing.payChnlUserName, payChnlName: CHANNEL_NAMES[signing.chnlType] ?? signing.chnlType };
    });
  }
}

/**
 * 1101 output in the shape of face-one-code-pay.txt 6.2's example: `insuinfo` one object (a list
 * only when the person has several insurances, as the national 1101), `balc` and `age` JSON numbers
 * (`"balc": 5000`, `"age": 18`). The catalogue reads both shapes (docs/catalogue.md).
 */
function asExample1101(info: PersonInfo1101): Record<string, unknown> {
  const num = (v: unknown) => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? new LosslessNumber(v) : v);
  const insu = info.insuinfo.map((i) => ({ ...i, balc: num(i.balc) }));
  return {
    ...info,
    baseinfo: { ...info.baseinfo, age: num(info.baseinfo.age) },
    insuinfo: insu.length === 1 ? insu[0] : insu,
  };
}

/** The channel's account name as it shows it: masked name and phone. */
export function channelUserName(person: PersonConfig): string {
  return `${maskName(person.userName)}${typeof person.phone === 'string' ? `（${maskPhone(person.phone)}）` : ''}`;
}
