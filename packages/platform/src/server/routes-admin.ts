import type { FastifyInstance, FastifyRequest } from 'fastify';
import { getCallback, getOrder, listCallbacks, listOrders } from '../center/admin.js';
import { listPortalMessages } from '../center/portal.js';
import { listUnresolved } from '../center/reconciler.js';
import { registerStatementRoutes } from './routes-statements.js';
import { registerAppRoutes } from './routes-apps.js';
import type { Platform } from './platform.js';
import { LEGACY_ACTOR, tokenAuth } from './console/auth.js';
import { reconcileAction, refundAction, resendAction } from './console/actions.js';
import { jsonBody } from './admin-body.js';
import { bodyFields } from './console/form.js';
import { parseOrderQuery } from './console/order-query.js';

/**
 * Who performed an admin request, for the audit log (src/center/audit.ts): the operator of the API
 * token or console session, or "operatorToken (legacy)" for the shared token (deprecated).
 */
export function adminActor(request: FastifyRequest): string {
  return request.operator?.name ?? LEGACY_ACTOR;
}

/**
 * Operator endpoints (JSON, `Authorization: Bearer <token>`: an operator's API token, or the
 * deprecated shared operatorToken), docs/operations.md. Roles: reading needs viewer, actions
 * operator (console/auth.ts).
 */
export function registerAdminRoutes(app: FastifyInstance, platform: Platform): void {
  const { store } = platform.deps;
  app.register(async (admin) => {
    admin.addHook('onRequest', tokenAuth(platform));
    admin.get('/admin/orders', async (req, reply) => {
      const parsed = parseOrderQuery(req.query as Record<string, unknown>, platform.deps.searchKey);
      if (!parsed.ok) return reply.code(400).send({ code: '000105', message: parsed.message, success: false });
      return listOrders(store, parsed.filter);
    });
    admin.get('/admin/orders/:payOrdId', async (req, reply) => {
      const found = await getOrder(store, (req.params as { payOrdId: string }).payOrdId);
      return found ?? reply.code(404).send({ code: '-1', message: '订单不存在' });
    });
    /** What the background reconciler could not settle yet (`?flagged=1`: only what waits for an operator). */
    admin.get('/admin/unresolved', async (req) => {
      const q = req.query as Record<string, string>;
      return { unresolved: await listUnresolved(store, { flaggedOnly: q.flagged === '1' || q.flagged === 'true', ...(q.limit ? { limit: Number(q.limit) } : {}) }) };
    });
    /**
     * Asks the channel about an order left 异常 (14) and settles it: 6 (callback queued) or 15
     * (insurance reversed). Body `{"reason": "…"}` (required, audited).
     */
    admin.post('/admin/orders/:payOrdId/reconcile', async (req, reply) => {
      const r = await reconcileAction(platform, adminActor(req), (req.params as { payOrdId: string }).payOrdId, bodyFields(req).reason);
      if (!r.ok) return reply.code(r.status).send({ code: r.status === 400 ? '000105' : '-1', message: r.message });
      return { payOrdId: r.payOrdId, before: r.before, ordStas: r.ordStas };
    });
    /**
     * 代机构退款: the center's 6203 on the institution's behalf. Body `{"refdType": "ALL"|"CASH"|"HI",
     * "cashRefdAmt"?: "yuan" (CASH, partial), "reason": "…", "appRefdSn"?: "OPR…"}` (reason required,
     * audited; appRefdSn is the idempotency key: the same one again answers the refund already made,
     * with `repeated: true`).
     */
    admin.post('/admin/orders/:payOrdId/refund', { config: { role: 'operator' } }, async (req, reply) => {
      const body = jsonBody(req);
      if (!body) return reply.code(400).send({ code: '000105', message: '请求体应为 JSON 对象', success: false });
      const r = await refundAction(platform, adminActor(req), (req.params as { payOrdId: string }).payOrdId, body);
      if (!r.ok) return reply.code(r.status).send({ code: r.code, message: r.message, success: false });
      return { payOrdId: r.payOrdId, appRefdSn: r.appRefdSn, refdSn: r.refdSn, refStatus: r.refStatus, ordStas: r.ordStas, ...(r.message ? { message: r.message } : {}), ...(r.repeated ? { repeated: true } : {}) };
    });
    admin.get('/admin/callbacks', async (req) => {
      const q = req.query as Record<string, string>;
      return {
        callbacks: await listCallbacks(store, {
          ...(q.status ? { status: q.status } : {}),
          ...(q.payOrdId ? { payOrdId: q.payOrdId } : {}),
          ...(q.appId ? { appId: q.appId } : {}),
          ...(q.limit ? { limit: Number(q.limit) } : {}),
        }),
      };
    });
    admin.get('/admin/callbacks/:id', async (req, reply) => {
      const id = Number((req.params as { id: string }).id);
      const found = Number.isSafeInteger(id) ? await getCallback(store, id) : undefined;
      return found ?? reply.code(404).send({ code: '-1', message: '回调不存在' });
    });
    /** The portal's pushed messages (医疗消息推送), per institution and/or per patient, newest first. */
    admin.get('/admin/portal/messages', async (req) => {
      const q = req.query as Record<string, string>;
      return {
        messages: await listPortalMessages(platform.deps, {
          ...(q.orgCode ? { orgCode: q.orgCode } : {}),
          ...(q.idNo ? { idNo: q.idNo } : {}),
          ...(q.limit ? { limit: Number(q.limit) } : {}),
        }),
      };
    });
    /** Delivers again now to the app's current notifyUrl. Body `{"reason": "…"}` (required, audited). */
    admin.post('/admin/callbacks/:id/resend', async (req, reply) => {
      const r = await resendAction(platform, adminActor(req), Number((req.params as { id: string }).id), bodyFields(req).reason);
      if (!r.ok) return reply.code(r.status).send({ code: r.status === 400 ? '000105' : '-1', message: r.message });
      return { ok: true, id: r.id, url: r.url };
    });
    registerStatementRoutes(admin, platform);
    registerAppRoutes(admin, platform);
  });
}
