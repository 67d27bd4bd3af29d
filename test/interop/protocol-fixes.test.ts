import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sm2SignBase64 } from '../../packages/yibao/src/crypto/sm2.js';
import { sm3Hex } from '../../packages/yibao/src/crypto/sm3.js';
import { fsiSignString, makeMsgid, openFsiResponse } from '../../packages/yibao/src/protocol/fsi.js';
import { stringifyWire, type WireObject } from '../../packages/yibao/src/protocol/json.js';
import { buildSignString } from '../../packages/yibao/src/protocol/signstring.js';
import { openTerminalResponse, sealTerminalRequest } from '../../packages/yibao/src/protocol/terminal.js';
import { formatCompact, formatDateTime } from '../../packages/yibao/src/protocol/time.js';
import { FSI_PATH, getTxn, TERMINAL_PATH } from '../../packages/yibao/src/spec/index.js';
import { storeKinds } from '../helpers/db.js';
import { LISI } from '../helpers/flow.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { clientsFor, faceScan, type Clients } from '../systems/helpers.js';

/** issue 12 §3: protocol fixes found by independent peers (Java, PHP, Node HIS code). */
describe('protocol fixes found by independent peers', () => {
  let t: TestPlatform;
  let c: Clients;
  beforeAll(async () => {
    t = await startTestPlatform(storeKinds[0]!);
    c = clientsFor(t);
  });
  afterAll(async () => {
    await t?.close();
  });
  const post = async (path: string, body: string, contentType?: string) => {
    const res = await fetch(`${t.url}${path}`, { method: 'POST', body, headers: contentType === undefined ? {} : { 'content-type': contentType } });
    return { status: res.status, text: await res.text() };
  };

  it('the terminal answers an SM4-encrypted cn.nhsa.auth.check in SM4, never in clear', async () => {
    const { auth } = await faceScan(t, c, LISI);
    const keys = { appId: t.app.keys.appId, appSecret: t.app.keys.appSecret };
    const data = { orgId: t.app.config.orgCodg, authNo: auth.authNo, outBizNo: auth.outBizNo, businessType: '01101', operatorId: 'OP01', operatorName: '收款员甲' };
    const req = sealTerminalRequest('cn.nhsa.auth.check', t.app.config.orgCodg, data, keys, { encType: 'SM4' });
    const res = await post(TERMINAL_PATH, stringifyWire(req), 'application/json');
    const reply = JSON.parse(res.text);
    expect(reply.code, reply.message).toBe('0000');
    expect(reply.encType).toBe('SM4');
    expect(reply.data).toBeUndefined();
    expect(res.text).not.toContain(LISI.idNo);
    expect(res.text).not.toContain(LISI.userName);
    const opened = openTerminalResponse(res.text, keys, { signTypes: ['SM3'] });
    expect(opened.code).toBe('0000');
    expect(opened.plainData).toMatchObject({ idNo: LISI.idNo, userName: LISI.userName });
  });

  it('a terminal request without encType (the documented header has none) is treated as plain', async () => {
    await t.post('/sandbox/terminal/face', { psnNo: LISI.psnNo, orgCodg: t.app.config.orgCodg });
    const message: Record<string, unknown> = {
      appId: t.app.keys.appId,
      orgId: t.app.config.orgCodg,
      transType: 'cn.nhsa.ec.auth',
      version: '1.0.0',
      timestamp: formatCompact(),
      signType: 'SM3',
      data: { orgId: t.app.config.orgCodg, outBizNo: `OB-NOENC-${Date.now()}`, businessType: '01101', operatorId: 'OP01', operatorName: '收款员甲', officeId: 'NK01', officeName: '内科' },
    };
    message.signData = sm3Hex(buildSignString(message, { secret: t.app.keys.appSecret })).toUpperCase();
    const res = await post(TERMINAL_PATH, JSON.stringify(message), 'application/json');
    const opened = openTerminalResponse(res.text, { appId: t.app.keys.appId, appSecret: t.app.keys.appSecret }, { signTypes: ['SM3'] });
    expect(opened.code, opened.message).toBe('0000');
    expect(JSON.parse(res.text).encType).toBe('plain');
    expect(opened.plainData!.authNo).toMatch(/^FA/);
  });

  /** A 1101 request as a HIS following 表 3 / 6.1 literally builds it. */
  function fsiMessage(over: Record<string, unknown> = {}, drop: string[] = []): Record<string, unknown> {
    const m: Record<string, unknown> = {
      infno: '1101',
      msgid: makeMsgid(t.app.config.orgCodg),
      mdtrtarea_admvs: '350100',
      insuplc_admdvs: '350100',
      recer_sys_code: 'MBS_LOCAL',
      dev_no: '',
      dev_safe_info: '',
      cainfo: '',
      infver: 'V1.0',
      opter_type: '1',
      opter: '01',
      opter_name: '张三',
      inf_time: formatDateTime(),
      fixmedins_code: t.app.config.orgCodg,
      fixmedins_name: t.app.config.orgName,
      sign_no: '',
      app_id: t.app.keys.appId,
      enc_type: '',
      input: { data: { psn_cert_type: '01', certno: LISI.idNo, psn_name: LISI.userName } },
      ...over,
    };
    for (const k of drop) delete m[k];
    return m;
  }
  const signFsi = (m: Record<string, unknown>, keepEmpty: boolean) => {
    m.cainfo = sm2SignBase64(t.app.keys.privateKey as string, fsiSignString(m, 'input', undefined, keepEmpty));
    return m;
  };
  const sendFsi = async (m: Record<string, unknown>) => {
    const res = await post(FSI_PATH, JSON.stringify(m), 'application/json');
    return openFsiResponse(res.text, { peerPublicKey: t.platformPublicKey, appSecret: t.app.keys.appSecret });
  };

  it('FSI: signtype is optional, `info` is read as `infno`, cainfo over the header with its empty fields kept is accepted; still fail closed', async () => {
    // No signtype (the 6.1 example has none), cainfo as yibao computes it.
    const noSigntype = await sendFsi(signFsi(fsiMessage(), false));
    expect(noSigntype.infcode, noSigntype.err_msg).toBe(0);
    // 3.4 literally: `dev_no=&dev_safe_info=&…` kept in the sign string.
    const literal = await sendFsi(signFsi(fsiMessage({ signtype: 'SM2' }), true));
    expect(literal.infcode, literal.err_msg).toBe(0);
    expect((literal.plainOutput as { baseinfo: { psn_no: string } }).baseinfo.psn_no).toBe(LISI.psnNo);
    // 表 3's spelling `info`.
    const info = await sendFsi(signFsi(fsiMessage({ info: '1101' }, ['infno']), true));
    expect(info.infcode, info.err_msg).toBe(0);
    // Tampered after signing, in either reading: refused.
    const tampered = signFsi(fsiMessage(), true);
    tampered.opter = '02';
    const refused = await sendFsi(tampered);
    expect(refused.infcode).toBe(-1);
    expect(refused.err_msg).toMatch(/^000102 cainfo/);
    // An empty field added after signing is not covered by the keep-empty reading.
    const widened = signFsi(fsiMessage(), true);
    widened.pw_ecToken = '';
    expect((await sendFsi(widened)).err_msg).toMatch(/^000102/);
  });

  it('the timestamp refusal lists every accepted format', async () => {
    const r = await t.call('6301', { payOrdId: 'X', payToken: 'X', idNo: '1', userName: '无', idType: '01' }, { seal: { timestamp: '2026/11/22 10:00' } });
    expect(r.code).toBe('000105');
    expect(r.message).toBe('timestamp: 应为 yyyyMMddHHmmss、yyyyMMddHHmmssSSS、yyyy-MM-dd HH:mm:ss（可带 .SSS，日期与时间间可用 T）、yyyy-MM-dd 或 13 位毫秒时间戳（当前时间）');
  });

  it('an empty or missing Content-Type gets a coded answer in the envelope, not HTTP 415', async () => {
    const body = stringifyWire({ appId: 'X', version: '2.0.1' } as WireObject);
    for (const ct of ['', undefined]) {
      const res = await post(getTxn('6301').path!, body, ct);
      expect(res.status, `content-type ${JSON.stringify(ct)}`).not.toBe(415);
      const answer = JSON.parse(res.text);
      expect(answer.code).toMatch(/^(-8|000105)$/);
      expect(typeof answer.message).toBe('string');
    }
  });
});
