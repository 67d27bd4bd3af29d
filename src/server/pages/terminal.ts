import type { TSchema } from '@sinclair/typebox';
import { fieldMeta, InSettleNotify } from 'yibao/spec';
import { formatDateTime, parseWireTime } from 'yibao/protocol';
import { maskName } from '../../util/mask.js';
import { html, type SafeHtml } from './html.js';
import { patientDocument } from './layout.js';
import { stateIcon } from './icons.js';

/** Every amount of cn.nhsa.settle.notify (service-terminal.txt 1.2), in the spec's order. */
export const SETTLE_NOTIFY_AMOUNTS = ['totalFee', 'ownAmt', 'hifAmt', 'acctAmt', 'hifpAmt', 'hifmiAmt', 'cvlservAmt', 'maAmt', 'hosPreAmt', 'medOverLmtAmt', 'mafAmt', 'cvlservDedcAmt', 'balance'] as const;
const nameOf = (f: string): string => fieldMeta((InSettleNotify.properties as Record<string, TSchema>)[f]!)?.name ?? f;

const STATE_NAMES: Record<string, string> = { SUCCESS: '结算成功', FAIL: '结算失败', REFUND_SUCCESS: '退费成功', REFUND_FAIL: '退费失败' };
const BIZ_NAMES: Record<string, string> = { register: '挂号窗口', settle: '诊间', drugStore: '药店' };

function showTime(value: string | undefined): string {
  const t = value ? parseWireTime(value) : undefined;
  return t ? formatDateTime(t) : (value ?? '');
}

export interface TerminalScreen {
  auth?: { userName: string; out_biz_no: string; proxy: boolean };
  notice?: { data: Record<string, string> };
}

/** The terminal's screen as the patient at the counter sees it: the authorisation, then the result with all 13 amounts. */
export function terminalPage(s: TerminalScreen): SafeHtml {
  const d = s.notice?.data ?? {};
  const ok = d.medicalSettleState === 'SUCCESS' || d.medicalSettleState === 'REFUND_SUCCESS';
  const authCard = s.auth
    ? html`<section class="card" id="auth" aria-labelledby="auth-title"><h2 class="total" id="auth-title">刷脸认证成功</h2><dl><div class="fee-row"><dt>参保人</dt><dd>${maskName(s.auth.userName)}</dd></div><div class="fee-row"><dt>业务流水号</dt><dd>${s.auth.out_biz_no}</dd></div>${s.auth.proxy ? html`<div class="fee-row"><dt>亲情代展码</dt><dd>是</dd></div>` : ''}</dl></section>`
    : html`<section class="card state" id="auth"><h2 class="state-title">请正对屏幕刷脸</h2></section>`;
  const notice = s.notice
    ? html`<section class="card" id="notice" aria-labelledby="notice-title"><div class="state">${stateIcon(ok ? 'ok' : 'stop')}<h2 class="state-title" id="notice-title" data-state="${d.medicalSettleState}">${STATE_NAMES[String(d.medicalSettleState)] ?? d.medicalSettleState}</h2>
<p class="small">${d.hospitalName ?? ''} · ${BIZ_NAMES[String(d.bizType)] ?? d.bizType ?? ''}</p></div>
<dl>${SETTLE_NOTIFY_AMOUNTS.map((k) => html`<div class="fee-row${k === 'ownAmt' ? ' cash' : ''}"><dt>${nameOf(k)}</dt><dd class="amount" data-field="${k}">${d[k] !== undefined && d[k] !== '' ? `¥${d[k]}` : '—'}</dd></div>`)}</dl>
${d.failReason ? html`<p class="alert-text">失败原因：${d.failReason}</p>` : ''}<p class="small">结算时间 ${showTime(d.setlTime)}</p></section>`
    : '';
  return patientDocument({
    title: '医保业务综合服务终端',
    body: html`<main class="page plain" id="app"><header class="topbar"><h1>医保业务综合服务终端</h1></header>${authCard}${notice}</main>`,
  });
}
