import type { FastifyInstance } from 'fastify';
import { listAudit, recordAudit } from '../center/audit.js';
import { dailyTotals, listDiffs, reconcileWithCore, resolveDiff } from '../center/daily-totals.js';
import { dayWindow, loadStatement, regenerateStatement, statementWire, summarize } from '../center/statements.js';
import { loadApps } from '../center/apps.js';
import { fenToYuan } from 'yibao/spec';
import { queryDate } from './app.js';
import { badRequest, bodyWithReason, unknownQuery } from './admin-body.js';
import type { Platform } from './platform.js';
import { adminActor } from './routes-admin.js';

/**
 * Operator routes of statements and 对账 (docs/statements.md), and the audit log. Registered inside
 * the authenticated /admin scope (routes-admin.ts); `config.role` is what the operator's role must
 * be at least (viewer < operator < admin).
 */
export function registerStatementRoutes(admin: FastifyInstance, platform: Platform): void {
  const { store } = platform.deps;
  const day = (v: unknown): string | undefined => (typeof v === 'string' && dayWindow(v) ? v : undefined);

  admin.get('/admin/audit', { config: { role: 'operator' } }, async (req, reply) => {
    if (unknownQuery(req, reply, ['from', 'to', 'actor', 'action', 'target', 'limit', 'before'])) return reply;
    const q = req.query as Record<string, string>;
    const before = q.before === undefined ? undefined : Number(q.before);
    if (before !== undefined && !Number.isSafeInteger(before)) return badRequest(reply, 'before: 应为审计记录 id');
    return {
      entries: await listAudit(store, {
        ...(queryDate(q.from) ? { from: queryDate(q.from)! } : {}),
        ...(queryDate(q.to) ? { to: queryDate(q.to)! } : {}),
        ...(q.actor ? { actor: q.actor } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.target ? { target: q.target } : {}),
        ...(q.limit ? { limit: Number(q.limit) } : {}),
        ...(before !== undefined ? { before } : {}),
      }),
    };
  });

  /** The day's statements of every app, with their summaries, and the day's job run. */
  admin.get('/admin/statements', { config: { role: 'viewer' } }, async (req, reply) => {
    if (unknownQuery(req, reply, ['date'])) return reply;
    const date = day((req.query as Record<string, unknown>).date);
    if (!date) return badRequest(reply, 'date: 必填，yyyy-MM-dd（北京时间）');
    const rows = await store.query<{ app_id: string; version: number; generated_at: Date; generated_by: string; content: { lines: Parameters<typeof summarize>[0]; orgCodg: string; orgName: string } }>(
      'SELECT app_id, version, generated_at, generated_by, content FROM statements WHERE stmt_date = $1::date ORDER BY app_id',
      [date],
    );
    const job = (await platform.statements.jobs(500)).find((j) => j.date === date) ?? null;
    return {
      date,
      job,
      statements: rows.map((r) => {
        const s = summarize(r.content.lines);
        return {
          appId: r.app_id,
          orgCodg: r.content.orgCodg,
          orgName: r.content.orgName,
          version: Number(r.version),
          generatedAt: new Date(r.generated_at).toISOString(),
          generatedBy: r.generated_by,
          lines: r.content.lines.length,
          settledCount: s.settledCount,
          settledFeeSumamt: fenToYuan(s.settledFee),
          refundCount: s.refundCount,
          refundFeeSumamt: fenToYuan(s.refundFee),
        };
      }),
    };
  });

  admin.get('/admin/statements/jobs', { config: { role: 'viewer' } }, async (req, reply) => {
    if (unknownQuery(req, reply, ['limit'])) return reply;
    const limit = Number((req.query as Record<string, string>).limit ?? 30);
    return { jobs: await platform.statements.jobs(limit) };
  });

  /** One stored statement, as the institution downloads it (format=csv for the CSV). */
  admin.get('/admin/statements/:appId/:date', { config: { role: 'viewer' } }, async (req, reply) => {
    if (unknownQuery(req, reply, ['format'])) return reply;
    const { appId, date } = req.params as { appId: string; date: string };
    if (!day(date)) return badRequest(reply, 'date: 应为 yyyy-MM-dd（北京时间）');
    const s = await loadStatement(store, appId, date);
    if (!s) return badRequest(reply, `对账单不存在：${appId} ${date}`, 404);
    const format = String((req.query as Record<string, string>).format ?? 'json').toUpperCase();
    if (format !== 'JSON' && format !== 'CSV') return badRequest(reply, 'format: 应为 json 或 csv');
    const wire = statementWire(s, format);
    if (format === 'CSV') {
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="statement-${appId}-${date}-v${s.version}.csv"`)
        .send((wire as { csv: string }).csv);
    }
    return reply.type('application/json; charset=utf-8').send(JSON.stringify({ ...wire, generatedBy: s.generatedBy }, (_k, v: unknown) => (v && typeof v === 'object' && 'isLosslessNumber' in v ? String(v) : v)));
  });

  admin.post('/admin/statements/:appId/:date/regenerate', { config: { role: 'admin' } }, async (req, reply) => {
    const { appId, date } = req.params as { appId: string; date: string };
    if (!day(date)) return badRequest(reply, 'date: 应为 yyyy-MM-dd（北京时间）');
    const given = bodyWithReason(req, reply);
    if (!given) return reply;
    const app = (await loadApps(store)).find((a) => a.appId === appId);
    if (!app) return badRequest(reply, `应用不存在：${appId}`, 404);
    try {
      const s = await regenerateStatement(platform.deps, app, date, { actor: adminActor(req), reason: given.reason });
      return { appId, date, version: s.version, lines: s.lines.length, generatedAt: s.generatedAt.toISOString(), generatedBy: s.generatedBy };
    } catch (err) {
      if ((err as { field?: string }).field === 'date') return badRequest(reply, (err as Error).message);
      throw err;
    }
  });

  /** Per-day totals per institution, insurance type and channel. */
  admin.get('/admin/totals', { config: { role: 'viewer' } }, async (req, reply) => {
    if (unknownQuery(req, reply, ['date'])) return reply;
    const date = day((req.query as Record<string, unknown>).date);
    if (!date) return badRequest(reply, 'date: 必填，yyyy-MM-dd（北京时间）');
    return dailyTotals(store, date);
  });

  /** 对总账 / 对明细账 against the FSI core: compares now, stores new differences. */
  admin.post('/admin/fsi-reconcile', { config: { role: 'operator' } }, async (req, reply) => {
    const given = bodyWithReason(req, reply);
    if (!given) return reply;
    const date = day(given.body.date);
    if (!date) return badRequest(reply, 'date: 必填，yyyy-MM-dd（北京时间）');
    const result = await reconcileWithCore(store, platform.upstreams, date, platform.deps.clock());
    await recordAudit(store, { actor: adminActor(req), action: 'fsi-reconcile.run', target: date, reason: given.reason, detail: { match: result.totals.match, differences: result.stillDifferent.length } });
    return result;
  });

  admin.get('/admin/fsi-reconcile/differences', { config: { role: 'viewer' } }, async (req, reply) => {
    if (unknownQuery(req, reply, ['date', 'open'])) return reply;
    const q = req.query as Record<string, string>;
    if (q.date !== undefined && !day(q.date)) return badRequest(reply, 'date: 应为 yyyy-MM-dd（北京时间）');
    if (q.open !== undefined && q.open !== 'true' && q.open !== 'false') return badRequest(reply, 'open: 应为 true 或 false');
    return { differences: await listDiffs(store, { ...(q.date ? { date: q.date } : {}), open: q.open === 'true' }) };
  });

  admin.post('/admin/fsi-reconcile/differences/:id/resolve', { config: { role: 'operator' } }, async (req, reply) => {
    const id = Number((req.params as { id: string }).id);
    if (!Number.isSafeInteger(id)) return badRequest(reply, '差异不存在', 404);
    const given = bodyWithReason(req, reply);
    if (!given) return reply;
    const outcome = await resolveDiff(store, id, { actor: adminActor(req), reason: given.reason });
    if (outcome === 'missing') return badRequest(reply, '差异不存在', 404);
    if (outcome === 'already') return reply.code(409).send({ code: '-1', message: '该差异已标记为已处理', success: false });
    return { id, resolved: true };
  });

}
