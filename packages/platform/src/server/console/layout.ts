import type { FastifyReply, FastifyRequest } from 'fastify';
import { html, type Html } from './html.js';
import type { RequestOperator } from './auth.js';
import { roleAllows } from '../../center/operators.js';

/**
 * The console's frame: server-rendered HTML, one stylesheet and a few hundred bytes of script, both
 * served by the platform (no CDN), under a strict CSP (docs/console.md).
 */
export const CONSOLE_CSP =
  "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function layout(p: { title: string; operator?: RequestOperator; csrf?: string; active?: string; body: Html | Html[] }): Html {
  const op = p.operator;
  const link = (href: string, key: string, text: string) => html`<a href="${href}" class="${p.active === key ? 'on' : ''}">${text}</a>`;
  return html`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${p.title} · yibao 运营控制台</title>
<link rel="stylesheet" href="/console/assets/console.css">
<script src="/console/assets/console.js" defer></script>
</head><body>
<header><b>yibao 运营控制台</b>${
    op
      ? html`<nav>${link('/console/dashboard', 'dashboard', '概览')}${link('/console/orders', 'orders', '订单')}${link('/console/callbacks', 'callbacks', '回调')}${link('/console/apps', 'apps', '应用')}${link('/console/reconcile', 'reconcile', '对账')}${link('/console/audit', 'audit', '审计日志')}${link('/console/tokens', 'tokens', 'API 令牌')}${roleAllows(op.role, 'admin') ? link('/console/operators', 'operators', '操作员') : ''}</nav>
<form method="post" action="/console/logout" class="who"><span>${op.name}（${op.role}）</span><input type="hidden" name="_csrf" value="${p.csrf ?? ''}"><button type="submit" class="link">退出</button></form>`
      : ''
  }</header>
<main><h1>${p.title}</h1>${p.body}</main>
</body></html>`;
}

export const CONSOLE_CSS = `*{box-sizing:border-box}
body{margin:0;font:14px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f5f6f8;color:#303133}
header{display:flex;gap:24px;align-items:center;background:#3B71E8;color:#fff;padding:10px 20px}
header nav{display:flex;gap:4px;flex:1}header nav a{color:#fff;text-decoration:none;padding:4px 10px;border-radius:4px}
header nav a.on,header nav a:hover{background:rgba(255,255,255,.2)}
.who{display:flex;gap:8px;align-items:center;margin:0}
button.link{background:none;border:0;color:#fff;text-decoration:underline;cursor:pointer;padding:0}
main{padding:16px 20px;max-width:1280px}
h1{font-size:20px;margin:4px 0 16px}h2{font-size:16px;margin:20px 0 8px}
.card{background:#fff;border:1px solid #E6E6E6;border-radius:8px;padding:12px 16px;margin:0 0 16px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:16px}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #EBEEF5;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#FAFAFA;color:#606266;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
form.filters{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:flex-end}
form.filters label,form.stack label{display:flex;flex-direction:column;font-size:12px;color:#606266}
form.stack{display:flex;flex-direction:column;gap:8px;max-width:420px}
input,select,textarea{font:inherit;padding:5px 8px;border:1px solid #DCDFE6;border-radius:4px;background:#fff}
button,.button{font:inherit;background:#3B71E8;color:#fff;border:0;border-radius:4px;padding:6px 14px;cursor:pointer;text-decoration:none}
button.danger{background:#F56C6C}
.muted{color:#909399;font-size:12px}.bad{color:#F56C6C}.ok{color:#67C23A}
.flag{display:inline-block;background:#FEF0F0;color:#F56C6C;border:1px solid #FBC4C4;border-radius:4px;padding:0 6px;font-size:12px}
.notice{background:#F0F9EB;border:1px solid #C2E7B0;color:#529B2E;padding:8px 12px;border-radius:4px;margin-bottom:12px}
.error{background:#FEF0F0;border:1px solid #FBC4C4;color:#C45656;padding:8px 12px;border-radius:4px;margin-bottom:12px}
.secret{font-family:monospace;word-break:break-all;background:#FDF6EC;padding:8px;border:1px dashed #E6A23C}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}dl.kv dt{color:#909399}dl.kv dd{margin:0}
svg.chart{display:block;max-width:100%;height:auto}
.login{max-width:360px;margin:60px auto}
`;

/**
 * The console's whole script: asks for confirmation on forms marked data-confirm and disables a
 * form's button once sent (no double resend). The console works without it.
 */
export const CONSOLE_JS = `document.addEventListener('submit',function(e){var f=e.target;if(!(f instanceof HTMLFormElement))return;
var q=f.getAttribute('data-confirm');if(q&&!window.confirm(q)){e.preventDefault();return}
var b=f.querySelectorAll('button[type=submit]');setTimeout(function(){for(var i=0;i<b.length;i++)b[i].disabled=true},0)});
`;

declare module 'fastify' {
  interface FastifyRequest {
    /** The console session's CSRF token, for forms. */
    csrf?: string;
  }
}

export function sendPage(reply: FastifyReply, status: number, page: Html): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page.text);
}

export function errorPage(req: FastifyRequest, reply: FastifyReply, status: number, message: string): FastifyReply {
  return sendPage(
    reply,
    status,
    layout({ title: status === 403 ? '无权操作' : status === 404 ? '未找到' : '请求有误', ...(req.operator ? { operator: req.operator } : {}), ...(req.csrf ? { csrf: req.csrf } : {}), body: html`<div class="error">${message}</div>` }),
  );
}

