import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { yuanToFen } from 'yibao/spec';
import { auditReason, recordAudit } from '../../center/audit.js';
import { dailyTotals, listDiffs, reconcileWithCore, resolveDiff } from '../../center/daily-totals.js';
import { roleAllows } from '../../center/operators.js';
import { dayWindow, loadStatement, previousDay, statementWire } from '../../center/statements.js';
import type { Platform } from '../platform.js';
import { bodyFields } from './form.js';
import { html, type Html } from './html.js';
import { yuan } from './format.js';
import { errorPage, layout, sendPage } from './layout.js';
import { beijingTime } from './time.js';

const KIND_NAMES: Record<string, string> = { MISSING_AT_CORE: '核心无此结算', MISSING_AT_CENTER: '中心无此结算', AMOUNT: '金额不符', STATUS: '状态不符' };

/** Amount text (yuan, from the center's functions) with thousands separators. */
const money = (v: unknown) => yuan(yuanToFen(String(v ?? '0')));

type CoreResult = Awaited<ReturnType<typeof reconcileWithCore>>;

/**
 * 对账 (issue 13, docs/statements.md, docs/console.md): the day's totals per institution, insurance
 * type and channel, the FSI core comparison (对总账 / 对明细账) and its differences, with the same
 * center functions as the /admin routes (routes-statements.ts). Operators run the comparison and
 * mark differences resolved with a reason (audited); viewers read.
 */
export function registerReconcilePages(c: FastifyInstance, platform: Platform): void {
  const { store } = platform.deps;

  const page = async (req: FastifyRequest, reply: FastifyReply, date: string, o: { notice?: string; error?: string; status?: number; core?: CoreResult } = {}) => {
    const t = await dailyTotals(store, date);
    const diffs = await listDiffs(store, { date });
    const stmts = await store.query<{ app_id: string; version: number; content: { orgCodg: string; orgName: string } }>(
      'SELECT app_id, version, content FROM statements WHERE stmt_date = $1::date ORDER BY app_id',
      [date],
    );
    const canAct = roleAllows(req.operator!.role, 'operator');
    const csrf = html`<input type="hidden" name="_csrf" value="${req.csrf!}">`;
    const side = (k: 'center' | 'core') => o.core!.totals[k];
    const coreTable = (): Html =>
      html`<table id="core-totals"><tr><th></th><th class="num">结算笔数</th><th class="num">统筹支付</th><th class="num">个账支付</th><th class="num">冲正笔数</th><th class="num">冲正统筹</th><th class="num">冲正个账</th></tr>
${(['center', 'core'] as const).map(
  (k) => html`<tr data-side="${k}"><th>${k === 'center' ? '中心' : 'FSI 核心'}</th><td class="num">${side(k).settledCount}</td><td class="num">${money(side(k).settledFundPay)}</td><td class="num">${money(side(k).settledPsnAcctPay)}</td><td class="num">${side(k).reversedCount}</td><td class="num">${money(side(k).reversedFundPay)}</td><td class="num">${money(side(k).reversedPsnAcctPay)}</td></tr>`,
)}</table><p id="core-match" class="${o.core!.totals.match ? 'ok' : 'bad'}">${o.core!.totals.match ? '总账一致' : '总账不一致'}</p>`;
    const body = html`${o.notice ? html`<div class="notice" role="status">${o.notice}</div>` : ''}${o.error ? html`<div class="error" role="alert">${o.error}</div>` : ''}
<form method="get" class="filters card"><label>日期（北京时间）<input type="date" name="date" value="${date}" required></label><button type="submit">查看</button></form>
<section class="card"><h2>当日结算（按机构、险种、渠道）</h2>
<table id="totals-settled"><tr><th>机构</th><th>险种</th><th>渠道</th><th class="num">笔数</th><th class="num">总金额</th><th class="num">统筹</th><th class="num">个账</th><th class="num">现金</th><th class="num">其他</th></tr>
${t.settled.map(
  (r) => html`<tr data-org="${String(r.orgCodg)}" data-insutype="${String(r.insutype)}" data-chnl="${String(r.chnlType)}"><td>${String(r.orgCodg)} ${String(r.orgName ?? '')}</td><td>${String(r.insutype)}</td><td>${r.chnlType || '—'}</td><td class="num count">${r.count}</td><td class="num fee">${money(r.feeSumamt)}</td><td class="num fund">${money(r.fundPay)}</td><td class="num acct">${money(r.psnAcctPay)}</td><td class="num cash">${money(r.ownPayAmt)}</td><td class="num oth">${money(r.othFeeAmt)}</td></tr>`,
)}${t.settled.length === 0 ? html`<tr><td colspan="9" class="muted">当日无结算</td></tr>` : ''}</table>
<h2>当日退款</h2>
<table id="totals-refunded"><tr><th>机构</th><th>险种</th><th>渠道</th><th class="num">笔数</th><th class="num">退款总额</th><th class="num">统筹</th><th class="num">个账</th><th class="num">现金</th></tr>
${t.refunded.map(
  (r) => html`<tr data-org="${String(r.orgCodg)}"><td>${String(r.orgCodg)}</td><td>${String(r.insutype)}</td><td>${r.chnlType || '—'}</td><td class="num count">${r.count}</td><td class="num">${money(r.totlRefdAmt)}</td><td class="num">${money(r.fundRefdAmt)}</td><td class="num">${money(r.psnAcctRefdAmt)}</td><td class="num">${money(r.cashRefdAmt)}</td></tr>`,
)}${t.refunded.length === 0 ? html`<tr><td colspan="8" class="muted">当日无退款</td></tr>` : ''}</table></section>
<section class="card"><h2>与 FSI 核心对账（对总账 / 对明细账）</h2>
${o.core ? coreTable() : html`<p class="muted">对总账在运行对账时计算；下方为已发现的明细差异。</p>`}
${
  canAct
    ? html`<form method="post" action="/console/reconcile/run" class="stack" id="run-form">${csrf}<input type="hidden" name="date" value="${date}">
<label>原因（必填）<input name="reason" required maxlength="500" value="日终对账"></label><button type="submit">运行对账</button></form>`
    : ''
}
<table id="diffs"><tr><th>#</th><th>机构</th><th>医保结算号</th><th>类型</th><th>中心</th><th>核心</th><th>发现</th><th>状态</th>${canAct ? html`<th>处理</th>` : ''}</tr>
${diffs.map((d) => {
  const det = (d.detail ?? {}) as { center?: Record<string, unknown>; core?: Record<string, unknown> };
  const view = (s?: Record<string, unknown>) => (s ? `${String(s.payOrdId ?? '')} ${String(s.status ?? '')} 统筹 ${String(s.fundPay ?? '')} 个账 ${String(s.psnAcctPay ?? '')}` : '—');
  return html`<tr data-diff="${d.id}"><td>${d.id}</td><td>${String(d.orgCodg)}</td><td>${String(d.hiDocSn)}</td><td>${KIND_NAMES[d.kind] ?? d.kind}</td><td>${view(det.center)}</td><td>${view(det.core)}</td><td>${beijingTime(d.foundAt)}</td>
<td class="state ${d.resolvedAt ? 'ok' : 'bad'}">${d.resolvedAt ? `已处理（${String(d.resolvedBy)}，${beijingTime(d.resolvedAt)}）：${String(d.resolution ?? '')}` : '未处理'}</td>${
    canAct
      ? html`<td>${d.resolvedAt ? '' : html`<form method="post" action="/console/reconcile/differences/${d.id}/resolve" class="resolve-form">${csrf}<input type="hidden" name="date" value="${date}"><input name="reason" required maxlength="500" placeholder="处理原因（必填）"><button type="submit">标记已处理</button></form>`}</td>`
      : ''
  }</tr>`;
})}${diffs.length === 0 ? html`<tr><td colspan="${canAct ? 9 : 8}" class="muted">无差异记录</td></tr>` : ''}</table></section>
<section class="card"><h2>机构对账单</h2><table id="statements"><tr><th>应用</th><th>机构</th><th class="num">版本</th><th>下载</th></tr>
${stmts.map(
  (s) => html`<tr><td>${s.app_id}</td><td>${s.content.orgCodg} ${s.content.orgName}</td><td class="num">${Number(s.version)}</td><td><a href="/console/reconcile/statements/${encodeURIComponent(s.app_id)}/${date}.csv">CSV</a></td></tr>`,
)}${stmts.length === 0 ? html`<tr><td colspan="4" class="muted">当日对账单尚未生成</td></tr>` : ''}</table></section>`;
    return sendPage(reply, o.status ?? 200, layout({ title: `对账 ${date}`, operator: req.operator!, csrf: req.csrf!, active: 'reconcile', body }));
  };

  const day = (v: unknown): string | undefined => (typeof v === 'string' && dayWindow(v) ? v : undefined);

  c.get('/console/reconcile', async (req, reply) => {
    const q = req.query as Record<string, string>;
    const unknown = Object.keys(q).filter((k) => k !== 'date');
    if (unknown.length) return errorPage(req, reply, 400, `不支持的查询条件：${unknown.join('、')}`);
    // Default: yesterday in Beijing, the day the statement job closes.
    const date = q.date === undefined || q.date === '' ? previousDay(platform.deps.clock()) : day(q.date);
    if (!date) return errorPage(req, reply, 400, 'date: 应为 yyyy-MM-dd（北京时间）');
    return page(req, reply, date);
  });

  c.post('/console/reconcile/run', { config: { role: 'operator' } }, async (req, reply) => {
    const f = bodyFields(req);
    const date = day(f.date);
    if (!date) return errorPage(req, reply, 400, 'date: 应为 yyyy-MM-dd（北京时间）');
    const reason = auditReason(f.reason);
    if (!reason) return page(req, reply, date, { error: 'reason 必填：请说明对账原因', status: 400 });
    const result = await reconcileWithCore(store, platform.upstreams, date, platform.deps.clock());
    await recordAudit(store, { actor: req.operator!.name, action: 'fsi-reconcile.run', target: date, reason, detail: { match: result.totals.match, differences: result.stillDifferent.length } });
    return page(req, reply, date, { core: result, notice: result.totals.match && result.stillDifferent.length === 0 ? '对账完成：与核心一致' : `对账完成：${result.stillDifferent.length} 处差异` });
  });

  c.post('/console/reconcile/differences/:id/resolve', { config: { role: 'operator' } }, async (req, reply) => {
    const id = Number((req.params as { id: string }).id);
    const f = bodyFields(req);
    const date = day(f.date) ?? previousDay(platform.deps.clock());
    if (!Number.isSafeInteger(id)) return errorPage(req, reply, 404, '差异不存在');
    const reason = auditReason(f.reason);
    if (!reason) return page(req, reply, date, { error: 'reason 必填：请说明处理原因', status: 400 });
    const outcome = await resolveDiff(store, id, { actor: req.operator!.name, reason });
    if (outcome === 'missing') return errorPage(req, reply, 404, '差异不存在');
    if (outcome === 'already') return page(req, reply, date, { error: '该差异已标记为已处理', status: 409 });
    return page(req, reply, date, { notice: `差异 #${id} 已标记为已处理` });
  });

  /** The stored statement as the institution downloads it (CSV), as /admin/statements/:appId/:date?format=csv. */
  c.get('/console/reconcile/statements/:appId/:file', async (req, reply) => {
    const { appId, file } = req.params as { appId: string; file: string };
    const date = day(file.replace(/\.csv$/, ''));
    if (!date || !file.endsWith('.csv')) return errorPage(req, reply, 400, 'date: 应为 yyyy-MM-dd（北京时间）');
    const s = await loadStatement(store, appId, date);
    if (!s) return errorPage(req, reply, 404, `对账单不存在：${appId} ${date}`);
    const wire = statementWire(s, 'CSV') as { csv: string };
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="statement-${appId}-${date}-v${s.version}.csv"`)
      .send(wire.csv);
  });
}
