import type { PersonConfig } from '../../upstream/types.js';
import { maskName } from '../../util/mask.js';
import { html, type SafeHtml } from './html.js';
import { patientDocument } from './layout.js';

export interface LandingView {
  sandbox: boolean;
  store: string;
  persons: PersonConfig[];
  consoleUrl?: string;
  apps: Array<{ orgName: string; orgCodg: string }>;
}

/** GET /: what runs here and where to go next. */
export function landingPage(v: LandingView): SafeHtml {
  return patientDocument({
    title: 'yibao 医保移动支付平台',
    body: html`<main class="page plain" id="app"><header class="topbar"><h1>yibao 医保移动支付平台</h1><p>${v.sandbox ? '沙箱模式：人员、密钥与资金均为虚构' : '生产模式'} · 存储 ${v.store}</p></header>
<section class="card" aria-labelledby="runs"><h2 class="total" id="runs">本服务提供</h2><ul class="list">
<li>移动支付中心 6101–6401（收银台、银行卡支付页）</li><li>刷脸一码付模块、区域医保支付门户、医保业务综合服务终端</li>
<li><a href="/docs"><span>接口文档（OpenAPI）</span><span aria-hidden="true">›</span></a></li>
${v.consoleUrl ? html`<li><a href="${v.consoleUrl}"><span>运营控制台</span><span aria-hidden="true">›</span></a></li>` : ''}
</ul></section>
${v.apps.length ? html`<section class="card" aria-labelledby="orgs"><h2 class="total" id="orgs">接入机构</h2><ul class="list">${v.apps.map((a) => html`<li>${a.orgName}<span class="small"> ${a.orgCodg}</span></li>`)}</ul></section>` : ''}
${v.sandbox
  ? html`<section class="card" aria-labelledby="psn"><h2 class="total" id="psn">沙箱参保人</h2><p class="small">点击进入授权页（代替参保人的医保 App），可一路点完：医院页面 → 授权 → 收银台 → 回到医院。</p><ul class="list">
${v.persons.map((p) => html`<li><a href="/sandbox/authorize?psnNo=${encodeURIComponent(p.psnNo)}"><span>${maskName(p.userName)} <span class="small">${p.psnNo}</span></span><span class="small">余额 ¥${p.balance} ›</span></a></li>`)}
</ul><p class="small"><a href="/sandbox">沙箱接口一览（JSON）</a></p></section>`
  : ''}
</main>`,
  });
}
