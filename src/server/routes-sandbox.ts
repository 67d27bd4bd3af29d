import { readBody } from './body.js';
import type { FastifyInstance } from 'fastify';
import { YibaoError } from 'yibao/protocol';
import { fenToYuan } from 'yibao/spec';
import type { Platform } from './platform.js';
import { esc, page } from './html.js';
import { cashierPay, confirmBankPay, loadBankPaySession, openCashier } from '../center/sandbox-pay.js';
import { ORD_STAS_NAMES, type OrdStasCode } from '../center/ord-stas.js';
import type { ChannelFailureRule } from '../upstream/types.js';
import type { OrderRow } from '../center/orders.js';
import { PORTAL_TXNS } from '../center/portal.js';
import { servedPaths } from './paths.js';
import type { AppConfig } from '../center/config.js';

function amounts(o: OrderRow): string {
  return `<div class="card">
  <div class="row"><span>收款机构</span><b>${esc(o.orgName)}</b></div>
  <div class="row"><span>费用总额</span><b>¥${fenToYuan(o.feeSumamtFen)}</b></div>
  <div class="row"><span>医保基金支付</span><span>¥${fenToYuan(o.fundPayFen)}</span></div>
  <div class="row"><span>个人账户支付</span><span>¥${fenToYuan(o.psnAcctPayFen)}</span></div>
  <div class="row"><span>其他抵扣金额</span><span>¥${fenToYuan(o.othFeeAmtFen)}</span></div>
  <div class="row"><span>现金支付</span><span class="cash">¥${fenToYuan(o.ownPayAmtFen)}</span></div>
  <div class="row muted"><span>订单状态</span><span>${esc(ORD_STAS_NAMES[o.ordStas as OrdStasCode] ?? o.ordStas)}</span></div>
</div>`;
}

function errorPage(err: unknown): string {
  const message = err instanceof YibaoError ? `${err.message}（${err.code}）` : '系统错误';
  return page('支付失败', `<header>医保移动支付</header><div class="card"><b>无法完成支付</b><p class="muted">${esc(message)}</p></div>`);
}

/**
 * Sandbox-only helpers (docs/sandbox.md): they stand in for the patient's phone. `/cashier` and the
 * 6205 bank-card page are the center's own pages and are on in every mode.
 */
export function registerPatientPages(app: FastifyInstance, platform: Platform): void {
  const { deps, center } = platform;

  app.get('/sandbox/medBankPay', async (req, reply) => {
    const q = req.query as Record<string, string>;
    try {
      const { order } = await loadBankPaySession(deps, q.payOrdId ?? '', q.token ?? '');
      reply.type('text/html; charset=utf-8').send(
        page(
          '银行卡支付',
          `<header>银行卡混合支付（沙箱）</header>${amounts(order)}
<form method="post" action="/sandbox/medBankPay"><input type="hidden" name="payOrdId" value="${esc(order.payOrdId)}"><input type="hidden" name="token" value="${esc(q.token)}">
<button type="submit">使用银行卡支付 ¥${fenToYuan(order.ownPayAmtFen)}</button></form>`,
        ),
      );
    } catch (err) {
      reply.code(400).type('text/html; charset=utf-8').send(errorPage(err));
    }
  });

  app.post('/sandbox/medBankPay', async (req, reply) => {
    const form = new URLSearchParams(String(req.body ?? ''));
    try {
      const payOrdId = form.get('payOrdId') ?? '';
      const rows = await deps.store.query<{ app_id: string }>('SELECT app_id FROM orders WHERE pay_ord_id = $1', [payOrdId]);
      const theApp = rows[0] ? center.app(rows[0].app_id) : undefined;
      if (!theApp) throw new YibaoError('-1', '订单不存在');
      const order = await confirmBankPay(deps, theApp, payOrdId, form.get('token') ?? '');
      reply.type('text/html; charset=utf-8').send(page('支付结果', `<header>支付结果</header>${amounts(order)}`));
    } catch (err) {
      reply.code(400).type('text/html; charset=utf-8').send(errorPage(err));
    }
  });

  app.get('/cashier', async (req, reply) => {
    const q = req.query as Record<string, string>;
    try {
      const launch = await openCashier(deps, center.app(q.chnlAppId ?? ''), q.payOrdId ?? '', q.chnlEncData ?? '');
      const channels = ['WX', 'ALI', 'UP', 'BANK']
        .map((c, i) => `<label><input type="radio" name="chnlType" value="${c}"${i === 0 ? ' checked' : ''}> ${esc({ WX: '微信支付', ALI: '支付宝', UP: '云闪付', BANK: '银行卡' }[c])}</label>`)
        .join('');
      reply.type('text/html; charset=utf-8').send(
        page(
          '医保收银台',
          `<header>${esc(launch.order.orgName)}</header>${amounts(launch.order)}
<form method="post" action="/cashier/pay"><div class="card"><b>选择支付方式</b>${channels}</div>
<input type="hidden" name="payOrdId" value="${esc(launch.order.payOrdId)}"><input type="hidden" name="chnlAppId" value="${esc(launch.app.appId)}"><input type="hidden" name="chnlEncData" value="${esc(q.chnlEncData)}">
<button type="submit">去支付</button></form>`,
        ),
      );
    } catch (err) {
      reply.code(400).type('text/html; charset=utf-8').send(errorPage(err));
    }
  });

  app.post('/cashier/pay', async (req, reply) => {
    const form = new URLSearchParams(String(req.body ?? ''));
    try {
      const launch = await openCashier(deps, center.app(form.get('chnlAppId') ?? ''), form.get('payOrdId') ?? '', form.get('chnlEncData') ?? '');
      const location = await cashierPay(deps, launch, form.get('chnlType') ?? 'WX');
      reply.redirect(location, 302);
    } catch (err) {
      reply.code(400).type('text/html; charset=utf-8').send(errorPage(err));
    }
  });
}

export function registerSandboxHelpers(app: FastifyInstance, platform: Platform): void {
  const { deps, upstreams, center } = platform;

  /** Stands in for the patient authorising in an app: an ecToken and a payAuthNo, plus the QR value. */
  app.post('/sandbox/auth', async (req, reply) => {
    const parsed = readBody(req.body);
    if (!parsed.value) return reply.code(400).send(parsed.error);
    const body = parsed.value;
    const psnNo = typeof body.psnNo === 'string' ? body.psnNo : undefined;
    const idNo = typeof body.idNo === 'string' ? body.idNo : undefined;
    const person = upstreams.evoucher.findPerson({ ...(psnNo ? { psnNo } : {}), ...(idNo ? { idNo } : {}) });
    if (!person || (!psnNo && !idNo)) {
      return reply.code(404).send({ code: '-1', message: psnNo || idNo ? '人员不存在' : '请给出 psnNo 或 idNo' });
    }
    const apps = deps.config.apps ?? [];
    const orgCodg = typeof body.orgCodg === 'string' ? body.orgCodg : apps.length === 1 ? apps[0]!.orgCodg : undefined;
    const now = deps.clock();
    const out = await deps.store.transaction(async (tx) => {
      const ec = await upstreams.evoucher.issueEcToken({ tx, now }, { psnNo: person.psnNo, ...(orgCodg ? { orgCodg } : {}) });
      const auth = await upstreams.evoucher.issuePayAuthNo({ tx, now }, { psnNo: person.psnNo, ...(orgCodg ? { orgCodg } : {}) });
      return { payAuthNo: auth.payAuthNo, ecToken: ec.ecToken, qrCode: person.qrCode, psnNo: person.psnNo, payAuthNoExpiresAt: auth.expiresAt, ecTokenExpiresAt: ec.expiresAt };
    });
    return reply.send(out);
  });

  /** Failure injection at run time (the same rules as config `channels.failures`). */
  app.post('/sandbox/channels/failures', async (req, reply) => {
    const raw = readBody(req.body).value;
    // Numbers arrive as their text (wire JSON); count is a number of calls.
    const rule = raw ? ({ ...raw, ...(raw.count !== undefined ? { count: Number(raw.count) } : {}) } as unknown as ChannelFailureRule) : undefined;
    if (!rule || !['pay', 'refund', 'query'].includes(rule.op) || (rule.result !== 'FAIL' && rule.result !== 'EXP') || (rule.count !== undefined && !(Number.isInteger(rule.count) && rule.count > 0))) {
      return reply.code(400).send({ code: '000105', message: 'op 应为 pay/refund/query，result 应为 FAIL/EXP，count 为正整数（可省略）' });
    }
    upstreams.channels.addFailure(rule);
    return reply.send({ ok: true });
  });
  app.delete('/sandbox/channels/failures', async (_req, reply) => {
    upstreams.channels.clearFailures();
    return reply.send({ ok: true });
  });

  /** Points a sandbox app's callbacks at the developer's HIS (notifyUrl 6302, redirectUrl 6204). */
  app.post('/sandbox/apps/:appId', async (req, reply) => {
    const target = center.app((req.params as { appId: string }).appId);
    if (!target) return reply.code(404).send({ code: '-8', message: '应用信息不存在' });
    const parsed = readBody(req.body);
    if (!parsed.value) return reply.code(400).send(parsed.error);
    const body = parsed.value;
    for (const f of ['notifyUrl', 'redirectUrl'] as const) {
      if (body[f] === undefined) continue;
      if (body[f] === null) {
        // Back to none (no callbacks / no redirect), as `yibao demo` leaves a fresh sandbox.
        delete target[f];
        continue;
      }
      let url: URL | undefined;
      try {
        url = new URL(String(body[f]));
      } catch {
        url = undefined;
      }
      // As in the config file: the platform only ever calls or redirects to http(s).
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return reply.code(400).send({ code: '000105', message: `${f}: 应为 http(s) 地址` });
      target[f] = String(body[f]);
    }
    if (typeof body.encryptCallbacks === 'boolean') target.encryptCallbacks = body.encryptCallbacks;
    if (body.portal !== undefined) {
      // Which portal functions are opened for the app (others answer 404404 该功能未开放).
      const list = Array.isArray(body.portal) ? body.portal : [];
      if (!Array.isArray(body.portal) || list.some((f) => !(PORTAL_TXNS as readonly unknown[]).includes(f))) {
        return reply.code(400).send({ code: '000105', message: `portal: 应为数组，元素为 ${PORTAL_TXNS.join('/')}` });
      }
      target.portal = list as AppConfig['portal'];
    }
    return reply.send({ appId: target.appId, notifyUrl: target.notifyUrl ?? null, redirectUrl: target.redirectUrl ?? null, encryptCallbacks: target.encryptCallbacks !== false, portal: target.portal ?? [...PORTAL_TXNS] });
  });

  app.get('/sandbox', async () => ({
    sandbox: true,
    apps: (deps.config.apps ?? []).map((a) => ({ appId: a.appId, orgCodg: a.orgCodg, orgName: a.orgName, notifyUrl: a.notifyUrl ?? null, redirectUrl: a.redirectUrl ?? null })),
    persons: upstreams.persons.map((p) => ({ psnNo: p.psnNo, insutype: p.insutype, insuAdmdvs: p.insuAdmdvs, balance: p.balance, qrCode: p.qrCode })),
    paths: servedPaths(platform.onecode.infno),
  }));
}
