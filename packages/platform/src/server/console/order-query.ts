import type { OrderFilter } from '../../center/admin.js';
import { searchHash } from '../../center/search.js';
import { queryDate } from '../app.js';

/**
 * The order search's query string, shared by `GET /admin/orders` and the console's Orders page.
 * Unknown parameters are refused (400), never ignored: `?idNo=` silently ignored once returned every
 * order. ID number and name are matched through their keyed hash only (center/search.ts).
 */
export const ORDER_QUERY_KEYS = ['orgCodg', 'appId', 'payOrdId', 'medOrgOrd', 'psnNo', 'idNo', 'userName', 'ordStas', 'from', 'to', 'limit', 'after'] as const;

/** The console's page takes the hashes instead (its search form posts the clear values, see page-orders.ts). */
export const CONSOLE_ORDER_QUERY_KEYS = [...ORDER_QUERY_KEYS, 'idNoHash', 'nameHash'] as const;

export type OrderQueryResult = { ok: true; filter: OrderFilter } | { ok: false; message: string };

export function parseOrderQuery(q: Record<string, unknown>, key: Buffer, allowed: readonly string[] = ORDER_QUERY_KEYS): OrderQueryResult {
  const unknown = Object.keys(q).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) return { ok: false, message: `不支持的查询条件：${unknown.join('、')}（可用：${allowed.join('、')}）` };
  const text: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) {
    if (Array.isArray(v)) return { ok: false, message: `${k}: 只能给一次` };
    if (typeof v === 'string' && v.trim() !== '') text[k] = v.trim();
  }
  const f: OrderFilter = {};
  for (const k of ['orgCodg', 'appId', 'payOrdId', 'medOrgOrd', 'psnNo', 'ordStas', 'after'] as const) if (text[k]) f[k] = text[k];
  if (text.idNo) f.idNoHash = searchHash(key, 'idNo', text.idNo);
  if (text.userName) f.nameHash = searchHash(key, 'name', text.userName);
  for (const [k, prop] of [['idNoHash', 'idNoHash'], ['nameHash', 'nameHash']] as const) {
    if (!text[k]) continue;
    if (!/^[0-9a-f]{64}$/.test(text[k])) return { ok: false, message: `${k}: 应为 64 位十六进制（由查询表单生成）` };
    f[prop] = text[k];
  }
  if (text.ordStas && !/^\d{1,2}$/.test(text.ordStas)) return { ok: false, message: 'ordStas: 应为订单状态代码，如 6、14' };
  for (const k of ['from', 'to'] as const) {
    if (!text[k]) continue;
    const d = queryDate(text[k]);
    if (!d) return { ok: false, message: `${k}: 应为日期 yyyy-MM-dd（北京时间）或 ISO 8601 时间` };
    f[k] = d;
  }
  if (text.limit) {
    const n = Number(text.limit);
    if (!(Number.isInteger(n) && n >= 1 && n <= 500)) return { ok: false, message: 'limit: 应为 1–500 的整数（每页条数）' };
    f.limit = n;
  }
  return { ok: true, filter: f };
}
