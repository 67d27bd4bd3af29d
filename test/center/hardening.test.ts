import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lstatSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LosslessNumber } from 'lossless-json';
import { createPlatform } from '../../packages/platform/src/server/platform.js';
import { generateKeyPair } from '../../packages/yibao/src/crypto/keys.js';
import { openStore } from '../../packages/platform/src/store/index.js';
import { outboundLookup, refusedUrl, refusedUrlSync } from '../../packages/platform/src/center/outbound.js';
import { checkCashierChnlType } from '../../packages/platform/src/center/cashier-channel.js';
import { sealChannel } from '../../packages/yibao/src/protocol/channel.js';
import { formatCompact } from '../../packages/yibao/src/protocol/time.js';
import { buildCashierLaunchUrl } from '../../packages/yibao/src/protocol/mobile.js';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, until, type TestPlatform } from '../helpers/platform.js';
import { LISI, payData, queryData, scanAndUpload } from '../helpers/flow.js';

const pglite = storeKinds[0]!;
const STRONG = randomBytes(24).toString('base64url');
const silent = pino({ level: 'silent' });

/**
 * A platform on a migrated PGlite cloned from the test template (test/helpers/db.ts), closed with it.
 * These tests are about modes and routes, not the store: an in-memory platform opening its own would
 * create and migrate a fresh PGlite each time (≈ 3 s of CPU). The platform's own opening of its
 * embedded store is what the data-directory tests below and test/cli/serve.test.ts exercise.
 */
async function platformOnClone(options: Omit<Parameters<typeof createPlatform>[0], 'store'>) {
  const store = await pglite.open();
  try {
    const p = await createPlatform({ ...options, store });
    const close = p.close.bind(p);
    p.close = async () => {
      await close();
      await store.close();
    };
    return p;
  } catch (err) {
    await store.close();
    throw err;
  }
}

/** Every mode of a tree: directories and files apart. */
function modes(dir: string): { dirs: Set<string>; files: Set<string> } {
  const out = { dirs: new Set<string>([(lstatSync(dir).mode & 0o777).toString(8)]), files: new Set<string>() };
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const p = join(e.parentPath, e.name);
    const m = (lstatSync(p).mode & 0o777).toString(8);
    if (e.isDirectory()) out.dirs.add(m);
    else if (e.isFile()) out.files.add(m);
  }
  return out;
}

describe('sandbox mode is explicit (issue 14 point 10)', () => {
  const keys = generateKeyPair();
  const inst = generateKeyPair();
  const app = { appId: 'PRODAPP0000000000000000000000001', appSecret: 'PRODSECRET0000000000000000000001', publicKey: inst.publicKey, orgCodg: 'H35010200227', orgName: '生产医院' };

  it('no config: a sandbox; a config with platform keys and no `sandbox` key: production, /sandbox/* absent; `"sandbox": true` turns it on', async () => {
    const none = await platformOnClone({ inMemory: true, logger: silent });
    expect(none.sandbox).toBe(true);
    await none.close();

    const prod = await platformOnClone({ inMemory: true, logger: silent, config: { platform: keys, operatorToken: STRONG, apps: [app] } });
    try {
      expect(prod.sandbox).toBe(false);
      for (const [method, url] of [['POST', '/sandbox/auth'], ['POST', `/sandbox/apps/${app.appId}`], ['POST', '/sandbox/channels/failures'], ['GET', '/sandbox']] as const) {
        const r = await prod.http.inject({ method, url, payload: method === 'POST' ? { psnNo: LISI.psnNo, notifyUrl: 'http://127.0.0.1:1/x' } : undefined });
        expect(r.statusCode, url).toBe(404);
      }
      expect(JSON.parse((await prod.http.inject({ url: '/healthz' })).body).sandbox).toBe(false);
    } finally {
      await prod.close();
    }

    const on = await platformOnClone({ inMemory: true, logger: silent, config: { sandbox: true, platform: keys, operatorToken: 'short', apps: [app] } });
    try {
      expect(on.sandbox).toBe(true);
      expect((await on.http.inject({ method: 'POST', url: '/sandbox/auth', payload: { psnNo: LISI.psnNo } })).statusCode).toBe(200);
    } finally {
      await on.close();
    }
  });

  it('production refuses failure injection and a weak operatorToken at start, with a clear message', async () => {
    const base = { platform: keys, apps: [app] };
    await expect(createPlatform({ inMemory: true, logger: silent, config: { ...base, operatorToken: STRONG, channels: { failures: [{ op: 'pay', result: 'EXP' }] } } })).rejects.toThrow(/channels\.failures 仅用于沙箱/);
    await expect(createPlatform({ inMemory: true, logger: silent, config: { ...base, operatorToken: 'x' } })).rejects.toThrow(/operatorToken 过短/);
    await expect(createPlatform({ inMemory: true, logger: silent, config: { ...base, operatorToken: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' } })).rejects.toThrow(/operatorToken 过于简单/);
    await expect(createPlatform({ inMemory: true, logger: silent, config: { ...base, operatorToken: '<a long random token for /admin>' } })).rejects.toThrow(/operatorToken 是占位符/);
  });
});

describe('SSRF: outbound URLs outside sandbox mode (issue 14 point 11)', () => {
  const prod = { sandbox: false, allow: [] as string[] };

  it('private, loopback and link-local addresses are refused, by literal and by what a name resolves to, unless allowed', async () => {
    for (const url of ['http://127.0.0.1:8080/x', 'http://10.1.2.3/x', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/x', 'http://[::ffff:127.0.0.1]/x', 'http://[fe80::1]/x', 'http://0.0.0.0/x', 'http://192.168.1.1/x', 'http://100.64.0.1/x']) {
      expect(await refusedUrl(prod, url), url).toBeDefined();
    }
    // A name is checked by its addresses: localhost is 127.0.0.1 / ::1.
    expect(await refusedUrl(prod, 'http://localhost:9/x')).toMatch(/解析为/);
    expect(refusedUrlSync(prod, 'file:///etc/passwd')).toMatch(/http\(s\)/);
    expect(await refusedUrl(prod, 'http://8.8.8.8/notify')).toBeUndefined();
    // The allow-list: an address range an operator opens (an intranet HIS), host names.
    expect(await refusedUrl({ sandbox: false, allow: ['10.0.0.0/8'] }, 'http://10.1.2.3/x')).toBeUndefined();
    expect(await refusedUrl({ sandbox: false, allow: ['localhost', '127.0.0.0/8', '::1'] }, 'http://localhost:9/x')).toBeUndefined();
    expect(await refusedUrl({ sandbox: false, allow: ['his.example.cn', '*.hospital.cn'] }, 'http://8.8.8.8/x')).toMatch(/不在 outbound\.allow/);
    expect(refusedUrlSync({ sandbox: false, allow: ['his.example.cn', '*.hospital.cn'] }, 'https://evil.example.cn/x')).toMatch(/不在 outbound\.allow/);
    expect(refusedUrlSync({ sandbox: false, allow: ['his.example.cn', '*.hospital.cn'] }, 'https://a.hospital.cn/x')).toBeUndefined();
    // Sandbox: a developer's HIS on localhost.
    expect(await refusedUrl({ sandbox: true, allow: [] }, 'http://127.0.0.1:8080/x')).toBeUndefined();
  });

  it('outboundLookup refuses at connect time what the resolved address makes internal (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const server = createServer((_req, res) => res.end('reached'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const get = (policy: { sandbox: boolean; allow: string[] }) =>
        new Promise<string>((resolve) => {
          const req = request({ host: 'localhost', port, path: '/', lookup: outboundLookup(policy) as never }, (res) => {
            let body = '';
            res.on('data', (c) => (body += String(c)));
            res.on('end', () => resolve(body));
          });
          req.on('error', (e) => resolve(`error: ${e.message}`));
          req.end();
        });
      expect(await get({ sandbox: false, allow: [] })).toMatch(/^error: 出站地址被拒绝（SSRF 防护）：主机 localhost 解析为/);
      expect(await get({ sandbox: false, allow: ['127.0.0.0/8', '::1'] })).toBe('reached');
    } finally {
      server.close();
    }
  });

  it('a production config whose notifyUrl is a loopback address does not start', async () => {
    const inst = generateKeyPair();
    const app = { appId: 'PRODAPP0000000000000000000000002', appSecret: 'PRODSECRET0000000000000000000002', publicKey: inst.publicKey, orgCodg: 'H35010200227', orgName: '生产医院', notifyUrl: 'http://127.0.0.1:8080/notify' };
    await expect(createPlatform({ inMemory: true, logger: silent, config: { platform: generateKeyPair(), operatorToken: STRONG, apps: [app] } })).rejects.toThrow(/apps\[0\]\.notifyUrl 不允许/);
  });

  describe('on a production platform', () => {
    let t: TestPlatform & { reuse: any };
    beforeAll(async () => {
      // A host name that passes the start-up check but resolves to loopback: refused at delivery.
      // Started with loopback allowed (the test HIS listens there), then the list is emptied.
      t = await startTestPlatform(pglite, { sandbox: false, operatorToken: STRONG, channels: { simulated: true }, outbound: { allow: ['127.0.0.1'] } });
      t.platform.deps.outbound!.allow = [];
    });
    afterAll(async () => {
      await t?.close();
    });

    it('a 6302 to a name resolving to loopback is never sent; the attempt records why', async () => {
      const hidden = t.receiver.url.replace('127.0.0.1', 'localhost');
      t.platform.center.app(t.app.config.appId)!.notifyUrl = hidden;
      const u = await scanAndUpload(t, LISI);
      const now = new Date();
      const auth = await t.platform.deps.store.transaction((tx) => t.platform.upstreams.evoucher.issuePayAuthNo({ tx, now }, { psnNo: LISI.psnNo, orgCodg: t.app.config.orgCodg }));
      const paid = await t.call('6202', payData(u, auth.payAuthNo));
      expect(paid.code, paid.message).toBe('0');
      expect(paid.data!.ordStas).toBe('6');
      const attempt = await until(async () => (await t.platform.deps.store.query<{ error: string | null }>(`SELECT a.error FROM callback_attempts a JOIN callbacks c ON c.id = a.callback_id WHERE c.pay_ord_id = $1 AND a.error IS NOT NULL`, [u.payOrdId]))[0]);
      expect(attempt.error).toMatch(/出站地址被拒绝（SSRF 防护）.*localhost/);
      expect(t.receiver.received.some((r) => r.data.payOrdId === u.payOrdId)).toBe(false);
    });

    it('/channel/pay refuses a notifyUrl on an internal address at once (000105 naming notifyUrl)', async () => {
      const body = sealChannel({ appId: t.app.config.appId, payCert: 'PC-none', outTradeNo: 'T1', amount: '1.00', notifyUrl: 'http://169.254.169.254/latest', timestamp: formatCompact(new Date()) }, t.app.config.appSecret);
      const r = await t.post('/channel/pay', body);
      expect(r.json).toMatchObject({ status: 'FAIL', code: '000105' });
      expect(r.json.message).toMatch(/^notifyUrl: 不允许的通知地址/);
    });
  });

  it('/channel/* is served only where the simulated channel is configured', async () => {
    const inst = generateKeyPair();
    const app = { appId: 'PRODAPP0000000000000000000000003', appSecret: 'PRODSECRET0000000000000000000003', publicKey: inst.publicKey, orgCodg: 'H35010200227', orgName: '生产医院' };
    const prod = await platformOnClone({ inMemory: true, logger: silent, config: { platform: generateKeyPair(), operatorToken: STRONG, apps: [app] } });
    try {
      expect((await prod.http.inject({ method: 'POST', url: '/channel/pay', payload: {} })).statusCode).toBe(404);
      expect((await prod.http.inject({ method: 'GET', url: '/channel/statement' })).statusCode).toBe(404);
    } finally {
      await prod.close();
    }
  });

  it('redirects are not followed (sandbox: the endpoint itself is allowed, where it points is not reached)', async () => {
    const t = await startTestPlatform(pglite);
    let redirector: Server | undefined;
    try {
      redirector = createServer((_req, res) => res.writeHead(302, { location: t.receiver.url }).end());
      await new Promise<void>((r) => redirector!.listen(0, '127.0.0.1', r));
      t.platform.center.app(t.app.config.appId)!.notifyUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/moved`;
      const u = await scanAndUpload(t, LISI);
      const auth = (await t.post('/sandbox/auth', { psnNo: LISI.psnNo })).json as { payAuthNo: string };
      expect((await t.call('6202', payData(u, auth.payAuthNo))).data!.ordStas).toBe('6');
      const a = await until(async () => (await t.platform.deps.store.query<{ http_status: number }>(`SELECT a.http_status FROM callback_attempts a JOIN callbacks c ON c.id = a.callback_id WHERE c.pay_ord_id = $1 AND a.http_status IS NOT NULL`, [u.payOrdId]))[0]);
      expect(a.http_status).toBe(302);
      expect(t.receiver.received.some((r) => r.data.payOrdId === u.payOrdId)).toBe(false);
    } finally {
      redirector?.close();
      await t.close();
    }
  });
});

describe('the embedded database is private (issue 14 point 12)', () => {
  it('a fresh data directory is 0700 and every file in it 0600, after open and after close', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'yibao-perm-')), 'pgdata');
    const store = await openStore({ dataDir: dir });
    const open = modes(dir);
    expect([...open.dirs]).toEqual(['700']);
    expect([...open.files]).toEqual(['600']);
    await store.query('CREATE TABLE later (a int)');
    await store.query('INSERT INTO later SELECT generate_series(1, 1000)');
    await store.close();
    const closed = modes(dir);
    expect([...closed.dirs]).toEqual(['700']);
    expect([...closed.files]).toEqual(['600']);
  }, 60_000);

  it('the platform data directory (keys, sandbox.json) is 0700', async () => {
    const data = join(mkdtempSync(join(tmpdir(), 'yibao-perm-')), '.yibao');
    const p = await createPlatform({ dataDir: data, logger: silent, store: await pglite.open() });
    try {
      expect((lstatSync(data).mode & 0o777).toString(8)).toBe('700');
      for (const f of readdirSync(data)) expect((lstatSync(join(data, f)).mode & 0o777).toString(8), f).toBe('600');
    } finally {
      await p.close();
      await p.deps.store.close();
    }
  });
});

describe('input the platform refuses (issue 14 point 13)', () => {
  let t: TestPlatform & { reuse: any };
  beforeAll(async () => {
    t = await startTestPlatform(pglite);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the cashier refuses a chnlType outside the app\'s channels before settling anything', async () => {
    expect(() => checkCashierChnlType(t.app.config, '<html>'.repeat(10))).toThrow(/chnlType: 应为 WX\/ALI\/UP\/BANK 之一/);
    expect(checkCashierChnlType({ ...t.app.config, channels: ['WX'] }, 'WX')).toBe('WX');
    expect(() => checkCashierChnlType({ ...t.app.config, channels: ['WX'] }, 'ALI')).toThrow(/应为 WX 之一/);

    const u = await scanAndUpload(t, LISI);
    const pre = await t.call('6201', u.upload);
    const auth = (await t.post('/sandbox/auth', { psnNo: LISI.psnNo })).json as { payAuthNo: string };
    const launch = buildCashierLaunchUrl(String(pre.data!.cashierUrl), t.app.keys, { payAuthNo: auth.payAuthNo, deposit: new LosslessNumber('0.00') });
    const res = await fetch(`${t.url}/cashier/pay`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ payOrdId: u.payOrdId, chnlAppId: t.app.config.appId, chnlEncData: new URL(launch).searchParams.get('chnlEncData')!, chnlType: `<script>${'x'.repeat(200_000)}</script>` }).toString(),
    });
    expect(res.status).toBe(400);
    // A dialog for the patient: what happened in words, the spec's code only in small print.
    expect(await res.text()).toContain('000105');
    const q = await t.call('6301', queryData(u));
    expect(q.data!.ordStas).toBe('1'); // 预结算完成: nothing settled
  });

  it('identifier fields refuse bidi and zero-width characters with 000105 naming the field', async () => {
    const u = await scanAndUpload(t, LISI);
    for (const ch of ['\u202e', '\u200b', '\u2066', '\ufeff']) {
      const r = await t.call('6301', { ...queryData(u), payOrdId: `${u.payOrdId.slice(0, 4)}${ch}${u.payOrdId.slice(4)}` });
      expect(r.code, JSON.stringify(ch)).toBe('000105');
      expect(r.message).toMatch(/data\.payOrdId: 含有不可见或改变文字方向的字符 U\+/);
    }
    const ok = await t.call('6301', queryData(u));
    expect(ok.code).toBe('0');
    // Path and query values of the operator endpoints too.
    const admin = await t.admin(`/admin/orders/${u.payOrdId}%E2%80%AE`);
    expect(admin.status).toBe(400);
    expect(admin.json).toMatchObject({ code: '000105', message: 'payOrdId: 含有不可见或改变文字方向的字符' });
  });

  it('a 100-KB URL gets our coded JSON answer, not a bare 431', async () => {
    const res = await fetch(`${t.url}/org/local/api/hos/query_order_info?x=${'a'.repeat(100 * 1024)}`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(431);
    expect(await res.json()).toMatchObject({ code: '000105', success: false, message: expect.stringMatching(/请求地址或请求头过长/) });
  });
});
