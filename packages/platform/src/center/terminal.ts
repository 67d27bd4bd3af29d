import { randomUUID } from 'node:crypto';
import { openWithRotation } from './apps.js';
import { ErrorCode, YibaoError } from 'yibao/protocol';
import { parseWireObject, type WireObject, type WireText } from 'yibao/protocol';
import type { EnvelopeKeys } from 'yibao/protocol';
import type { EncType, SignType } from 'yibao/protocol';
import { openTerminalRequest, sealTerminalResponse, TERMINAL_OK } from 'yibao/protocol';
import { getTxn } from 'yibao/spec';
import { newToken } from '../util/ids.js';
import type { AppConfig } from './config.js';
import type { CenterDeps } from './context.js';
import { signatureIdentity } from './replay.js';
import { asYibaoError, requireValid, upstream } from './errors.js';
import type { Gate } from './gate.js';

/**
 * The 医保业务综合服务终端 gateway (service-terminal.txt). In the sandbox a face scan is staged with
 * `POST /sandbox/terminal/face` (the patient steps in front of the counter's terminal); then:
 *
 * - `cn.nhsa.ec.auth` consumes that face and answers an authNo (and fToken). outBizNo is unique per
 *   institution: a duplicate is refused. The authNo is also the person's payment authorisation, so it
 *   feeds 6202 as payAuthNo — one patient, one face scan, one visit.
 * - `cn.nhsa.auth.check` answers the e-voucher identity by authNo, with a fresh ecToken (the fecToken of
 *   one-code-pay, marked as a 亲情代展码 when the face scan was one).
 * - `cn.nhsa.settle.notify` shows the result on the terminal screen (`GET /sandbox/terminal`).
 */
export class TerminalGateway {
  constructor(
    private readonly deps: CenterDeps,
    private readonly gate: Gate,
    private readonly platformPrivateKey: string,
  ) {}

  async handle(rawBody: WireText, source?: string): Promise<{ body: WireObject; traceId: string; code: string }> {
    const traceId = randomUUID();
    const now = this.deps.clock();
    let app: AppConfig | undefined;
    let transType = '';
    let appIdText = '';
    // The answer is signed the way the request was: SM3 (the terminal's own scheme) with the app's
    // secret, or SM2 with the platform's key, which an SM2 TerminalClient requires (the weaker SM3
    // answer needs only the shared secret).
    let replySignType: SignType = 'SM3';
    // And in the request's encryption: an SM4 request (cn.nhsa.auth.check carries a name, an ID
    // number and an ecToken in its answer) gets an SM4 answer, never one in clear (issue 12 §3).
    let replyEncType: EncType = 'plain';
    try {
      const message = parseWireObject(rawBody, '请求报文');
      if (typeof message.signType === 'string' && message.signType.trim().toUpperCase() === 'SM2') replySignType = 'SM2';
      if (typeof message.encType === 'string' && message.encType.trim().toUpperCase() === 'SM4') replyEncType = 'SM4';
      appIdText = typeof message.appId === 'string' ? message.appId : '';
      transType = typeof message.transType === 'string' ? message.transType : '';
      app = this.gate.app(appIdText);
      app = this.gate.require(appIdText);
      // SM3 is the terminal's own scheme (service-terminal.txt); SM2 is accepted from an app with a key.
      // During a rotation's overlap the previous appSecret or public key opens it too; the answer is
      // sealed with the secret the request used (docs/apps.md).
      const rotated = openWithRotation(app, now, (k) => openTerminalRequest(message, { appId: k.appId, appSecret: k.appSecret, ...(k.publicKey ? { peerPublicKey: k.publicKey } : {}) }, { signTypes: ['SM3', 'SM2'] }));
      const opened = rotated.opened;
      app = rotated.keys;
      if (opened.orgId !== app.orgCodg) throw new YibaoError(ErrorCode.INVALID_PARAM, 'orgId: 与应用所属机构不符（机构 ID）', { field: 'orgId' });
      await this.gate.admitVerified(app, { timestamp: opened.timestamp, now, signature: signatureIdentity(opened.signType, opened.signData) });
      if (!(opened.transType in { 'cn.nhsa.ec.auth': 1, 'cn.nhsa.auth.check': 1, 'cn.nhsa.settle.notify': 1 })) {
        throw new YibaoError(ErrorCode.NOT_OPENED, `该功能未开放：${opened.transType}`);
      }
      getTxn(opened.transType);
      requireValid(opened.transType, opened.plainData);
      const d = opened.plainData;
      const data =
        opened.transType === 'cn.nhsa.ec.auth' ? await this.ecAuth(app, d, now) : opened.transType === 'cn.nhsa.auth.check' ? await this.authCheck(app, d, now) : await this.settleNotify(app, d);
      this.deps.log.info({ traceId, transType, appId: app.appId, code: TERMINAL_OK }, 'terminal request');
      return { traceId, code: TERMINAL_OK, body: sealTerminalResponse({ code: TERMINAL_OK, message: '成功', transType, data }, this.replyKeys(app.appId, app.appSecret, replySignType), { signType: replySignType, encType: replyEncType }) };
    } catch (err) {
      const e = asYibaoError(err, this.deps.log, traceId, { transType });
      this.deps.log.info({ traceId, transType, appId: appIdText || undefined, code: e.code }, 'terminal request refused');
      return { traceId, code: e.code, body: sealTerminalResponse({ code: e.code, message: e.message, transType }, this.replyKeys(app?.appId ?? appIdText, app?.appSecret ?? '', replySignType), { signType: replySignType }) };
    }
  }

  private replyKeys(appId: string, appSecret: string, signType: SignType): EnvelopeKeys {
    return { appId, appSecret, ...(signType === 'SM2' ? { privateKey: this.platformPrivateKey } : {}) };
  }

  private async ecAuth(app: AppConfig, d: Record<string, unknown>, now: Date): Promise<Record<string, unknown>> {
    if (d.orgId !== app.orgCodg) throw new YibaoError(ErrorCode.INVALID_PARAM, 'data.orgId: 与应用所属机构不符（机构 ID）', { field: 'data.orgId' });
    const outBizNo = String(d.outBizNo);
    return this.deps.store.transaction(async (tx) => {
      const dup = await tx.query('SELECT 1 FROM terminal_auths WHERE org_codg = $1 AND out_biz_no = $2', [app.orgCodg, outBizNo]);
      if (dup.length > 0) throw new YibaoError(ErrorCode.INVALID_PARAM, `data.outBizNo: 重复，每次请求都需要唯一（${outBizNo}）`, { field: 'data.outBizNo' });
      const faces = await tx.query<{ psn_no: string; proxy: boolean }>('DELETE FROM terminal_faces WHERE org_codg = $1 RETURNING psn_no, proxy', [app.orgCodg]);
      const face = faces[0];
      if (!face) throw new YibaoError(ErrorCode.BUSINESS, '终端未采集到人脸：请参保人正对终端刷脸后重试（沙箱：POST /sandbox/terminal/face）');
      const authNo = newToken('FA');
      const fToken = newToken('FT');
      await tx.query('INSERT INTO terminal_auths (auth_no, org_codg, out_biz_no, psn_no, f_token, proxy) VALUES ($1,$2,$3,$4,$5,$6)', [authNo, app.orgCodg, outBizNo, face.psn_no, fToken, face.proxy]);
      // The face authorisation authorises the payment too (6202 payAuthNo).
      await upstream(() => this.deps.upstreams.evoucher.issuePayAuthNo({ tx, now }, { psnNo: face.psn_no, orgCodg: app.orgCodg, payAuthNo: authNo }));
      return { authNo, fToken, outBizNo, extData: '' };
    });
  }

  private async authCheck(app: AppConfig, d: Record<string, unknown>, now: Date): Promise<Record<string, unknown>> {
    if (d.orgId !== app.orgCodg) throw new YibaoError(ErrorCode.INVALID_PARAM, 'data.orgId: 与应用所属机构不符（机构 ID）', { field: 'data.orgId' });
    return this.deps.store.transaction(async (tx) => {
      const rows = await tx.query<{ psn_no: string; proxy: boolean; created_at: Date; out_biz_no: string }>('SELECT psn_no, proxy, created_at, out_biz_no FROM terminal_auths WHERE auth_no = $1 AND org_codg = $2', [d.authNo, app.orgCodg]);
      const auth = rows[0];
      if (!auth) throw new YibaoError(ErrorCode.FORBIDDEN, 'data.authNo: 实人认证业务流水号无效或不属于本机构', { field: 'data.authNo' });
      // 1.3: the identity of that face scan — its own outBizNo — and only while the scan is fresh (as
      // long as the authorisation it gave lasts, tokens.payAuthNoTtlSeconds).
      if (d.outBizNo !== auth.out_biz_no) throw new YibaoError(ErrorCode.INVALID_PARAM, 'data.outBizNo: 与 authNo 的刷脸授权流水号不符', { field: 'data.outBizNo' });
      const ttlMs = (this.deps.config.tokens?.payAuthNoTtlSeconds ?? 600) * 1000;
      if (new Date(auth.created_at).getTime() + ttlMs <= now.getTime()) throw new YibaoError(ErrorCode.FORBIDDEN, 'data.authNo: 刷脸授权已过期，请参保人重新刷脸', { field: 'data.authNo' });
      const id = await upstream(() => this.deps.upstreams.evoucher.issueEcToken({ tx, now }, { psnNo: auth.psn_no, orgCodg: app.orgCodg, proxy: auth.proxy, authNo: String(d.authNo) }));
      return {
        userName: id.userName,
        idNo: id.idNo,
        idType: id.idType,
        ecToken: id.ecToken,
        insuOrg: id.insuOrg,
        authNo: String(d.authNo),
        ...(id.gender ? { gender: id.gender } : {}),
        ...(id.birthday ? { birthday: id.birthday } : {}),
        ...(id.nationality ? { nationality: id.nationality } : {}),
      };
    });
  }

  private async settleNotify(app: AppConfig, d: Record<string, unknown>): Promise<Record<string, unknown>> {
    // 1.2: outBizNo is the face authorisation's serial, so that the terminal pairs the identity check
    // with the settlement result; a serial it never issued, or an authNo of another scan, is refused.
    const auths = await this.deps.store.query<{ auth_no: string }>('SELECT auth_no FROM terminal_auths WHERE org_codg = $1 AND out_biz_no = $2', [app.orgCodg, d.outBizNo]);
    if (!auths[0]) throw new YibaoError(ErrorCode.INVALID_PARAM, `data.outBizNo: 未找到该流水号的刷脸授权，应传 cn.nhsa.ec.auth 的 outBizNo（${String(d.outBizNo)}）`, { field: 'data.outBizNo' });
    if (typeof d.authNo === 'string' && d.authNo && d.authNo !== auths[0].auth_no) {
      throw new YibaoError(ErrorCode.INVALID_PARAM, 'data.authNo: 与 outBizNo 的刷脸授权不符（实人认证业务流水号）', { field: 'data.authNo' });
    }
    await this.deps.store.query('INSERT INTO terminal_notices (org_codg, out_biz_no, data) VALUES ($1, $2, $3)', [app.orgCodg, d.outBizNo, JSON.stringify(d)]);
    return { outBizNo: String(d.outBizNo), extData: '' };
  }
}

/** Sandbox: a patient steps in front of the institution's terminal (proxy: a family member shows a 亲情代展码). */
export async function stageFace(deps: CenterDeps, p: { orgCodg: string; psnNo: string; proxy?: boolean }): Promise<void> {
  if (!deps.upstreams.evoucher.findPerson({ psnNo: p.psnNo })) throw new YibaoError(ErrorCode.BUSINESS, `人员不存在：${p.psnNo}`);
  await deps.store.query(
    'INSERT INTO terminal_faces (org_codg, psn_no, proxy) VALUES ($1, $2, $3) ON CONFLICT (org_codg) DO UPDATE SET psn_no = $2, proxy = $3, created_at = now()',
    [p.orgCodg, p.psnNo, p.proxy ?? false],
  );
}

/** What the terminal's screen shows: the last authorisation and the settlement result of that visit. */
export async function terminalScreen(deps: CenterDeps, orgCodg: string) {
  const [auth] = await deps.store.query<{ auth_no: string; out_biz_no: string; psn_no: string; proxy: boolean; created_at: Date }>(
    'SELECT auth_no, out_biz_no, psn_no, proxy, created_at FROM terminal_auths WHERE org_codg = $1 ORDER BY created_at DESC LIMIT 1',
    [orgCodg],
  );
  // The result shown is the current patient's: the latest notice of the latest authorisation.
  const [notice] = auth
    ? await deps.store.query<{ data: Record<string, string>; created_at: Date }>('SELECT data, created_at FROM terminal_notices WHERE org_codg = $1 AND out_biz_no = $2 ORDER BY id DESC LIMIT 1', [orgCodg, auth.out_biz_no])
    : [];
  const person = auth ? deps.upstreams.evoucher.findPerson({ psnNo: auth.psn_no }) : undefined;
  return { auth: auth ? { ...auth, userName: person?.userName ?? '' } : undefined, notice };
}
