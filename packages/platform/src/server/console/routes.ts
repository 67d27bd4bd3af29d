import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { login, logout, roleAllows, sessionOperator } from '../../center/operators.js';
import type { Platform } from '../platform.js';
import { requiredRole, roleName, tokenAuth } from './auth.js';
import { bodyFields } from './form.js';
import { html } from './html.js';
import { CONSOLE_CSP, CONSOLE_CSS, CONSOLE_JS, errorPage, layout, sendPage } from './layout.js';
import { registerDashboardPage } from './page-dashboard.js';
import { registerOrderPages } from './page-orders.js';
import { registerCallbackPages } from './page-callbacks.js';
import { registerAdminPages } from './page-admin.js';
import { registerAppPages } from './page-apps.js';
import { registerReconcilePages } from './page-reconcile.js';

/**
 * `/metrics` (Prometheus text format): readable with an operator's API token or the legacy
 * operatorToken, refused without. Also times every HTTP request by route pattern.
 */
export function registerMetrics(app: FastifyInstance, platform: Platform): void {
  app.addHook('onResponse', async (req, reply) => {
    // The route's pattern, not the URL: ids in paths would make a series per order.
    platform.metrics.httpRequest(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
  app.register(async (scope) => {
    scope.addHook('onRequest', tokenAuth(platform));
    scope.get('/metrics', { config: { role: 'viewer' } }, async (_req, reply) => {
      const text = await platform.metrics.registry.metrics();
      return reply.type(platform.metrics.registry.contentType).send(text);
    });
  });
}

const SESSION_COOKIE = 'yb_console';
const LOGIN_COOKIE = 'yb_login';

function cookies(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

function cookie(req: FastifyRequest, name: string, value: string, o: { path: string; maxAge?: number }): string {
  // Secure when the console is reached over HTTPS (directly or behind a proxy Fastify trusts).
  const secure = req.protocol === 'https' ? '; Secure' : '';
  return `${name}=${encodeURIComponent(value)}; Path=${o.path}; HttpOnly; SameSite=Strict${secure}${o.maxAge !== undefined ? `; Max-Age=${o.maxAge}` : ''}`;
}

function same(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A request from another site: its Origin (browsers send one on every POST) is not this host. */
function foreignOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}


/** The operator console under /console (docs/console.md). */
export function registerConsole(app: FastifyInstance, platform: Platform): void {
  const { store } = platform.deps;
  app.register(async (c) => {
    // Every console answer: strict CSP, no framing, no sniffing, no referrer leaking order ids.
    c.addHook('onSend', async (_req, reply, payload) => {
      reply.header('content-security-policy', CONSOLE_CSP);
      reply.header('x-frame-options', 'DENY');
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'same-origin');
      return payload;
    });
    c.addHook('onRequest', async (req, reply) => {
      const path = req.url.split('?')[0]!;
      if (path === '/console/login' || path.startsWith('/console/assets/')) return;
      const id = cookies(req)[SESSION_COOKIE];
      const op = id ? await sessionOperator(store, id, platform.deps.clock()) : undefined;
      if (!op) {
        if (req.method === 'GET') return reply.redirect(`/console/login?next=${encodeURIComponent(req.url)}`, 303);
        return errorPage(req, reply, 401, '登录已失效，请重新登录');
      }
      req.operator = { name: op.name, role: op.role, via: 'session' };
      req.csrf = op.csrf;
    });
    // Checked once the body is read: every state change carries the session's CSRF token (and, with
    // SameSite=Strict, another site's form arrives without the cookie in the first place).
    c.addHook('preHandler', async (req, reply) => {
      if (!req.operator) return;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        if (foreignOrigin(req) || !same(bodyFields(req)._csrf, req.csrf)) return errorPage(req, reply, 403, 'CSRF 校验失败：请从控制台页面提交（刷新页面后重试）');
      }
      const need = requiredRole(req);
      if (!roleAllows(req.operator.role, need)) return errorPage(req, reply, 403, `权限不足：此操作需要${roleName(need)}角色，当前为 ${req.operator.role}`);
    });

    c.get('/console/assets/console.css', async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'max-age=300').send(CONSOLE_CSS));
    c.get('/console/assets/console.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'max-age=300').send(CONSOLE_JS));
    c.get('/console', async (_req, reply) => reply.redirect('/console/dashboard', 303));

    const loginPage = (reply: FastifyReply, status: number, next: string, message?: string) => {
      const token = randomBytes(24).toString('base64url');
      reply.header('set-cookie', cookie(reply.request, LOGIN_COOKIE, token, { path: '/console/login', maxAge: 1800 }));
      return sendPage(
        reply,
        status,
        layout({
          title: '登录',
          body: html`<div class="card login">${message ? html`<div class="error" role="alert">${message}</div>` : ''}
<form method="post" action="/console/login" class="stack">
<input type="hidden" name="_csrf" value="${token}"><input type="hidden" name="next" value="${next}">
<label>操作员<input name="name" autocomplete="username" required autofocus></label>
<label>密码<input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">登录</button></form>
<p class="muted">首个管理员：<code>yibao operator add --name admin --role admin</code></p></div>`,
        }),
      );
    };
    const safeNext = (v: unknown) => (typeof v === 'string' && /^\/console(\/|$|\?)/.test(v) && !v.startsWith('//') ? v : '/console/dashboard');
    c.get('/console/login', async (req, reply) => loginPage(reply, 200, safeNext((req.query as Record<string, unknown>).next)));
    c.post('/console/login', async (req, reply) => {
      const f = bodyFields(req);
      const next = safeNext(f.next);
      // Login CSRF: the form's token must match the cookie set with it (a foreign page has neither).
      if (foreignOrigin(req) || !same(f._csrf, cookies(req)[LOGIN_COOKIE])) return loginPage(reply, 403, next, 'CSRF 校验失败：请刷新登录页后重试');
      const r = await login(store, f.name ?? '', f.password ?? '', platform.deps.clock());
      if (!r.ok) {
        // No operator name in the log (it may be a person's name); the outcome only.
        platform.deps.log.info({ outcome: r.reason }, 'console login refused');
        if (r.reason === 'locked') {
          const until = new Date(r.lockedUntil!.getTime() + 8 * 3600_000).toISOString().slice(11, 16);
          return loginPage(reply, 429, next, `连续登录失败次数过多，账户已锁定，请于 ${until}（北京时间）后重试，或请管理员解锁`);
        }
        return loginPage(reply, 401, next, '操作员或密码错误');
      }
      reply.header('set-cookie', [
        cookie(req, SESSION_COOKIE, r.session.id, { path: '/console', maxAge: Math.floor((r.session.expiresAt.getTime() - Date.now()) / 1000) }),
        cookie(req, LOGIN_COOKIE, '', { path: '/console/login', maxAge: 0 }),
      ]);
      return reply.redirect(next, 303);
    });
    c.post('/console/logout', { config: { role: 'viewer' } }, async (req, reply) => {
      const id = cookies(req)[SESSION_COOKIE];
      if (id) await logout(store, id);
      reply.header('set-cookie', cookie(req, SESSION_COOKIE, '', { path: '/console', maxAge: 0 }));
      return reply.redirect('/console/login', 303);
    });

    registerDashboardPage(c, platform);
    registerOrderPages(c, platform);
    registerCallbackPages(c, platform);
    registerAdminPages(c, platform);
    registerAppPages(c, platform);
    registerReconcilePages(c, platform);
  });
}
