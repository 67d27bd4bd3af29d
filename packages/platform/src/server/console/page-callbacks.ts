import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getCallback, listCallbacks } from '../../center/admin.js';
import type { Platform } from '../platform.js';
import { resendAction } from './actions.js';
import { bodyFields } from './form.js';
import { html } from './html.js';
import { errorPage, layout, sendPage } from './layout.js';
import { beijingTime } from './time.js';
import { roleAllows } from '../../center/operators.js';

const STATUSES = ['PENDING', 'DELIVERED', 'RETRIES_EXCEEDED'];

/** 回调: the outbox, each delivery attempt with its cause, and resend (to the app's current notifyUrl). */
export function registerCallbackPages(c: FastifyInstance, platform: Platform): void {
  const { store } = platform.deps;
  c.get('/console/callbacks', async (req, reply) => {
    const q = req.query as Record<string, string>;
    const unknown = Object.keys(q).filter((k) => !['status', 'payOrdId', 'appId'].includes(k));
    if (unknown.length) return errorPage(req, reply, 400, `不支持的查询条件：${unknown.join('、')}`);
    if (q.status && !STATUSES.includes(q.status)) return errorPage(req, reply, 400, `status: 应为 ${STATUSES.join(' / ')}`);
    const rows = await listCallbacks(store, { ...(q.status ? { status: q.status } : {}), ...(q.payOrdId ? { payOrdId: q.payOrdId } : {}), ...(q.appId ? { appId: q.appId } : {}), limit: 100 });
    const body = html`<form method="get" class="filters card"><label>状态<select name="status"><option value="">全部</option>${STATUSES.map((s) => html`<option ${q.status === s ? 'selected' : ''}>${s}</option>`)}</select></label>
<label>payOrdId<input name="payOrdId" value="${q.payOrdId ?? ''}"></label><button type="submit">筛选</button></form>
<table id="callback-list"><tr><th>#</th><th>订单</th><th>类型</th><th>状态</th><th class="num">尝试</th><th>最后原因</th><th>创建</th></tr>
${rows.map(
  (r) => html`<tr><td><a href="/console/callbacks/${String(r.id)}">${String(r.id)}</a></td><td><a href="/console/orders/${encodeURIComponent(String(r.pay_ord_id))}">${r.pay_ord_id}</a></td><td>${r.call_type}</td><td class="${r.status === 'RETRIES_EXCEEDED' ? 'bad' : r.status === 'DELIVERED' ? 'ok' : ''}">${r.status}</td><td class="num">${r.attempts}</td><td>${r.last_error ?? ''}</td><td>${beijingTime(r.created_at as Date)}</td></tr>`,
)}</table>`;
    return sendPage(reply, 200, layout({ title: '回调', operator: req.operator!, csrf: req.csrf!, active: 'callbacks', body }));
  });

  const detail = async (req: FastifyRequest, reply: FastifyReply, id: number, notice?: string, error?: string, status = 200) => {
    const cb = (Number.isSafeInteger(id) ? await getCallback(store, id) : undefined) as (Record<string, unknown> & { attemptsHistory: unknown[] }) | undefined;
    if (!cb) return errorPage(req, reply, 404, '回调不存在');
    const app = platform.center.app(String(cb.app_id));
    const attempts = cb.attemptsHistory as Array<{ attempt: number; started_at: Date; duration_ms: number | null; http_status: number | null; response_body: string | null; error: string | null; success: boolean | null }>;
    const canResend = roleAllows(req.operator!.role, 'operator');
    const body = html`${notice ? html`<div class="notice" role="status">${notice}</div>` : ''}${error ? html`<div class="error" role="alert">${error}</div>` : ''}
<section class="card"><dl class="kv"><dt>订单</dt><dd><a href="/console/orders/${encodeURIComponent(String(cb.pay_ord_id))}">${cb.pay_ord_id}</a></dd>
<dt>状态</dt><dd id="cb-status" class="${cb.status === 'RETRIES_EXCEEDED' ? 'bad' : cb.status === 'DELIVERED' ? 'ok' : ''}">${cb.status}${cb.status === 'RETRIES_EXCEEDED' ? html` <span class="flag">重试用尽</span>` : ''}</dd>
<dt>投递地址</dt><dd id="cb-url">${cb.url}</dd><dt>应用当前 notifyUrl</dt><dd id="app-url">${app?.notifyUrl ?? '（未配置）'}</dd>
<dt>尝试次数</dt><dd>${cb.attempts}</dd><dt>下次尝试</dt><dd>${cb.status === 'PENDING' ? beijingTime(cb.next_attempt_at as Date) : ''}</dd></dl></section>
<section class="card"><h2>投递记录</h2><table id="attempts"><tr><th>#</th><th>开始</th><th class="num">耗时 ms</th><th>结果</th><th>HTTP</th><th>原因</th></tr>
${attempts.map(
  (a) => html`<tr><td>${a.attempt}</td><td>${beijingTime(a.started_at)}</td><td class="num">${a.duration_ms ?? ''}</td><td class="${a.success ? 'ok' : 'bad'}">${a.success ? '成功' : a.success === null ? '投递中' : '失败'}</td><td>${a.http_status ?? ''}</td><td class="cause">${a.error ?? ''}</td></tr>`,
)}</table></section>
${
  canResend
    ? html`<section class="card"><h2>重发</h2><form method="post" action="/console/callbacks/${id}/resend" class="stack" id="resend-form">
<input type="hidden" name="_csrf" value="${req.csrf!}">
<p class="muted">立即重新投递到应用当前的 notifyUrl（${app?.notifyUrl ?? '未配置'}），重试计划重新开始；操作记入审计日志。</p>
<label>原因（必填）<textarea name="reason" required maxlength="500" rows="2"></textarea></label><button type="submit">重发</button></form></section>`
    : ''
}`;
    return sendPage(reply, status, layout({ title: `回调 #${id}`, operator: req.operator!, csrf: req.csrf!, active: 'callbacks', body }));
  };
  c.get('/console/callbacks/:id', async (req, reply) => detail(req, reply, Number((req.params as { id: string }).id)));
  c.post('/console/callbacks/:id/resend', { config: { role: 'operator' } }, async (req, reply) => {
    const id = Number((req.params as { id: string }).id);
    const r = await resendAction(platform, req.operator!.name, id, bodyFields(req).reason);
    if (!r.ok) return r.status === 404 ? errorPage(req, reply, 404, r.message) : detail(req, reply, id, undefined, r.message, r.status);
    return detail(req, reply, id, `已重新排队，将投递到 ${r.url}`);
  });
}
