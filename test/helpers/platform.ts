import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { generateKeyPair } from '../../packages/yibao/src/crypto/keys.js';
import { openCallback, openResponse, sealRequest, buildCallbackAck, type MobileSealOptions } from '../../packages/yibao/src/protocol/mobile.js';
import { parseWire, parseWireObject, stringifyWire, toPlain, type WireObject, type WireValue } from '../../packages/yibao/src/protocol/json.js';
import { decryptEncData, envelopeSm4Key, type EnvelopeKeys } from '../../packages/yibao/src/protocol/envelope.js';
import { sm4DecryptHex } from '../../packages/yibao/src/crypto/sm4.js';
import { FSI_PATH, getTxn, mobileTransactions, portalTransactions, TERMINAL_PATH, validateTxn } from '../../packages/yibao/src/spec/index.js';
import { createPlatform, type Platform } from '../../packages/platform/src/server/platform.js';
import type { AppConfig, YibaoConfig } from '../../packages/platform/src/center/config.js';
import type { StoreKind } from './db.js';

export const ORG = 'H35010200227';
export const OTHER_ORG = 'H35020000001';

export interface TestApp {
  config: AppConfig;
  keys: EnvelopeKeys;
}

function makeApp(orgCodg: string, orgName: string, extra: Partial<AppConfig> = {}): TestApp & { privateKey: string } {
  const pair = generateKeyPair();
  const appId = `APP${orgCodg}${Math.random().toString(16).slice(2, 10)}`.padEnd(32, '0').slice(0, 32).toUpperCase();
  const appSecret = `SECRET${Math.random().toString(36).slice(2)}`.padEnd(32, 'X');
  return {
    privateKey: pair.privateKey,
    config: { appId, appSecret, publicKey: pair.publicKey, orgCodg, orgName, encryptCallbacks: true, ...extra },
    keys: { appId, appSecret, privateKey: pair.privateKey },
  };
}

/**
 * A HIS callback endpoint: opens each 6302 with the real envelope code, can be told to fail first,
 * either way a HIS refuses: an error status, or HTTP 200 whose ack says `success: false`
 * (mobile-payment.txt 2.3.1.3.2: only `success: true` acknowledges the notification).
 */
export class CallbackReceiver {
  server!: Server;
  url = '';
  received: Array<{ data: Record<string, unknown>; raw: string; at: number }> = [];
  attempts = 0;
  failFirst = 0;
  /** How the first `failFirst` attempts are refused. */
  failWith: 'http-500' | 'ack-false' = 'http-500';
  /** The message of a refusal's ack. */
  failMessage = '院内系统繁忙';
  constructor(private readonly keys: () => EnvelopeKeys) {}

  async start(): Promise<this> {
    this.server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        this.attempts += 1;
        if (this.attempts <= this.failFirst) {
          const status = this.failWith === 'ack-false' ? 200 : 500;
          res.writeHead(status, { 'content-type': 'application/json' }).end(stringifyWire(buildCallbackAck(false, this.failMessage)));
          return;
        }
        try {
          const opened = openCallback(body, this.keys());
          this.received.push({ data: opened.plainData, raw: body, at: Date.now() });
          res.writeHead(200, { 'content-type': 'application/json' }).end(stringifyWire(buildCallbackAck(true)));
        } catch (err) {
          res.writeHead(200, { 'content-type': 'application/json' }).end(stringifyWire(buildCallbackAck(false, String(err))));
        }
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/his/notify`;
    return this;
  }

  async waitFor(n: number, timeoutMs = 15_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.received.length < n) {
      if (Date.now() > until) throw new Error(`callback receiver: ${this.received.length} of ${n} callbacks after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * The callback for one order. Callbacks of earlier tests may still arrive late (retries, a busy
   * worker), so a test never reads "the last one received".
   */
  async waitForOrder(payOrdId: string, timeoutMs = 15_000): Promise<{ data: Record<string, unknown>; raw: string; at: number }> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.received.find((r) => r.data.payOrdId === payOrdId);
      if (hit) return hit;
      if (Date.now() > until) throw new Error(`callback receiver: no callback for ${payOrdId} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

export interface CallResult {
  code: string;
  message: string;
  success: boolean;
  data: Record<string, unknown> | undefined;
  raw: string;
  httpStatus: number;
}

export interface TestPlatform {
  platform: Platform;
  url: string;
  app: TestApp;
  other: TestApp;
  limited: TestApp;
  platformPublicKey: string;
  receiver: CallbackReceiver;
  /** Seals `data` as the HIS of `app` would, posts it, opens the reply with the platform key. */
  call(txn: string, data: unknown, opts?: { app?: TestApp; seal?: MobileSealOptions; mutate?: (m: WireObject) => WireObject; rawBody?: string }): Promise<CallResult>;
  post(path: string, body: unknown): Promise<{ status: number; json: any }>;
  admin(path: string, init?: { method?: string; body?: unknown }): Promise<{ status: number; json: any }>;
  close(): Promise<void>;
}

export interface Reuse {
  store: Awaited<ReturnType<StoreKind['open']>>;
  platformPair: { privateKey: string; publicKey: string };
  app: TestApp;
  other: TestApp;
  limited: TestApp;
  receiver: CallbackReceiver;
}

/**
 * A platform on a fresh store, listening on a free port with its callback worker running. `reuse`
 * starts a second platform on the same database, keys and receiver (restart, several instances).
 */
export async function startTestPlatform(kind: StoreKind, overrides: Partial<YibaoConfig> = {}, reuse?: Reuse, opts: { logLines?: string[]; app?: Partial<AppConfig> } = {}): Promise<TestPlatform & { reuse: Reuse }> {
  const store = reuse?.store ?? (await kind.open());
  const platformPair = reuse?.platformPair ?? generateKeyPair();
  const app = reuse?.app ?? makeApp(ORG, '福州市第一人民医院（测试）', opts.app);
  const other = reuse?.other ?? makeApp(OTHER_ORG, '厦门市第二医院（测试）');
  const limited = reuse?.limited ?? makeApp('H35030000003', '限流测试医院', { rateLimit: { perSecond: 0.5, burst: 3 } });
  const receiver = reuse?.receiver ?? (await new CallbackReceiver(() => ({ ...app.keys, peerPublicKey: platformPair.publicKey })).start());
  app.config.notifyUrl ??= receiver.url;
  app.config.redirectUrl ??= 'https://his.example.cn/pay/return';
  const config: YibaoConfig = {
    sandbox: true,
    platform: platformPair,
    operatorToken: 'operator-test-token',
    apps: [{ ...app.config }, { ...other.config }, { ...limited.config }],
    callbacks: { schedule: ['300ms', '300ms', '300ms', '1s'], timeoutMs: 2000, pollMs: 200 },
    ...overrides,
  };
  // logLines: every log line the platform writes, at the most verbose level (tests of what logs hold).
  const lines = opts.logLines;
  const logger = lines ? pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) }) : pino({ level: 'silent' });
  const platform = await createPlatform({ config, store, inMemory: true, port: 0, logger });
  const answerIssues = checkAnswers(platform, [app, other, limited]);
  const address = await platform.http.listen({ host: '127.0.0.1', port: 0 });
  platform.url = address;
  platform.deps.publicUrl = address;
  platform.worker.start();
  const hisKeys = (a: TestApp): EnvelopeKeys => ({ ...a.keys, peerPublicKey: platformPair.publicKey });

  return {
    reuse: { store, platformPair, app, other, limited, receiver },
    platform,
    url: address,
    app,
    other,
    limited,
    platformPublicKey: platformPair.publicKey,
    receiver,
    async call(txn, data, opts = {}) {
      const a = opts.app ?? app;
      let message = sealRequest(data, hisKeys(a), opts.seal ?? {});
      if (opts.mutate) message = opts.mutate(message);
      const res = await fetch(`${address}${getTxn(txn).path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: opts.rawBody ?? stringifyWire(message),
      });
      const raw = await res.text();
      const opened = openResponse(raw, hisKeys(a));
      // Every answer the center gives in any test meets its own catalogue (the spec's output table,
      // with the cross-field rules for fields that exist only in some states).
      if (opened.code === '0' && opened.plainData !== undefined) {
        const issues = validateTxn(txn, 'output', opened.plainData);
        if (issues.length > 0) throw new Error(`${txn} answer breaks its output table: ${issues.map((i) => i.message).join('；')}`);
      }
      return { code: opened.code, message: opened.message, success: opened.success, data: opened.plainData, raw, httpStatus: res.status };
    },
    async post(path, body) {
      const res = await fetch(`${address}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, json: await res.json() };
    },
    async admin(path, init = {}) {
      const res = await fetch(`${address}${path}`, {
        method: init.method ?? 'GET',
        headers: { authorization: 'Bearer operator-test-token', ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      });
      return { status: res.status, json: await res.json() };
    },
    async close() {
      await platform.close();
      if (!reuse) {
        await receiver.close();
        await store.close();
      }
      // Every successful answer of every system in the file's tests met its output table.
      if (answerIssues.length > 0) throw new Error(`answers that break their output table:\n${answerIssues.join('\n')}`);
    },
  };
}

/**
 * Checks every successful answer the platform sends — the center's, the one-code-pay module's (FSI),
 * the terminal's and the portal's, whoever sent the request (t.call, an SDK client, a raw fetch) —
 * against its transaction's output table in the catalogue (issue 12 §4). Decrypts with the app's
 * keys; collects what breaks, for close() to report.
 */
function checkAnswers(platform: Platform, apps: TestApp[]): string[] {
  const issues: string[] = [];
  // The test's own secret, and during a rotation (docs/apps.md) the app's current and previous ones:
  // an answer is sealed with the secret its request used.
  const secretsOf = (appId: unknown): string[] => {
    const id = String(appId);
    let live: { appSecret?: string; previousAppSecret?: string } | undefined;
    try {
      live = platform.center.app(id);
    } catch {
      live = undefined;
    }
    const all = [apps.find((a) => a.config.appId === id)?.config.appSecret, live?.appSecret, live?.previousAppSecret];
    return [...new Set(all.filter((x): x is string => typeof x === 'string' && x !== ''))];
  };
  const withSecret = <T>(appId: unknown, open: (secret: string) => T): T | undefined => {
    const secrets = secretsOf(appId);
    for (const [i, secret] of secrets.entries()) {
      try {
        return open(secret);
      } catch (err) {
        if (i === secrets.length - 1) throw err;
      }
    }
    return undefined;
  };
  const centerPaths = new Map<string, string>(Object.values(mobileTransactions).flatMap((t) => ('path' in t && t.path ? [[t.path as string, t.id] as [string, string]] : [])));
  const portalPaths = new Map<string, string>(Object.values(portalTransactions).map((t) => [t.path, t.id]));
  const check = (txn: string, value: unknown, root: string) => {
    for (const i of validateTxn(txn, 'output', toPlain(value as WireValue), root)) issues.push(`${txn}: ${i.message}`);
  };
  platform.http.addHook('onSend', async (req, _reply, payload) => {
    if (typeof payload !== 'string' || req.method !== 'POST') return payload;
    const path = req.url.split('?')[0]!;
    if (!centerPaths.has(path) && !portalPaths.has(path) && path !== TERMINAL_PATH && path !== FSI_PATH) return payload;
    try {
      const body = parseWireObject(payload);
      const plain = (field: 'encData' | 'output', appId: unknown) => {
        if (field === 'encData') return withSecret(appId, (secret) => decryptEncData(body, { appId: String(appId), appSecret: secret }) ?? body.data);
        const out = body.output;
        return typeof out === 'string' ? withSecret(appId, (secret) => parseWire(sm4DecryptHex(envelopeSm4Key(String(appId), secret), out))) : out;
      };
      if (centerPaths.has(path) && body.code === '0') {
        const data = plain('encData', body.appId);
        if (data !== undefined) check(centerPaths.get(path)!, data, 'data');
      } else if (portalPaths.has(path) && body.code === '000000') {
        const data = plain('encData', body.appId);
        if (data !== undefined && data !== null) check(portalPaths.get(path)!, data, 'data');
      } else if (path === TERMINAL_PATH && body.code === '0000') {
        const data = plain('encData', body.appId);
        if (data !== undefined) check(String(body.transType), data, 'data');
      } else if (path === FSI_PATH && String(toPlain(body.infcode)) === '0') {
        const request = parseWireObject(rawText(req.body));
        const infno = String(request.infno ?? request.info);
        const out = plain('output', body.app_id) as Record<string, WireValue> | undefined;
        const ids = platform.onecode.infno;
        if (infno === '1101') check('1101', out, 'output');
        else check(infno === ids.oneCodeStatus ? 'oneCodeStatus' : 'oneCodePayCert', out?.data, 'output.data');
      }
    } catch (err) {
      issues.push(`${path}: answer could not be checked: ${(err as Error).message}`);
    }
    return payload;
  });
  return issues;
}

function rawText(body: unknown): string {
  return Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : JSON.stringify(body);
}

/** Polls `fn` until it returns something (for what happens in the background: callbacks, notifications). */
export async function until<T>(fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
