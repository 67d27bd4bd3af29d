import { auditReason, recordAudit } from '../../center/audit.js';
import { resendCallback } from '../../center/callbacks/worker.js';
import { CHANNEL_NOTIFY } from '../../center/callbacks/outbox.js';
import { loadOrder } from '../../center/orders.js';
import { reconcileAbnormal } from '../../center/reconcile.js';
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
