import type { SignType } from '../protocol/signer.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EnvelopeKeys } from '../protocol/envelope.js';
import { ErrorCode, YibaoError } from '../protocol/errors.js';
import { parseWireObject, stringifyWire, utf8Text, type WireObject } from '../protocol/json.js';
import { buildCallbackAck, open6204Redirect, openCallback, sealCallback } from '../protocol/mobile.js';
import { getTxn, toWire, validateTxn } from '../spec/index.js';
import type { Txn6302Input } from '../spec/mobile.js';

/**
 * The HIS side of 【6302】医保结算结果通知 (mobile-payment.txt 2.3.1.3.2): verify, decrypt (or accept
 * plain data, per configuration — never unsigned), validate against the catalogue, deduplicate by
 * payOrdId, and answer the spec's `{data:{success,message},code,msg}`. `onSettled` runs once per
 * order even when the center retries; if it throws, the answer is success:false and the center
 * retries later.
 */
export interface SettledEvent {
  data: Txn6302Input;
  /** The message exactly as received. */
  raw: string;
}

/**
 * Where seen payOrdIds are kept. The default is this process's memory; a HIS with several processes
 * plugs in its database. For "once per order" across processes give `claim` — an atomic first-wins
 * marker of "being handled" (SQL `INSERT … ON CONFLICT DO NOTHING`, Redis `SET NX`), best with an
 * expiry so that a process dying mid-way does not hold it for ever — and `release`, which undoes a
 * claim when onSettled failed. `has`/`add` stay the record of "done": a delivery that finds the order
 * claimed but not done answers success:false, so the center delivers again later. With only
 * has/add, two processes receiving the same callback at the same instant may both run onSettled.
 */
export interface DedupeStore {
  has(payOrdId: string): Promise<boolean> | boolean;
  add(payOrdId: string): Promise<void> | void;
  /** Atomically marks the order as being handled; false when another delivery already did. */
  claim?(payOrdId: string): Promise<boolean> | boolean;
  /** Undoes a claim whose onSettled failed. */
  release?(payOrdId: string): Promise<void> | void;
}

/** The largest callback body read (a 6302 is a few KB). */
export const MAX_CALLBACK_BYTES = 1024 * 1024;

export interface CallbackHandlerOptions {
  appId: string;
  /** During an appSecret rotation (docs/apps.md), the new and the old one: a callback opened by either is accepted. */
  appSecret: string | string[];
  /** During a platform key rotation, several: a callback must verify with one of them. */
  platformPublicKey: string | string[];
  onSettled: (event: SettledEvent) => Promise<void> | void;
  /** Accept callbacks whose data is not SM4-encrypted (they must still be signed). Default true. */
  acceptPlain?: boolean;
  /** The center's signature type for this app (default SM2); a callback signed otherwise is refused. */
  signType?: SignType;
  dedupe?: DedupeStore;
  /** Called with the reason whenever a callback is refused (for the HIS's log). */
  onReject?: (reason: string) => void;
  /**
   * How far a callback's timestamp may be from this machine's clock, in seconds (default 300, as the
   * center's own window); `false` to not check. The center seals every delivery afresh, so a genuine
   * one is always recent; a recorded one replayed later is refused (and a restart that forgot the
   * dedupe memory cannot be used to run onSettled again with it).
   */
  timestampWindowSeconds?: number | false;
}

export interface CallbackResult {
  status: number;
  body: WireObject;
  /** What happened: delivered to onSettled, a duplicate, or refused. */
  outcome: 'settled' | 'duplicate' | 'refused' | 'failed';
  reason?: string;
}

function memoryDedupe(limit = 100_000): DedupeStore {
  const seen = new Set<string>();
  return {
    has: (id) => seen.has(id),
    add: (id) => {
      if (seen.size >= limit) seen.delete(seen.values().next().value as string);
      seen.add(id);
    },
  };
}

export interface CallbackHandler {
  /** Framework-free core: the raw body in, the answer out. */
  handle(rawBody: string): Promise<CallbackResult>;
  /** Node's http (also Express: mount it with express.text({type: '*\/*'}) or no body parser). */
  (req: IncomingMessage & { body?: unknown }, res: ServerResponse): Promise<void>;
  /** Fastify: `app.post('/notify', handler.fastify)`; register a string content-type parser. */
  fastify(request: { body?: unknown; raw: IncomingMessage }, reply: { code(n: number): unknown; header(k: string, v: string): unknown; send(b: string): unknown }): Promise<void>;
}

async function readBody(req: IncomingMessage & { body?: unknown }): Promise<string> {
  if (typeof req.body === 'string') return req.body;
  if (Buffer.isBuffer(req.body)) return utf8Text(req.body, '回调报文');
  // A JSON body parser already ran: numbers may have lost their text ("12.30" → 12.3) and the
  // signature can then fail. Use a raw/text parser for the callback route (docs/toolkit.md).
  if (req.body !== undefined && req.body !== null && typeof req.body === 'object') return JSON.stringify(req.body);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    const b = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
    size += b.length;
    if (size > MAX_CALLBACK_BYTES) throw new YibaoError(ErrorCode.INVALID_PARAM, `回调报文过大（超过 ${MAX_CALLBACK_BYTES} 字节）`);
    chunks.push(b);
  }
  return utf8Text(Buffer.concat(chunks), '回调报文');
}

export function createCallbackHandler(options: CallbackHandlerOptions): CallbackHandler {
  for (const f of ['appId', 'appSecret', 'platformPublicKey'] as const) {
    if (!options[f]) throw new TypeError(`createCallbackHandler: ${f} is required`);
  }
  if (typeof options.onSettled !== 'function') throw new TypeError('createCallbackHandler: onSettled is required');
  // Every (secret, platform key) pair held during a rotation; the current ones (first given) first.
  const secrets = Array.isArray(options.appSecret) ? options.appSecret : [options.appSecret];
  const platformKeys = Array.isArray(options.platformPublicKey) ? options.platformPublicKey : [options.platformPublicKey];
  if (secrets.length === 0 || secrets.some((x) => !x)) throw new TypeError('createCallbackHandler: appSecret is required');
  if (platformKeys.length === 0 || platformKeys.some((x) => !x)) throw new TypeError('createCallbackHandler: platformPublicKey is required');
  const keyPairs: EnvelopeKeys[] = secrets.flatMap((appSecret) => platformKeys.map((peerPublicKey) => ({ appId: options.appId, appSecret, peerPublicKey })));
  const dedupe = options.dedupe ?? memoryDedupe();
  const inFlight = new Map<string, Promise<CallbackResult>>();

  const refuse = (reason: string): CallbackResult => {
    options.onReject?.(reason);
    return { status: 200, body: buildCallbackAck(false, reason), outcome: 'refused', reason };
  };

  async function handle(rawBody: string): Promise<CallbackResult> {
    let opened;
    try {
      const message = parseWireObject(rawBody, '回调报文');
      if (message.appId !== options.appId) return refuse(`appId 不符：${String(message.appId)}`);
      let first: unknown;
      for (const keys of keyPairs) {
        try {
          opened = openCallback(message, keys, { signTypes: [options.signType ?? 'SM2'] });
          break;
        } catch (err) {
          first ??= err;
        }
      }
      if (!opened) throw first;
    } catch (err) {
      return refuse(err instanceof YibaoError ? `${err.code} ${err.message}` : String(err));
    }
    if (opened.encType === 'plain' && options.acceptPlain === false) return refuse('本机构要求回调加密（encType=SM4）');
    const window = options.timestampWindowSeconds ?? 300;
    if (window !== false) {
      const skew = Math.abs(Date.now() - opened.timestamp.getTime());
      if (skew > window * 1000) return refuse(`timestamp: 与本机时间相差 ${Math.round(skew / 1000)} 秒，超出 ±${window} 秒，疑似重放（若本机时钟不准，请校准）`);
    }
    const issues = validateTxn('6302', 'input', opened.plainData);
    if (issues.length > 0) return refuse(`回调数据不合法：${issues.map((i) => i.message).join('；')}`);
    const data = opened.plainData as unknown as Txn6302Input;
    const id = data.payOrdId;
    const running = inFlight.get(id);
    if (running) return running.then((r) => (r.outcome === 'settled' ? { ...r, outcome: 'duplicate' as const } : r));
    const failed = (what: string, err: unknown): CallbackResult => {
      const reason = `${what}：${err instanceof Error ? err.message : String(err)}`;
      options.onReject?.(reason);
      // success:false makes the center deliver again later (its retry schedule).
      return { status: 200, body: buildCallbackAck(false, reason), outcome: 'failed', reason };
    };
    const work = (async (): Promise<CallbackResult> => {
      let claimed = false;
      try {
        if (dedupe.claim) {
          claimed = await dedupe.claim(id);
          if (!claimed) {
            // Done (recorded by add) is a duplicate; still being handled elsewhere is not done yet:
            // success:false, so that the center comes back and this delivery is never lost.
            if (await dedupe.has(id)) return { status: 200, body: buildCallbackAck(true, '重复通知，已处理'), outcome: 'duplicate' };
            return failed('处理中', new Error('该订单的通知正由另一进程处理，请稍后重试'));
          }
        } else if (await dedupe.has(id)) {
          return { status: 200, body: buildCallbackAck(true, '重复通知，已处理'), outcome: 'duplicate' };
        }
      } catch (err) {
        return failed('去重存储不可用', err);
      }
      try {
        await options.onSettled({ data, raw: rawBody });
      } catch (err) {
        if (claimed) await Promise.resolve(dedupe.release?.(id)).catch(() => undefined);
        return failed('院内处理失败', err);
      }
      try {
        await dedupe.add(id);
      } catch (err) {
        // onSettled ran; a failed record only risks running it again on the center's retry.
        options.onReject?.(`去重记录失败：${err instanceof Error ? err.message : String(err)}`);
      }
      return { status: 200, body: buildCallbackAck(true), outcome: 'settled' };
    })();
    inFlight.set(id, work);
    try {
      return await work;
    } finally {
      inFlight.delete(id);
    }
  }

  /** Never throws: a broken connection or an oversized body is a refusal, not a crashed HIS process. */
  const safely = async (body: () => Promise<string>): Promise<CallbackResult> => {
    try {
      return await handle(await body());
    } catch (err) {
      return refuse(err instanceof YibaoError ? `${err.code} ${err.message}` : `无法读取回调报文：${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const handler = (async (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => {
    const result = await safely(() => readBody(req));
    try {
      if (!res.writableEnded && !res.destroyed) res.writeHead(result.status, { 'content-type': 'application/json; charset=utf-8' }).end(stringifyWire(result.body));
    } catch {
      // the center hung up: nothing to answer
    }
  }) as CallbackHandler;
  handler.handle = handle;
  handler.fastify = async (request, reply) => {
    // Fastify has parsed the body already: as text with a string parser (recommended), else as JSON.
    const result = await safely(() => (request.body === undefined ? readBody(request.raw) : readBody(Object.assign(request.raw, { body: request.body }))));
    reply.code(result.status);
    reply.header('content-type', 'application/json; charset=utf-8');
    reply.send(stringifyWire(result.body));
  };
  return handler;
}

/** 【6204】: the redirect's query string → the order's data (mpcAppId, chnlType, data). */
export function decodeRedirect(query: string | URLSearchParams | Record<string, string | undefined>, app: { appId: string; appSecret: string }) {
  return open6204Redirect(query, (id) => (id === app.appId ? app.appSecret : undefined));
}

/**
 * A correctly signed 6302 for the HIS's own tests (like stripe-node's generateTestHeaderString):
 * give it the test key pair whose public key your handler is configured with.
 */
export function generateTestCallback(params: {
  appId: string;
  appSecret: string;
  platformPrivateKey: string;
  data: Partial<Txn6302Input> & { payOrdId: string };
  encrypt?: boolean;
  /** The envelope's timestamp (yyyyMMddHHmmss, Beijing time); default now. An old one tests the replay refusal. */
  timestamp?: string;
}): string {
  const data: Record<string, unknown> = {
    callType: '02',
    medOrgOrd: 'TEST-MED-ORG-ORD',
    traceTime: '20261122100000',
    feeSumamt: '100.00',
    ownpayAmt: '30.00',
    psnAcctPay: '20.00',
    fundPay: '50.00',
    hiChrgTime: '100000',
    hiDocSn: 'TEST-HI-DOC-SN',
    hiRgstSn: 'TEST-HI-RGST-SN',
    orgName: '测试医院',
    setlType: 'ALL',
    revsToken: 'TEST-REVS-TOKEN',
    orgCodg: 'H00000000000',
    ...params.data,
  };
  return stringifyWire(
    sealCallback(toWire(getTxn('6302').input, data), { appId: params.appId, appSecret: params.appSecret, privateKey: params.platformPrivateKey }, { encType: params.encrypt === false ? 'plain' : 'SM4', ...(params.timestamp ? { timestamp: params.timestamp } : {}) }),
  );
}
