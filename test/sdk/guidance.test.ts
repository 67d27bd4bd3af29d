import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallbackHandler, generateTestCallback, generateTestKeys, YibaoApiError, YibaoClient } from '../../packages/yibao/src/sdk/index.js';
import { demoUpload } from '../../packages/yibao/src/sdk/demo-data.js';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { authorise, LISI } from '../helpers/flow.js';

/** Errors that say what to do, and per-call options (issue 15). */
async function refused(p: Promise<unknown>): Promise<YibaoApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof YibaoApiError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

/** A server that accepts requests and never answers (a center that hangs). */
async function silentServer(): Promise<{ url: string; seen: () => number; close: () => Promise<void> }> {
  let seen = 0;
  const held: ServerResponse[] = [];
  const server: Server = createServer((_req: IncomingMessage, res) => {
    seen += 1;
    held.push(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen: () => seen,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

describe('SDK guidance (construction, errors, per-call options)', () => {
  const kind = storeKinds[0]!;
  let t: TestPlatform;
  let client: YibaoClient;
  let opts: ConstructorParameters<typeof YibaoClient>[0];
  beforeAll(async () => {
    t = await startTestPlatform(kind);
    opts = { baseUrl: t.url, appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, privateKey: t.app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, orgCodg: t.app.config.orgCodg };
    client = new YibaoClient(opts);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses at construction: our own public key as platformPublicKey, an appId under 16 bytes', () => {
    const own = generateTestKeys();
    expect(() => new YibaoClient({ ...opts, privateKey: own.privateKey, platformPublicKey: own.publicKey })).toThrow(/platformPublicKey 是本机构 privateKey 对应的公钥.*center's public key/);
    expect(() => new YibaoClient({ ...opts, appId: 'SHORT-APP-ID' })).toThrow(/appId 至少 16 字节/);
    expect(() => createCallbackHandler({ appId: 'SHORT', appSecret: 's', platformPublicKey: t.platformPublicKey, onSettled: () => {} })).toThrow(/appId 至少 16 字节/);
  });

  it('a valid private key the center does not hold for the appId: a signature error naming the registered key', async () => {
    const stranger = new YibaoClient({ ...opts, privateKey: generateTestKeys().privateKey });
    const e = await refused(stranger.queryOrder({ payOrdId: 'ORD-NONE', payToken: 'x', idNo: 'x', userName: 'x', idType: '01' }));
    expect(e).toMatchObject({ type: 'signature', code: '000102' });
    expect(e.message).toMatch(/在中心登记的机构公钥/);
  });

  it('an ISO begntime is told its format, not its length', async () => {
    const e = await refused(client.uploadFees({ ...demoUpload({ orgCodg: 'H35010200227', psnNo: LISI.psnNo, idNo: LISI.idNo, userName: LISI.userName, insutype: '310', ecToken: 'x' }), begntime: '2026-12-03T10:00:00.000Z' }));
    expect(e.type).toBe('validation');
    expect(e.message).toMatch(/data\.begntime: 应为 yyyy-MM-dd HH:mm:ss 格式（不是 ISO 8601；例如 2026-12-03 10:00:00/);
    expect(e.message).not.toMatch(/长度/);
  });

  it('a timeout says "timed out" (超时), not 无法连接; per-call timeoutMs; a cancelled call is not retried', async () => {
    const silent = await silentServer();
    try {
      const c = new YibaoClient({ ...opts, baseUrl: silent.url, timeoutMs: 60_000, retries: 0 });
      const e = await refused(c.queryOrder({ payOrdId: 'ORD-1', payToken: 'x', idNo: 'x', userName: 'x', idType: '01' }, { timeoutMs: 300 }));
      expect(e).toMatchObject({ type: 'transport', code: 'TimeoutError' });
      expect(e.message).toMatch(/超时：300 ms 内未收到应答 \/ timed out after 300 ms/);
      expect(e.message).not.toMatch(/无法连接/);

      const retrying = new YibaoClient({ ...opts, baseUrl: silent.url, retries: 3 });
      const ac = new AbortController();
      const before = silent.seen();
      const pending = refused(retrying.queryOrder({ payOrdId: 'ORD-2', payToken: 'x', idNo: 'x', userName: 'x', idType: '01' }, { signal: ac.signal }));
      while (silent.seen() === before) await new Promise((r) => setTimeout(r, 20));
      ac.abort();
      const aborted = await pending;
      expect(aborted).toMatchObject({ type: 'transport', code: 'AbortError', attempts: 1 });
      expect(aborted.message).toMatch(/取消/);
      // Already cancelled: nothing is sent.
      const seen = silent.seen();
      expect(await refused(retrying.queryOrder({ payOrdId: 'ORD-3', payToken: 'x', idNo: 'x', userName: 'x', idType: '01' }, { signal: AbortSignal.abort() }))).toMatchObject({ code: 'AbortError' });
      expect(silent.seen()).toBe(seen);
    } finally {
      await silent.close();
    }
  });

  it('an explicit idempotency key: the same key after a "crash" gets the first answer; only keyed transactions take one', async () => {
    const scan = await client.decodeQr({ businessType: '01101', operatorId: 'O1', operatorName: '收款员', officeId: 'K1', officeName: '内科', ecQrCode: LISI.qrCode });
    const data = demoUpload({ orgCodg: t.app.config.orgCodg, psnNo: LISI.psnNo, idNo: scan.idNo, userName: scan.userName, insutype: '310', ecToken: scan.ecToken });
    const up = await client.uploadFees(data);
    const { payAuthNo } = await authorise(t, LISI);
    const key = `BS-KEY-${Date.now()}`;
    const pay = { payAuthNo, payOrdId: up.payOrdId, payToken: up.payToken, chrgBchno: data.chrgBchno, feeType: '01', mdtrtId: up.extData?.mdtrtId ?? '' };
    const first = await client.payOrder(pay, { idempotencyKey: key });
    // A new client (the HIS restarted) with the persisted key: the first answer, not a refusal.
    const again = await new YibaoClient(opts).payOrder(pay, { idempotencyKey: key });
    expect(again).toEqual(first);
    // Without the key a retry is a new payment attempt, which the center refuses.
    expect(await refused(client.payOrder(pay))).toMatchObject({ type: 'business', code: '-1' });
    await expect(client.uploadFees(data, { idempotencyKey: 'K' })).rejects.toThrow(/6201 没有幂等键.*medOrgOrd/);
    await expect(client.payOrder({ ...pay, orgBizSer: 'OTHER' }, { idempotencyKey: key })).rejects.toThrow(/idempotencyKey 与 data\.orgBizSer 不一致/);
  });

  it('a callback body that went through a JSON parser: "pass the raw request body"', async () => {
    const platform = generateTestKeys();
    const app = { appId: t.app.keys.appId, appSecret: t.app.keys.appSecret };
    const reasons: string[] = [];
    const handler = createCallbackHandler({ ...app, platformPublicKey: platform.publicKey, onSettled: () => {}, onReject: (r) => reasons.push(r) });
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => void handler(Object.assign(req, { body: JSON.parse(text) as unknown }), res));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const body = generateTestCallback({ ...app, platformPrivateKey: platform.privateKey, data: { payOrdId: 'ORD-PARSED' } });
      const answer = (await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { method: 'POST', body })).json()) as { data: { success: boolean; message: string } };
      expect(answer.data.success).toBe(false);
      expect(answer.data.message).toMatch(/pass the raw request body/);
      expect(reasons.join()).toMatch(/pass the raw request body/);
      // The same message through handle() given an object by mistake.
      expect((await handler.handle(JSON.parse(body) as never)).reason).toMatch(/pass the raw request body/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
