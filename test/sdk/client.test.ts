import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastResponse, YibaoApiError, YibaoClient, toFen } from '../../packages/yibao/src/sdk/index.js';
import { generateKeyPair } from '../../packages/yibao/src/crypto/keys.js';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { authorise, BILL, LISI } from '../helpers/flow.js';
import { upload6201 } from '../helpers/his.js';

/**
 * A proxy that forwards every request to the center and spoils the first answer: `drop` closes the
 * HIS's connection, `502` answers a gateway error. The center has processed the request each time;
 * the HIS never hears so.
 */
async function faultyProxy(target: string, fault: 'drop' | '502' = 'drop'): Promise<{ url: string; dropped: () => number; seen: () => number; close: () => Promise<void> }> {
  let dropped = 0;
  let seen = 0;
  const server: Server = createServer((req, res) => {
    seen += 1;
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const fwd = httpRequest(`${target}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
        let text = '';
        up.on('data', (c) => (text += c));
        up.on('end', () => {
          const answer = () => res.writeHead(up.statusCode ?? 502, up.headers).end(text);
          if (dropped > 0) return answer();
          dropped += 1;
          if (fault === 'drop') req.socket.destroy();
          else res.writeHead(502, { 'content-type': 'text/html' }).end('<html>502 Bad Gateway</html>');
        });
      });
      fwd.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dropped: () => dropped,
    seen: () => seen,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

describe.each(storeKinds)('SDK against the real center on $name', (kind) => {
  let t: TestPlatform;
  let client: YibaoClient;
  beforeAll(async () => {
    t = await startTestPlatform(kind);
    client = new YibaoClient({ baseUrl: t.url, appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, privateKey: t.app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, orgCodg: t.app.config.orgCodg });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function upload(c = client) {
    const scan = await c.decodeQr({ businessType: '01101', operatorId: 'O1', operatorName: '收款员', officeId: 'K1', officeName: '内科', ecQrCode: LISI.qrCode });
    const data = upload6201({ orgCodg: t.app.config.orgCodg, psnNo: LISI.psnNo, idNo: scan.idNo, userName: scan.userName, insutype: '310', ecToken: scan.ecToken, lines: BILL, medType: '14' });
    const { orgCodg: _o, ...withoutOrg } = JSON.parse(JSON.stringify(data, (_k, v) => (v && typeof v === 'object' && 'isLosslessNumber' in v ? v.value : v)));
    const up = await c.uploadFees(withoutOrg);
    return { scan, data, up };
  }

  it('every transaction through typed methods: 6101, 6201, 6202, 6301, 6203, 6205, 6401', async () => {
    const { scan, data, up } = await upload();
    expect(up.payOrdId).toMatch(/^ORD/);
    const mdtrtId = String((up.extData as Record<string, unknown>).mdtrtId);
    const { payAuthNo } = await authorise(t, LISI);
    const paid = await client.payOrder({ payAuthNo, payOrdId: up.payOrdId, payToken: up.payToken, chrgBchno: data.chrgBchno, feeType: '01', mdtrtId });
    expect(paid.ordStas).toBe('6');
    expect(typeof paid.feeSumamt).toBe('string'); // money as strings of yuan
    expect(toFen(paid.feeSumamt)).toBe(toFen(paid.fundPay) + toFen(paid.psnAcctPay) + toFen(paid.ownPayAmt) + toFen(paid.othFeeAmt));
    const who = { payOrdId: up.payOrdId, payToken: up.payToken, idNo: scan.idNo, userName: scan.userName, idType: scan.idType };
    const q = await client.queryOrder(who);
    expect(q.ordStas).toBe('6');
    expect(lastResponse(q)).toMatchObject({ code: '0', httpStatus: 200 });
    expect(lastResponse(q)!.raw).toContain('"signData"');
    expect(Object.keys(q)).not.toContain('lastResponse'); // the typed result stays the catalogue's
    const r = await client.refund({ payOrdId: up.payOrdId, totlRefdAmt: '1.00', cashRefdAmt: '1.00', refdType: 'CASH', ecToken: scan.ecToken });
    expect(r.refStatus).toBe('SUCC');

    const second = await upload();
    const bank = await client.bankCardPay({ payAuthNo: (await authorise(t, LISI)).payAuthNo, payOrdId: second.up.payOrdId, payToken: second.up.payToken });
    expect(bank.medBankPayUrl).toContain('/sandbox/medBankPay');
    const revoked = await client.revokeUpload({ payOrdId: second.up.payOrdId, payToken: second.up.payToken, idNo: second.scan.idNo, userName: second.scan.userName, idType: '01' });
    expect(revoked.success).toBe(true);
  });

  it('error classes: validation (before sending), business, signature, transport', async () => {
    const v = await client.queryOrder({ payOrdId: 'X', payToken: 'T', idNo: 'I', userName: 'U' } as never).catch((e) => e);
    expect(v).toBeInstanceOf(YibaoApiError);
    expect(v).toMatchObject({ type: 'validation', code: '000105', txn: '6301' });
    expect(v.message).toContain('data.idType: 必填（证件类别）');
    expect(v.issues[0].path).toBe('data.idType');

    const b = await client.queryOrder({ payOrdId: 'ORD-NOPE', payToken: 'T', idNo: 'I', userName: 'U', idType: '01' }).catch((e) => e);
    expect(b).toMatchObject({ type: 'business', code: '-1', txn: '6301', isBusiness: true });
    expect(b.centerMessage).toMatch(/订单不存在/);
    expect(b.raw).toContain('"signData"');
    expect(b.traceId).toMatch(/[0-9a-f-]{36}/);

    const wrongPlatformKey = new YibaoClient({ baseUrl: t.url, appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, privateKey: t.app.keys.privateKey as string, platformPublicKey: generateKeyPair().publicKey, orgCodg: t.app.config.orgCodg });
    const s = await wrongPlatformKey.queryOrder({ payOrdId: 'ORD-NOPE', payToken: 'T', idNo: 'I', userName: 'U', idType: '01' }).catch((e) => e);
    expect(s).toMatchObject({ type: 'signature', code: '000102' });
    // An appId the center does not know: it cannot sign for us, the error stays a signature error
    // but carries the center's claim, so the developer sees -8 rather than only "签名验证失败".
    const stranger = new YibaoClient({ baseUrl: t.url, appId: 'NOSUCHAPP0000000NOSUCHAPP0000000', appSecret: t.app.keys.appSecret, privateKey: t.app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, orgCodg: t.app.config.orgCodg });
    const u = await stranger.queryOrder({ payOrdId: 'ORD-NOPE', payToken: 'T', idNo: 'I', userName: 'U', idType: '01' }).catch((e) => e);
    expect(u).toMatchObject({ type: 'signature', code: '-8' });
    expect(u.message).toMatch(/应用信息不存在.*无法验签/);

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const nowhere = new YibaoClient({ baseUrl: `http://127.0.0.1:${deadPort}`, appId: 'A'.repeat(32), appSecret: 'S', privateKey: t.app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, retries: 1 });
    const tr = await nowhere.queryOrder({ payOrdId: 'P', orgCodg: 'H', payToken: 'T', idNo: 'I', userName: 'U', idType: '01' }).catch((e) => e);
    expect(tr).toMatchObject({ type: 'transport', code: 'ECONNREFUSED', isTransport: true, attempts: 2 });

    expect(() => new YibaoClient({ baseUrl: t.url, appId: 'a', appSecret: 's', privateKey: 'k', platformPublicKey: '' })).toThrow(/platformPublicKey is required/);
    expect(() => new YibaoClient({ baseUrl: t.url, appId: 'a', appSecret: 's', privateKey: 'not-a-key', platformPublicKey: t.platformPublicKey })).toThrow(/YibaoClient: privateKey 无效/);
    expect(() => new YibaoClient({ baseUrl: t.url, appId: 'a', appSecret: 's', privateKey: t.app.keys.privateKey as string, platformPublicKey: '04' + '11'.repeat(64) })).toThrow(/platformPublicKey 无效.*曲线/);
  });

  it('retry: the connection drops once after the center processed 6202; the order is paid exactly once', async () => {
    const proxy = await faultyProxy(t.url);
    try {
      const viaProxy = new YibaoClient({ baseUrl: proxy.url, appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, privateKey: t.app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, orgCodg: t.app.config.orgCodg });
      const { data, up } = await upload();
      const before = await t.platform.deps.store.query<{ balance_fen: number }>('SELECT balance_fen FROM psn_accounts WHERE psn_no = $1', [LISI.psnNo]);
      const { payAuthNo } = await authorise(t, LISI);
      const paid = await viaProxy.payOrder({ payAuthNo, payOrdId: up.payOrdId, payToken: up.payToken, chrgBchno: data.chrgBchno, feeType: '01', mdtrtId: String((up.extData as Record<string, unknown>).mdtrtId) });
      expect(proxy.dropped()).toBe(1);
      expect(paid.ordStas).toBe('6');
      const settlements = await t.platform.deps.store.query("SELECT 1 FROM fsi_settlements WHERE pay_ord_id = $1 AND status = 'SETTLED'", [up.payOrdId]);
      expect(settlements).toHaveLength(1);
      const trades = await t.platform.deps.store.query("SELECT 1 FROM channel_trades WHERE pay_ord_id = $1 AND kind = 'PAY'", [up.payOrdId]);
      expect(trades).toHaveLength(1);
      const requests = await t.platform.deps.store.query('SELECT org_biz_ser FROM pay_requests WHERE pay_ord_id = $1', [up.payOrdId]);
      expect(requests).toHaveLength(1); // one orgBizSer across both attempts
      const after = await t.platform.deps.store.query<{ balance_fen: number }>('SELECT balance_fen FROM psn_accounts WHERE psn_no = $1', [LISI.psnNo]);
      expect(before[0]!.balance_fen - after[0]!.balance_fen).toBe(toFen(paid.psnAcctPay));
    } finally {
      await proxy.close();
    }
  });

  it('a non-idempotent transaction (6201) is not retried after the connection drops', async () => {
    const scan = await client.decodeQr({ businessType: '01101', operatorId: 'O1', operatorName: '收款员', officeId: 'K1', officeName: '内科', ecQrCode: LISI.qrCode });
    const data = upload6201({ orgCodg: t.app.config.orgCodg, psnNo: LISI.psnNo, idNo: scan.idNo, userName: scan.userName, insutype: '310', ecToken: scan.ecToken, lines: BILL, medType: '14' });
    const plain = JSON.parse(JSON.stringify(data, (_k, v) => (v && typeof v === 'object' && 'isLosslessNumber' in v ? v.value : v)));
    const proxy = await faultyProxy(t.url);
    try {
      const viaProxy = new YibaoClient({ baseUrl: proxy.url, appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, privateKey: t.app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, orgCodg: t.app.config.orgCodg });
      const err = await viaProxy.uploadFees(plain).catch((e) => e);
      expect(err).toMatchObject({ type: 'transport', txn: '6201', attempts: 1 });
      expect(proxy.dropped()).toBe(1);
      // The center did process it, once: the HIS finds out by sending the same upload again (same answer).
      const rows = await t.platform.deps.store.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE med_org_ord = $1', [plain.medOrgOrd]);
      expect(rows[0]!.n).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('a 5xx answer is retried with the same keys: 6202 pays once, 6201 answers the same order', async () => {
    const proxy = await faultyProxy(t.url, '502');
    const proxy2 = await faultyProxy(t.url, '502');
    try {
      const via = (url: string) => new YibaoClient({ baseUrl: url, appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, privateKey: t.app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, orgCodg: t.app.config.orgCodg });
      const { data, up } = await upload();
      const { payAuthNo } = await authorise(t, LISI);
      const paid = await via(proxy.url).payOrder({ payAuthNo, payOrdId: up.payOrdId, payToken: up.payToken, chrgBchno: data.chrgBchno, feeType: '01', mdtrtId: String((up.extData as Record<string, unknown>).mdtrtId) });
      expect([proxy.dropped(), proxy.seen(), paid.ordStas]).toEqual([1, 2, '6']);
      expect(await t.platform.deps.store.query("SELECT 1 FROM channel_trades WHERE pay_ord_id = $1 AND kind = 'PAY'", [up.payOrdId])).toHaveLength(1);
      expect(await t.platform.deps.store.query('SELECT 1 FROM pay_requests WHERE pay_ord_id = $1', [up.payOrdId])).toHaveLength(1);

      // 6201 has no key of its own, but the same medOrgOrd again answers the same order (docs/center.md).
      const scan = await client.decodeQr({ businessType: '01101', operatorId: 'O1', operatorName: '收款员', officeId: 'K1', officeName: '内科', ecQrCode: LISI.qrCode });
      const again = upload6201({ orgCodg: t.app.config.orgCodg, psnNo: LISI.psnNo, idNo: scan.idNo, userName: scan.userName, insutype: '310', ecToken: scan.ecToken, lines: BILL, medType: '14' });
      const plain = JSON.parse(JSON.stringify(again, (_k, v) => (v && typeof v === 'object' && 'isLosslessNumber' in v ? v.value : v)));
      const second = await via(proxy2.url).uploadFees(plain);
      expect([proxy2.dropped(), proxy2.seen()]).toEqual([1, 2]);
      const rows = await t.platform.deps.store.query<{ pay_ord_id: string }>('SELECT pay_ord_id FROM orders WHERE med_org_ord = $1', [plain.medOrgOrd]);
      expect(rows.map((r) => r.pay_ord_id)).toEqual([second.payOrdId]);
    } finally {
      await proxy.close();
      await proxy2.close();
    }
  });

  it('a timeout: an idempotent transaction (6301) is retried, 6201 is not; the code is TimeoutError', async () => {
    const { up } = await upload();
    // The first request reaches the real center and is processed; then, as when timeoutMs runs out
    // before the answer, fetch rejects with the DOMException AbortSignal.timeout() raises. No clock.
    const timingOutOnce = () => {
      let calls = 0;
      const f: typeof fetch = async (input, init) => {
        calls += 1;
        const res = await fetch(input, init);
        if (calls > 1) return res;
        await res.text();
        throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      };
      return { f, calls: () => calls };
    };
    const via = (f: typeof fetch) => new YibaoClient({ baseUrl: t.url, appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, privateKey: t.app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, orgCodg: t.app.config.orgCodg, fetch: f });
    const q1 = timingOutOnce();
    const q = await via(q1.f).queryOrder({ payOrdId: up.payOrdId, payToken: up.payToken, idNo: LISI.idNo, userName: LISI.userName, idType: '01' });
    expect(q.ordStas).toBe('1');
    expect(q1.calls()).toBe(2);

    const scan = await client.decodeQr({ businessType: '01101', operatorId: 'O1', operatorName: '收款员', officeId: 'K1', officeName: '内科', ecQrCode: LISI.qrCode });
    const data = upload6201({ orgCodg: t.app.config.orgCodg, psnNo: LISI.psnNo, idNo: scan.idNo, userName: scan.userName, insutype: '310', ecToken: scan.ecToken, lines: BILL, medType: '14' });
    const plain = JSON.parse(JSON.stringify(data, (_k, v) => (v && typeof v === 'object' && 'isLosslessNumber' in v ? v.value : v)));
    const u1 = timingOutOnce();
    const err = await via(u1.f).uploadFees(plain).catch((e) => e);
    expect(err).toBeInstanceOf(YibaoApiError);
    expect(err).toMatchObject({ type: 'transport', code: 'TimeoutError', txn: '6201', attempts: 1 });
    expect(u1.calls()).toBe(1);
    const rows = await t.platform.deps.store.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE med_org_ord = $1', [plain.medOrgOrd]);
    expect(rows[0]!.n).toBe(1);
  });

  it('a reply that is not an envelope is a protocol error; one with a bad signature a signature error', async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url!.includes('query_order_info')) res.writeHead(200, { 'content-type': 'text/html' }).end('<html>网关错误</html>');
        else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ appId: t.app.keys.appId, code: '0', message: '成功', success: true, signType: 'SM2', signData: 'AAAA', encType: 'plain', data: {}, timestamp: '20261123100000', version: '2.0.1' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const fake = new YibaoClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, privateKey: t.app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, orgCodg: t.app.config.orgCodg, retries: 0 });
      const q = { payOrdId: 'ORD1', payToken: 'T', idNo: LISI.idNo, userName: LISI.userName, idType: '01' };
      const protocol = await fake.queryOrder(q).catch((e) => e);
      expect(protocol).toMatchObject({ type: 'protocol', txn: '6301', raw: '<html>网关错误</html>' });
      const forged = await fake.revokeUpload(q).catch((e) => e);
      expect(forged).toMatchObject({ type: 'signature', code: '000102', txn: '6401' });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
