import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bridge } from '../../packages/yibao/src/sdk/bridge.js';
import { generateTestCallback, generateTestKeys, YibaoClient } from '../../packages/yibao/src/sdk/index.js';
import { demoUpload } from '../../packages/yibao/src/sdk/demo-data.js';
import { formatCompact } from '../../packages/yibao/src/protocol/time.js';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, until, type TestPlatform } from '../helpers/platform.js';
import { authorise, LISI } from '../helpers/flow.js';

/** A HIS endpoint that takes the bridge's plain 6302 and answers as told, after `delayMs`. */
async function his(answer: () => { status: number; body: string }, delayMs = 0) {
  const got: Array<{ body: Record<string, any>; answeredAt: number }> = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      setTimeout(() => {
        const a = answer();
        got.push({ body: JSON.parse(text), answeredAt: Date.now() });
        res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/his/6302`, got, close: () => new Promise((r) => server.close(r)) };
}

describe('bridge: the center\'s 6302 verified, decrypted and forwarded to the HIS in plain JSON', () => {
  const platformKeys = generateTestKeys();
  const app = { appId: 'A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6', appSecret: '4117E877F5FA0A0188891283E4B617D5' };
  const bridgeApp = { ...app, privateKey: generateTestKeys().privateKey, platformPublicKey: platformKeys.publicKey };
  const callback = (payOrdId: string, timestamp?: string) => generateTestCallback({ ...app, platformPrivateKey: platformKeys.privateKey, data: { payOrdId, feeSumamt: '100.00' }, ...(timestamp ? { timestamp } : {}) });

  it('answers the center only after the HIS answered; duplicates and stale timestamps as createCallbackHandler', async () => {
    let ok = true;
    const h = await his(() => (ok ? { status: 200, body: '{"success":true}' } : { status: 500, body: 'down' }), 200);
    try {
      const bridge = new Bridge({ apps: [bridgeApp], callbacks: { hisUrl: h.url } });
      const r = await bridge.handleCallback(callback('ORD-B1'));
      const answeredCenterAt = Date.now();
      expect(r.outcome).toBe('settled');
      expect(r.body).toMatchObject({ data: { success: true }, code: '0' });
      expect(h.got).toHaveLength(1);
      expect(h.got[0]!.answeredAt).toBeLessThanOrEqual(answeredCenterAt);
      // Plain JSON, money as the exact text the center signed.
      expect(h.got[0]!.body).toMatchObject({ txn: '6302', appId: app.appId, data: { payOrdId: 'ORD-B1', feeSumamt: '100.00', callType: '02' } });
      // The center retries: the HIS is not called again.
      expect((await bridge.handleCallback(callback('ORD-B1'))).outcome).toBe('duplicate');
      expect(h.got).toHaveLength(1);
      // The HIS failed: the center hears success:false (and delivers again later), then the retry goes through.
      ok = false;
      const failed = await bridge.handleCallback(callback('ORD-B2'));
      expect(failed).toMatchObject({ outcome: 'failed', body: { data: { success: false } } });
      expect(failed.reason).toMatch(/HIS 未确认（HTTP 500/);
      ok = true;
      expect((await bridge.handleCallback(callback('ORD-B2'))).outcome).toBe('settled');
      // A recorded callback replayed later: refused before the HIS sees it.
      const old = formatCompact(new Date(Date.now() - 3600_000));
      expect((await bridge.handleCallback(callback('ORD-B3', old))).outcome).toBe('refused');
      expect(h.got.map((g) => g.body.data.payOrdId)).toEqual(['ORD-B1', 'ORD-B2', 'ORD-B2']);
    } finally {
      await h.close();
    }
  });

  it('the HIS URL must be on this machine (the forwarded 6302 carries no signature)', () => {
    expect(() => new Bridge({ apps: [bridgeApp], callbacks: { hisUrl: 'http://his.example.cn/6302' } })).toThrow(/须为本机地址/);
    expect(() => new Bridge({ apps: [bridgeApp], callbacks: { hisUrl: 'http://127.0.0.1:8081/6302' } })).not.toThrow();
  });
});

describe('bridge callbacks from the real center', () => {
  const kind = storeKinds[0]!;
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('6201 → 6202: the center\'s 6302 reaches the HIS through the bridge in plain JSON', async () => {
    const h = await his(() => ({ status: 200, body: '{"success":true}' }));
    const bridge = new Bridge({ apps: [{ appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, privateKey: t.app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, orgCodg: t.app.config.orgCodg, baseUrl: t.url }], callbacks: { hisUrl: h.url } });
    const { server, url } = await bridge.listenCallbacks(0);
    try {
      const set = await fetch(`${t.url}/sandbox/apps/${t.app.keys.appId}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ notifyUrl: `${url}/yibao/notify` }) });
      expect(set.ok).toBe(true);
      const client = new YibaoClient({ baseUrl: t.url, appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, privateKey: t.app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, orgCodg: t.app.config.orgCodg });
      const scan = await client.decodeQr({ businessType: '01101', operatorId: 'O1', operatorName: '收款员', officeId: 'K1', officeName: '内科', ecQrCode: LISI.qrCode });
      const data = demoUpload({ orgCodg: t.app.config.orgCodg, psnNo: LISI.psnNo, idNo: scan.idNo, userName: scan.userName, insutype: '310', ecToken: scan.ecToken });
      const up = await client.uploadFees(data);
      const { payAuthNo } = await authorise(t, LISI);
      const paid = await client.payOrder({ payAuthNo, payOrdId: up.payOrdId, payToken: up.payToken, chrgBchno: data.chrgBchno, feeType: '01', mdtrtId: up.extData?.mdtrtId ?? '' });
      const got = await until(async () => h.got.find((g) => g.body.data.payOrdId === up.payOrdId));
      expect(got.body.data).toMatchObject({ payOrdId: up.payOrdId, feeSumamt: paid.feeSumamt, fundPay: paid.fundPay, setlType: expect.any(String) });
    } finally {
      await new Promise((r) => server.close(r));
      await h.close();
    }
  });
});
