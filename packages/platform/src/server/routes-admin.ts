import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { getCallback, getOrder, listCallbacks, listOrders } from '../center/admin.js';
import { resendCallback } from '../center/callbacks/worker.js';
import { listPortalMessages } from '../center/portal.js';
import { loadOrder } from '../center/orders.js';
import { reconcileAbnormal } from '../center/reconcile.js';
import { listUnresolved } from '../center/reconciler.js';
import { queryDate } from './app.js';
import type { Platform } from './platform.js';
import { registerStatementRoutes } from './routes-statements.js';
import { registerAppRoutes } from './routes-apps.js';

function authorized(req: FastifyRequest, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(.+)$/i.exec(header);
  if (!m) return false;
  const a = Buffer.from(m[1]!.trim());
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Who performed an admin request, for the audit log (src/center/audit.ts). With the shared
 * operatorToken there is no one to name; the console's operator sessions and per-operator tokens
 * (issue 13) replace this with the logged-in operator's name.
 */
export function adminActor(_request: FastifyRequest): string {
  return 'operatorToken';
}

/** Operator endpoints (JSON, `Authorization: Bearer <operatorToken>`), docs/operations.md. */
export function registerAdminRoutes(app: FastifyInstance, platform: Platform): void {
  const { store } = platform.deps;
  app.register(async (admin) => {
    admin.addHook('onRequest', async (req, reply) => {
      if (!authorized(req, platform.operatorToken)) {
        return reply.code(401).send({ code: '-4', message: '权限校验异常：需要运维令牌（Authorization: Bearer <operatorToken>）' });
      }
    });
    admin.get('/admin/orders', async (req) => {
      const q = req.query as Record<string, string>;
      return listOrders(store, {
        ...(q.orgCodg ? { orgCodg: q.orgCodg } : {}),
        ...(q.ordStas ? { ordStas: q.ordStas } : {}),
        ...(q.psnNo ? { psnNo: q.psnNo } : {}),
        ...(q.medOrgOrd ? { medOrgOrd: q.medOrgOrd } : {}),
        ...(queryDate(q.from) ? { from: queryDate(q.from)! } : {}),
        ...(queryDate(q.to) ? { to: queryDate(q.to)! } : {}),
        ...(q.limit ? { limit: Number(q.limit) } : {}),
        ...(q.after ? { after: q.after } : {}),
      });
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
    /** Asks the channel about an order left 异常 (14) and settles it: 6 (callback queued) or 15 (insurance reversed). */
    admin.post('/admin/orders/:payOrdId/reconcile', async (req, reply) => {
      const payOrdId = (req.params as { payOrdId: string }).payOrdId;
      const now = platform.deps.clock();
      const result = await store.transaction(async (tx) => {
        const rows = await tx.query<{ org_codg: string; app_id: string }>('SELECT org_codg, app_id FROM orders WHERE pay_ord_id = $1', [payOrdId]);
        if (!rows[0]) return undefined;
        const order = await loadOrder(tx, payOrdId, rows[0].org_codg, { forUpdate: true });
        const after = await reconcileAbnormal(platform.deps, tx, platform.center.app(rows[0].app_id), order, now, 'operator');
        return { payOrdId, before: order.ordStas, ordStas: after.ordStas };
      });
      if (!result) return reply.code(404).send({ code: '-1', message: '订单不存在' });
      platform.worker.notify();
      return result;
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
    admin.post('/admin/callbacks/:id/resend', async (req, reply) => {
      const id = Number((req.params as { id: string }).id);
      const outcome = Number.isSafeInteger(id) ? await resendCallback(store, id) : 'missing';
      if (outcome === 'missing') return reply.code(404).send({ code: '-1', message: '回调不存在' });
      if (outcome === 'busy') return reply.code(409).send({ code: '-1', message: '该回调正在投递中，请稍后再重发' });
      platform.worker.notify();
      return { ok: true, id };
    });
    registerStatementRoutes(admin, platform);
    registerAppRoutes(admin, platform);
  });
}
