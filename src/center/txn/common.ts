import { createHash } from 'node:crypto';
import { parse } from 'lossless-json';
import { yuanToFen } from 'yibao/spec';
import type { WireObject } from 'yibao/protocol';
import { stringifyWire } from 'yibao/protocol';
import type { Queryable } from '../../store/store.js';
import type { AppConfig } from '../config.js';
import { text } from '../context.js';
import { invalid } from '../errors.js';
import { loadOrder, orderNotFound, type OrderRow } from '../orders.js';

/** What a transaction answers: data, and a message when the business outcome needs one. */
export interface TxnResult {
  data: WireObject;
  message?: string;
}

/**
 * Loads the order named by data.payOrdId for this app's institution, locked. A request naming
 * another institution's orgCodg gets exactly the not-found answer (tenant isolation).
 */
export async function ownOrder(tx: Queryable, app: AppConfig, data: Record<string, unknown>, opts: { forUpdate?: boolean; withoutUpload?: boolean } = {}): Promise<OrderRow> {
  const payOrdId = text(data, 'payOrdId');
  if ('orgCodg' in data && text(data, 'orgCodg') !== app.orgCodg) throw orderNotFound(payOrdId);
  return loadOrder(tx, payOrdId, app.orgCodg, opts);
}

export function expectSame(data: Record<string, unknown>, field: string, expected: string, name: string, source = '费用上传'): void {
  if (text(data, field) !== expected) throw invalid(`data.${field}`, `与${source}时的不一致（${name}）`);
}

/** 6301/6401 name the patient: idNo, userName and idType must be the order's. */
export function expectPatient(data: Record<string, unknown>, order: OrderRow): void {
  expectSame(data, 'idNo', order.idNo, '证件号码', '订单');
  expectSame(data, 'userName', order.userName, '用户姓名', '订单');
  expectSame(data, 'idType', order.idType, '证件类别', '订单');
}

/** expContent is a JSON string on the wire (4000); a malformed one is a field error. */
export function expContent(data: Record<string, unknown>): Record<string, unknown> {
  const raw = data.expContent;
  if (raw === undefined || raw === null || raw === '') return {};
  if (typeof raw === 'object') return raw as Record<string, unknown>;
  try {
    const v = JSON.parse(String(raw)) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw invalid('data.expContent', '应为 JSON 对象字符串（扩展数据）');
}

/** Stored answers (jsonb) come back with their numbers verbatim: read as text, parse losslessly. */
/**
 * What a request means, for idempotency keys (orgBizSer, appRefdSn): its business fields, money
 * compared as amounts ("1.0" = "1.00"). The same key with another meaning is refused, never answered
 * with the first request's result (that would tell the HIS it refunded 2.00 when 1.00 was).
 */
export function requestFingerprint(data: Record<string, unknown>, fields: readonly string[], money: readonly string[] = []): string {
  const picked = fields.map((f) => {
    const v = data[f] === undefined || data[f] === null ? '' : String(data[f]);
    if (money.includes(f) && v !== '') {
      try {
        return [f, String(yuanToFen(v))];
      } catch {
        return [f, v];
      }
    }
    return [f, v];
  });
  return createHash('sha256').update(JSON.stringify(picked)).digest('hex');
}

/**
 * The stored answer of an earlier request with the same idempotency key. `fingerprint` is compared
 * with the one stored beside it (answers stored before fingerprints existed carry none).
 */
export function storedAnswer(textValue: string, fingerprint?: { value: string; field: string; name: string }): TxnResult {
  const stored = parse(textValue) as TxnResult & { _request?: string };
  if (fingerprint && stored._request !== undefined && stored._request !== fingerprint.value) {
    throw invalid(fingerprint.field, `已用于内容不同的请求（${fingerprint.name}）：重复请求须与原请求完全一致，新的请求请使用新的流水号`);
  }
  const { _request: _r, ...answer } = stored;
  return answer;
}

export function storeAnswer(result: TxnResult, fingerprint?: string): string {
  return stringifyWire(fingerprint ? { ...result, _request: fingerprint } : result);
}
