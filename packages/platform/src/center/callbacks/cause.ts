/**
 * Why a callback delivery failed, in words an operator can act on (issue 13: "each attempt with its
 * real cause"): a refused connection, an unknown host, a reset, a timeout. Deliveries go through
 * node:http (post.ts), whose errors carry the system code; fetch() (undici, still used elsewhere)
 * reports `TypeError: fetch failed` with the system error in `cause` (an AggregateError when several
 * addresses were tried) — both are read.
 *
 * `kind` is a short, data-free label for logs and metrics; `text` goes to the attempt's record.
 */
export interface DeliveryCause {
  kind: string;
  text: string;
}

const SYSTEM: Record<string, string> = {
  ECONNREFUSED: '连接被拒绝（对方端口未监听）',
  ECONNRESET: '连接被对方重置',
  ENOTFOUND: '域名无法解析',
  EAI_AGAIN: '域名解析暂时失败',
  EHOSTUNREACH: '主机不可达',
  ENETUNREACH: '网络不可达',
  ETIMEDOUT: '连接超时',
  EPIPE: '连接已被对方关闭',
  UND_ERR_SOCKET: '连接被对方关闭',
  UND_ERR_CONNECT_TIMEOUT: '建立连接超时',
  UND_ERR_HEADERS_TIMEOUT: '等待应答头超时',
  UND_ERR_BODY_TIMEOUT: '等待应答体超时',
  CERT_HAS_EXPIRED: 'TLS 证书已过期',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS 证书为自签名',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS 证书无法验证',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS 证书与域名不符',
};

function codeOf(e: unknown): string | undefined {
  if (!e || typeof e !== 'object') return undefined;
  const o = e as { code?: unknown; errors?: unknown[]; cause?: unknown };
  if (typeof o.code === 'string') return o.code;
  if (Array.isArray(o.errors)) for (const inner of o.errors) if (codeOf(inner)) return codeOf(inner);
  return o.cause !== undefined && o.cause !== e ? codeOf(o.cause) : undefined;
}

export function deliveryCause(err: unknown, timeoutMs: number): DeliveryCause {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return { kind: 'timeout', text: `timeout：${timeoutMs} ms 内未收到完整应答` };
  }
  const code = codeOf(err instanceof Error ? err.cause ?? err : err);
  if (code) return { kind: code, text: `${code}：${SYSTEM[code] ?? (err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : '网络错误')}` };
  // No system code: still the cause's own words (undici: "bad port", "invalid URL"…), not only "fetch failed".
  const inner = err instanceof Error && err.cause instanceof Error ? `：${err.cause.message}` : '';
  const message = err instanceof Error ? `${err.name}: ${err.message}${inner}` : String(err);
  return { kind: 'error', text: message };
}

/** A refusal answered over HTTP: the status, and the start of the body on one line. */
export function httpCause(status: number, body: string, ackMessage: string | undefined): DeliveryCause {
  const excerpt = body.replace(/\s+/g, ' ').trim().slice(0, 200);
  return {
    kind: `HTTP ${status}`,
    text: `HIS 未确认：HTTP ${status}${ackMessage ? `，${ackMessage}` : ''}${excerpt ? `；应答：${excerpt}${body.length > 200 ? '…' : ''}` : '；应答为空'}`,
  };
}
