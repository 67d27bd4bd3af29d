import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppChangeError, appView, loadApps, setAppDisabled, updateApp } from '../../center/apps.js';
import { auditReason } from '../../center/audit.js';
import { roleAllows } from '../../center/operators.js';
import type { Platform } from '../platform.js';
import { bodyFields } from './form.js';
import { html } from './html.js';
import { errorPage, layout, sendPage } from './layout.js';

/**
 * 应用: the institutions' apps (center/apps.ts, in the database). Everyone reads; an admin changes the
 * callback and return addresses and disables or enables an app, with a reason (audited). Keys are
 * rotated through `yibao app rotate-key` / the admin API (docs/apps.md), where the new key is given.
 */
export function registerAppPages(c: FastifyInstance, platform: Platform): void {
  const { store } = platform.deps;
  const page = async (req: FastifyRequest, reply: FastifyReply, status = 200, message?: { ok?: string; error?: string }) => {
    const apps = (await loadApps(store)).map(appView);
    const admin = roleAllows(req.operator!.role, 'admin');
    const csrf = html`<input type="hidden" name="_csrf" value="${req.csrf!}">`;
    const body = html`${message?.ok ? html`<div class="notice" role="status">${message.ok}</div>` : ''}${message?.error ? html`<div class="error" role="alert">${message.error}</div>` : ''}
<table id="apps"><tr><th>appId</th><th>机构</th><th>notifyUrl / redirectUrl</th><th>状态</th>${admin ? html`<th>修改（管理员，需填原因）</th>` : ''}</tr>
${apps.map(
  (a) => html`<tr data-app="${a.appId}"><td>${a.appId}</td><td>${a.orgName}（${a.orgCodg}）</td><td>${a.notifyUrl ?? '—'}<br><span class="muted">${a.redirectUrl ?? '—'}</span></td><td>${a.disabled ? html`<span class="flag">已停用</span>` : '启用'}</td>
${
  admin
    ? html`<td><form method="post" action="/console/apps/${encodeURIComponent(a.appId)}" class="stack app-edit">${csrf}
<label>notifyUrl<input name="notifyUrl" value="${a.notifyUrl ?? ''}" type="url"></label><label>redirectUrl<input name="redirectUrl" value="${a.redirectUrl ?? ''}" type="url"></label>
<label>状态<select name="state"><option value="">不变</option><option value="disable">停用</option><option value="enable">启用</option></select></label>
<label>原因<input name="reason" required></label><button type="submit">保存</button></form></td>`
    : ''
}</tr>`,
)}</table>`;
    return sendPage(reply, status, layout({ title: '应用', operator: req.operator!, csrf: req.csrf!, active: 'apps', body }));
  };
  c.get('/console/apps', async (req, reply) => page(req, reply));
  c.post('/console/apps/:appId', { config: { role: 'admin' } }, async (req, reply) => {
    const appId = (req.params as { appId: string }).appId;
    const f = bodyFields(req);
    const reason = auditReason(f.reason);
    if (!reason) return page(req, reply, 400, { error: 'reason 必填：请说明原因' });
    const current = (await loadApps(store)).find((a) => a.appId === appId);
    if (!current) return errorPage(req, reply, 404, `应用不存在：${appId}`);
    const who = { actor: req.operator!.name, reason };
    // Only what changed, so the audit entry says exactly that; an emptied field is removed.
    const changes: Record<string, unknown> = {};
    for (const k of ['notifyUrl', 'redirectUrl'] as const) {
      const v = (f[k] ?? '').trim();
      if (v !== (current[k] ?? '')) changes[k] = v === '' ? null : v;
    }
    try {
      if (Object.keys(changes).length > 0) await updateApp(store, appId, changes, who);
      if (f.state === 'disable' || f.state === 'enable') await setAppDisabled(store, appId, f.state === 'disable', who);
    } catch (err) {
      if (err instanceof AppChangeError) return page(req, reply, err.status === 404 ? 404 : 400, { error: err.message });
      throw err;
    }
    await platform.apps.load();
    return page(req, reply, 200, { ok: Object.keys(changes).length || f.state ? `已更新 ${appId}` : '没有修改' });
  });
}
