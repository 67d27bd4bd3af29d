import type { Queryable } from '../store/store.js';
import { ErrorCode, YibaoError } from 'yibao/protocol';
import type { OrderSearchHashes } from './search.js';
import type { DeferredWrite } from '../upstream/types.js';
import { fromUpstream } from './errors.js';

/** One order of the center, as stored (money in fen). */
export interface OrderRow {
  payOrdId: string;
  appId: string;
  orgCodg: string;
  orgName: string;
  medOrgOrd: string;
  psnNo: string;
  idNo: string;
  idType: string;
  userName: string;
  insutype: string;
  medType: string;
  insuplcAdmdvs: string;
  payToken: string;
  ordStas: string;
  feeSumamtFen: number;
  fundPayFen: number;
  psnAcctPayFen: number;
  ownPayAmtFen: number;
  othFeeAmtFen: number;
  depositFen: number;
  acctUsedFlag: string;
  chrgBchno: string;
  mdtrtId: string;
  hiRgstSn: string;
  setlType: string | null;
  chnlType: string | null;
  hiDocSn: string | null;
  hiChrgTime: string | null;
  traceTime: string | null;
  settledAt: Date | null;
  revsToken: string | null;
  revsTokenExpiresAt: Date | null;
  cashPaidFen: number;
  cashRefundedFen: number;
  hiRefunded: boolean;
  /** A cash refund the channel answered EXP (outcome unknown) is still to be asked about (6301, 6203). */
  cashRefundUnknown: boolean;
  ecCode: string | null;
  breakdown: unknown;
  upload: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS: Array<[keyof OrderRow, string]> = [
  ['payOrdId', 'pay_ord_id'],
  ['appId', 'app_id'],
  ['orgCodg', 'org_codg'],
  ['orgName', 'org_name'],
  ['medOrgOrd', 'med_org_ord'],
  ['psnNo', 'psn_no'],
  ['idNo', 'id_no'],
  ['idType', 'id_type'],
  ['userName', 'user_name'],
  ['insutype', 'insutype'],
  ['medType', 'med_type'],
  ['insuplcAdmdvs', 'insuplc_admdvs'],
  ['payToken', 'pay_token'],
  ['ordStas', 'ord_stas'],
  ['feeSumamtFen', 'fee_sumamt_fen'],
  ['fundPayFen', 'fund_pay_fen'],
  ['psnAcctPayFen', 'psn_acct_pay_fen'],
  ['ownPayAmtFen', 'own_pay_amt_fen'],
  ['othFeeAmtFen', 'oth_fee_amt_fen'],
  ['depositFen', 'deposit_fen'],
  ['acctUsedFlag', 'acct_used_flag'],
  ['chrgBchno', 'chrg_bchno'],
  ['mdtrtId', 'mdtrt_id'],
  ['hiRgstSn', 'hi_rgst_sn'],
  ['setlType', 'setl_type'],
  ['chnlType', 'chnl_type'],
  ['hiDocSn', 'hi_doc_sn'],
  ['hiChrgTime', 'hi_chrg_time'],
  ['traceTime', 'trace_time'],
  ['settledAt', 'settled_at'],
  ['revsToken', 'revs_token'],
  ['revsTokenExpiresAt', 'revs_token_expires_at'],
  ['cashPaidFen', 'cash_paid_fen'],
  ['cashRefundedFen', 'cash_refunded_fen'],
  ['hiRefunded', 'hi_refunded'],
  ['cashRefundUnknown', 'cash_refund_unknown'],
  ['ecCode', 'ec_code'],
  ['breakdown', 'breakdown'],
  ['upload', 'upload'],
  ['createdAt', 'created_at'],
  ['updatedAt', 'updated_at'],
];
const TO_COLUMN = new Map(COLUMNS);
/**
 * Every column but the stored 6201 upload (its fee lines: kilobytes), which only the transactions that
 * settle or revoke need. Explicit lists, never `*`: what a statement ships is what it names.
 */
const COLUMNS_WITHOUT_UPLOAD = COLUMNS.filter(([, c]) => c !== 'upload').map(([, c]) => c).join(', ');
const ALL_COLUMNS = `${COLUMNS_WITHOUT_UPLOAD}, upload`;

/**
 * The tenant condition of a lookup by payOrdId (`alias` '' or 'o.'): org_codg written as an expression,
 * so that only the primary key can serve the lookup. As a bare column it is also the first key of
 * orders_org_created, and a plan made while the table had no statistics (not analyzed yet: empty, or
 * autovacuum off) took that index — every order of the institution, read at each lookup — and a
 * prepared statement keeps its plan (docs/performance.md: thousands of rows read per 6202/6301).
 */
export function sameOrg(alias: string, param: string): string {
  return `(${alias}org_codg || '') = ${param}`;
}

/** Every column of the order, each qualified with `alias` (for a statement that joins another table). */
export function orderColumns(alias: string): string {
  return COLUMNS.map(([, c]) => `${alias}.${c}`).join(', ');
}

export function rowToOrder(row: Record<string, unknown>): OrderRow {
  const out: Record<string, unknown> = {};
  for (const [prop, col] of COLUMNS) out[prop] = row[col];
  return out as unknown as OrderRow;
}

export type NewOrder = Omit<OrderRow, 'createdAt' | 'updatedAt' | 'settledAt' | 'revsToken' | 'revsTokenExpiresAt' | 'cashPaidFen' | 'cashRefundedFen' | 'hiRefunded' | 'cashRefundUnknown' | 'setlType' | 'chnlType' | 'hiDocSn' | 'hiChrgTime' | 'traceTime'>;

/**
 * Inserts the order and, in the same statement, its first event and its search row (search.ts): one
 * round trip (issue 16). The other rows reference the order; foreign keys are checked at the end of
 * the statement, when the order is there.
 */
export async function insertOrder(tx: Queryable, order: NewOrder, event?: { txn: string; detail?: unknown }, search?: OrderSearchHashes): Promise<void> {
  const entries = Object.entries(order).filter(([, v]) => v !== undefined);
  const cols = entries.map(([k]) => TO_COLUMN.get(k as keyof OrderRow)!);
  const values: unknown[] = entries.map(([k, v]) => (k === 'upload' || k === 'breakdown' ? JSON.stringify(v) : v));
  const insert = `INSERT INTO orders (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`;
  if (!event && !search) {
    await tx.query(insert, values);
    return;
  }
  const param = (v: unknown) => `$${values.push(v)}`;
  const ctes = [`created AS (${insert} RETURNING pay_ord_id, ord_stas)`];
  if (event) {
    ctes.push(
      `event AS (INSERT INTO order_events (pay_ord_id, txn, from_stas, to_stas, detail)
       SELECT pay_ord_id, ${param(event.txn)}, NULL, ord_stas, ${param(event.detail === undefined ? null : JSON.stringify(event.detail))}::jsonb FROM created)`,
    );
  }
  if (search) {
    ctes.push(
      `search AS (INSERT INTO order_search (pay_ord_id, id_no_hash, name_hash)
       SELECT pay_ord_id, ${param(search.idNoHash)}, ${param(search.nameHash)} FROM created ON CONFLICT (pay_ord_id) DO NOTHING)`,
    );
  }
  await tx.query(`WITH ${ctes.join(',\n')}\nSELECT 1`, values);
}

/**
 * Loads an order of this institution. Another institution's order is answered exactly as a missing
 * one (tenant isolation: same code, same message).
 */
export async function loadOrder(tx: Queryable, payOrdId: string, orgCodg: string, opts: { forUpdate?: boolean; withoutUpload?: boolean } = {}): Promise<OrderRow> {
  const rows = await tx.query(`SELECT ${opts.withoutUpload ? COLUMNS_WITHOUT_UPLOAD : ALL_COLUMNS} FROM orders WHERE pay_ord_id = $1 AND ${sameOrg('', '$2')}${opts.forUpdate ? ' FOR UPDATE' : ''}`, [payOrdId, orgCodg]);
  if (rows.length === 0) throw orderNotFound(payOrdId);
  return rowToOrder(rows[0]!);
}

export function orderNotFound(payOrdId: string): YibaoError {
  return new YibaoError(ErrorCode.BUSINESS, `订单不存在：payOrdId=${payOrdId}`, { field: 'data.payOrdId' });
}

/**
 * The only way a state changes: a conditional update from the expected states, with the event in the
 * same transaction (STYLE.md: `UPDATE … WHERE status = $expected RETURNING`). Zero rows means another
 * request moved the order first.
 *
 * `opts.via`: the order passes through an intermediate state in this same statement (预结算完成 →
 * 支付中 → 结算完成): both events are written, in that order, as two transitions would write them,
 * for the console's timeline. Only for a caller that holds the order locked and between whose two
 * steps nothing reads the order.
 *
 * `opts.also`: further writes of the same transaction (upstream writes handed over through
 * `UpstreamContext.defer`, the caller's own), run as parts of this statement. They run even when
 * the order does not move, but that throws, and the caller's transaction rolls back. Each one that
 * changes no row throws its `ifNone`, through `fromUpstream` with its `field`.
 */
export async function transition(
  tx: Queryable,
  order: Pick<OrderRow, 'payOrdId'> & { upload?: OrderRow['upload'] },
  from: readonly string[],
  to: string,
  changes: Partial<Record<keyof OrderRow, unknown>>,
  event: { txn: string; detail?: unknown },
  opts: { via?: { to: string; event: { txn: string; detail?: unknown } }; also?: ReadonlyArray<DeferredWrite & { field?: string }> } = {},
): Promise<OrderRow> {
  const sets = ['ord_stas = $3', 'updated_at = now()'];
  const values: unknown[] = [order.payOrdId, from, to, event.txn, event.detail === undefined ? null : JSON.stringify(event.detail)];
  for (const [k, v] of Object.entries(changes)) {
    const col = TO_COLUMN.get(k as keyof OrderRow);
    if (!col) throw new Error(`unknown order column ${k}`);
    values.push(k === 'breakdown' || k === 'upload' ? JSON.stringify(v) : v);
    sets.push(`${col} = $${values.length}`);
  }
  let events = `SELECT pay_ord_id, $4, (SELECT ord_stas FROM prev), $3, $5::jsonb FROM moved`;
  if (opts.via) {
    values.push(opts.via.to, opts.via.event.txn, opts.via.event.detail === undefined ? null : JSON.stringify(opts.via.event.detail));
    const [viaTo, viaTxn, viaDetail] = [values.length - 2, values.length - 1, values.length];
    // One INSERT of both rows, ordered: their ids (bigserial) keep the order the timeline shows.
    events = `SELECT moved.pay_ord_id, e.txn, e.from_stas, e.to_stas, e.detail FROM moved,
       (VALUES (1, $${viaTxn}::text, (SELECT ord_stas FROM prev), $${viaTo}::text, $${viaDetail}::jsonb), (2, $4::text, $${viaTo}::text, $3::text, $5::jsonb)) AS e (n, txn, from_stas, to_stas, detail)
       ORDER BY e.n`;
  }
  const parts: string[] = [];
  // Setting settled_at records it in order_settlements as well (migration 0012): the days' totals
  // find settled orders through that insert-only table, so that no index of orders covers
  // settled_at and the transition stays a HOT update.
  if (changes.settledAt !== undefined && changes.settledAt !== null) {
    parts.push(`,\n     settled AS (INSERT INTO order_settlements (settled_at, pay_ord_id) SELECT settled_at, pay_ord_id FROM moved)`);
  }
  const counts: string[] = [];
  for (const [i, w] of (opts.also ?? []).entries()) {
    const base = values.length;
    parts.push(`,\n     yb_w${i} AS (${w.sql.replace(/\$(\d+)/g, (_, n: string) => `$${base + Number(n)}`)})`);
    values.push(...w.params);
    counts.push(`, (SELECT count(*) FROM yb_w${i})::int AS yb_w${i}`);
  }
  // The update and its event in one statement. The upload is not shipped back when the caller has it.
  const returning = order.upload !== undefined ? COLUMNS_WITHOUT_UPLOAD : ALL_COLUMNS;
  const rows = await tx.query(
    `WITH prev AS (SELECT ord_stas FROM orders WHERE pay_ord_id = $1),
     moved AS (UPDATE orders SET ${sets.join(', ')} WHERE pay_ord_id = $1 AND ord_stas = ANY($2::text[]) RETURNING ${returning}),
     event AS (INSERT INTO order_events (pay_ord_id, txn, from_stas, to_stas, detail) ${events})${parts.join('')}
     SELECT moved.*${counts.join('')} FROM moved`,
    values,
  );
  if (rows.length === 0) {
    throw new YibaoError(ErrorCode.BUSINESS, `订单状态已变化，请查询后重试：payOrdId=${order.payOrdId}`, { field: 'data.payOrdId' });
  }
  for (const [i, w] of (opts.also ?? []).entries()) {
    if (Number(rows[0]![`yb_w${i}`]) === 0) throw fromUpstream(w.ifNone ? w.ifNone() : new Error(`write ${i} of the transition of ${order.payOrdId} changed no row`), w.field);
  }
  const moved = rowToOrder(rows[0]!);
  if (order.upload !== undefined) moved.upload = order.upload;
  return moved;
}

/**
 * Whether a cash refund of this order is still unknown at the channel: set when the channel answered
 * EXP (6301 and the next 6203 then ask it again), cleared by reconcile.ts resolvePendingRefunds once
 * nothing is pending.
 */
export async function setCashRefundUnknown(tx: Queryable, payOrdId: string, unknown: boolean): Promise<void> {
  await tx.query('UPDATE orders SET cash_refund_unknown = $2 WHERE pay_ord_id = $1', [payOrdId, unknown]);
}

export async function addEvent(tx: Queryable, payOrdId: string, txn: string, from: string | null, to: string, detail?: unknown): Promise<void> {
  await tx.query('INSERT INTO order_events (pay_ord_id, txn, from_stas, to_stas, detail) VALUES ($1, $2, $3, $4, $5)', [
    payOrdId,
    txn,
    from,
    to,
    detail === undefined ? null : JSON.stringify(detail),
  ]);
}
