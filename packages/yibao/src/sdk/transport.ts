import { randomUUID } from 'node:crypto';
import { parsePrivateKey, parsePublicKey } from '../crypto/keys.js';
import { ErrorCode, YibaoError } from '../protocol/errors.js';
import { validateTxn } from '../spec/index.js';
import { YibaoApiError } from './errors.js';

/**
 * What the SDK's clients of the other systems (one-code-pay, portal, terminal, channel) share: the
 * catalogue check before sending, one POST with a trace id, and the mapping of what comes back onto
 * the one error type. The mobile payment client keeps its own loop because it retries.
 */
export function newTraceId(): string {
  return `sdk-${randomUUID()}`;
}

/**
 * SM3 signatures are deterministic and the portal's and terminal's timestamps have whole seconds, so
 * the same request sent twice within one second carries the same signData, which the peer must
 * refuse as a replay (010010). A client never sends a signData twice: on a repeat it waits for the
 * next second and seals again.
 */
export class UniqueSealer {
  private readonly sent = new Map<string, number>();

  async seal<T extends { signData?: unknown }>(seal: () => T): Promise<T> {
    for (;;) {
      const now = Date.now();
      // Entries go in in time order: stop at the first one still fresh.
      for (const [sig, at] of this.sent) {
        if (now - at <= 5_000) break;
        this.sent.delete(sig);
      }
      const sealed = seal();
      const sig = typeof sealed.signData === 'string' ? sealed.signData : '';
      if (!sig || !this.sent.has(sig)) {
        if (sig) this.sent.set(sig, now);
        return sealed;
      }
      await new Promise((r) => setTimeout(r, 1000 - (now % 1000) + 5));
    }
  }
}

/** 000105 before anything is sent, naming each field as the server would. */
export function validateBeforeSend(txn: string, data: unknown, root = 'data'): void {
  const issues = validateTxn(txn, 'input', data, root);
  if (issues.length > 0) {
    throw new YibaoApiError({ type: 'validation', code: ErrorCode.INVALID_PARAM, message: issues.map((i) => i.message).join('；'), txn, traceId: `local-${randomUUID()}`, issues });
  }
}

export interface PostOptions {
  url: string;
  body: string;
  txn: string;
  traceId: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  /** Who we talk to, for the transport error's message (e.g. 区域医保支付门户). */
  peer: string;
  method?: 'POST' | 'GET';
  /** The caller's cancel signal. */
  signal?: AbortSignal;
}

/**
 * What went wrong under fetch, as a string: the timeout or abort by its name (a DOMException's numeric
 * `code` says nothing to a HIS developer), else the system or undici code of its cause.
 */
export function transportCode(err: unknown): string {
  const e = err as { name?: unknown; code?: unknown; cause?: { code?: unknown } } | undefined;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return e.name;
  const code = e?.cause?.code ?? e?.code ?? e?.name;
  return code === undefined || code === null ? 'UNKNOWN' : String(code);
}

/** One request; a failure to get any answer is a `transport` error. */
export async function post(o: PostOptions): Promise<{ raw: string; status: number; traceId: string }> {
  try {
    const res = await (o.fetch ?? fetch)(o.url, {
      method: o.method ?? 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': o.traceId },
      ...(o.method === 'GET' ? {} : { body: o.body }),
      signal: attemptSignal(o.timeoutMs, o.signal),
    });
    return { raw: await res.text(), status: res.status, traceId: res.headers.get('x-yibao-trace-id') ?? o.traceId };
  } catch (err) {
    const code = transportCode(err);
    throw new YibaoApiError({ type: 'transport', code, message: transportMessage(code, o.peer, o.timeoutMs, o.signal?.aborted === true), txn: o.txn, traceId: o.traceId, cause: err });
  }
}

/**
 * Opens a reply; a bad or missing signature is a `signature` error (fail closed), anything unreadable
 * `protocol`. A refusal the peer could not sign with a key we share (it does not know our appId, or
 * our key is not the one it holds) stays a `signature` error, but carries the peer's claimed code and
 * message so that the developer sees "-8 应用信息不存在" rather than only "签名验证失败".
 */
export function openReply<T>(
  open: () => T,
  ctx: { txn: string; traceId: string; raw: string; status: number; peer: string; attempts?: number; credentials?: string },
): T {
  try {
    return open();
  } catch (err) {
    const e = err as YibaoError;
    const type = e instanceof YibaoError && e.code === ErrorCode.BAD_SIGNATURE ? 'signature' : 'protocol';
    const claimed = type === 'signature' ? claimedRefusal(ctx.raw) : undefined;
    throw new YibaoApiError({
      type,
      code: claimed?.code ?? (e instanceof YibaoError ? e.code : ErrorCode.UNKNOWN),
      message: claimed
        ? `${ctx.peer}拒绝了请求：${claimed.message}（该应答无法验签，请核对 ${ctx.credentials ?? 'appId 与密钥'}）`
        : type === 'signature'
          ? `响应签名验证失败，已拒绝（${e.message}）`
          : `无法解析${ctx.peer}的响应：${(err as Error).message}`,
      txn: ctx.txn,
      traceId: ctx.traceId,
      raw: ctx.raw,
      httpStatus: ctx.status,
      ...(ctx.attempts !== undefined ? { attempts: ctx.attempts } : {}),
      cause: err,
    });
  }
}

/**
 * The refusals a peer cannot sign with keys the client holds: it does not know the appId (-8,
 * 000001), or could not decrypt or verify with the secret/key it holds for it (000101, 000102).
 */
const CREDENTIAL_REFUSALS = new Set(['-8', '000001', '000101', '000102']);

/** The code and message of an unverifiable reply, when it claims a credential refusal (never anything else). */
export function claimedRefusal(raw: string): { code: string; message: string } | undefined {
  const said = plainAnswer(raw);
  return said && CREDENTIAL_REFUSALS.has(said.code) ? said : undefined;
}

/** `{code, message}` of a JSON answer outside any envelope (an HTTP-level refusal). */
export function plainAnswer(raw: string): { code: string; message: string } | undefined {
  try {
    const o = JSON.parse(raw) as Record<string, unknown>;
    const code = typeof o.code === 'string' || typeof o.code === 'number' ? String(o.code) : '';
    if (!code) return undefined;
    return { code, message: typeof o.message === 'string' && o.message ? o.message : code };
  } catch {
    return undefined;
  }
}

/**
 * Reads the keys a client holds once, when it is made: a bad key is a configuration error at start,
 * naming the option, not a CryptoError at the first payment (parsed keys are cached, so nothing is
 * paid for twice). Absent keys are the caller's to require.
 */
export function checkKeys(keys: { privateKey?: string; platformPublicKey?: string }, name: (field: string) => string): void {
  for (const [f, parse] of [['privateKey', parsePrivateKey], ['platformPublicKey', parsePublicKey]] as const) {
    const key = keys[f];
    if (!key) continue;
    try {
      parse(key);
    } catch (err) {
      throw new TypeError(`${name(f)} 无效 / invalid: ${(err as Error).message}`);
    }
  }
  if (keys.privateKey && keys.platformPublicKey) {
    // Both halves of the institution's own pair: every reply would fail to verify, and the error
    // would say "签名验证失败" at the first payment instead of naming the mix-up here.
    const own = parsePrivateKey(keys.privateKey).publicKey;
    const peer = parsePublicKey(keys.platformPublicKey);
    if (own.x === peer.x && own.y === peer.y) {
      throw new TypeError(
        `${name('platformPublicKey')} 是本机构 privateKey 对应的公钥：应填移动支付中心（平台）的公钥 / is the public key of your own privateKey: give the center's public key (sandbox.json platform.publicKey)`,
      );
    }
  }
}

/**
 * mobile-payment.txt 2.2.3.2 (docs/protocol.md): the SM4 key is derived with the first 16 bytes of appId as
 * the key, so a shorter appId cannot encrypt anything; refused when the client is made.
 */
export function checkAppId(appId: string, name: string): void {
  if (Buffer.byteLength(appId, 'utf8') < 16) {
    throw new TypeError(`${name}: appId 至少 16 字节（SM4 密钥由 appId 前 16 字节派生；中心分配的 appId 为 32 位）/ appId must be at least 16 bytes, got ${Buffer.byteLength(appId, 'utf8')}`);
  }
}

/** The caller's AbortSignal and the attempt's timeout, as one signal. */
export function attemptSignal(timeoutMs: number, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  if (!signal) return timeout;
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([timeout, signal]);
  // Node before 20.3 has no AbortSignal.any.
  const both = new AbortController();
  for (const s of [timeout, signal]) {
    if (s.aborted) both.abort(s.reason);
    else s.addEventListener('abort', () => both.abort(s.reason), { once: true });
  }
  return both.signal;
}

/**
 * The message of a transport failure: a timeout says "timed out" (超时) — the center may be slow, not
 * unreachable —, a cancel says the caller cancelled, anything else that there is no connection.
 */
export function transportMessage(code: string, peer: string, timeoutMs: number, aborted: boolean): string {
  if (aborted) return `请求已被调用方取消 / aborted by the caller's AbortSignal（${code}）`;
  if (code === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return `请求${peer}超时：${timeoutMs} ms 内未收到应答 / timed out after ${timeoutMs} ms（${code}；请求可能已送达，可用查询交易确认）`;
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return `连接${peer}超时 / connect timed out（${code}）`;
  return `无法连接${peer}或连接中断（${code}）`;
}
