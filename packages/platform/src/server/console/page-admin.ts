import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { auditReason, listAudit, recordAudit } from '../../center/audit.js';
import { createApiToken, createOperator, isRole, listApiTokens, listOperators, OperatorError, revokeApiToken, setOperator } from '../../center/operators.js';
import type { Platform } from '../platform.js';
import { queryDate } from '../app.js';
import { bodyFields } from './form.js';
import { html } from './html.js';
import { errorPage, layout, sendPage } from './layout.js';
import { beijingTime } from './time.js';

/** 审计日志 (read-only), 操作员 (admin) and API 令牌 (each operator's own). */
export function registerAdminPages(c: FastifyInstance, platform: Platform): void {
  const { store } = platform.deps;

  // Read-only: the console offers no way to change an entry, and the table refuses UPDATE/DELETE.
  c.get('/console/audit', async (req, reply) => {
    const q = req.query as Record<string, string>;
    const unknown = Object.keys(q).filter((k) => !['actor', 'action', 'target', 'from', 'to'].includes(k));
    if (unknown.length) return errorPage(req, reply, 400, `不支持的查询条件：${unknown.join('、')}`);
    const from = q.from ? queryDate(q.from) : undefined;
    const to = q.to ? queryDate(q.to) : undefined;
    const rows = await listAudit(store, {
      ...(q.actor ? { actor: q.actor } : {}),
      ...(q.action ? { action: q.action } : {}),
      ...(q.target ? { target: q.target } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      limit: 200,
    });
    const body = html`<form method="get" class="filters card"><label>操作员<input name="actor" value="${q.actor ?? ''}"></label><label>操作<input name="action" value="${q.action ?? ''}"></label>
<label>对象<input name="target" value="${q.target ?? ''}"></label><label>起<input type="date" name="from" value="${q.from ?? ''}"></label><label>止<input type="date" name="to" value="${q.to ?? ''}"></label><button type="submit">筛选</button></form>
<table id="audit"><tr><th>时间</th><th>操作员</th><th>操作</th><th>对象</th><th>原因</th><th>详情</th></tr>
${rows.map((r) => html`<tr><td>${beijingTime(r.at)}</td><td class="actor">${r.actor}</td><td class="action">${r.action}</td><td>${r.target}</td><td class="reason">${r.reason}</td><td class="muted">${r.detail ? JSON.stringify(r.detail) : ''}</td></tr>`)}
</table><p class="muted">审计日志只可追加，任何人（包括管理员）都不能修改或删除。</p>`;
    return sendPage(reply, 200, layout({ title: '审计日志', operator: req.operator!, csrf: req.csrf!, active: 'audit', body }));
  });

  const operatorsPage = async (req: FastifyRequest, reply: FastifyReply, status = 200, message?: { ok?: string; error?: string }) => {
    const ops = await listOperators(store);
    const now = platform.deps.clock();
    const csrf = html`<input type="hidden" name="_csrf" value="${req.csrf!}">`;
    const body = html`${message?.ok ? html`<div class="notice" role="status">${message.ok}</div>` : ''}${message?.error ? html`<div class="error" role="alert">${message.error}</div>` : ''}
<table id="operators"><tr><th>操作员</th><th>角色</th><th>状态</th><th>创建</th><th>修改（需填原因）</th></tr>
${ops.map(
  (o) => html`<tr><td>${o.name}</td><td>${o.role}</td><td>${o.disabled ? '已停用' : o.locked_until && new Date(o.locked_until) > now ? html`<span class="flag">已锁定至 ${beijingTime(o.locked_until)}</span>` : '正常'}</td><td>${beijingTime(o.created_at)}</td>
<td><form method="post" action="/console/operators/${encodeURIComponent(o.name)}" class="filters">${csrf}
<select name="role">${['viewer', 'operator', 'admin'].map((r) => html`<option ${o.role === r ? 'selected' : ''}>${r}</option>`)}</select>
<select name="state"><option value="">状态不变</option><option value="disable">停用</option><option value="enable">启用</option><option value="unlock">解锁</option></select>
<input name="reason" placeholder="原因" required><button type="submit">保存</button></form></td></tr>`,
)}</table>
<section class="card"><h2>新增操作员</h2><form method="post" action="/console/operators" class="stack" id="add-operator">${csrf}
<label>名称<input name="name" required pattern="[A-Za-z0-9][A-Za-z0-9_.@\\-]{1,63}"></label>
<label>角色<select name="role"><option>viewer</option><option>operator</option><option>admin</option></select></label>
<label>初始密码（至少 10 个字符）<input name="password" type="password" autocomplete="new-password" required minlength="10"></label>
<label>原因<input name="reason" required></label><button type="submit">新增</button></form></section>`;
    return sendPage(reply, status, layout({ title: '操作员', operator: req.operator!, csrf: req.csrf!, active: 'operators', body }));
  };
  c.get('/console/operators', { config: { role: 'admin' } }, async (req, reply) => operatorsPage(req, reply));
  c.post('/console/operators', { config: { role: 'admin' } }, async (req, reply) => {
    const f = bodyFields(req);
    const reason = auditReason(f.reason);
    if (!reason) return operatorsPage(req, reply, 400, { error: 'reason 必填：请说明原因' });
    try {
      await store.transaction(async (tx) => {
        const op = await createOperator(tx, { name: f.name ?? '', role: f.role ?? '', password: f.password ?? '' });
        await recordAudit(tx, { actor: req.operator!.name, action: 'operator.add', target: op.name, reason, detail: { role: op.role } });
      });
    } catch (err) {
      if (err instanceof OperatorError) return operatorsPage(req, reply, 400, { error: err.message });
      throw err;
    }
    return operatorsPage(req, reply, 200, { ok: `已新增操作员 ${f.name}` });
  });
  c.post('/console/operators/:name', { config: { role: 'admin' } }, async (req, reply) => {
    const name = (req.params as { name: string }).name;
    const f = bodyFields(req);
    const reason = auditReason(f.reason);
    if (!reason) return operatorsPage(req, reply, 400, { error: 'reason 必填：请说明原因' });
    if (f.role !== undefined && !isRole(f.role)) return operatorsPage(req, reply, 400, { error: 'role: 应为 viewer、operator 或 admin' });
    if (name === req.operator!.name && (f.state === 'disable' || (f.role && f.role !== 'admin'))) return operatorsPage(req, reply, 400, { error: '不能停用自己或降低自己的角色（请由另一位管理员操作）' });
    const change = { ...(isRole(f.role) ? { role: f.role } : {}), ...(f.state === 'disable' ? { disabled: true } : f.state === 'enable' ? { disabled: false } : {}), ...(f.state === 'unlock' ? { unlock: true } : {}) };
    const done = await store.transaction(async (tx) => {
      if (!(await setOperator(tx, name, change))) return false;
      await recordAudit(tx, { actor: req.operator!.name, action: 'operator.update', target: name, reason, detail: change });
      return true;
    });
    return done ? operatorsPage(req, reply, 200, { ok: `已更新 ${name}` }) : errorPage(req, reply, 404, '操作员不存在');
  });

  const tokensPage = async (req: FastifyRequest, reply: FastifyReply, status = 200, message?: { ok?: string; error?: string; token?: string }) => {
    const tokens = await listApiTokens(store, req.operator!.name);
    const csrf = html`<input type="hidden" name="_csrf" value="${req.csrf!}">`;
    const body = html`${message?.ok ? html`<div class="notice" role="status">${message.ok}</div>` : ''}${message?.error ? html`<div class="error" role="alert">${message.error}</div>` : ''}
${message?.token ? html`<section class="card"><p>新令牌只显示这一次，请立即保存：</p><p class="secret" id="new-token">${message.token}</p><p class="muted">用法：<code>Authorization: Bearer &lt;令牌&gt;</code>，用于 /admin/* 与 /metrics，权限同你的角色（${req.operator!.role}）。</p></section>` : ''}
<table id="tokens"><tr><th>#</th><th>标签</th><th>创建</th><th>最近使用</th><th>状态</th><th></th></tr>
${tokens.map(
  (t) => html`<tr><td>${String(t.id)}</td><td>${t.label}</td><td>${beijingTime(t.created_at)}</td><td>${beijingTime(t.last_used_at)}</td><td>${t.revoked_at ? `已吊销 ${beijingTime(t.revoked_at)}` : '有效'}</td>
<td>${t.revoked_at ? '' : html`<form method="post" action="/console/tokens/${String(t.id)}/revoke" class="filters" data-confirm="吊销后使用此令牌的程序将立即失去访问权限，确定？">${csrf}<input name="reason" placeholder="原因" required><button type="submit" class="danger">吊销</button></form>`}</td></tr>`,
)}</table>
<section class="card"><h2>新建 API 令牌</h2><form method="post" action="/console/tokens" class="stack" id="new-token-form">${csrf}
<label>标签（用途，如 prometheus）<input name="label" required maxlength="100"></label><label>原因<input name="reason" required></label><button type="submit">生成</button></form></section>`;
    return sendPage(reply, status, layout({ title: 'API 令牌', operator: req.operator!, csrf: req.csrf!, active: 'tokens', body }));
  };
  c.get('/console/tokens', async (req, reply) => tokensPage(req, reply));
  // Any role may hold tokens: a token acts with its operator's role, no more.
  c.post('/console/tokens', { config: { role: 'viewer' } }, async (req, reply) => {
    const f = bodyFields(req);
    const reason = auditReason(f.reason);
    const label = (f.label ?? '').trim();
    if (!reason || !label) return tokensPage(req, reply, 400, { error: '标签与原因均必填' });
    const created = await store.transaction(async (tx) => {
      const t = await createApiToken(tx, req.operator!.name, label);
      await recordAudit(tx, { actor: req.operator!.name, action: 'token.create', target: `${req.operator!.name}#${t.id}`, reason, detail: { label } });
      return t;
    });
    return tokensPage(req, reply, 200, { token: created.token });
  });
  c.post('/console/tokens/:id/revoke', { config: { role: 'viewer' } }, async (req, reply) => {
    const id = Number((req.params as { id: string }).id);
    const reason = auditReason(bodyFields(req).reason);
    if (!reason) return tokensPage(req, reply, 400, { error: 'reason 必填' });
    const done = Number.isSafeInteger(id)
      ? await store.transaction(async (tx) => {
          if (!(await revokeApiToken(tx, id, platform.deps.clock(), req.operator!.name))) return false;
          await recordAudit(tx, { actor: req.operator!.name, action: 'token.revoke', target: `${req.operator!.name}#${id}`, reason });
          return true;
        })
      : false;
    return done ? tokensPage(req, reply, 200, { ok: `已吊销令牌 #${id}` }) : errorPage(req, reply, 404, '令牌不存在或已吊销');
  });
}
