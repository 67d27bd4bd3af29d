import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { Bridge } from '../../packages/yibao/src/sdk/bridge.js';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { authorise, BILL, LISI } from '../helpers/flow.js';
import { upload6201 } from '../helpers/his.js';
import { toPlain } from '../../packages/yibao/src/protocol/json.js';

/** The bridge driven by a plain HTTP client, as C#'s HttpClient or Java's HttpURLConnection would. */
describe.each(storeKinds)('MobileTrans bridge on $name', (kind) => {
  let t: TestPlatform;
  let server: Server;
  let bridgeUrl = '';
  beforeAll(async () => {
    t = await startTestPlatform(kind);
    const bridge = new Bridge({ apps: [{ appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, privateKey: t.app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, orgCodg: t.app.config.orgCodg, baseUrl: t.url }] });
    ({ server, url: bridgeUrl } = await bridge.listen(0));
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await t?.close();
  });

  const mobileTrans = (path: string, business: Record<string, unknown>, over: Record<string, string> = {}) => ({
    data: { serverAddr: `${t.url}${path}`, appId: t.app.keys.appId, appKey: t.app.keys.appSecret, encryptType: 'SM4', signType: 'SM2', timestamp: '2026-11-22 10:00:00', version: '2.0.1', ...business, ...over },
    orgId: t.app.config.orgCodg,
  });
  const post = async (body: unknown) => {
    const res = await fetch(bridgeUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    return (await res.json()) as { code: number; data: any; extra: any; message: string; orgId: string };
  };

  it('6101 → 6201 → 6202 → 6301 with the MobileTrans JSON; answers {code, data, extra, message, orgId}', async () => {
    const scan = await post(mobileTrans('/org/local/api/hos/decode_ec_qrcode', { orgId: t.app.config.orgCodg, businessType: '01101', operatorId: 'O', operatorName: 'O', officeId: 'K', officeName: 'K', ecQrCode: LISI.qrCode }));
    expect(scan).toMatchObject({ code: 0, extra: '', message: '成功', orgId: t.app.config.orgCodg });
    const upload = toPlain(JSON.parse(JSON.stringify(upload6201({ orgCodg: t.app.config.orgCodg, psnNo: LISI.psnNo, idNo: scan.data.idNo, userName: scan.data.userName, insutype: '310', ecToken: scan.data.ecToken, lines: BILL, medType: '14' }), (_k, v) => (v && typeof v === 'object' && 'isLosslessNumber' in v ? v.value : v)))) as Record<string, unknown>;
    const up = await post(mobileTrans('/org/local/api/hos/uldFeeInfo', upload));
    expect(up.code).toBe(0);
    const { payAuthNo } = await authorise(t, LISI);
    const pay = await post(
      mobileTrans('/org/local/api/hos/pay_order', { payAuthNo, payOrdId: up.data.payOrdId, payToken: up.data.payToken, orgCodg: t.app.config.orgCodg, orgBizSer: `BR${Date.now()}`, chrgBchno: upload.chrgBchno, feeType: '01', mdtrtId: up.data.extData.mdtrtId }),
    );
    expect(pay.code).toBe(0);
    expect(pay.data.ordStas).toBe('6');
    // the plain {txn, data} form, for the configured center
    const q = await post({ txn: '6301', data: { payOrdId: up.data.payOrdId, orgCodg: t.app.config.orgCodg, payToken: up.data.payToken, idNo: scan.data.idNo, userName: scan.data.userName, idType: '01' } });
    expect(q.code).toBe(0);
    expect(q.data).toMatchObject({ ordStas: '6', feeSumamt: pay.data.feeSumamt });
  });

  it('errors keep the spec codes: validation 000105, wrong appKey, business -1, unknown path 404404, missing fields named', async () => {
    const v = await post(mobileTrans('/org/local/api/hos/query_order_info', { payOrdId: 'X' }));
    expect(v.code).toBe(105);
    expect(v.extra).toBe('000105');
    expect(v.message).toMatch(/data\.payToken: 必填/); // orgCodg comes from the bridge's config
    const badKey = await post(mobileTrans('/org/local/api/hos/query_order_info', { payOrdId: 'X', orgCodg: t.app.config.orgCodg, payToken: 'T', idNo: 'I', userName: 'U', idType: '01' }, { appKey: 'WRONG-SECRET-0000' }));
    expect(badKey.code).not.toBe(0);
    expect(['000101', '000102']).toContain(badKey.extra);
    const biz = await post({ txn: '6301', data: { payOrdId: 'ORD-NONE', orgCodg: t.app.config.orgCodg, payToken: 'T', idNo: 'I', userName: 'U', idType: '01' } });
    expect(biz).toMatchObject({ code: -1, extra: '-1' });
    expect(biz.message).toMatch(/订单不存在/);
    const nowhere = await post(mobileTrans('/api/unknown/thing', {}));
    expect(nowhere).toMatchObject({ code: 404404, extra: '404404' });
    // Keys are read at start: a bad one stops the bridge, naming it.
    expect(() => new Bridge({ apps: [{ appId: 'A', appSecret: 'S', privateKey: 'not-a-key' }] })).toThrow(/apps\[A\]\.privateKey 无效/);
    // More than 8 MB: refused with the spec's answer shape, the body not kept.
    const huge = await fetch(bridgeUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(9 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ code: 105, extra: '000105', message: '报文过大：请求体超过 8 MB' });
    const missing = await post({ data: { appId: 'x' }, orgId: 'H' });
    expect(missing.message).toMatch(/data\.serverAddr: 必填/);
    const garbage = await fetch(bridgeUrl, { method: 'POST', body: 'not json' }).then((r) => r.json() as Promise<{ code: number; message: string }>);
    expect(garbage.code).toBe(105);
    // Only the HIS on this machine: not a web page (its cross-site POST carries an Origin), not a
    // page that rebinds a domain to 127.0.0.1 (its Host is that domain).
    const fromPage = await fetch(bridgeUrl, { method: 'POST', headers: { origin: 'http://evil.example', 'content-type': 'text/plain' }, body: JSON.stringify({ txn: '6301', data: {} }) });
    expect(fromPage.status).toBe(403);
    expect(await fromPage.json()).toMatchObject({ code: -4, message: 'bridge 不接受浏览器发起的请求（Origin: http://evil.example）' });
    const { port } = new URL(bridgeUrl);
    const rebound = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { host: `rebind.example:${port}`, 'content-type': 'application/json' } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ txn: '6301', data: {} }));
    });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body).message).toBe(`bridge 只接受本机地址的请求（Host: rebind.example:${port}）`);
    // Bound to every address, a connection that arrives on loopback is held to the same rule.
    const wide = await new Bridge({ apps: [{ appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, privateKey: t.app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, orgCodg: t.app.config.orgCodg }] }).listen(0, '0.0.0.0');
    try {
      const widePort = (wide.server.address() as { port: number }).port;
      const viaLoopback = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: widePort, method: 'POST', path: '/', headers: { host: `rebind.example:${widePort}`, 'content-type': 'application/json' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end('{}');
      });
      expect(viaLoopback).toBe(403);
    } finally {
      await new Promise((r) => wide.server.close(r));
    }
    // A Delphi or VB HIS sending GBK: refused as not UTF-8, naming the byte, rather than mis-signed.
    const gbk = Buffer.concat([Buffer.from('{"txn":"6301","data":{"userName":"'), Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]), Buffer.from('"}}')]);
    const notUtf8 = await fetch(bridgeUrl, { method: 'POST', body: gbk }).then((r) => r.json() as Promise<{ code: number; extra: string; message: string }>);
    expect(notUtf8).toMatchObject({ code: 105, extra: '000105', message: '入参不是有效的 UTF-8 编码（第 35 字节 0xD5）：请以 UTF-8 发送（不是 GBK）' });
  });
});
