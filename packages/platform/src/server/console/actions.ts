import { randomBytes } from 'node:crypto';
import { fenToYuan, validateTxn, yuanToFen } from 'yibao/spec';
import { formatCompact, YibaoError, ErrorCode } from 'yibao/protocol';
import { auditReason, recordAudit } from '../../center/audit.js';
import { refundOrder } from '../../center/txn/refund-order.js';
import { resendCallback } from '../../center/callbacks/worker.js';
import { CHANNEL_NOTIFY } from '../../center/callbacks/outbox.js';
import { loadOrder, type OrderRow } from '../../center/orders.js';
import type { Queryable } from '../../store/store.js';
import { reconcileAbnormal, resolvePendingRefunds } from '../../center/reconcile.js';
import type { Platform } from '../platform.js';

/**
 * Operator actions, the same from the /admin API and the console: each with a required reason,
 * written to the audit log in the transaction that does it (both or neither).
 */
export type ResendOutcome = { ok: true; id: number; url: string } | { ok: false; status: 400 | 404 | 409; message: string };

export async function resendAction(platform: Platform, actor: string, id: number, reasonText: unknown): Promise<ResendOutcome> {
  const reason = auditReason(reasonText);
  if (!reason) return { ok: false, status: 400, message: 'reason 必填：请说明重发原因' };
  if (!Number.isSafeInteger(id)) return { ok: false, status: 404, message: '回调不存在' };
  const result = await platform.deps.store.transaction(async (tx): Promise<ResendOutcome> => {
    const [row] = await tx.query<{ app_id: string; call_type: string; url: string; pay_ord_id: string }>('SELECT app_id, call_type, url, pay_ord_id FROM callbacks WHERE id = $1', [id]);
    if (!row) return { ok: false, status: 404, message: '回调不存在' };
    // A 6302 goes to the app's notifyUrl as it is now (corrected since it was queued); a channel
    // notification keeps the address its payment named.
    let url = row.url;
    if (row.call_type !== CHANNEL_NOTIFY) {
      const current = platform.center.app(row.app_id)?.notifyUrl;
      if (!current) return { ok: false, status: 409, message: `应用 ${row.app_id} 当前未配置 notifyUrl，无法重发` };
      url = current;
    }
    const outcome = await resendCallback(tx, id, url);
    if (outcome === 'missing') return { ok: false, status: 404, message: '回调不存在' };
    if (outcome === 'busy') return { ok: false, status: 409, message: '该回调正在投递中，请稍后再重发' };
    await recordAudit(tx, { actor, action: 'callback.resend', target: row.pay_ord_id, reason, detail: { callbackId: id, url, ...(url !== row.url ? { previousUrl: row.url } : {}) } });
    return { ok: true, id, url };
  });
  if (result.ok) platform.worker.notify();
  return result;
}

export type ReconcileOutcome = { ok: true; payOrdId: string; before: string; ordStas: string } | { ok: false; status: 400 | 404; message: string };

/** Asks the channel about an order left 异常 (14) and settles it: 6 (callback queued) or 15 (insurance reversed). */
export async function reconcileAction(platform: Platform, actor: string, payOrdId: string, reasonText: unknown): Promise<ReconcileOutcome> {
  const reason = auditReason(reasonText);
  if (!reason) return { ok: false, status: 400, message: 'reason 必填：请说明对账处理原因' };
  const now = platform.deps.clock();
  const result = await platform.deps.store.transaction(async (tx): Promise<ReconcileOutcome> => {
    const rows = await tx.query<{ org_codg: string; app_id: string }>('SELECT org_codg, app_id FROM orders WHERE pay_ord_id = $1', [payOrdId]);
    if (!rows[0]) return { ok: false, status: 404, message: '订单不存在' };
    const order = await loadOrder(tx, payOrdId, rows[0].org_codg, { forUpdate: true });
    const after = await reconcileAbnormal(platform.deps, tx, platform.center.app(rows[0].app_id), order, now, 'operator');
    await recordAudit(tx, { actor, action: 'order.reconcile', target: payOrdId, reason, detail: { before: order.ordStas, after: after.ordStas } });
    return { ok: true, payOrdId, before: order.ordStas, ordStas: after.ordStas };
  });
  if (result.ok) platform.worker.notify();
  return result;
}

export type RefundOutcome =
  | { ok: true; payOrdId: string; appRefdSn: string; refdSn: string; refStatus: string; ordStas: string; message?: string; repeated?: true }
  | { ok: false; status: 400 | 404 | 409; code: string; message: string };

const REFUND_TYPES = ['ALL', 'CASH', 'HI'] as const;

/**
 * 代机构退款 (issue 13): an operator refunds an order on the institution's behalf. The center's own
 * 6203 runs (refund-order.ts: same money rules, states, callbacks), under an appRefdSn of its own
 * (`OPR` + time + random, 29 of the 40 characters 表 272 allows) so that it never takes one the HIS
 * may use, and the audit row commits in the same transaction as the refund (both or neither).
 * `cashRefdAmt` (yuan) only with CASH, for a partial refund; without it, CASH refunds all the cash left.
 *
 * `appRefdSn`, optional, is the idempotency key: the console's form carries one generated with the page
 * (`newOperatorRefdSn`), and a script may send its own of the same form. The same key again — a double
 * click, a browser's resubmission, a retry after a lost answer — is the refund already made: its state
 * now (an EXP refund asks the channel first, as a HIS's repeated 6203 does), `repeated: true`, nothing
 * refunded twice and no second audit row. The same key for another order or another refund (type or
 * amount) is refused.
 */
export async function refundAction(platform: Platform, actor: string, payOrdId: string, input: { refdType?: unknown; cashRefdAmt?: unknown; reason?: unknown; appRefdSn?: unknown }): Promise<RefundOutcome> {
  const bad = (message: string): RefundOutcome => ({ ok: false, status: 400, code: '000105', message });
  const refdType = typeof input.refdType === 'string' ? input.refdType.trim() : '';
  if (!(REFUND_TYPES as readonly string[]).includes(refdType)) return bad('refdType: 应为 ALL、CASH 或 HI（退费类型）');
  const cashText = typeof input.cashRefdAmt === 'string' || typeof input.cashRefdAmt === 'number' ? String(input.cashRefdAmt).trim() : '';
  if (input.cashRefdAmt !== undefined && input.cashRefdAmt !== null && typeof input.cashRefdAmt !== 'string' && typeof input.cashRefdAmt !== 'number') return bad('cashRefdAmt: 应为金额，单位元（现金退费金额）');
  let cashFen: number | undefined;
  if (cashText !== '') {
    if (refdType !== 'CASH') return bad('cashRefdAmt: 仅 refdType=CASH 时可填（现金退费金额）；ALL 退全部剩余，HI 只退医保');
    try {
      cashFen = yuanToFen(cashText);
    } catch (err) {
      return bad(`cashRefdAmt: 应为金额，单位元，最多两位小数（现金退费金额）：${(err as Error).message}`);
    }
    if (cashFen <= 0) return bad('cashRefdAmt: 应大于 0（现金退费金额）');
  }
  const reason = auditReason(input.reason);
  if (!reason) return bad('reason: 必填（退款原因，写入审计日志）');
  const key = input.appRefdSn === undefined || input.appRefdSn === null ? '' : typeof input.appRefdSn === 'string' ? input.appRefdSn.trim() : undefined;
  if (key === undefined || (key !== '' && !OPERATOR_REFD_SN.test(key))) return bad('appRefdSn: 应为本中心的代退款流水号（OPR + 14 位时间 + 12 位十六进制大写），或不填（代退款流水号）');
  const now = platform.deps.clock();
  let result: RefundOutcome;
  try {
    result = await platform.deps.store.transaction(async (tx): Promise<RefundOutcome> => {
      const rows = await tx.query<{ org_codg: string; app_id: string }>('SELECT org_codg, app_id FROM orders WHERE pay_ord_id = $1', [payOrdId]);
      if (!rows[0]) return { ok: false, status: 404, code: '-1', message: '订单不存在' };
      const app = platform.center.app(rows[0].app_id) ?? platform.center.gate.disabledApp(rows[0].app_id);
      if (!app) return { ok: false, status: 409, code: '-1', message: `订单所属应用 ${rows[0].app_id} 不存在，无法退款` };
      const order = await loadOrder(tx, payOrdId, rows[0].org_codg, { forUpdate: true });
      if (key !== '') {
        const repeat = await repeatedRefund(platform, tx, app.orgCodg, order, key, refdType, cashFen, now);
        if (repeat) return repeat;
      }
      // The amounts a HIS would send, from the locked order: ALL everything left, HI the insurance
      // part, CASH the cash asked for (or all of it). refundOrder checks them as it checks a HIS's.
      const remainingCash = order.cashPaidFen - order.cashRefundedFen;
      const hiFen = refdType === 'CASH' ? 0 : order.fundPayFen + order.psnAcctPayFen;
      const cash = refdType === 'HI' ? 0 : refdType === 'ALL' ? remainingCash : (cashFen ?? remainingCash);
      // A key that came with the request is unused here (repeatedRefund found no refund under it);
      // without one, a fresh one, checked unused.
      let appRefdSn = key;
      if (appRefdSn === '') {
        do appRefdSn = newOperatorRefdSn(now);
        while ((await tx.query('SELECT 1 FROM refunds WHERE org_codg = $1 AND app_refd_sn = $2', [app.orgCodg, appRefdSn])).length > 0);
      }
      const data: Record<string, unknown> = {
        payOrdId,
        appRefdSn,
        appRefdTime: formatCompact(now),
        totlRefdAmt: fenToYuan(hiFen + Math.max(cash, 0)),
        cashRefdAmt: fenToYuan(Math.max(cash, 0)),
        refdType,
      };
      // The fields as the catalogue states them (表 272), except the patient's credential (ecToken or
      // payAuthNo): the operator's role and audited reason stand in for it.
      const issues = validateTxn('6203', 'input', data, 'data').filter((i) => i.path !== 'data.ecToken' && i.path !== 'data.payAuthNo');
      if (issues.length > 0) throw new YibaoError(ErrorCode.INVALID_PARAM, issues.map((i) => i.message).join('；'), { field: issues[0]!.path });
      const answer = await refundOrder({ deps: platform.deps, tx, app, data, now }, 'operator');
      const refdSn = String(answer.data.refdSn ?? '');
      const refStatus = String(answer.data.refStatus ?? '');
      const [after] = await tx.query<{ ord_stas: string }>('SELECT ord_stas FROM orders WHERE pay_ord_id = $1', [payOrdId]);
      await recordAudit(tx, {
        actor,
        action: 'order.refund',
        target: payOrdId,
        reason,
        detail: { appRefdSn, refdSn, refdType, cashRefdAmt: data.cashRefdAmt, totlRefdAmt: data.totlRefdAmt, refStatus, before: order.ordStas, after: after!.ord_stas },
      });
      return { ok: true, payOrdId, appRefdSn, refdSn, refStatus, ordStas: after!.ord_stas, ...(answer.message ? { message: answer.message } : {}) };
    });
  } catch (err) {
    // Refused by the center (wrong state, too much cash, channel or FSI refusal): its code and message.
    if (err instanceof YibaoError) return { ok: false, status: err.code === ErrorCode.INVALID_PARAM ? 400 : 409, code: err.code, message: err.message };
    throw err;
  }
  if (result.ok) platform.worker.notify();
  return result;
}

/** The operator's appRefdSn: `OPR` + yyyyMMddHHmmss + 12 hex (29 of the 40 characters of 表 272). */
const OPERATOR_REFD_SN = /^OPR\d{14}[0-9A-F]{12}$/;

/** A fresh operator appRefdSn (docs/console.md): the console's refund form carries one per page. */
export function newOperatorRefdSn(now: Date): string {
  return `OPR${formatCompact(now)}${randomBytes(6).toString('hex').toUpperCase()}`;
}

/**
 * The refund already made under this key, when there is one: the same order and the same refund
 * (type; amount when one is given) is a repeat; anything else under the key is refused. What was asked
 * is read from the refund's audit row, which committed with it (a cash part the channel left EXP is
 * not in the refund's own amounts).
 */
async function repeatedRefund(
  platform: Platform,
  tx: Queryable,
  orgCodg: string,
  order: OrderRow,
  key: string,
  refdType: string,
  cashFen: number | undefined,
  now: Date,
): Promise<RefundOutcome | undefined> {
  const byKey = 'SELECT pay_ord_id, refd_sn, ref_status FROM refunds WHERE org_codg = $1 AND app_refd_sn = $2';
  const [prior] = await tx.query<{ pay_ord_id: string; refd_sn: string; ref_status: string }>(byKey, [orgCodg, key]);
  if (!prior) return undefined;
  const refused = (message: string): RefundOutcome => ({ ok: false, status: 400, code: ErrorCode.INVALID_PARAM, message: `appRefdSn: ${message}（代退款流水号）` });
  if (prior.pay_ord_id !== order.payOrdId) return refused('已用于其他订单');
  const [asked] = await tx.query<{ detail: { refdType?: string; cashRefdAmt?: string } }>(
    "SELECT detail FROM audit_log WHERE action = 'order.refund' AND target = $1 AND detail->>'appRefdSn' = $2",
    [order.payOrdId, key],
  );
  const askedCash = asked?.detail.cashRefdAmt !== undefined ? yuanToFen(asked.detail.cashRefdAmt) : undefined;
  if (asked?.detail.refdType !== refdType || (cashFen !== undefined && askedCash !== cashFen)) return refused('已用于另一笔退款（退费类型或金额不同）');
  // As a HIS's repeated 6203: a refund the channel left unknown is asked about first, and answered as
  // it stands then.
  let current = { refund: prior, ordStas: order.ordStas };
  if (prior.ref_status === 'EXP') {
    const resolved = await resolvePendingRefunds(platform.deps, tx, order, now);
    const [refund] = await tx.query<{ pay_ord_id: string; refd_sn: string; ref_status: string }>(byKey, [orgCodg, key]);
    current = { refund: refund!, ordStas: resolved.order.ordStas };
  }
  return { ok: true, repeated: true, payOrdId: order.payOrdId, appRefdSn: key, refdSn: current.refund.refd_sn, refStatus: current.refund.ref_status, ordStas: current.ordStas };
}
