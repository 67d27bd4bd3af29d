import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode, YibaoError } from '../protocol/errors.js';
import { isPlainObject, MAX_WIRE_BYTES, parseWireObject, stringifyWire, toPlain, type WireObject, type WireText, type WireValue } from '../protocol/json.js';
import { buildMobileTransResponse, parseMobileTrans } from '../protocol/portal.js';
import { parseEncType, parseSignType } from '../protocol/signer.js';
import { mobileTransactions, portalTransactions } from '../spec/index.js';
import { YibaoClient } from './client.js';
import { YibaoApiError } from './errors.js';
import { PortalClient } from './portal-client.js';
import { checkKeys, transportCode, UniqueSealer } from './transport.js';
import { createCallbackHandler, MAX_CALLBACK_BYTES, type CallbackHandler, type CallbackResult, type SettledEvent } from './callback.js';
import { buildCallbackAck } from '../protocol/mobile.js';

/**
 * `yibao bridge`: a local HTTP service that speaks the `MobileTrans` JSON of
 * regional-payment-portal.txt (动态库开发包), so a HIS in C#, Delphi, VB or Java calls mobile payment and
 * the portal with plain JSON, and the bridge signs, encrypts, sends, verifies and decrypts.
 *
 * In: `{"data": {serverAddr, appId, appKey, encryptType, signType, timestamp, version, …business},
 * "orgId": …}` — serverAddr is the full address of the transaction — or the plain
 * `{"txn": "6202", "data": {…}}` for the configured center. Out: `{code, data, extra, message, orgId}`.
 */
export interface BridgeApp {
  appId: string;
  appSecret: string;
  /** SM2 keys, needed for the mobile payment center (signType SM2). */
  privateKey?: string;
  platformPublicKey?: string;
  orgCodg?: string;
  /** The center for the plain `{txn, data}` form. */
  baseUrl?: string;
  /** Sign string form of requests to the center (client.ts `scalarStyle`); default `json`. */
  scalarStyle?: 'json' | 'string';
}

export interface BridgeOptions {
  apps: BridgeApp[];
  timeoutMs?: number;
  /** Receive the center's 6302 for the HIS (listenCallbacks). */
  callbacks?: BridgeCallbackOptions;
}

/**
 * 【6302】 for a HIS that cannot verify SM2 or decrypt SM4 (mobile-payment.txt 2.3.1.3.2): the bridge
 * receives the center's callback with createCallbackHandler — the same verification, dedupe by
 * payOrdId and timestamp window as a Node HIS gets — and POSTs the opened data as plain JSON
 * `{"txn":"6302","appId":…,"data":{…}}` to `hisUrl`. The center is answered success only once the HIS
 * answered HTTP 2xx with `{"success": true}` (or `{"code": 0}`); anything else, or no answer within
 * `hisTimeoutMs`, is answered success:false, and the center delivers again later.
 */
export interface BridgeCallbackOptions {
  /** Where the HIS takes the plain 6302: on this machine only (loopback), since it carries no signature. */
  hisUrl: string;
  /** Default 8000: below the center's own per-attempt timeout, so that the center hears an answer. */
  hisTimeoutMs?: number;
  /** As createCallbackHandler's (default 300 s). */
  timestampWindowSeconds?: number | false;
  onReject?: (reason: string) => void;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

const MOBILE_BY_PATH = new Map<string, string>(Object.values(mobileTransactions).filter((t) => 'path' in t && t.path).map((t) => [(t as { path: string }).path, t.id]));
const PORTAL_BY_PATH = new Map<string, string>(Object.values(portalTransactions).map((t) => [t.path, t.id]));

function respCodeOf(err: unknown): { respCode: string; message: string } {
  if (err instanceof YibaoApiError) {
    const respCode = err.type === 'transport' ? ErrorCode.UPSTREAM : err.code;
    return { respCode, message: err.type === 'business' ? err.centerMessage : err.message.replace(/^\[[^\]]*\] \S+ /, '') };
  }
  if (err instanceof YibaoError) return { respCode: err.code, message: err.message };
  return { respCode: ErrorCode.UNKNOWN, message: err instanceof Error ? err.message : String(err) };
}

export class Bridge {
  private readonly apps: Map<string, BridgeApp>;
  private readonly sealer = new UniqueSealer();
  private readonly receivers = new Map<string, CallbackHandler>();
  constructor(private readonly o: BridgeOptions) {
    this.apps = new Map(o.apps.map((a) => [a.appId, a]));
    // Keys are read at start: a bad one stops the bridge with its name, not every HIS call with 000001.
    for (const a of o.apps) checkKeys(a, (f) => `bridge: apps[${a.appId}].${f}`);
    if (o.callbacks) this.makeReceivers(o.callbacks);
  }

  private makeReceivers(c: BridgeCallbackOptions): void {
    let his: URL;
    try {
      his = new URL(c.hisUrl);
    } catch {
      throw new TypeError(`bridge: callbacks.hisUrl 不是有效的地址 / invalid: ${c.hisUrl}`);
    }
    // The forwarded 6302 is plain and unsigned: it must not cross the network.
    if (his.protocol !== 'http:' || !(LOOPBACK_HOSTS.has(his.hostname) || his.hostname.startsWith('127.'))) {
      throw new TypeError(`bridge: callbacks.hisUrl 须为本机地址（http://127.0.0.1:端口/…）/ must be on this machine: ${c.hisUrl}`);
    }
    for (const a of this.o.apps) {
      if (!a.platformPublicKey) continue;
      this.receivers.set(
        a.appId,
        createCallbackHandler({
          appId: a.appId,
          appSecret: a.appSecret,
          platformPublicKey: a.platformPublicKey,
          ...(c.timestampWindowSeconds !== undefined ? { timestampWindowSeconds: c.timestampWindowSeconds } : {}),
          ...(c.onReject ? { onReject: c.onReject } : {}),
          onSettled: (e) => this.forward(his, a.appId, e, c.hisTimeoutMs ?? 8_000),
        }),
      );
    }
    if (this.receivers.size === 0) throw new TypeError('bridge: 接收 6302 需要应用的 platformPublicKey / callbacks need an app with platformPublicKey');
  }

  /** Hands the opened 6302 to the HIS and resolves only when it answered that it took it. */
  private async forward(his: URL, appId: string, e: SettledEvent, timeoutMs: number): Promise<void> {
    let res: Response;
    try {
      res = await fetch(his, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ txn: '6302', appId, data: e.data }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const code = transportCode(err);
      throw new Error(code === 'TimeoutError' ? `HIS 在 ${timeoutMs} ms 内未应答（${his.href}）` : `无法连接 HIS ${his.href}（${code}）`);
    }
    const text = await res.text().catch(() => '');
    let answer: Record<string, unknown> | undefined;
    try {
      answer = JSON.parse(text) as Record<string, unknown>;
    } catch {
      answer = undefined;
    }
    const took = res.ok && answer !== undefined && (answer.success === true || answer.code === 0 || answer.code === '0');
    if (!took) throw new Error(`HIS 未确认（HTTP ${res.status}${text ? `：${text.slice(0, 200)}` : ''}），应答 {"success": true} 表示已处理`);
  }

  /** One 6302 (the raw body): opened, given to the HIS, and the answer for the center. */
  async handleCallback(raw: string | Buffer): Promise<CallbackResult> {
    let appId = '';
    try {
      const root = parseWireObject(raw, '回调报文');
      appId = typeof root.appId === 'string' ? root.appId : '';
    } catch {
      // the handler below refuses it with its reason
    }
    const receiver = this.receivers.get(appId) ?? [...this.receivers.values()][0];
    if (!receiver) throw new TypeError('bridge: 未配置 callbacks');
    return receiver.handle(raw);
  }

  /**
   * The listener for the center's 6302 (any path, POST). Separate from `listen`: the center reaches
   * this one from another machine, while the signing bridge stays on loopback.
   */
  listenCallbacks(port: number, host = '127.0.0.1'): Promise<{ server: Server; url: string }> {
    if (this.receivers.size === 0) throw new TypeError('bridge: 未配置 callbacks（hisUrl）');
    const server = createServer((req, res) => {
      if (req.method !== 'POST') {
        res.writeHead(405, { 'content-type': 'application/json; charset=utf-8', allow: 'POST' }).end(JSON.stringify({ code: '-5', message: '6302 回调地址只接受 POST' }));
        return;
      }
      readCapped(req, MAX_CALLBACK_BYTES, {
        tooLarge: () => res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' }).end(stringifyWire(buildCallbackAck(false, `回调报文过大（超过 ${MAX_CALLBACK_BYTES} 字节）`))),
        body: (bytes) =>
          void this.handleCallback(bytes).then((r) => {
            if (!res.writableEnded && !res.destroyed) res.writeHead(r.status, { 'content-type': 'application/json; charset=utf-8' }).end(stringifyWire(r.body));
          }),
      });
    });
    return new Promise((resolve) => server.listen(port, host, () => resolve({ server, url: `http://${host}:${(server.address() as AddressInfo).port}` })));
  }

  /** One call: the request (text, or the HTTP body's bytes, strictly UTF-8) in, the MobileTrans answer out. Never throws. */
  async handle(text: WireText): Promise<WireObject> {
    let orgId = '';
    try {
      const root = parseWireObject(text, '入参');
      orgId = typeof root.orgId === 'string' ? root.orgId : '';
      const data = typeof root.txn === 'string' ? await this.plain(root) : await this.mobileTrans(root);
      return buildMobileTransResponse({ respCode: ErrorCode.PORTAL_OK, message: '成功', data: data as WireValue, orgId }) as unknown as WireObject;
    } catch (err) {
      const { respCode, message } = respCodeOf(err);
      return buildMobileTransResponse({ respCode, message, orgId }) as unknown as WireObject;
    }
  }

  private app(appId: string): BridgeApp {
    const app = this.apps.get(appId) ?? (this.apps.size === 1 && !appId ? [...this.apps.values()][0] : undefined);
    if (!app) throw new YibaoError(ErrorCode.UNKNOWN_APP, `bridge 未配置应用 ${appId || '（未给出 appId）'}`);
    return app;
  }

  /**
   * A client of the mobile payment center. Always SM2 (mobile-payment.txt 2.2.3.1 签名算法（SM2）):
   * the DLL-style request's `signType` names the portal's algorithm (SM3) in the vendor's samples,
   * and a center request signed with SM3 would only be refused.
   */
  private center(app: BridgeApp, baseUrl: string, encType = 'SM4'): YibaoClient {
    if (!app.privateKey || !app.platformPublicKey) throw new YibaoError(ErrorCode.UNKNOWN_APP, `bridge 未配置应用 ${app.appId} 的 SM2 私钥与平台公钥`);
    return new YibaoClient({
      baseUrl,
      appId: app.appId,
      appSecret: app.appSecret,
      privateKey: app.privateKey,
      platformPublicKey: app.platformPublicKey,
      signType: 'SM2',
      encType: parseEncType(encType),
      ...(app.orgCodg ? { orgCodg: app.orgCodg } : {}),
      ...(app.scalarStyle ? { scalarStyle: app.scalarStyle } : {}),
      ...(this.o.timeoutMs ? { timeoutMs: this.o.timeoutMs } : {}),
    });
  }

  /** `{txn, data, appId?}` → the configured center. */
  private async plain(root: WireObject): Promise<unknown> {
    const txn = String(root.txn);
    if (!isPlainObject(root.data)) throw new YibaoError(ErrorCode.INVALID_PARAM, 'data: 必填，应为 JSON 对象');
    const app = this.app(typeof root.appId === 'string' ? root.appId : '');
    if (!MOBILE_BY_PATH.size || ![...MOBILE_BY_PATH.values()].includes(txn)) throw new YibaoError(ErrorCode.NOT_OPENED, `该功能未开放：txn=${txn}`);
    if (!app.baseUrl) throw new YibaoError(ErrorCode.INVALID_PARAM, `bridge 未配置应用 ${app.appId} 的中心地址 baseUrl`);
    return this.center(app, app.baseUrl).request(txn, toPlain(root.data) as Record<string, unknown>);
  }

  /** The DLL's MobileTrans JSON: serverAddr names the transaction. */
  private async mobileTrans(root: WireObject): Promise<unknown> {
    const { connection, business, orgId } = parseMobileTrans(root);
    let url: URL;
    try {
      url = new URL(connection.serverAddr);
    } catch {
      throw new YibaoError(ErrorCode.INVALID_PARAM, 'data.serverAddr: 不是有效的地址（区域医保支付门户地址）');
    }
    const path = url.pathname.replace(/\/+$/, '');
    const suffix = [...PORTAL_BY_PATH.keys(), ...MOBILE_BY_PATH.keys()].find((p) => path.endsWith(p));
    if (!suffix) throw new YibaoError(ErrorCode.NOT_OPENED, `该功能未开放：${url.pathname}`);
    const base = connection.serverAddr.slice(0, connection.serverAddr.indexOf(url.pathname) + url.pathname.length - suffix.length);
    const plainBusiness = toPlain(business) as Record<string, unknown>;
    const portalTxn = PORTAL_BY_PATH.get(suffix);
    if (portalTxn) {
      const client = new PortalClient({
        baseUrl: base,
        appId: connection.appId,
        appKey: connection.appKey,
        orgId,
        signType: parseSignType(connection.signType),
        encType: parseEncType(connection.encryptType),
        ...(this.o.timeoutMs ? { timeoutMs: this.o.timeoutMs } : {}),
        sealer: this.sealer,
      });
      return client.request(portalTxn, plainBusiness);
    }
    const configured = this.app(connection.appId);
    const app = { ...configured, appSecret: connection.appKey || configured.appSecret };
    return this.center(app, base, connection.encryptType).request(MOBILE_BY_PATH.get(suffix)!, plainBusiness);
  }

  /**
   * Why a request may not use the bridge, or undefined. A connection that came in on a loopback
   * address (whatever the bridge is bound to) must name a loopback Host: a page that rebinds its
   * domain to 127.0.0.1 names its own.
   */
  private foreign(req: IncomingMessage, port: number): string | undefined {
    if (req.headers.origin !== undefined) return `bridge 不接受浏览器发起的请求（Origin: ${String(req.headers.origin).slice(0, 100)}）`;
    const local = req.socket.localAddress ?? '';
    const onLoopback = local === '::1' || local.startsWith('127.') || local.startsWith('::ffff:127.');
    if (!onLoopback) return undefined;
    const hostHeader = String(req.headers.host ?? '').toLowerCase();
    const names = ['127.0.0.1', 'localhost', '[::1]'];
    const allowed = names.map((n) => `${n}:${port}`).concat(port === 80 ? names : []);
    return allowed.includes(hostHeader) ? undefined : `bridge 只接受本机地址的请求（Host: ${hostHeader.slice(0, 100)}）`;
  }

  /** A Node http server for the bridge (any path, POST). */
  listen(port: number, host = '127.0.0.1'): Promise<{ server: Server; url: string }> {
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      // The bridge signs with the institution's key for whoever reaches it. A web page in the
      // cashier's browser must not (a cross-site POST carries an Origin; a HIS client sends none),
      // nor may a page reach it by DNS rebinding (a Host that is not this loopback address).
      const refusal = this.foreign(req, (server.address() as AddressInfo).port);
      if (refusal) {
        req.resume();
        const answer = buildMobileTransResponse({ respCode: ErrorCode.FORBIDDEN, message: refusal, orgId: '' });
        res.writeHead(403, { 'content-type': 'application/json; charset=utf-8' }).end(stringifyWire(answer as unknown as WireObject));
        return;
      }
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ bridge: 'yibao', usage: 'POST MobileTrans JSON or {"txn","data"}' }));
        return;
      }
      // The same limit as the platform's: a HIS never sends more, and memory stays bounded.
      readCapped(req, MAX_WIRE_BYTES, {
        tooLarge: () => {
          const answer = buildMobileTransResponse({ respCode: ErrorCode.INVALID_PARAM, message: `报文过大：请求体超过 ${MAX_WIRE_BYTES / 1024 / 1024} MB`, orgId: '' });
          res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' }).end(stringifyWire(answer as unknown as WireObject));
        },
        body: (bytes) =>
          void this.handle(bytes).then((answer) => {
            res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(stringifyWire(answer));
          }),
      });
    });
    return new Promise((resolve) => server.listen(port, host, () => resolve({ server, url: `http://${host}:${(server.address() as AddressInfo).port}` })));
  }
}

/**
 * Reads a request body up to `max` bytes. Past it the body is refused once (`tooLarge`) and the rest is
 * read and dropped, not kept, so that the client gets that answer rather than a reset.
 */
function readCapped(req: IncomingMessage, max: number, on: { tooLarge: () => void; body: (bytes: Buffer) => void }): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  req.on('data', (c: Buffer) => {
    if (refused) return;
    size += c.length;
    if (size > max) {
      refused = true;
      chunks.length = 0;
      on.tooLarge();
    } else chunks.push(c);
  });
  req.on('end', () => {
    if (!refused) on.body(Buffer.concat(chunks));
  });
}
