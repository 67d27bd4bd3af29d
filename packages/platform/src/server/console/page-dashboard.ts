import type { FastifyInstance } from 'fastify';
import { abnormalByAge, callbackBacklog, dailyTotals, pendingRefunds, signatureFailures } from '../../center/dashboard.js';
import type { Platform } from '../platform.js';
import { html } from './html.js';
import { layout } from './layout.js';
import { sendPage } from './layout.js';
import { barList, stackedBars } from './svg.js';
import { yuan } from './format.js';
import { beijingTime } from './time.js';

const DAYS = 14;

/** 概览: the day's business and what needs an operator, as charts drawn on the server (svg.ts). */
export function registerDashboardPage(c: FastifyInstance, platform: Platform): void {
  const { store } = platform.deps;
  c.get('/console/dashboard', async (req, reply) => {
    const now = platform.deps.clock();
    const [days, backlog, ages, refunds, sigs] = await Promise.all([dailyTotals(store, DAYS, now), callbackBacklog(store), abnormalByAge(store), pendingRefunds(store), signatureFailures(store, 7, now)]);
    const categories = days.map((d) => d.day);
    const amounts = stackedBars({
      title: `近 ${DAYS} 天结算金额（元）`,
      categories,
      format: (fen) => yuan(Math.round(fen)),
      series: [
        { name: '统筹基金', color: '#3B71E8', values: days.map((d) => d.fundFen) },
        { name: '个人账户', color: '#67C23A', values: days.map((d) => d.acctFen) },
        { name: '现金', color: '#E6A23C', values: days.map((d) => d.cashFen) },
        { name: '其他', color: '#909399', values: days.map((d) => d.otherFen) },
      ],
    });
    const counts = stackedBars({ title: `近 ${DAYS} 天结算订单数`, categories, format: (n) => String(Math.round(n)), series: [{ name: '订单', color: '#3B71E8', values: days.map((d) => d.orders) }], height: 180 });
    const today = days.at(-1)!;
    const body = html`
<div class="grid">
<section class="card" id="amounts"><h2>结算金额（统筹 / 账户 / 现金 / 其他）</h2>${amounts}
<p class="muted">今日：${today.orders} 单，统筹 ${yuan(today.fundFen)}，账户 ${yuan(today.acctFen)}，现金 ${yuan(today.cashFen)}，其他 ${yuan(today.otherFen)} 元</p></section>
<section class="card" id="orders-per-day"><h2>结算订单数</h2>${counts}</section>
<section class="card" id="backlog"><h2>回调积压</h2>${barList({
      title: '回调积压',
      items: [
        { label: '待投递 PENDING', value: backlog.pending },
        { label: '重试用尽', value: backlog.exhausted, color: '#F56C6C' },
      ],
    })}</section>
<section class="card" id="abnormal"><h2>异常订单（14）按时长</h2>${barList({ title: '异常订单按时长', items: ages.map((a) => ({ label: a.age, value: a.n, color: '#E6A23C' })) })}
<p><a href="/console/orders?ordStas=14">查看异常订单</a></p></section>
<section class="card" id="refunds"><h2>待处理退款（EXP）：${refunds.count}</h2>${
      refunds.rows.length
        ? html`<table><tr><th>退款流水</th><th>订单</th><th class="num">现金（元）</th><th>时间</th></tr>${refunds.rows.map(
            (r) => html`<tr><td>${r.refd_sn}</td><td><a href="/console/orders/${encodeURIComponent(r.pay_ord_id)}">${r.pay_ord_id}</a></td><td class="num">${yuan(Number(r.cash_refd_fen))}</td><td>${beijingTime(r.created_at)}</td></tr>`,
          )}</table>`
        : html`<p class="muted">无</p>`
    }</section>
<section class="card" id="signatures"><h2>近 7 天验签失败（按应用）</h2>${barList({ title: '验签失败', items: sigs.map((s) => ({ label: s.appId.slice(0, 16), value: s.failures, color: '#F56C6C' })) })}</section>
</div>
<section class="card" id="flagged"><h2>回调重试用尽的订单 <span class="flag">需处理</span></h2>${
      backlog.exhaustedRows.length
        ? html`<table><tr><th>订单</th><th>机构</th><th class="num">尝试次数</th><th>最后原因</th><th></th></tr>${backlog.exhaustedRows.map(
            (r) => html`<tr class="flagged"><td><a href="/console/orders/${encodeURIComponent(r.pay_ord_id)}">${r.pay_ord_id}</a></td><td>${r.org_codg}</td><td class="num">${r.attempts}</td><td>${r.last_error ?? ''}</td><td><a href="/console/callbacks/${r.id}">查看 / 重发</a></td></tr>`,
          )}</table>`
        : html`<p class="muted">无</p>`
    }</section>`;
    return sendPage(reply, 200, layout({ title: '概览', operator: req.operator!, csrf: req.csrf!, active: 'dashboard', body }));
  });
}
