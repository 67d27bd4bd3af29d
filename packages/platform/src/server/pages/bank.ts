import type { OrderRow } from '../../center/orders.js';
import type { AppConfig } from '../../center/config.js';
import { html, type SafeHtml } from './html.js';
import { cashierDocument, detailPopup, feeCard, orgBand, yuan } from './cashier.js';
import { channelIcon } from './icons.js';

/**
 * The 6205 bank-card page (mobile-payment.txt 2.3.1.2.5): the center's own page. The patient confirms
 * the cash part shown here; the card is charged exactly that, or the page asks again.
 */
export function bankPayBody(app: AppConfig, o: OrderRow, token: string, sandbox: boolean): SafeHtml {
  return html`<main class="page" id="app" data-layout="bank">
${orgBand(app, sandbox ? '银行卡支付 · 沙箱' : '银行卡支付')}
${feeCard(o, 0, true)}
<form method="post" action="/medBankPay" data-pay>
<section class="card single" aria-labelledby="chnl-title"><fieldset><legend class="section-title" id="chnl-title">支付方式</legend>
<label class="channel">${channelIcon('BANK')}<span class="channel-name">银行卡</span><input type="radio" name="chnlType" value="BANK" checked hidden></label></fieldset></section>
<input type="hidden" name="payOrdId" value="${o.payOrdId}"><input type="hidden" name="token" value="${token}"><input type="hidden" name="confirmedCashFen" value="${String(o.ownPayAmtFen)}">
<div class="paybar"><div class="paybar-in"><div><span class="pay-label">支付金额</span><br><span class="pay-amount amount" id="pay-amount">${yuan(o.ownPayAmtFen)}</span></div><button type="submit" class="btn">确认支付</button></div></div>
</form>
${detailPopup(o, 0)}
</main>`;
}

export function bankDocument(body: SafeHtml): SafeHtml {
  return cashierDocument('银行卡支付', body);
}
