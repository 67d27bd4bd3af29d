import type { Queryable, Store } from '../store/store.js';
import { fenToYuan } from 'yibao/spec';
import { maskIdNo, maskName } from '../util/mask.js';
import { ORD_STAS_NAMES, type OrdStasCode } from './ord-stas.js';
import { rowToOrder, type OrderRow } from './orders.js';

/**
 * Operator queries (issue: "orders with filters, one order with its state history, callback
 * deliveries, and re-sending a callback"). Personal data is masked here too: the operator sees
 * psnNo, not the ID number or full name.
 */
export interface OrderFilter {
  orgCodg?: string;
  ordStas?: string;
  psnNo?: string;
  medOrgOrd?: string;
  payOrdId?: string;
  appId?: string;
  /** Keyed hashes of the ID number and the name (search.ts): exact match, no clear value in the query. */
  idNoHash?: string;
  nameHash?: string;
  from?: Date;
  to?: Date;
  limit?: number;
  /** payOrdId of the last row of the previous page (orders come newest first). */
  after?: string;
}

export function orderView(o: OrderRow) {
  return {
    payOrdId: o.payOrdId,
    appId: o.appId,
    orgCodg: o.orgCodg,
    orgName: o.orgName,
    medOrgOrd: o.medOrgOrd,
    psnNo: o.psnNo,
    idNo: maskIdNo(o.idNo),
    userName: maskName(o.userName),
    insutype: o.insutype,
    medType: o.medType,
    ordStas: o.ordStas,
    ordStasName: ORD_STAS_NAMES[o.ordStas as OrdStasCode] ?? '',
    feeSumamt: fenToYuan(o.feeSumamtFen),
    fundPay: fenToYuan(o.fundPayFen),
    psnAcctPay: fenToYuan(o.psnAcctPayFen),
    ownPayAmt: fenToYuan(o.ownPayAmtFen),
    othFeeAmt: fenToYuan(o.othFeeAmtFen),
    deposit: fenToYuan(o.depositFen),
    cashPaid: fenToYuan(o.cashPaidFen),
    cashRefunded: fenToYuan(o.cashRefundedFen),
    hiRefunded: o.hiRefunded,
    setlType: o.setlType,
    chnlType: o.chnlType,
    hiDocSn: o.hiDocSn,
    traceTime: o.traceTime,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
  };
}

export async function listOrders(store: Store, f: OrderFilter) {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.orgCodg) add('org_codg = ?', f.orgCodg);
  if (f.ordStas) add('ord_stas = ?', f.ordStas);
  // 异常 (14) through its partial index (orders_abnormal, migration 0012): there is no index of ord_stas.
  if (f.ordStas === '14') where.push('abnormal');
  if (f.psnNo) add('psn_no = ?', f.psnNo);
  if (f.medOrgOrd) add('med_org_ord = ?', f.medOrgOrd);
  if (f.payOrdId) add('pay_ord_id = ?', f.payOrdId);
  if (f.appId) add('app_id = ?', f.appId);
  if (f.idNoHash) add('pay_ord_id IN (SELECT pay_ord_id FROM order_search WHERE id_no_hash = ?)', f.idNoHash);
  if (f.nameHash) add('pay_ord_id IN (SELECT pay_ord_id FROM order_search WHERE name_hash = ?)', f.nameHash);
  if (f.from) add('created_at >= ?', f.from);
  if (f.to) add('created_at < ?', f.to);
  if (f.after) add('(created_at, pay_ord_id) < (SELECT created_at, pay_ord_id FROM orders WHERE pay_ord_id = ?)', f.after);
  const limit = Math.min(Math.max(f.limit ?? 50, 1), 500);
  params.push(limit);
  const rows = await store.query(
    `SELECT * FROM orders ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, pay_ord_id DESC LIMIT $${params.length}`,
    params,
  );
  const orders = rows.map((r) => orderView(rowToOrder(r)));
  return { orders, next: orders.length === limit ? orders[orders.length - 1]!.payOrdId : null };
}

/**
 * Reads that belong together (a row and its history) in one snapshot: read apart, a transaction
 * committing in between shows, e.g., an order's new state beside its older history, or a callback's
 * newer attempt beside its older next_attempt_at.
 */
function snapshot<T>(store: Store, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return store.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    return fn(tx);
  });
}

export async function getOrder(store: Store, payOrdId: string) {
  const read = await snapshot(store, async (tx) => {
    const rows = await tx.query('SELECT * FROM orders WHERE pay_ord_id = $1', [payOrdId]);
    if (rows.length === 0) return undefined;
    const events = await tx.query('SELECT id, txn, from_stas, to_stas, detail, created_at FROM order_events WHERE pay_ord_id = $1 ORDER BY id', [payOrdId]);
    const refunds = await tx.query(
      `SELECT refd_sn, app_refd_sn, refd_type, totl_refd_fen, fund_refd_fen, psn_acct_refd_fen, cash_refd_fen, ref_status, hi_fefd_sn, created_at
       FROM refunds WHERE pay_ord_id = $1 ORDER BY created_at`,
      [payOrdId],
    );
    const callbacks = await tx.query('SELECT id, call_type, status, attempts, next_attempt_at, last_error, created_at, delivered_at FROM callbacks WHERE pay_ord_id = $1 ORDER BY id', [payOrdId]);
    return { row: rows[0]!, events, refunds, callbacks };
  });
  if (!read) return undefined;
  const { row, events, refunds, callbacks } = read;
  return {
    order: orderView(rowToOrder(row)),
    history: events.map((e) => ({
      id: e.id,
      txn: e.txn,
      from: e.from_stas,
      to: e.to_stas,
      toName: ORD_STAS_NAMES[e.to_stas as OrdStasCode] ?? '',
      detail: e.detail,
      at: e.created_at,
    })),
    refunds: refunds.map((r) => ({
      refdSn: r.refd_sn,
      appRefdSn: r.app_refd_sn,
      refdType: r.refd_type,
      totlRefdAmt: fenToYuan(r.totl_refd_fen as number),
      fundRefdAmt: fenToYuan(r.fund_refd_fen as number),
      psnAcctRefdAmt: fenToYuan(r.psn_acct_refd_fen as number),
      cashRefdAmt: fenToYuan(r.cash_refd_fen as number),
      refStatus: r.ref_status,
      hiFefdSn: r.hi_fefd_sn,
      at: r.created_at,
    })),
    callbacks,
  };
}

export async function listCallbacks(store: Store, f: { status?: string; payOrdId?: string; appId?: string; limit?: number }) {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [col, v] of [
    ['status', f.status],
    ['pay_ord_id', f.payOrdId],
    ['app_id', f.appId],
  ] as const) {
    if (v) {
      params.push(v);
      where.push(`${col} = $${params.length}`);
    }
  }
  params.push(Math.min(Math.max(f.limit ?? 50, 1), 500));
  return store.query(
    `SELECT id, app_id, org_codg, pay_ord_id, call_type, url, status, attempts, next_attempt_at, last_error, created_at, delivered_at
     FROM callbacks ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
}

export async function getCallback(store: Store, id: number) {
  return snapshot(store, async (tx) => {
    const rows = await tx.query(
      `SELECT id, app_id, org_codg, pay_ord_id, call_type, url, data, status, attempts, next_attempt_at, last_error, created_at, delivered_at
       FROM callbacks WHERE id = $1`,
      [id],
    );
    if (rows.length === 0) return undefined;
    const attempts = await tx.query(
      'SELECT attempt, started_at, duration_ms, http_status, response_body, error, success FROM callback_attempts WHERE callback_id = $1 ORDER BY id',
      [id],
    );
    return { ...rows[0], attemptsHistory: attempts };
  });
}
