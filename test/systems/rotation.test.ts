import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../packages/yibao/src/crypto/index.js';
import { buildCashierLaunchUrl, open6204Redirect } from '../../packages/yibao/src/protocol/mobile.js';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, type TestApp, type TestPlatform } from '../helpers/platform.js';
import { authorise, LISI, scanAndUpload } from '../helpers/flow.js';
import { clientsFor, DEVICE, faceScan, refused, type Clients } from './helpers.js';

/**
 * Key rotation with overlap (docs/apps.md) holds on every system an institution's app uses, not only
 * the center's 6101–6401: during the overlap a HIS still on the old appSecret and the old key reaches
 * the terminal gateway, 一码付 (FSI-style), the channel API, the portal and the cashier, and opens their
 * answers with the old secret; once the old credentials are retired it is refused everywhere.
 * Not about storage: PGlite only.
 */
describe('key rotation on every system', () => {
  let t: TestPlatform;
  let old: Clients;
  let fresh: Clients;
  let ecToken = '';
  const NEW_SECRET = 'ROTATED0123456789ABCDEF';
  const nextKey = generateKeyPair();
  const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

  const portalMessage = (orgCode: string) => ({
    cardType: '01', cardNo: 'D3508701966', hisCustType: '', hisCustId: '532494', appType: '01',
    medOrgOrd: `MO${Date.now()}${Math.floor(Math.random() * 1e6)}`, refundReason: '', payOrdId: 'ORD324976159723947394273416',
    orderStatus: 'MERCHANT_PAID', orgCode, subOrgCode: '01', patientName: '周大鹏', idType: '01', idNo: '35020519870819015X',
    takeMedicineLoc: '请至东药房104取您的药品！', pushType: 'HOSPITAL_PAYMENT', scheduledTime: '2022-03-31 07:34:46', deptName: '其他内科',
    deptCode: '013423', deptLoc: '门诊大厅二楼', drName: '周阿鹏', drLvName: '主任医生', drNo: '342847878193247879999', waitingNum: '01',
    checkItem: '', createTime: '2022-03-30 13:15:46', updateTime: '2022-03-31 07:15:46', extData: null,
  });
  const rotate = async (overlapHours: number, secret: string, publicKey: string) => {
    const id = t.app.config.appId;
    const s = await t.admin(`/admin/apps/${id}/secret`, { method: 'POST', body: { appSecret: secret, overlapHours, reason: '定期更换' } });
    expect(s.status, JSON.stringify(s.json)).toBe(200);
    const k = await t.admin(`/admin/apps/${id}/keys`, { method: 'POST', body: { publicKey, overlapHours, reason: '年度换钥' } });
    expect(k.status, JSON.stringify(k.json)).toBe(200);
  };
  /** One request on each system; resolves when every one was answered and its answer opened. */
  const everySystem = async (c: Clients) => {
    await t.post('/sandbox/terminal/face', { psnNo: LISI.psnNo, orgCodg: t.app.config.orgCodg, proxy: false });
    const auth = await c.terminal.faceAuth({ businessType: '01101', operatorId: 'OP01', operatorName: '收款员甲', officeId: 'NK01', officeName: '内科' });
    expect(auth.authNo).toBeTruthy();
    expect(await c.onecode.queryOneCodeStatus({ token: ecToken, ...DEVICE })).toHaveProperty('stasFlag');
    expect((await c.channel.statement({ date: today() })).date).toBe(today());
    expect(await c.portal.pushMsg(portalMessage(t.app.config.orgCodg) as never)).toBeDefined();
  };
  /** The cashier opened with a launch URL sealed under `secret`, and its 6204 back to the HIS opened with it. */
  const cashier = async (secret: string) => {
    const u = await scanAndUpload(t, LISI);
    const cashierUrl = String((await t.call('6201', u.upload)).data!.cashierUrl);
    const launch = new URL(buildCashierLaunchUrl(cashierUrl, { appId: t.app.config.appId, appSecret: secret }, { payAuthNo: (await authorise(t, LISI)).payAuthNo }));
    const res = await fetch(`${t.url}/cashier/pay`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ payOrdId: u.payOrdId, chnlAppId: t.app.config.appId, chnlEncData: launch.searchParams.get('chnlEncData')!, chnlType: 'WX' }).toString(),
    });
    return { status: res.status, location: res.headers.get('location') ?? '', payOrdId: u.payOrdId };
  };

  beforeAll(async () => {
    t = await startTestPlatform(storeKinds[0]!);
    old = clientsFor(t);
    const next: TestApp = { ...t.app, keys: { ...t.app.keys, appSecret: NEW_SECRET, privateKey: nextKey.privateKey } };
    fresh = clientsFor(t, next);
    ecToken = (await faceScan(t, old, LISI)).identity.ecToken;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('during the overlap the old secret and key work on the terminal, 一码付, channel, portal and cashier, answered under the old secret; the new ones too', async () => {
    const oldSecret = t.app.keys.appSecret;
    await rotate(24, NEW_SECRET, nextKey.publicKey);
    await everySystem(old);
    await everySystem(fresh);
    const viaCashier = await cashier(oldSecret);
    expect(viaCashier.status).toBe(303);
    // The 6204 back to the HIS is sealed with the secret its launch used: the old one opens it.
    const opened = open6204Redirect(new URL(viaCashier.location).search, () => oldSecret);
    expect(opened.data.payOrdId).toBe(viaCashier.payOrdId);
  });

  it('once the old credentials are retired (overlap 0), every system refuses them and still serves the new ones', async () => {
    const oldSecret = t.app.keys.appSecret;
    const third = generateKeyPair();
    // Retire the old pair: rotate to a third key and secret without overlap, then the "fresh" clients
    // (second pair) are the old ones too — so rotate back to the second pair without overlap.
    await rotate(0, 'THIRDSECRET0123456789AB', third.publicKey);
    await rotate(0, NEW_SECRET, nextKey.publicKey);
    await t.post('/sandbox/terminal/face', { psnNo: LISI.psnNo, orgCodg: t.app.config.orgCodg, proxy: false });
    await refused(old.terminal.faceAuth({ businessType: '01101', operatorId: 'OP01', operatorName: '收款员甲', officeId: 'NK01', officeName: '内科' }));
    await refused(old.onecode.queryOneCodeStatus({ token: ecToken, ...DEVICE }));
    await refused(old.channel.statement({ date: today() }));
    await refused(old.portal.pushMsg(portalMessage(t.app.config.orgCodg) as never));
    // t.call signs with the app's test keys (the old pair): give the helpers the current ones.
    t.app.keys.appSecret = NEW_SECRET;
    t.app.keys.privateKey = nextKey.privateKey;
    const viaCashier = await cashier(oldSecret);
    expect(viaCashier.status).not.toBe(303);
    await everySystem(fresh);
  });
});
