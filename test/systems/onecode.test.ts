import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealFsiRequest } from '../../src/protocol/fsi.js';
import { stringifyWire } from '../../src/protocol/json.js';
import { FSI_PATH } from '../../src/spec/index.js';
import { storeKinds } from '../helpers/db.js';
import { LISI, ZHANGSAN, person } from '../helpers/flow.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { clientsFor, DEVICE, faceScan, notificationSink, refused, settleInsuranceFirst, type Clients } from './helpers.js';

const WANGFANG = person('35010000000000000003');
const CHENMING = person('11000000000000000005');
const trnsSn = () => `TS${randomUUID().replace(/-/g, '').slice(0, 24)}`;

describe.each(storeKinds)('刷脸一码付 end to end on $name', (kind) => {
  let t: TestPlatform;
  let c: Clients;
  beforeAll(async () => {
    t = await startTestPlatform(kind);
    c = clientsFor(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  const enable = (psnNo: string, extra: Record<string, unknown> = {}) => t.post('/sandbox/onecode/signing', { psnNo, chnlType: 'ALI', status: 'ENABLED', ...extra });

  it('4.1 steps 1–16: enable, face scan, insurance first, payCert, channel order, notifications, terminal screen', async () => {
    expect((await enable(LISI.psnNo)).status).toBe(200);
    const sink = await notificationSink();
    try {
      const face = await faceScan(t, c, LISI);
      expect(face.auth.authNo).toBeTruthy();
      expect(face.identity.idNo).toBe(LISI.idNo);
      const { up, paid } = await settleInsuranceFirst(c, t, LISI, face);
      // Insurance settled, cash part waiting for the HIS (ordStas 4 医保支付完成).
      expect(paid.ordStas).toBe('4');
      const cash = paid.ownPayAmt;
      expect(Number(cash)).toBeGreaterThan(0);

      const status = await c.onecode.queryOneCodeStatus({ token: face.identity.ecToken, ...DEVICE });
      expect(status).toMatchObject({ stasFlag: '1', abnRea: '', payChnlName: '支付宝' });
      expect(status.payChnlUserName).toContain('*');

      const sn = trnsSn();
      const cert = await c.onecode.getPayCert({ token: face.identity.ecToken, ownPaySetlAmt: cash, fixmedinsTrnsSn: sn, ...DEVICE });
      expect(cert.payCert).toMatch(/^PC/);
      expect(cert.payChnlName).toBe('支付宝');

      const order = await c.channel.pay({ payCert: cert.payCert, outTradeNo: sn, amount: cash, notifyUrl: sink.url });
      expect(order).toMatchObject({ status: 'SUCC', outTradeNo: sn, amount: cash, chnlType: 'ALI', payOrdId: up.payOrdId });

      // Step 15: the channel notifies the HIS (signed) and the module (the order is complete).
      await sink.waitFor(1);
      const note = c.channel.verifyNotification(sink.received[0]!);
      expect(note).toMatchObject({ event: 'PAY', status: 'SUCC', tradeNo: order.tradeNo, amount: cash });
      expect(() => c.channel.verifyNotification({ ...sink.received[0]!, amount: '0.01' })).toThrow(/签名/);
      const q = await c.center.queryOrder({ payOrdId: up.payOrdId, payToken: up.payToken, idNo: face.identity.idNo, userName: face.identity.userName, idType: face.identity.idType });
      expect(q.ordStas).toBe('6');

      // The HIS shows the result on the terminal.
      await c.terminal.settleNotify({
        outBizNo: face.auth.outBizNo,
        medicalSettleState: 'SUCCESS',
        authNo: face.auth.authNo,
        operatorId: 'OP01',
        operatorName: '收款员甲',
        totalFee: paid.feeSumamt,
        bizType: 'settle',
        setlTime: '2026-11-23 10:00:00',
        hospitalName: t.app.config.orgName,
        medicalSettleNo: up.payOrdId,
        ownAmt: cash,
        hifAmt: paid.fundPay,
        acctAmt: paid.psnAcctPay,
        hifpAmt: paid.fundPay,
      } as never);
      const screen = await (await fetch(`${t.url}/sandbox/terminal?orgCodg=${t.app.config.orgCodg}`)).text();
      expect(screen).toContain('结算成功');
      expect(screen).toContain(`¥${cash}`);
      expect(screen).not.toContain(LISI.userName); // masked on screen

      // A payCert is single-use: a second order with it is refused; the same order again is the same answer.
      const again = await c.channel.pay({ payCert: cert.payCert, outTradeNo: sn, amount: cash });
      expect(again).toMatchObject({ status: 'SUCC', tradeNo: order.tradeNo });
      expect((await refused(c.channel.pay({ payCert: cert.payCert, outTradeNo: trnsSn(), amount: cash }))).message).toMatch(/已使用/);
      // And the trade serial, once paid, gets no second credential.
      expect((await refused(c.onecode.getPayCert({ token: face.identity.ecToken, ownPaySetlAmt: cash, fixmedinsTrnsSn: sn, ...DEVICE }))).centerMessage).toMatch(/已付款/);

      // 4.2: refund through the channel; 4.3: the statement lists both.
      const refund = await c.channel.refund({ outTradeNo: sn, outRefundNo: `RF${sn}`, amount: cash });
      expect(refund.status).toBe('SUCC');
      const after = await c.center.queryOrder({ payOrdId: up.payOrdId, payToken: up.payToken, idNo: face.identity.idNo, userName: face.identity.userName, idType: face.identity.idType });
      expect(after.ordStas).toBe('9'); // 仅自费全部退款
      const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      const statement = await c.channel.statement({ date: day });
      const mine = statement.lines.filter((l) => l.outTradeNo === sn || l.outTradeNo === `RF${sn}`);
      expect(mine.map((l) => `${l.kind}:${l.amount}`).sort()).toEqual([`PAY:${cash}`, `REFUND:${cash}`]);
      const csv = await c.channel.statementCsv({ date: day });
      expect(csv.split('\n')[0]).toBe('tradeNo,kind,chnlType,outTradeNo,payOrdId,amount,status,time');
      expect(csv).toContain(`,PAY,ALI,${sn},${up.payOrdId},${cash},SUCC,`);
    } finally {
      await sink.close();
    }
  });

  it('failure branches name the reason: not enabled, disabled, risk refused, family proxy code, amount mismatch', async () => {
    // Not enabled (stasFlag 0).
    const wf = await faceScan(t, c, WANGFANG);
    expect(await c.onecode.queryOneCodeStatus({ token: wf.identity.ecToken, ...DEVICE })).toMatchObject({ stasFlag: '0', abnRea: '未开通一码付' });
    let e = await refused(c.onecode.getPayCert({ token: wf.identity.ecToken, ownPaySetlAmt: '10.00', fixmedinsTrnsSn: trnsSn(), ...DEVICE }));
    expect(e.type).toBe('business');
    expect(e.centerMessage).toMatch(/未开通一码付/);

    // Disabled by the user in the channel (stasFlag 2).
    await enable(CHENMING.psnNo, { status: 'DISABLED', abnRea: '用户已在支付宝关闭一码付' });
    const cm = await faceScan(t, c, CHENMING);
    expect(await c.onecode.queryOneCodeStatus({ token: cm.identity.ecToken, ...DEVICE })).toMatchObject({ stasFlag: '2', abnRea: '用户已在支付宝关闭一码付' });
    e = await refused(c.onecode.getPayCert({ token: cm.identity.ecToken, ownPaySetlAmt: '10.00', fixmedinsTrnsSn: trnsSn(), ...DEVICE }));
    expect(e.centerMessage).toMatch(/一码付不可用：用户已在支付宝关闭一码付/);

    // The channel's risk check refuses.
    await enable(CHENMING.psnNo, { risk: 'REFUSE' });
    e = await refused(c.onecode.getPayCert({ token: cm.identity.ecToken, ownPaySetlAmt: '10.00', fixmedinsTrnsSn: trnsSn(), ...DEVICE }));
    expect(e.centerMessage).toMatch(/风控拒绝/);

    // A family member showing the code (亲情代展码).
    await enable(ZHANGSAN.psnNo);
    const proxy = await faceScan(t, c, ZHANGSAN, { proxy: true });
    e = await refused(c.onecode.getPayCert({ token: proxy.identity.ecToken, ownPaySetlAmt: '10.00', fixmedinsTrnsSn: trnsSn(), ...DEVICE }));
    expect(e.centerMessage).toMatch(/亲情代展码/);

    // Amount not the order's cash part.
    const zs = await faceScan(t, c, ZHANGSAN);
    const { paid } = await settleInsuranceFirst(c, t, ZHANGSAN, zs, { acctUsedFlag: '0' });
    expect(paid.ordStas).toBe('4');
    const wrong = (Number(paid.ownPayAmt) + 0.01).toFixed(2);
    e = await refused(c.onecode.getPayCert({ token: zs.identity.ecToken, ownPaySetlAmt: wrong, fixmedinsTrnsSn: trnsSn(), ...DEVICE }));
    expect(e.centerMessage).toMatch(new RegExp(`金额不符.*待付现金 ${paid.ownPayAmt} 元，请求 ${wrong} 元`));
    // A token of another institution is refused as well.
    const other = clientsFor(t, t.other);
    e = await refused(other.onecode.getPayCert({ token: zs.identity.ecToken, ownPaySetlAmt: paid.ownPayAmt, fixmedinsTrnsSn: trnsSn(), ...DEVICE }));
    expect(e.centerMessage).toMatch(/ecToken/);
  });

  it('payCert is bound to the amount and fixmedinsTrnsSn', async () => {
    await enable(LISI.psnNo);
    const face = await faceScan(t, c, LISI);
    const { paid } = await settleInsuranceFirst(c, t, LISI, face);
    const sn = trnsSn();
    const cert = await c.onecode.getPayCert({ token: face.identity.ecToken, ownPaySetlAmt: paid.ownPayAmt, fixmedinsTrnsSn: sn, ...DEVICE });
    expect((await refused(c.channel.pay({ payCert: cert.payCert, outTradeNo: sn, amount: '0.01' }))).message).toMatch(/金额/);
    expect((await refused(c.channel.pay({ payCert: cert.payCert, outTradeNo: trnsSn(), amount: paid.ownPayAmt }))).message).toMatch(/fixmedinsTrnsSn/);
    // Asking again for the same serial and amount gives the same, still unused, credential.
    expect((await c.onecode.getPayCert({ token: face.identity.ecToken, ownPaySetlAmt: paid.ownPayAmt, fixmedinsTrnsSn: sn, ...DEVICE })).payCert).toBe(cert.payCert);
    // Another institution cannot spend it.
    expect((await refused(clientsFor(t, t.other).channel.pay({ payCert: cert.payCert, outTradeNo: sn, amount: paid.ownPayAmt }))).message).toMatch(/无效/);
    expect((await c.channel.pay({ payCert: cert.payCert, outTradeNo: sn, amount: paid.ownPayAmt })).status).toBe('SUCC');
  });

  it('the FSI envelope: a replayed msgid is 010010, a bad cainfo 000102, an unknown infno 404404, a bad field 000105', async () => {
    const face = await faceScan(t, c, LISI);
    const header = { infno: '9701', mdtrtarea_admvs: '350100', recer_sys_code: 'ONECODE', signtype: 'SM2', opter_type: '1', opter: '01', opter_name: '收款员', fixmedins_code: t.app.config.orgCodg, fixmedins_name: t.app.config.orgName, app_id: t.app.keys.appId };
    const input = { data: { token: face.identity.ecToken, orgCodg: t.app.config.orgCodg, orgName: t.app.config.orgName, ...DEVICE } };
    const keys = { privateKey: t.app.keys.privateKey as string, appSecret: t.app.keys.appSecret };
    const send = async (message: unknown) => (await (await fetch(`${t.url}${FSI_PATH}`, { method: 'POST', body: stringifyWire(message as never) })).json()) as Record<string, unknown>;
    const message = sealFsiRequest(header, input, keys);
    expect((await send(message)).infcode).toBe(0);
    const replay = await send(message);
    expect(replay.infcode).toBe(-1);
    expect(String(replay.err_msg)).toMatch(/^010010 /);
    const tampered = sealFsiRequest(header, input, keys);
    tampered.opter_name = '另一人';
    expect(String((await send(tampered)).err_msg)).toMatch(/^000102 .*cainfo/);
    expect(String((await send(sealFsiRequest({ ...header, infno: '9799' }, input, keys))).err_msg)).toMatch(/^404404 /);
    const bad = await send(sealFsiRequest(header, { data: { ...input.data, devIP: '' } }, keys));
    expect(String(bad.err_msg)).toMatch(/^000105 input\.data\.devIP/);
    // Encrypted input and output (enc_type SM4) round trip through the SDK.
    const enc = clientsFor(t);
    const sm4 = new (enc.onecode.constructor as typeof import('../../src/sdk/onecode-client.js').OneCodeClient)({ baseUrl: t.url, appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, privateKey: t.app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, fixmedinsCode: t.app.config.orgCodg, fixmedinsName: t.app.config.orgName, mdtrtareaAdmvs: '350100', encrypt: true });
    expect((await sm4.queryOneCodeStatus({ token: face.identity.ecToken, ...DEVICE })).stasFlag).toMatch(/^[012]$/);
    // Through the SDK: a request signed with another key is refused (000102); a reply that does not
    // verify with the module's key is an error, never believed (fail closed).
    const { generateKeyPair } = await import('../../src/crypto/keys.js');
    const { OneCodeClient } = await import('../../src/sdk/onecode-client.js');
    const base = { baseUrl: t.url, appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, fixmedinsCode: t.app.config.orgCodg, fixmedinsName: t.app.config.orgName, mdtrtareaAdmvs: '350100' };
    const wrongKey = new OneCodeClient({ ...base, privateKey: generateKeyPair().privateKey, platformPublicKey: t.platformPublicKey });
    expect(await refused(wrongKey.queryOneCodeStatus({ token: face.identity.ecToken, ...DEVICE }))).toMatchObject({ type: 'business', code: '000102' });
    const wrongPeer = new OneCodeClient({ ...base, privateKey: t.app.keys.privateKey as string, platformPublicKey: generateKeyPair().publicKey });
    expect(await refused(wrongPeer.queryOneCodeStatus({ token: face.identity.ecToken, ...DEVICE }))).toMatchObject({ type: 'signature' });
    // 1101 人员信息获取 through the same path.
    const info = await c.onecode.personInfo({ psn_cert_type: '01', certno: LISI.idNo });
    expect((info.baseinfo as Record<string, unknown>).psn_no).toBe(LISI.psnNo);
  });
});

describe('刷脸一码付 lifetimes (PGlite)', () => {
  let t: TestPlatform;
  let c: Clients;
  beforeAll(async () => {
    t = await startTestPlatform(storeKinds[0]!, { tokens: { ecTokenTtlSeconds: 1 }, oneCode: { payCertTtlSeconds: 1, infno: { oneCodeStatus: '9801', oneCodePayCert: '9802' } } });
    c = clientsFor(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('an expired fecToken and an expired payCert are refused with their reason; infno as configured', async () => {
    await t.post('/sandbox/onecode/signing', { psnNo: LISI.psnNo, chnlType: 'WX', status: 'ENABLED' });
    const face = await faceScan(t, c, LISI);
    // The module answers the configured numbers, not the defaults.
    expect((await refused(c.onecode.queryOneCodeStatus({ token: face.identity.ecToken, ...DEVICE }))).code).toBe('404404');
    const { OneCodeClient } = await import('../../src/sdk/onecode-client.js');
    const configured = new OneCodeClient({ baseUrl: t.url, appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, privateKey: t.app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, fixmedinsCode: t.app.config.orgCodg, fixmedinsName: t.app.config.orgName, mdtrtareaAdmvs: '350100', infno: { oneCodeStatus: '9801', oneCodePayCert: '9802' } });
    expect((await configured.queryOneCodeStatus({ token: face.identity.ecToken, ...DEVICE })).stasFlag).toBe('1');
    c = { ...c, onecode: configured };
    const sn = trnsSn();
    const cert = await c.onecode.getPayCert({ token: face.identity.ecToken, ownPaySetlAmt: '12.30', fixmedinsTrnsSn: sn, ...DEVICE });
    await new Promise((r) => setTimeout(r, 1300));
    expect((await refused(c.onecode.getPayCert({ token: face.identity.ecToken, ownPaySetlAmt: '12.30', fixmedinsTrnsSn: trnsSn(), ...DEVICE }))).centerMessage).toMatch(/过期/);
    expect((await refused(c.channel.pay({ payCert: cert.payCert, outTradeNo: sn, amount: '12.30' }))).message).toMatch(/已过期/);
  });
});
