import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sm2Verify } from '../../packages/yibao/src/crypto/index.js';
import { generateKeyPair } from '../../packages/yibao/src/crypto/keys.js';
import { decryptEncData } from '../../packages/yibao/src/protocol/envelope.js';
import { parseWireObject, stringifyWire, type WireObject } from '../../packages/yibao/src/protocol/json.js';
import { openCallback, openRequest, openResponse, sealResponse } from '../../packages/yibao/src/protocol/mobile.js';
import { buildSignString, type ScalarStyle } from '../../packages/yibao/src/protocol/signstring.js';
import { Bridge } from '../../packages/yibao/src/sdk/bridge.js';
import { YibaoClient } from '../../packages/yibao/src/sdk/client.js';
import { runConformance } from '../../packages/yibao/src/sdk/conformance.js';
import { yibao } from '../helpers/cli.js';
import { storeKinds } from '../helpers/db.js';
import { authorise, LISI, payData, scanAndUpload } from '../helpers/flow.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

/**
 * issue 12 §1 end to end: an app configured `scalarStyle: "string"` (a HIS whose sign string comes
 * from the NHSA demo's SignUtil) sends money as JSON numbers signed over the string form, and gets
 * every answer and callback signed over the string form; the SDK, bridge and CLI can send either form.
 */

/** Which forms of the sign string a signed message's signature verifies over. */
function verifiesOver(raw: string, appId: string, appSecret: string, publicKey: string): ScalarStyle[] {
  const m = parseWireObject(raw);
  const signed: Record<string, unknown> = { ...m };
  const data = decryptEncData(m, { appId, appSecret });
  if (data !== undefined) signed.data = data;
  return (['json', 'string'] as const).filter((style) => sm2Verify(publicKey, buildSignString(signed, { secret: appSecret, scalarStyle: style }), String(m.signData)));
}

describe('scalarStyle "string" for an app, the SDK, the bridge and the CLI', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(storeKinds[0]!, {}, undefined, { app: { scalarStyle: 'string' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a HIS signing nested money as strings gets 0 for 6201/6202, and answers and the 6302 callback are signed that way', async () => {
    const style = { seal: { scalarStyle: 'string' as const } };
    const scan = await t.call('6101', { orgId: t.app.config.orgCodg, businessType: '01101', operatorId: 'OP01', operatorName: '收款员甲', officeId: 'NK01', officeName: '内科', ecQrCode: LISI.qrCode }, style);
    expect(scan.code, scan.message).toBe('0');
    const u = await scanAndUpload(t, LISI);
    // The same upload again under a new medOrgOrd, signed the SignUtil way with amounts as JSON numbers.
    const upload = { ...u.upload, medOrgOrd: `${u.upload.medOrgOrd}S` };
    const up = await t.call('6201', upload, style);
    expect(up.code, up.message).toBe('0');
    expect(verifiesOver(up.raw, t.app.keys.appId, t.app.keys.appSecret, t.platformPublicKey)).toEqual(['string']);
    const payOrdId = String(up.data!.payOrdId);
    const mdtrtId = String((up.data!.extData as Record<string, unknown>).mdtrtId);
    const paid = await t.call('6202', payData({ ...u, payOrdId, payToken: String(up.data!.payToken), mdtrtId }, (await authorise(t, LISI)).payAuthNo), style);
    expect(paid.code, paid.message).toBe('0');
    expect(verifiesOver(paid.raw, t.app.keys.appId, t.app.keys.appSecret, t.platformPublicKey)).toEqual(['string']);
    const callback = await t.receiver.waitForOrder(payOrdId);
    expect(verifiesOver(callback.raw, t.app.keys.appId, t.app.keys.appSecret, t.platformPublicKey)).toEqual(['string']);
    expect(openCallback(callback.raw, { ...t.app.keys, peerPublicKey: t.platformPublicKey }).scalarStyle).toBe('string');
    // An error answer carries no data: both forms are the same string.
    const refused = await t.call('6301', { payOrdId: 'NOPE', payToken: 'X', idNo: '1', userName: '无', idType: '01' }, style);
    expect(refused.code).not.toBe('0');
  });

  it('another app keeps the default json form', async () => {
    const u = await scanAndUpload(t, LISI, { app: t.other });
    const paid = await t.call('6202', payData(u, (await authorise(t, LISI, t.other.config.orgCodg)).payAuthNo), { app: t.other });
    expect(verifiesOver(paid.raw, t.other.keys.appId, t.other.keys.appSecret, t.platformPublicKey)).toEqual(['json']);
  });

  it('YibaoClient with scalarStyle string sends the string form and opens string-form answers', async () => {
    const client = new YibaoClient({ baseUrl: t.url, appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, privateKey: t.app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, orgCodg: t.app.config.orgCodg, scalarStyle: 'string' });
    const u = await scanAndUpload(t, LISI);
    const sent: string[] = [];
    const spy = new YibaoClient({
      baseUrl: t.url, appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, privateKey: t.app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, scalarStyle: 'string',
      fetch: async (input, init) => {
        sent.push(String(init?.body));
        return fetch(input, init);
      },
    });
    const q = await spy.queryOrder({ payOrdId: u.payOrdId, payToken: u.payToken, idNo: u.upload.idNo, userName: u.upload.userName, idType: '01', orgCodg: t.app.config.orgCodg });
    expect(q.payOrdId).toBe(u.payOrdId);
    const paid = await client.payOrder(payData(u, (await authorise(t, LISI)).payAuthNo) as never);
    expect(paid.ordStas).toBeDefined();
    // The client's request carries no nested scalar for 6301; a 6201 with nested numbers does.
    const body = { ...u.upload, medOrgOrd: `${u.upload.medOrgOrd}C` };
    const sentBefore = sent.length;
    await spy.uploadFees(JSON.parse(stringifyWire(body)) as never);
    const req = sent[sentBefore]!;
    const opened = openRequest(req, { ...t.app.keys, peerPublicKey: t.app.config.publicKey! });
    expect(opened.scalarStyle).toBe('string');
  });

  it('the bridge signs center requests with SM2 in the app\'s scalar style, whatever signType the DLL JSON names', async () => {
    const platform = generateKeyPair();
    const his = generateKeyPair();
    const appId = 'BRIDGEAPP0000000000000000000000A';
    const appSecret = 'BRIDGESECRET000000000000000000XX';
    const seen: Array<{ signType: string; scalarStyle: ScalarStyle }> = [];
    // A center stand-in that opens with the real envelope code and reports what it saw.
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const opened = openRequest(body, { appId, appSecret, peerPublicKey: his.publicKey });
        seen.push({ signType: opened.signType, scalarStyle: opened.scalarStyle });
        res.writeHead(200, { 'content-type': 'application/json' }).end(stringifyWire(sealResponse({ code: '0', data: { payOrdId: 'P1', ordStas: '1', feeSumamt: 1 } }, { appId, appSecret, privateKey: platform.privateKey, scalarStyle: 'string' })));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const bridge = new Bridge({ apps: [{ appId, appSecret, privateKey: his.privateKey, platformPublicKey: platform.publicKey, scalarStyle: 'string' }] });
      const answer = await bridge.handle(
        JSON.stringify({
          data: { serverAddr: `${base}/org/local/api/hos/refund_Order`, appId, appKey: appSecret, encryptType: 'SM4', signType: 'SM3', timestamp: '2026-11-22 10:00:00', version: '2.0.1', ...feeUpload() },
          orgId: 'H35010200227',
        }),
      );
      expect(answer.code, String(answer.message)).toBe(0);
      expect(seen).toEqual([{ signType: 'SM2', scalarStyle: 'string' }]);
      // Amounts come back as strings (docs/toolkit.md says so).
      expect((answer.data as WireObject).feeSumamt).toBe('1');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('`yibao sign-string --scalar-style` prints either form; `envelope seal --scalar-style string` opens', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yibao-i12-'));
    const file = join(dir, 'm.json');
    writeFileSync(file, '{"appId":"A","data":{"feeSumamt":96.00,"ok":true,"n":"x"},"success":true}');
    const json = yibao(['sign-string', '--app-secret', 'S', '--file', file]);
    expect(json.stdout.trim()).toBe('appId=A&data={"feeSumamt":96.00,"n":"x","ok":true}&success=true&key=S');
    const str = yibao(['sign-string', '--app-secret', 'S', '--file', file, '--scalar-style', 'string']);
    expect(str.stdout.trim()).toBe('appId=A&data={"feeSumamt":"96.00","n":"x","ok":"true"}&success=true&key=S');
    const bad = yibao(['sign-string', '--app-secret', 'S', '--file', file, '--scalar-style', 'text']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--scalar-style/);
    const badCall = yibao(['call', '6301', '--file', file, '--scalar-style', 'text']);
    expect(badCall.code).toBe(2);
    expect(badCall.stderr).toMatch(/--scalar-style 应为 json 或 string/);
    const dataFile = join(dir, 'd.json');
    writeFileSync(dataFile, '{"payOrdId":"P","feeSumamt":1.50}');
    const pair = generateKeyPair();
    const appId = 'A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6';
    const sealed = yibao(['envelope', 'seal', '--app-id', appId, '--app-secret', 'S'.repeat(32), '--private-key', pair.privateKey, '--file', dataFile, '--scalar-style', 'string']);
    expect(sealed.code, sealed.stderr).toBe(0);
    expect(openRequest(sealed.stdout, { appId, appSecret: 'S'.repeat(32), peerPublicKey: pair.publicKey }).scalarStyle).toBe('string');
    // `yibao envelope open` takes a message signed the string way.
    const sealedFile = join(dir, 'sealed.json');
    writeFileSync(sealedFile, sealed.stdout);
    const opened = yibao(['envelope', 'open', '--app-id', appId, '--app-secret', 'S'.repeat(32), '--public-key', pair.publicKey, '--file', sealedFile]);
    expect(opened.code, opened.stderr).toBe(0);
    expect(JSON.parse(opened.stdout)).toMatchObject({ payOrdId: 'P' });
  });

  it('`yibao conformance` reports the form the center signs with', async () => {
    const report = await runConformance({ baseUrl: t.url, appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, privateKey: t.app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, orgCodg: t.app.config.orgCodg });
    expect(report.centerScalarStyle).toBe('string');
    const row = report.checks.find((c) => c.id === 'signature.scalarStyle');
    expect(row?.status).toBe('pass');
    expect(row?.detail).toMatch(/^string/);
    expect(report.summary.failed, JSON.stringify(report.checks.filter((c) => c.status === 'fail'))).toBe(0);
  });
});

function feeUpload(): Record<string, unknown> {
  // 6203: its amounts travel as JSON numbers, so the two forms differ.
  return { payOrdId: 'P1', totlRefdAmt: '1.00', cashRefdAmt: '1.00', ecToken: 'E1', refdType: 'CASH' };
}
