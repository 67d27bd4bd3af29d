import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { roleAllows } from '../../center/operators.js';
import { newOperatorRefdSn, refundAction } from './actions.js';
import { getOrder, listOrders } from '../../center/admin.js';
import { OrdStas } from '../../center/ord-stas.js';
import { yuanToFen } from 'yibao/spec';
import type { Platform } from '../platform.js';
import { html, type Html } from './html.js';
import { errorPage, layout, sendPage } from './layout.js';
import { CONSOLE_ORDER_QUERY_KEYS, ORDER_QUERY_KEYS, parseOrderQuery } from './order-query.js';
import { searchHash } from '../../center/search.js';
import { bodyFields } from './form.js';
import { ORD_STAS_NAMES, stasName, yuan } from './format.js';
import { timeline, type TimelineEvent } from './svg.js';
import { beijingTime } from './time.js';

const fen = (yuanText: string) => yuanToFen(yuanText);

/** 订单: search (ID number and name by keyed hash, search.ts) and one order's page with its time line. */
export function registerOrderPages(c: FastifyInstance, platform: Platform): void {
  const { store } = platform.deps;

  c.get('/console/orders', async (req, reply) => {
    const q = req.query as Record<string, string>;
    const parsed = parseOrderQuery(q, platform.deps.searchKey, CONSOLE_ORDER_QUERY_KEYS);
    if (!parsed.ok) return errorPage(req, reply, 400, parsed.message);
    const result = await listOrders(store, { limit: 50, ...parsed.filter });
    // The form shows back what was typed, except ID number and name: the page (and so the browser's
    // history and any screenshot) never holds them in clear once searched.
    const field = (name: string, label: string, extra: Html = html``) =>
      html`<label>${label}<input name="${name}" value="${name === 'idNo' || name === 'userName' ? '' : (q[name] ?? '')}" ${extra}></label>`;
    const apps = platform.config.apps ?? [];
    const next = result.next ? `/console/orders?${new URLSearchParams({ ...Object.fromEntries(Object.entries(q).filter(([k]) => k !== 'after')), after: result.next }).toString()}` : undefined;
    const body = html`<form method="post" action="/console/orders" class="filters card" id="order-search"><input type="hidden" name="_csrf" value="${req.csrf!}">
<label>机构<select name="orgCodg"><option value="">全部</option>${apps.map((a) => html`<option value="${a.orgCodg}" ${q.orgCodg === a.orgCodg ? 'selected' : ''}>${a.orgName}（${a.orgCodg}）</option>`)}</select></label>
${field('payOrdId', '支付订单号 payOrdId')}${field('medOrgOrd', '医院订单号 medOrgOrd')}${field('psnNo', '人员编号 psnNo')}
${field('idNo', '证件号码（精确）', html`autocomplete="off"`)}${field('userName', '姓名（精确）', html`autocomplete="off"`)}
<label>状态<select name="ordStas"><option value="">全部</option>${Object.entries(ORD_STAS_NAMES).map(([code, name]) => html`<option value="${code}" ${q.ordStas === code ? 'selected' : ''}>${code} ${name}</option>`)}</select></label>
<label>起（含）<input type="date" name="from" value="${q.from ?? ''}"></label><label>止（不含）<input type="date" name="to" value="${q.to ?? ''}"></label>
<button type="submit">查询</button></form>
${q.idNoHash || q.nameHash || q.idNo || q.userName ? html`<p class="muted" id="hashed-search">已按${q.idNoHash || q.idNo ? '证件号码' : ''}${(q.idNoHash || q.idNo) && (q.nameHash || q.userName) ? '、' : ''}${q.nameHash || q.userName ? '姓名' : ''}精确匹配（密钥哈希），页面与地址栏不含明文。</p>` : ''}
<table id="orders"><tr><th>支付订单号</th><th>机构</th><th>医院订单号</th><th>人员</th><th>状态</th><th class="num">总额（元）</th><th>创建时间</th></tr>
${result.orders.map(
  (o) => html`<tr><td><a href="/console/orders/${encodeURIComponent(o.payOrdId)}">${o.payOrdId}</a></td><td>${o.orgName}</td><td>${o.medOrgOrd}</td><td>${o.userName} ${o.idNo}</td><td>${o.ordStas} ${o.ordStasName}</td><td class="num">${yuan(fen(o.feeSumamt))}</td><td>${beijingTime(o.createdAt)}</td></tr>`,
)}
</table>
${result.orders.length === 0 ? html`<p class="muted" id="no-orders">没有符合条件的订单</p>` : ''}
${next ? html`<p><a href="${next}" id="next-page">下一页</a></p>` : ''}
<p class="muted">可用条件：${ORDER_QUERY_KEYS.join('、')}；未知条件将被拒绝（400）。</p>`;
    return sendPage(reply, 200, layout({ title: '订单查询', operator: req.operator!, csrf: req.csrf!, active: 'orders', body }));
  });

  /**
   * The search form posts here: ID number and name become their keyed hashes before they reach a URL,
   * so no address bar, browser history or proxy log holds them in clear. Then the results, by GET.
   */
  c.post('/console/orders', { config: { role: 'viewer' } }, async (req, reply) => {
    const f = bodyFields(req);
    const params = new URLSearchParams();
    for (const k of ORDER_QUERY_KEYS) {
      const v = (f[k] ?? '').trim();
      if (v === '' || k === 'idNo' || k === 'userName' || k === 'after' || k === 'limit') continue;
      params.set(k, v);
    }
    if (f.idNo?.trim()) params.set('idNoHash', searchHash(platform.deps.searchKey, 'idNo', f.idNo));
    if (f.userName?.trim()) params.set('nameHash', searchHash(platform.deps.searchKey, 'name', f.userName));
    return reply.redirect(`/console/orders${params.size ? `?${params.toString()}` : ''}`, 303);
  });

  const orderPage = async (req: FastifyRequest, reply: FastifyReply, payOrdId: string, message: { notice?: string; error?: string } = {}, status = 200) => {
    const found = await getOrder(store, payOrdId);
    if (!found) return errorPage(req, reply, 404, `订单不存在：${payOrdId}`);
    const { order, history, refunds, callbacks } = found;
    const [row] = await store.query<{ upload: Record<string, unknown> | string }>('SELECT upload FROM orders WHERE pay_ord_id = $1', [payOrdId]);
    const upload = (typeof row?.upload === 'string' ? JSON.parse(row.upload) : row?.upload ?? {}) as Record<string, unknown>;
    const lines = Array.isArray(upload.feedetailList) ? (upload.feedetailList as Array<Record<string, unknown>>) : [];
    const diagnoses = Array.isArray(upload.diseinfoList) ? (upload.diseinfoList as Array<Record<string, unknown>>) : [];
    const attempts = await store.query<{ callback_id: unknown; attempt: number; started_at: Date; success: boolean | null; http_status: number | null; error: string | null }>(
      `SELECT a.callback_id, a.attempt, a.started_at, a.success, a.http_status, a.error FROM callback_attempts a JOIN callbacks c ON c.id = a.callback_id WHERE c.pay_ord_id = $1 ORDER BY a.id`,
      [payOrdId],
    );
    const exhausted = (callbacks as Array<{ status: string }>).some((cb) => cb.status === 'RETRIES_EXCEEDED');
    const events: TimelineEvent[] = [
      ...history.map((h) => ({ at: new Date(h.at as Date), label: `${h.txn} → ${h.to} ${h.toName}`, kind: (h.to === OrdStas.ABNORMAL ? 'flag' : 'state') as TimelineEvent['kind'] })),
      ...attempts.map((a) => ({
        at: new Date(a.started_at),
        label: `回调#${a.attempt} ${a.success ? '成功' : a.success === null ? '投递中' : `失败 ${a.http_status ? `HTTP ${a.http_status}` : (a.error ?? '').split('：')[0]}`}`,
        kind: (a.success ? 'callback-ok' : 'callback-fail') as TimelineEvent['kind'],
      })),
      ...refunds.map((r) => ({ at: new Date(r.at as Date), label: `退款 ${r.refdType} ${r.totlRefdAmt} ${r.refStatus}`, kind: 'refund' as const })),
    ];
    const money = (label: string, v: string, id: string) => html`<tr id="${id}"><th>${label}</th><td class="num">${yuan(fen(v))}</td></tr>`;
    const canRefund = roleAllows(req.operator!.role, 'operator');
    const body = html`${message.notice ? html`<div class="notice" role="status" id="refund-notice">${message.notice}</div>` : ''}${message.error ? html`<div class="error" role="alert" id="refund-error">${message.error}</div>` : ''}
${exhausted ? html`<div class="error" id="flag-exhausted"><span class="flag">回调重试用尽</span> 医院未确认结算结果通知；请核实 notifyUrl 后在下方重发。</div>` : ''}
<div class="grid">
<section class="card"><h2>订单</h2><dl class="kv">
<dt>支付订单号</dt><dd>${order.payOrdId}</dd><dt>状态</dt><dd id="ord-stas">${order.ordStas} ${order.ordStasName}</dd>
<dt>机构</dt><dd>${order.orgName}（${order.orgCodg}）</dd><dt>医院订单号</dt><dd>${order.medOrgOrd}</dd>
<dt>人员</dt><dd>${order.userName}（${order.idNo}），${order.psnNo}</dd><dt>险种 / 医疗类别</dt><dd>${order.insutype} / ${order.medType}</dd>
<dt>结算类型 / 渠道</dt><dd>${order.setlType ?? ''} / ${order.chnlType ?? ''}</dd><dt>医保结算号</dt><dd>${order.hiDocSn ?? ''}</dd>
<dt>创建</dt><dd>${beijingTime(order.createdAt)}</dd><dt>更新</dt><dd>${beijingTime(order.updatedAt)}</dd></dl></section>
<section class="card"><h2>金额（元）</h2><table id="money">
${money('费用总额 feeSumamt', order.feeSumamt, 'm-fee')}${money('统筹基金 fundPay', order.fundPay, 'm-fund')}${money('个人账户 psnAcctPay', order.psnAcctPay, 'm-acct')}
${money('现金 ownPayAmt', order.ownPayAmt, 'm-cash')}${money('其他 othFeeAmt', order.othFeeAmt, 'm-oth')}${money('已付现金', order.cashPaid, 'm-paid')}${money('已退现金', order.cashRefunded, 'm-refunded')}
</table><p class="muted">费用总额 = 统筹 + 账户 + 现金 + 其他</p></section>
</div>
<section class="card"><h2>时间线</h2>${timeline(events)}</section>
<section class="card"><h2>费用明细（6201 上传）</h2><table id="fee-lines"><tr><th>序号</th><th>目录编码</th><th>名称</th><th class="num">数量</th><th class="num">单价</th><th class="num">金额（元）</th><th>科室</th></tr>
${lines.map((l) => html`<tr><td>${l.feedetlSn}</td><td>${l.medListCodg}</td><td>${l.medListName}</td><td class="num">${l.cnt}</td><td class="num">${l.pric}</td><td class="num">${l.detItemFeeSumamt}</td><td>${l.bilgDeptName}</td></tr>`)}</table>
<h2>诊断</h2><table id="diagnoses"><tr><th>类别</th><th>代码</th><th>名称</th><th>科室</th><th>时间</th></tr>
${diagnoses.map((d) => html`<tr><td>${d.diagType}</td><td>${d.diagCode}</td><td>${d.diagName}</td><td>${d.diagDept}</td><td>${d.diagTime}</td></tr>`)}</table></section>
<section class="card"><h2>退款</h2>${
      refunds.length
        ? html`<table id="refunds"><tr><th>退款流水</th><th>类型</th><th class="num">合计</th><th class="num">统筹</th><th class="num">账户</th><th class="num">现金</th><th>状态</th><th>时间</th></tr>${refunds.map(
            (r) => html`<tr><td>${r.refdSn}</td><td>${r.refdType}</td><td class="num">${r.totlRefdAmt}</td><td class="num">${r.fundRefdAmt}</td><td class="num">${r.psnAcctRefdAmt}</td><td class="num">${r.cashRefdAmt}</td><td>${r.refStatus}</td><td>${beijingTime(r.at as Date)}</td></tr>`,
          )}</table>`
        : html`<p class="muted">无</p>`
    }${
      canRefund
        ? html`<h2>代机构退款</h2><form method="post" action="/console/orders/${encodeURIComponent(order.payOrdId)}/refund" class="stack" id="refund-form" data-confirm="将以机构名义退款并记入审计日志，确定？">
<input type="hidden" name="_csrf" value="${req.csrf!}"><input type="hidden" name="appRefdSn" value="${newOperatorRefdSn(platform.deps.clock())}">
<label>退费类型<select name="refdType"><option value="CASH">CASH 仅现金</option><option value="ALL">ALL 全部剩余（医保 + 现金）</option><option value="HI">HI 仅医保（统筹 + 账户）</option></select></label>
<label>现金退费金额（元，仅 CASH；不填退全部剩余现金 ${yuan(fen(order.cashPaid) - fen(order.cashRefunded))}）<input name="cashRefdAmt" inputmode="decimal"></label>
<label>原因（必填，写入审计日志）<textarea name="reason" required maxlength="500" rows="2"></textarea></label>
<button type="submit" class="danger">代机构退款</button></form>`
        : ''
    }</section>
<section class="card"><h2>回调</h2><table id="callbacks"><tr><th>#</th><th>类型</th><th>状态</th><th class="num">尝试</th><th>最后原因</th><th></th></tr>
${(callbacks as Array<{ id: unknown; status: string; attempts: number; last_error: string | null; call_type?: string }>).map(
  (cb) => html`<tr><td>${String(cb.id)}</td><td>${cb.call_type ?? ''}</td><td class="${cb.status === 'DELIVERED' ? 'ok' : cb.status === 'RETRIES_EXCEEDED' ? 'bad' : ''}">${cb.status}</td><td class="num">${cb.attempts}</td><td>${cb.last_error ?? ''}</td><td><a href="/console/callbacks/${String(cb.id)}">详情 / 重发</a></td></tr>`,
)}</table></section>
<section class="card"><h2>状态历史</h2><table id="history"><tr><th>时间</th><th>交易</th><th>从</th><th>到</th></tr>
${history.map((h) => html`<tr><td>${beijingTime(h.at as Date)}</td><td>${h.txn}</td><td>${h.from ? `${h.from} ${stasName(String(h.from))}` : ''}</td><td>${h.to} ${h.toName}</td></tr>`)}</table></section>`;
    return sendPage(reply, status, layout({ title: `订单 ${order.payOrdId}`, operator: req.operator!, csrf: req.csrf!, active: 'orders', body }));
  };

  c.get('/console/orders/:payOrdId', async (req, reply) => {
    const q = req.query as Record<string, string>;
    const notice = q.refdSn
      ? q.repeated
        ? `该退款已提交过（同一表单再次提交），未重复退款：退款流水 ${q.refdSn}，状态 ${q.refStatus ?? ''}`
        : `已代机构退款：退款流水 ${q.refdSn}，状态 ${q.refStatus ?? ''}`
      : undefined;
    return orderPage(req, reply, (req.params as { payOrdId: string }).payOrdId, notice ? { notice } : {});
  });

  /** 代机构退款 (actions.ts refundAction): back to the order page, which shows the refund. */
  c.post('/console/orders/:payOrdId/refund', { config: { role: 'operator' } }, async (req, reply) => {
    const payOrdId = (req.params as { payOrdId: string }).payOrdId;
    const f = bodyFields(req);
    const r = await refundAction(platform, req.operator!.name, payOrdId, { refdType: f.refdType, cashRefdAmt: f.cashRefdAmt, reason: f.reason, appRefdSn: f.appRefdSn });
    if (!r.ok) return r.status === 404 ? errorPage(req, reply, 404, `订单不存在：${payOrdId}`) : orderPage(req, reply, payOrdId, { error: `${r.code} ${r.message}` }, r.status);
    return reply.redirect(`/console/orders/${encodeURIComponent(payOrdId)}?${new URLSearchParams({ refdSn: r.refdSn, refStatus: r.refStatus, ...(r.repeated ? { repeated: '1' } : {}) }).toString()}`, 303);
  });
}
