import { randomUUID } from 'node:crypto';
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
}

/** One request; a failure to get any answer is a `transport` error. */
export async function post(o: PostOptions): Promise<{ raw: string; status: number; traceId: string }> {
  try {
    const res = await (o.fetch ?? fetch)(o.url, {
      method: o.method ?? 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': o.traceId },
      ...(o.method === 'GET' ? {} : { body: o.body }),
      signal: AbortSignal.timeout(o.timeoutMs),
    });
    return { raw: await res.text(), status: res.status, traceId: res.headers.get('x-yibao-trace-id') ?? o.traceId };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    const code = cause?.code ?? (err as Error).name ?? 'UNKNOWN';
    throw new YibaoApiError({ type: 'transport', code, message: `无法连接${o.peer}或连接中断（${code}）`, txn: o.txn, traceId: o.traceId, cause: err });
  }
}

/** Opens a reply; a bad or missing signature is a `signature` error (fail closed), anything unreadable `protocol`. */
export function openReply<T>(open: () => T, ctx: { txn: string; traceId: string; raw: string; status: number; peer: string }): T {
  try {
    return open();
  } catch (err) {
    const e = err as YibaoError;
    const type = e instanceof YibaoError && e.code === ErrorCode.BAD_SIGNATURE ? 'signature' : 'protocol';
    throw new YibaoApiError({
      type,
      code: e instanceof YibaoError ? e.code : ErrorCode.UNKNOWN,
      message: type === 'signature' ? `响应签名验证失败，已拒绝（${e.message}）` : `无法解析${ctx.peer}的响应：${(err as Error).message}`,
      txn: ctx.txn,
      traceId: ctx.traceId,
      raw: ctx.raw,
      httpStatus: ctx.status,
      cause: err,
    });
  }
}
