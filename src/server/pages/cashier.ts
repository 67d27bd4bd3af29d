import { fenToYuan, yuanToFen } from 'yibao/spec';
import { med_type } from 'yibao/spec';
import { maskName } from '../../util/mask.js';
import type { OrderRow } from '../../center/orders.js';
import type { AppConfig } from '../../center/config.js';
import { OrdStas } from '../../center/ord-stas.js';
import { html, type SafeHtml } from './html.js';
import { CHANNEL_NAMES, channelIcon, monogram, stateIcon, type CashierChannel } from './icons.js';
import { dialogs, patientDocument } from './layout.js';

/** ¥12.30 from fen. */
export const yuan = (fen: number) => `¥${fenToYuan(fen)}`;

/** An amount from the stored 6201 upload (wire yuan, as text or number) as ¥x.xx; the text itself if it is no amount. */
function wireYuan(v: unknown): string {
  try {
    return yuan(yuanToFen(String(v)));
  } catch {
    return String(v ?? '');
  }
}

/** A count as uploaded (数值 16,4) without trailing zeros: "2.0000" → "2". */
function count(v: unknown): string {
  const t = String(v ?? '');
  return /^\d+\.\d+$/.test(t) ? t.replace(/\.?0+$/, '') : t;
}

export function orgIcon(app: AppConfig): SafeHtml {
  return app.logoUrl ? html`<img class="org-icon" src="${app.logoUrl}" alt="${app.orgName} 图标" width="80" height="80">` : monogram(app.orgName);
}

export function orgBand(app: AppConfig, sub?: string): SafeHtml {
  return html`<header class="org">${orgIcon(app)}<div><h1 class="org-name">${app.orgName}</h1>${sub ? html`<p class="org-sub">${sub}</p>` : ''}</div></header>`;
}

/** 费用总额 with its four parts (3.2 a), the deposit when one was passed, and 查看明细. */
export function feeCard(o: OrderRow, depositFen: number, withDetail: boolean): SafeHtml {
  const depositUsed = Math.min(depositFen, o.ownPayAmtFen);
  return html`<section class="card" aria-labelledby="fee-title">
<h2 class="total" id="fee-title"><span>费用总额</span><span class="amount" data-field="feeSumamt">${yuan(o.feeSumamtFen)}</span></h2>
<dl>
<div class="fee-row"><dt>医保基金支付</dt><dd class="amount" data-field="fundPay">${yuan(o.fundPayFen)}</dd></div>
<div class="fee-row"><dt>个人账户支付</dt><dd class="amount" data-field="psnAcctPay">${yuan(o.psnAcctPayFen)}</dd></div>
<div class="fee-row"><dt>其他抵扣金额</dt><dd class="amount" data-field="othFeeAmt">${yuan(o.othFeeAmtFen)}</dd></div>
${depositFen > 0 ? html`<div class="fee-row deposit"><dt>住院押金抵扣</dt><dd class="amount" data-field="deposit">-${yuan(depositUsed)}</dd></div>` : ''}
<div class="fee-row cash"><dt>现金支付</dt><dd class="amount" data-field="ownPayAmt">${yuan(o.ownPayAmtFen)}</dd></div>
</dl>
${withDetail ? html`<button type="button" class="detail-link" data-open="detail" aria-haspopup="dialog">查看明细</button>` : ''}
</section>`;
}

/** The 处方明细 popup (3.5): 就诊信息, 诊断信息, 特殊信息, 费用明细, 其他抵扣金额, from the stored 6201 upload. */
export function detailPopup(o: OrderRow, depositFen: number): SafeHtml {
  const u = o.upload ?? {};
  const s = (k: string) => (typeof u[k] === 'string' || typeof u[k] === 'number' ? String(u[k]) : '');
  const row = (name: string, value: string) => (value ? html`<div class="info-row"><dt>${name}</dt><dd>${value}</dd></div>` : '');
  const diseases = Array.isArray(u.diseinfoList) ? (u.diseinfoList as Array<Record<string, unknown>>) : [];
  const lines = Array.isArray(u.feedetailList) ? (u.feedetailList as Array<Record<string, unknown>>) : [];
  const medType = s('medType');
  const special = [row('病种', [s('diseName'), s('diseCodg') ? `（${s('diseCodg')}）` : ''].join('')), row('主要病情', s('mainCondDscr')), row('个人账户', o.acctUsedFlag === '1' ? '使用' : '不使用')];
  return html`<dialog id="detail" class="sheet" aria-labelledby="detail-title">
<div class="sheet-head"><h2 class="sheet-title" id="detail-title">处方明细</h2><button type="button" class="sheet-close" data-close aria-label="关闭处方明细">×</button></div>
<p class="sheet-total"><span>费用总额</span><span class="money amount">${yuan(o.feeSumamtFen)}</span></p>
<section class="info" aria-labelledby="d-visit"><h3 id="d-visit">就诊信息</h3><dl>
${row('就诊人', maskName(o.userName))}${row('门诊类别', med_type.entries[medType as keyof typeof med_type.entries] ?? medType)}${row('就诊科室', s('deptName'))}${row('医师', s('drName'))}${row('门诊/住院号', s('iptOtpNo'))}${row('就诊时间', s('begntime'))}
</dl></section>
<section class="info" aria-labelledby="d-diag"><h3 id="d-diag">诊断信息</h3><dl>
${diseases.length ? diseases.map((d) => row(String(d.diagName ?? ''), String(d.diagCode ?? ''))) : row('诊断', '无')}
</dl></section>
<section class="info" aria-labelledby="d-special"><h3 id="d-special">特殊信息</h3><dl>${special}</dl></section>
<section class="info" aria-labelledby="d-fees"><h3 id="d-fees">费用明细</h3>
${lines.map(
  (l) => html`<div class="line" data-line><span class="line-name">${String(l.medListName ?? '')}</span><span class="money amount">${wireYuan(l.detItemFeeSumamt)}</span><span class="line-spec">${String(l.medListSpc ?? '')} × ${count(l.cnt)}</span><span class="line-spec amount">单价 ${wireYuan(l.pric)}</span></div>`,
)}
</section>
<section class="info" aria-labelledby="d-other"><h3 id="d-other">其他抵扣金额</h3><dl>
${row('其他抵扣金额', yuan(o.othFeeAmtFen))}${depositFen > 0 ? row('住院押金', yuan(depositFen)) : ''}
</dl></section>
</dialog>`;
}

export interface CashierView {
  app: AppConfig;
  order: OrderRow;
  depositFen: number;
  channels: CashierChannel[];
  chnlEncData: string;
  sandbox: boolean;
}

/** The cash the patient pays now: the cash part less the deposit already paid (3.1.2.1.5.1 deposit). */
export function toPayFen(o: OrderRow, depositFen: number): number {
  return o.ownPayAmtFen - Math.min(depositFen, o.ownPayAmtFen);
}

/** The cashier (3.2): 收款机构, 费用总额, 选择支付方式, 去支付 with the 支付金额. */
export function cashierBody(v: CashierView): SafeHtml {
  const { order: o, app } = v;
  const single = v.channels.length === 1;
  const channelList = v.channels.map(
    (c, i) =>
      html`<label class="channel">${channelIcon(c)}<span class="channel-name">${CHANNEL_NAMES[c]}</span><input type="radio" name="chnlType" value="${c}"${i === 0 ? html` checked` : ''}${single ? html` hidden` : ''}></label>`,
  );
  return html`<main class="page" id="app" data-layout="${single ? 'single' : 'multi'}">
${orgBand(app, v.sandbox ? '医保移动支付 · 沙箱' : '医保移动支付')}
${feeCard(o, v.depositFen, true)}
<form method="post" action="/cashier/pay" data-pay>
<section class="card${single ? ' single' : ''}" aria-labelledby="chnl-title"><fieldset><legend class="section-title" id="chnl-title">${single ? '支付方式' : '选择支付方式'}</legend>
${channelList}
</fieldset></section>
<input type="hidden" name="payOrdId" value="${o.payOrdId}"><input type="hidden" name="chnlAppId" value="${app.appId}"><input type="hidden" name="chnlEncData" value="${v.chnlEncData}"><input type="hidden" name="confirmedCashFen" value="${String(o.ownPayAmtFen)}">
<p class="note">医保基金与个人账户部分由医保直接结算，现金部分将由${app.orgName}通过所选渠道收取。</p>
<div class="paybar"><div class="paybar-in"><div><span class="pay-label">支付金额</span><br><span class="pay-amount amount" id="pay-amount">${yuan(toPayFen(o, v.depositFen))}</span></div><button type="submit" class="btn">去支付</button></div></div>
</form>
${detailPopup(o, v.depositFen)}
</main>`;
}

/** A settled order opened again: the result, not the form. */
export function resultBody(app: AppConfig, o: OrderRow, backUrl: string | undefined): SafeHtml {
  const time = o.settledAt ? formatBeijing(new Date(o.settledAt)) : '';
  const cashByHis = o.ordStas === OrdStas.HI_PAID;
  return html`<main class="page plain" id="app" data-state="paid">
${orgBand(app)}
<section class="card state" aria-labelledby="state-title">${stateIcon('ok')}<h2 class="state-title" id="state-title">医保支付成功</h2>
<p class="state-amount amount">${yuan(o.fundPayFen + o.psnAcctPayFen)}</p><p class="small">医保基金 ${yuan(o.fundPayFen)} · 个人账户 ${yuan(o.psnAcctPayFen)}</p></section>
${feeCard(o, o.depositFen, true)}
<section class="card"><dl>
<div class="fee-row"><dt>支付时间</dt><dd data-field="settledAt">${time}</dd></div>
${o.chnlType ? html`<div class="fee-row"><dt>现金支付方式</dt><dd>${CHANNEL_NAMES[o.chnlType as CashierChannel] ?? o.chnlType}</dd></div>` : ''}
<div class="fee-row"><dt>订单号</dt><dd>${o.payOrdId}</dd></div>
</dl>${cashByHis && o.ownPayAmtFen > o.depositFen ? html`<p class="small">现金部分 ${yuan(o.ownPayAmtFen - o.depositFen)} 由医院收取，请在医院页面查看。</p>` : ''}</section>
${backUrl ? html`<div class="actions"><a class="btn block" href="${backUrl}">返回${app.orgName}</a></div>` : ''}
${detailPopup(o, o.depositFen)}
</main>`;
}

/** Orders that can no longer be paid: revoked, refunded, failed beyond retry, under reconciliation. */
export function stateBody(app: AppConfig, o: OrderRow, title: string, text: string, backUrl: string | undefined): SafeHtml {
  return html`<main class="page plain" id="app" data-state="${o.ordStas}">
${orgBand(app)}
<section class="card state" aria-labelledby="state-title">${stateIcon(o.ordStas === OrdStas.ABNORMAL ? 'warn' : 'stop')}<h2 class="state-title" id="state-title">${title}</h2><p class="alert-text">${text}</p></section>
${feeCard(o, o.depositFen, false)}
${backUrl ? html`<div class="actions"><a class="btn block" href="${backUrl}">返回${app.orgName}</a></div>` : ''}
</main>`;
}

/** The shell GET /cashier answers at once: the page-level loading view (3.8) while the order loads. */
export function cashierShell(viewUrl: string): SafeHtml {
  return patientDocument({
    title: '医保收银台',
    script: true,
    body: html`<main class="page plain" id="app" data-load="${viewUrl}" aria-busy="true"><div class="loading-page" role="status"><span class="spinner" aria-hidden="true"></span><p class="loading-text">正在加载订单信息，请稍候</p></div>
<noscript><p class="note">浏览器未启用脚本，请<a href="${viewUrl}">点此查看订单</a>。</p></noscript></main>
${dialogs()}`,
  });
}

export function cashierDocument(title: string, body: SafeHtml): SafeHtml {
  return patientDocument({ title, script: true, body: html`${body}${dialogs()}` });
}

/** yyyy-MM-dd HH:mm:ss in Beijing time (the patient's clock). */
export function formatBeijing(d: Date): string {
  const t = new Date(d.getTime() + 8 * 3600_000).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 19)}`;
}
