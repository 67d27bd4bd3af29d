import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../packages/yibao/src/crypto/keys.js';
import { createCallbackHandler, decodeRedirect, generateTestCallback, type SettledEvent } from '../../packages/yibao/src/sdk/index.js';
import { build6204Redirect, sealCallback } from '../../packages/yibao/src/protocol/mobile.js';
import { stringifyWire } from '../../packages/yibao/src/protocol/json.js';
import { formatCompact } from '../../packages/yibao/src/protocol/time.js';
import { getTxn, toWire } from '../../packages/yibao/src/spec/index.js';
import { LosslessNumber } from 'lossless-json';

const platform = generateKeyPair();
const app = { appId: 'CBAPP000000000000000000000000001', appSecret: 'callback-secret-0001' };

function receiver(settled: SettledEvent[], extra: { acceptPlain?: boolean; fail?: () => boolean } = {}) {
  return createCallbackHandler({
    ...app,
    platformPublicKey: platform.publicKey,
    ...(extra.acceptPlain !== undefined ? { acceptPlain: extra.acceptPlain } : {}),
    onSettled: async (e) => {
      if (extra.fail?.()) throw new Error('库存系统不可用');
      await new Promise((r) => setTimeout(r, 20));
      settled.push(e);
    },
  });
}

const body = (payOrdId: string, encrypt = true) => generateTestCallback({ ...app, platformPrivateKey: platform.privateKey, data: { payOrdId, feeSumamt: '88.80', ownpayAmt: '18.80', psnAcctPay: '20.00', fundPay: '50.00' }, encrypt });

describe('callback receiver (6302)', () => {
  const servers: Array<{ close: () => unknown }> = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  it('a valid callback reaches onSettled once, with the data typed and money as text', async () => {
    const settled: SettledEvent[] = [];
    const h = receiver(settled);
    const r = await h.handle(body('ORD-1'));
    expect(r.outcome).toBe('settled');
    expect(r.body).toEqual({ data: { success: true, message: '院内处理回调成功' }, code: '0', msg: '接口调用成功' });
    expect(settled[0]!.data).toMatchObject({ payOrdId: 'ORD-1', feeSumamt: '88.80', callType: '02' });
  });

  it('a tampered callback is refused and never reaches onSettled', async () => {
    const settled: SettledEvent[] = [];
    const h = receiver(settled);
    const msg = JSON.parse(body('ORD-2', false));
    msg.data.fundPay = 500; // plain data, changed after signing
    const r = await h.handle(JSON.stringify(msg));
    expect(r.outcome).toBe('refused');
    expect(r.body.data).toMatchObject({ success: false });
    expect(r.reason).toMatch(/000102/);
    const forged = generateTestCallback({ ...app, platformPrivateKey: generateKeyPair().privateKey, data: { payOrdId: 'ORD-2' } });
    expect((await h.handle(forged)).outcome).toBe('refused');
    expect((await h.handle('not json')).outcome).toBe('refused');
    const other = generateTestCallback({ appId: 'OTHERAPP000000000000000000000001', appSecret: 's', platformPrivateKey: platform.privateKey, data: { payOrdId: 'ORD-2' } });
    expect((await h.handle(other)).reason).toMatch(/appId/);
    // Whoever knows only the appSecret cannot sign as the center: an SM3-signed 6302 is refused.
    const sm3 = stringifyWire(sealCallback(toWire(getTxn('6302').input, { payOrdId: 'ORD-2', callType: '02' }), { appId: app.appId, appSecret: app.appSecret }, { signType: 'SM3' }));
    const downgraded = await h.handle(sm3);
    expect(downgraded.outcome).toBe('refused');
    expect(downgraded.reason).toMatch(/不接受 SM3/);
    expect(settled).toHaveLength(0);
  });

  it('a correctly signed 6302 that breaks the catalogue (missing or malformed fields) is refused, naming them, and never reaches onSettled', async () => {
    const settled: SettledEvent[] = [];
    const h = receiver(settled);
    const keys = { appId: app.appId, appSecret: app.appSecret, privateKey: platform.privateKey };
    const sparse = await h.handle(stringifyWire(sealCallback(toWire(getTxn('6302').input, { payOrdId: 'ORD-V1', callType: '02' }), keys)));
    expect(sparse.outcome).toBe('refused');
    expect(sparse.reason).toMatch(/回调数据不合法：.*feeSumamt.*必填/);
    expect(sparse.body.data).toMatchObject({ success: false });
    const full = JSON.parse(body('ORD-V2', false)).data as Record<string, unknown>;
    const malformed = await h.handle(stringifyWire(sealCallback({ ...full, fundPay: 'abc' } as never, keys, { encType: 'plain' })));
    expect(malformed.outcome).toBe('refused');
    expect(malformed.reason).toMatch(/fundPay.*数值/);
    expect(settled).toHaveLength(0);
  });

  it('a callback recorded and replayed later is refused by its timestamp, even by a receiver that forgot it (a restart)', async () => {
    const data = JSON.parse(body('ORD-OLD', false)).data as Record<string, unknown>;
    const old = generateTestCallback({ ...app, platformPrivateKey: platform.privateKey, data: data as never, encrypt: false, timestamp: formatCompact(new Date(Date.now() - 20 * 60_000)) });
    const settled: SettledEvent[] = [];
    const refused = await receiver(settled).handle(old);
    expect(refused.outcome).toBe('refused');
    expect(refused.reason).toMatch(/^timestamp: 与本机时间相差 1[12]\d\d 秒，超出 ±300 秒，疑似重放/);
    expect(settled).toHaveLength(0);
    // A HIS whose clock cannot be trusted may turn the check off.
    const lax = createCallbackHandler({ ...app, platformPublicKey: platform.publicKey, timestampWindowSeconds: false, onSettled: (e) => void settled.push(e) });
    expect((await lax.handle(old)).outcome).toBe('settled');
  });

  it('duplicates — sequential and concurrent — call onSettled once', async () => {
    const settled: SettledEvent[] = [];
    const h = receiver(settled);
    const results = await Promise.all([h.handle(body('ORD-3')), h.handle(body('ORD-3')), h.handle(body('ORD-3'))]);
    expect(results.filter((r) => r.outcome === 'settled')).toHaveLength(1);
    expect((await h.handle(body('ORD-3'))).outcome).toBe('duplicate');
    expect(results.every((r) => (r.body.data as { success: boolean }).success)).toBe(true);
    expect(settled).toHaveLength(1);
  });

  it('encrypted and plain callbacks; plain refused when the HIS requires encryption; a failing onSettled answers false and is retried', async () => {
    const settled: SettledEvent[] = [];
    expect((await receiver(settled).handle(body('ORD-4', false))).outcome).toBe('settled');
    expect((await receiver(settled).handle(body('ORD-5', true))).outcome).toBe('settled');
    expect((await receiver(settled, { acceptPlain: false }).handle(body('ORD-6', false))).reason).toMatch(/要求回调加密/);
    let fail = true;
    const flaky = receiver(settled, { fail: () => fail });
    const first = await flaky.handle(body('ORD-7'));
    expect(first.outcome).toBe('failed');
    expect(first.body.data).toMatchObject({ success: false, message: expect.stringContaining('库存系统不可用') });
    fail = false;
    expect((await flaky.handle(body('ORD-7'))).outcome).toBe('settled');
  });

  it('never crashes the HIS: an aborted or oversized body, a failing dedupe store; processes sharing a store with claim run onSettled once', async () => {
    const settled: SettledEvent[] = [];
    const h = receiver(settled);
    const server = createServer((req, res) => void h(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push({ close: () => new Promise((r) => server.close(r)) });
    const { port } = server.address() as AddressInfo;
    // A center that hangs up mid-body: the handler answers nobody and the process lives on.
    await new Promise<void>((resolve) => {
      const sock = connect(port, '127.0.0.1', () => {
        sock.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"appId":');
        setTimeout(() => {
          sock.destroy();
          resolve();
        }, 50);
      });
    });
    await new Promise((r) => setTimeout(r, 50));
    // Still serving, and an oversized body is a refusal.
    const big = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'x'.repeat(2 * 1024 * 1024) }).then((r) => r.json());
    expect(big).toMatchObject({ data: { success: false } });
    expect((await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: body('ORD-ALIVE') }).then((r) => r.json() as Promise<{ data: { success: boolean } }>)).data.success).toBe(true);
    // A dedupe store that is down: success:false (the center retries), no exception.
    const broken = createCallbackHandler({ ...app, platformPublicKey: platform.publicKey, onSettled: () => undefined, dedupe: { has: () => Promise.reject(new Error('db down')), add: () => undefined } });
    const r = await broken.handle(body('ORD-DB'));
    expect(r).toMatchObject({ outcome: 'failed' });
    expect(r.reason).toMatch(/去重存储不可用：db down/);
    // Two processes, one shared store with an atomic claim: the same callback at once runs onSettled once.
    const claimed = new Set<string>();
    const done = new Set<string>();
    const shared = {
      has: async (id: string) => done.has(id),
      add: async (id: string) => void done.add(id),
      claim: async (id: string) => {
        await new Promise((res) => setTimeout(res, 5));
        if (claimed.has(id)) return false;
        claimed.add(id);
        return true;
      },
      release: async (id: string) => void claimed.delete(id),
    };
    const runs: string[] = [];
    const mk = () =>
      createCallbackHandler({
        ...app,
        platformPublicKey: platform.publicKey,
        dedupe: shared,
        onSettled: async (e) => {
          runs.push(e.data.payOrdId);
          await new Promise((res) => setTimeout(res, 50)); // the HIS's own work takes a while
        },
      });
    const [a, b] = [mk(), mk()];
    const both = await Promise.all([a.handle(body('ORD-TWICE')), b.handle(body('ORD-TWICE'))]);
    expect(runs).toEqual(['ORD-TWICE']);
    // The one that found it being handled elsewhere does not claim success: the center comes back…
    expect(both.map((x) => x.outcome).sort()).toEqual(['failed', 'settled']);
    expect(both.find((x) => x.outcome === 'failed')!.reason).toMatch(/处理中/);
    // …and then it is a duplicate of a done order.
    expect((await b.handle(body('ORD-TWICE'))).outcome).toBe('duplicate');
    expect(runs).toEqual(['ORD-TWICE']);
    // A failed onSettled gives the claim back: the retry runs it.
    let fail = true;
    const flaky = createCallbackHandler({ ...app, platformPublicKey: platform.publicKey, dedupe: shared, onSettled: () => { if (fail) throw new Error('库存系统不可用'); } });
    expect((await flaky.handle(body('ORD-RETRY'))).outcome).toBe('failed');
    fail = false;
    expect((await flaky.handle(body('ORD-RETRY'))).outcome).toBe('settled');
  });

  it('works mounted in Node http, Express and Fastify', async () => {
    const settled: SettledEvent[] = [];
    const h = receiver(settled);
    const node: Server = createServer((req, res) => void h(req, res));
    await new Promise<void>((r) => node.listen(0, '127.0.0.1', r));
    servers.push({ close: () => new Promise((r) => node.close(r)) });
    const ex = express();
    ex.post('/notify', express.text({ type: '*/*' }), (req, res) => void h(req, res));
    const exServer = await new Promise<Server>((r) => {
      const s = ex.listen(0, '127.0.0.1', () => r(s));
    });
    servers.push({ close: () => new Promise((r) => exServer.close(r)) });
    const fa = Fastify();
    fa.removeAllContentTypeParsers(); // keep the raw text: the signature covers numbers as written
    fa.addContentTypeParser('*', { parseAs: 'string' }, (_req, b, done) => done(null, b));
    fa.post('/notify', h.fastify);
    await fa.listen({ port: 0, host: '127.0.0.1' });
    servers.push({ close: () => fa.close() });
    const urls = [
      `http://127.0.0.1:${(node.address() as AddressInfo).port}/notify`,
      `http://127.0.0.1:${(exServer.address() as AddressInfo).port}/notify`,
      `http://127.0.0.1:${(fa.server.address() as AddressInfo).port}/notify`,
    ];
    for (const [i, url] of urls.entries()) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(`ORD-FW-${i}`) });
      const answer = (await res.json()) as Record<string, unknown>;
      expect(answer, `${url}: ${JSON.stringify(answer)}`).toMatchObject({ data: { success: true }, code: '0' });
    }
    expect(settled.map((e) => e.data.payOrdId)).toEqual(['ORD-FW-0', 'ORD-FW-1', 'ORD-FW-2']);
  });

  it('6204: decodeRedirect opens the redirect query', () => {
    const url = build6204Redirect('https://his.example.cn/return', app, { payOrdId: 'ORD-9', ownPayAmt: new LosslessNumber('3.00') }, 'WX');
    expect(decodeRedirect(new URL(url).search, app)).toMatchObject({ chnlType: 'WX', data: { payOrdId: 'ORD-9', ownPayAmt: '3.00' } });
    expect(() => decodeRedirect(new URL(url).search, { appId: 'x', appSecret: 'y' })).toThrow(/应用信息不存在/);
  });
});
