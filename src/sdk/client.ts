import { checkKeys, openReply, plainAnswer, transportCode, validateBeforeSend } from './transport.js';
import { randomUUID } from 'node:crypto';
import type { EnvelopeKeys } from '../protocol/envelope.js';
import { ErrorCode } from '../protocol/errors.js';
import { stringifyWire } from '../protocol/json.js';
import { openResponse, sealRequest } from '../protocol/mobile.js';
import type { EncType, SignType } from '../protocol/signer.js';
import { formatCompact } from '../protocol/time.js';
import { getTxn, toWire } from '../spec/index.js';
import type {
  Txn6101Input,
  Txn6101Output,
  Txn6201Input,
  Txn6201Output,
  Txn6202Input,
  Txn6202Output,
  Txn6203Input,
  Txn6203Output,
  Txn6205Input,
  Txn6205Output,
  Txn6301Input,
  Txn6301Output,
  Txn6401Input,
  Txn6401Output,
} from '../spec/mobile.js';
import { YibaoApiError } from './errors.js';
import { KEY_ID_HEADER, keysByHint } from '../protocol/key-id.js';

/** The first key that opens the reply; when none does, the error of the first tried (fail closed). */
function openWithAny<T>(keys: readonly string[], open: (key: string) => T): T {
  let first: unknown;
  for (const k of keys) {
    try {
      return open(k);
    } catch (err) {
      first ??= err;
    }
  }
  throw first;
}
import type { Static } from '@sinclair/typebox';
import type { OutStatement, StatementLine } from '../spec/statement.js';

/** The answer of downloadStatement (docs/statements.md): amounts as yuan text, lines always present. */
export type StatementData = Omit<Static<typeof OutStatement>, 'lines'> & { lines: Array<Static<typeof StatementLine>> };

/**
 * The institution's client of a mobile payment center (mobile-payment.txt 2.3). It follows the spec
 * only — paths from the catalogue, envelope v2.0.1 — so it talks to yibao's center and to any other.
 *
 * Like stripe-node, the transactions are a table turned into methods by one generic maker, and one
 * sender does sealing, retries, opening and errors.
 */
export interface YibaoClientOptions {
  baseUrl: string;
  appId: string;
  appSecret: string;
  /** The institution's SM2 private key (any accepted form). */
  privateKey: string;
  /**
   * The center's SM2 public key: every reply is verified with it. During a platform key rotation,
   * several: the reply's `x-yibao-key-id` header (a yibao extension, docs/apps.md) says which one
   * signed it; a reply must verify with one of them (the header only orders the tries).
   */
  platformPublicKey: string | string[];
  /** Filled into requests that need it when the caller leaves it out. */
  orgCodg?: string;
  /** Per attempt. Default 15000. */
  timeoutMs?: number;
  /** Extra attempts where safe (see `request`). Default 2. */
  retries?: number;
  signType?: SignType;
  encType?: EncType;
  userId?: string;
  /** Transport port (tests, proxies). Default: global fetch. */
  fetch?: typeof fetch;
}

/** Which fields the client fills when absent: idempotency keys are made once per logical call. */
type Auto<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;

/** The transactions, as a table (txn, and whether a retry after sending is safe). */
export const RESOURCES = {
  decodeQr: { txn: '6101', idempotent: false },
  uploadFees: { txn: '6201', idempotent: false },
  payOrder: { txn: '6202', idempotent: true, key: 'orgBizSer' },
  refund: { txn: '6203', idempotent: true, key: 'appRefdSn' },
  bankCardPay: { txn: '6205', idempotent: true, key: 'orgBizSer' },
  queryOrder: { txn: '6301', idempotent: true },
  revokeUpload: { txn: '6401', idempotent: true },
} as const;

export interface CallOptions {
  /** Per-call override of the client's retries. */
  retries?: number;
}

export interface ResourceMethods {
  /** 【6101】解析医保电子凭证二维码 (yibao's centers take the QR value as ecQrCode). */
  decodeQr(data: Auto<Txn6101Input, 'orgId'>, opts?: CallOptions): Promise<Txn6101Output>;
  /** 【6201】费用明细上传. */
  uploadFees(data: Auto<Txn6201Input, 'orgCodg'>, opts?: CallOptions): Promise<Txn6201Output>;
  /** 【6202】支付下单. orgBizSer is generated when absent and kept across retries. */
  payOrder(data: Auto<Txn6202Input, 'orgCodg' | 'orgBizSer'>, opts?: CallOptions): Promise<Txn6202Output>;
  /** 【6203】医保退费. appRefdSn / appRefdTime are generated when absent and kept across retries. */
  refund(data: Auto<Txn6203Input, 'appRefdSn' | 'appRefdTime'>, opts?: CallOptions): Promise<Txn6203Output>;
  /** 【6205】银行卡支付下单. */
  bankCardPay(data: Auto<Txn6205Input, 'orgCodg' | 'orgBizSer'>, opts?: CallOptions): Promise<Txn6205Output>;
  /** 【6301】医保订单结算结果查询. */
  queryOrder(data: Auto<Txn6301Input, 'orgCodg'>, opts?: CallOptions): Promise<Txn6301Output>;
  /** 【6401】费用明细上传撤销. */
  revokeUpload(data: Auto<Txn6401Input, 'orgCodg'>, opts?: CallOptions): Promise<Txn6401Output>;
}

const SENT_UNKNOWN = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const NOT_SENT = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export interface YibaoClient extends ResourceMethods {}

/** What the center said besides the data of a successful reply (its message explains, e.g., ordStas 15). */
export interface LastResponse {
  code: string;
  message: string;
  traceId: string;
  raw: string;
  httpStatus: number;
}

const LAST_RESPONSES = new WeakMap<object, LastResponse>();

/**
 * The envelope of a result returned by YibaoClient (as stripe-node's `lastResponse`): `code`, the
 * center's `message`, the trace id and the raw text. Kept beside the result, so its type stays the
 * catalogue's.
 */
export function lastResponse(result: object): LastResponse | undefined {
  return LAST_RESPONSES.get(result);
}

export class YibaoClient {
  private readonly o: Required<Pick<YibaoClientOptions, 'timeoutMs' | 'retries'>> & YibaoClientOptions;
  private readonly keys: EnvelopeKeys;
  private readonly platformKeys: string[];

  constructor(options: YibaoClientOptions) {
    for (const f of ['baseUrl', 'appId', 'appSecret', 'privateKey', 'platformPublicKey'] as const) {
      // A missing key must be an error, never a silently disabled check (STYLE.md, Alipay SDK).
      if (!options[f]) throw new TypeError(`YibaoClient: ${f} is required`);
    }
    this.platformKeys = Array.isArray(options.platformPublicKey) ? [...options.platformPublicKey] : [options.platformPublicKey];
    if (this.platformKeys.length === 0 || this.platformKeys.some((k) => !k)) throw new TypeError('YibaoClient: platformPublicKey is required');
    for (const k of this.platformKeys) checkKeys({ privateKey: options.privateKey, platformPublicKey: k }, (f) => `YibaoClient: ${f}`);
    this.o = { timeoutMs: 15_000, retries: 2, ...options, baseUrl: options.baseUrl.replace(/\/+$/, '') };
    this.keys = {
      appId: options.appId,
      appSecret: options.appSecret,
      privateKey: options.privateKey,
      peerPublicKey: this.platformKeys[0]!,
      ...(options.userId ? { userId: options.userId } : {}),
    };
    for (const [method, r] of Object.entries(RESOURCES)) {
      (this as unknown as Record<string, unknown>)[method] = (data: Record<string, unknown>, opts?: CallOptions) => this.request(r.txn, data, opts);
    }
  }

  /** Fills what the caller may leave out; idempotency keys once per logical call. */
  private complete(txn: string, data: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = { ...data };
    const orgField = txn === '6101' ? 'orgId' : 'orgCodg';
    if (this.o.orgCodg && out[orgField] === undefined && orgField in getTxn(txn).input.properties) out[orgField] = this.o.orgCodg;
    if ((txn === '6202' || txn === '6205') && !out.orgBizSer) out.orgBizSer = `BS${randomUUID().replace(/-/g, '').slice(0, 30)}`;
    if (txn === '6203') {
      if (!out.appRefdSn) out.appRefdSn = `RS${randomUUID().replace(/-/g, '').slice(0, 30)}`;
      if (!out.appRefdTime) out.appRefdTime = formatCompact();
    }
    return out;
  }

  /**
   * Sends one transaction. Validated against the catalogue first (000105 without sending). Retried
   * only where it is safe: the request never left (connection refused, connect timeout), the center
   * answered 5xx, or — for transactions with an idempotency key or no effect — the connection dropped
   * before an answer. The data, idempotency key included, is the same on every attempt; each attempt
   * is sealed afresh (new timestamp and signature, so the center's replay check does not trip).
   */
  async request<T = Record<string, unknown>>(txn: string, input: Record<string, unknown>, opts: CallOptions = {}): Promise<T> {
    const spec = getTxn(txn);
    if (!spec.path) throw new TypeError(`transaction ${txn} is not sent by an institution`);
    const data = this.complete(txn, input);
    validateBeforeSend(txn, data);
    const wire = toWire(spec.input, data);
    // downloadStatement only reads (a yibao extension, docs/statements.md): safe to repeat.
    const idempotent = Object.values(RESOURCES).find((r) => r.txn === txn)?.idempotent ?? txn === 'downloadStatement';
    const maxAttempts = 1 + Math.max(0, opts.retries ?? this.o.retries);
    const doFetch = this.o.fetch ?? fetch;
    let attempt = 0;
    for (;;) {
      attempt += 1;
      const traceId = `sdk-${randomUUID()}`;
      const body = stringifyWire(
        sealRequest(wire, this.keys, {
          ...(this.o.signType ? { signType: this.o.signType } : {}),
          ...(this.o.encType ? { encType: this.o.encType } : {}),
        }),
      );
      let res: Response;
      let raw: string;
      try {
        res = await doFetch(`${this.o.baseUrl}${spec.path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': traceId },
          body,
          signal: AbortSignal.timeout(this.o.timeoutMs),
        });
        raw = await res.text();
      } catch (err) {
        const code = transportCode(err);
        const safe = NOT_SENT.has(code) || (idempotent && (SENT_UNKNOWN.has(code) || code === 'TimeoutError' || code === 'AbortError'));
        if (safe && attempt < maxAttempts) {
          await this.backoff(attempt);
          continue;
        }
        throw new YibaoApiError({ type: 'transport', code, message: `无法连接移动支付中心或连接中断（${code}）`, txn, traceId, attempts: attempt, cause: err });
      }
      const centerTrace = res.headers.get('x-yibao-trace-id') ?? traceId;
      if (res.status >= 500 && attempt < maxAttempts) {
        await this.backoff(attempt);
        continue;
      }
      if (res.status < 200 || res.status >= 300) {
        // Centers answer business errors with HTTP 200; anything else is the transport's.
        let envelope = false;
        try {
          envelope = typeof JSON.parse(raw)?.signData === 'string';
        } catch {
          envelope = false;
        }
        if (!envelope) {
          // Refused before the envelope was read (e.g. 413 报文过大): keep what the center said.
          const said = plainAnswer(raw);
          throw new YibaoApiError({ type: 'transport', code: said?.code ?? `HTTP${res.status}`, message: `HTTP ${res.status}${said ? `：${said.message}` : ''}`, txn, traceId: centerTrace, raw, httpStatus: res.status, attempts: attempt });
        }
      }
      const tryKeys = keysByHint(this.platformKeys, res.headers.get(KEY_ID_HEADER));
      const opened = openReply(() => openWithAny(tryKeys, (k) => openResponse(raw, { ...this.keys, peerPublicKey: k }, { signTypes: [this.o.signType ?? 'SM2'] })), {
        txn,
        traceId: centerTrace,
        raw,
        status: res.status,
        peer: '移动支付中心',
        attempts: attempt,
        credentials: 'appId、appSecret 与密钥',
      });
      if (opened.code !== ErrorCode.OK) {
        throw new YibaoApiError({ type: 'business', code: opened.code, message: opened.message || '业务失败', txn, traceId: centerTrace, raw, httpStatus: res.status, attempts: attempt });
      }
      const result = (opened.plainData ?? {}) as T;
      if (typeof result === 'object' && result !== null) LAST_RESPONSES.set(result, { code: opened.code, message: opened.message, traceId: centerTrace, raw, httpStatus: res.status });
      return result;
    }
  }

  /**
   * 下载对账单 — a yibao extension (docs/statements.md), not in mobile-payment.txt: the institution's
   * statement of one Beijing-time day (yyyy-MM-dd, a day that has ended), verified like every answer.
   * With `format: 'CSV'` the answer also carries `csv`, inside the signed data. `lines` is always an
   * array (the envelope drops an empty one).
   */
  async downloadStatement(stmtDate: string, opts: CallOptions & { format?: 'JSON' | 'CSV'; orgCodg?: string } = {}): Promise<StatementData> {
    const { format, orgCodg, ...callOpts } = opts;
    const data = await this.request<StatementData>('downloadStatement', { stmtDate, ...(orgCodg ? { orgCodg } : {}), ...(format ? { format } : {}) }, callOpts);
    if (!Array.isArray(data.lines)) (data as { lines: StatementData['lines'] }).lines = [];
    return data;
  }

  private backoff(attempt: number): Promise<void> {
    const ms = Math.min(2000, 100 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
    return new Promise((r) => setTimeout(r, ms));
  }
}
