import type { PersonConfig } from '../../upstream/types.js';
import { maskIdNo, maskName } from '../../util/mask.js';
import { html, type SafeHtml } from './html.js';
import { patientDocument } from './layout.js';
import { qrSvg } from './icons.js';

/**
 * The sandbox's stand-in for the insured person's app (docs/sandbox.md): their 医保电子凭证 as a real QR
 * image (the value 6101 decodes) and an 授权 button that issues a payAuthNo and returns to the HIS.
 */
export function authorizeChoosePage(persons: PersonConfig[], query: URLSearchParams): SafeHtml {
  const link = (p: PersonConfig) => {
    const q = new URLSearchParams(query);
    q.set('psnNo', p.psnNo);
    return `/sandbox/authorize?${q.toString()}`;
  };
  return patientDocument({
    title: '选择参保人 · 医保电子凭证（沙箱）',
    body: html`<main class="page plain" id="app"><header class="topbar"><h1>医保电子凭证</h1><p>沙箱：请选择一位虚构的参保人</p></header>
<section class="card"><ul class="list">${persons.map((p) => html`<li><a href="${link(p)}"><span>${maskName(p.userName)}</span><span class="small">${p.insuAdmdvs} · 余额 ¥${p.balance}</span></a></li>`)}</ul></section></main>`,
  });
}

export interface AuthorizeView {
  person: PersonConfig;
  orgName?: string;
  orgCodg?: string;
  returnUrl?: string;
  issued?: { payAuthNo: string; expiresAt: Date };
}

export function authorizePage(v: AuthorizeView): SafeHtml {
  const p = v.person;
  return patientDocument({
    title: '医保电子凭证授权（沙箱）',
    body: html`<main class="page plain" id="app">
<section class="voucher" aria-labelledby="ev-title"><h1 id="ev-title">医保电子凭证</h1><p>${maskName(p.userName)} · ${maskIdNo(p.idNo)}</p>
<div class="qr">${qrSvg(p.qrCode, '医保电子凭证二维码')}</div><p>出示给收款员扫码（6101），或在下方授权线上支付</p></section>
<section class="card" aria-labelledby="auth-title"><h2 class="total" id="auth-title">授权医保支付</h2>
<p class="alert-text">${v.orgName ? `${v.orgName} 申请使用您的医保电子凭证完成医保移动支付。` : '授权后，医院可使用您的医保电子凭证完成医保移动支付。'}</p>
${v.issued
  ? html`<p class="alert-text" id="issued">已授权。支付授权码 <b>${v.issued.payAuthNo}</b></p>`
  : html`<form method="post" action="/sandbox/authorize"><input type="hidden" name="psnNo" value="${p.psnNo}">${v.orgCodg ? html`<input type="hidden" name="orgCodg" value="${v.orgCodg}">` : ''}${v.returnUrl ? html`<input type="hidden" name="returnUrl" value="${v.returnUrl}">` : ''}
<div class="actions"><button type="submit" class="btn block">授权</button></div></form>`}
<p class="small">沙箱页面：代替参保人的医保 App，人员与凭证均为虚构。</p></section></main>`,
  });
}
