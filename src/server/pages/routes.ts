import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { YibaoError, ErrorCode } from 'yibao/protocol';
import type { Platform } from '../platform.js';
import type { AppConfig } from '../../center/config.js';
import { cashierChannels, cashierPay, confirmBankPay, loadBankPaySession, openCashier } from '../../center/sandbox-pay.js';
import { AmountChangedError } from '../../center/settle.js';
import { OrdStas } from '../../center/ord-stas.js';
import { fenToYuan } from 'yibao/spec';
import { terminalScreen } from '../../center/terminal.js';
import type { OrderRow } from '../../center/orders.js';
import { ASSETS, failurePage } from './layout.js';
import { sendPage } from './headers.js';
import { patientFailure } from './failures.js';
import { cashierBody, cashierDocument, cashierShell, resultBody, stateBody } from './cashier.js';
import { bankDocument, bankPayBody } from './bank.js';
import { authorizeChoosePage, authorizePage } from './auth.js';
import { landingPage } from './landing.js';
import { terminalPage } from './terminal.js';

/** Sandbox-only slow-downs of the cashier (POST /sandbox/pages/delay), so tests and demos can see the loading states. */
interface PageDelays {
  view: number;
  pay: number;
}
const delays = new WeakMap<Platform, PageDelays>();
const sleep = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

/** Where the patient goes back to: the app's homeUrl, else its redirectUrl's origin. */
export function institutionPage(app: AppConfig | undefined): string | undefined {
  if (!app) return undefined;
  if (app.homeUrl) return app.homeUrl;
  if (!app.redirectUrl) return undefined;
  try {
    return new URL(app.redirectUrl).origin + '/';
  } catch {
    return undefined;
  }
}

/** An https logo's origin for img-src; nothing else is ever loaded from elsewhere. */
function logoOrigin(app: AppConfig | undefined): string | undefined {
  if (!app?.logoUrl) return undefined;
  try {
    return new URL(app.logoUrl).origin;
  } catch {
    return undefined;
  }
}

const wantsJson = (req: FastifyRequest) => String(req.headers.accept ?? '').includes('application/json');

/** States in which the cashier shows something other than the form. */
const PAID: readonly string[] = [OrdStas.HI_PAID, OrdStas.SETTLED, OrdStas.CASH_DONE, OrdStas.HOSP_SETTLED];
const STATE_TEXT: Record<string, [string, string]> = {
  [OrdStas.REVOKED]: ['订单已撤销', '医院已撤销这笔费用，无需支付。如有疑问，请联系医院收费处。'],
  [OrdStas.HI_REVOKED]: ['订单已撤销', '这笔费用的医保结算已撤销，无需支付。如有疑问，请联系医院收费处。'],
  [OrdStas.REFUNDED]: ['订单已退款', '这笔费用已全部退款，退款将按原路退回。'],
  [OrdStas.HI_REFUNDED]: ['医保部分已退款', '这笔费用的医保部分已退回。如有疑问，请联系医院收费处。'],
  [OrdStas.CASH_REFUNDED]: ['现金部分已退款', '这笔费用的现金部分已退回。'],
  [OrdStas.CASH_PART_REFUNDED]: ['已部分退款', '这笔费用的现金部分已部分退回。'],
  [OrdStas.HI_REFUNDED_CASH_PART]: ['已部分退款', '医保部分已退回，现金部分已部分退回。'],
  [OrdStas.SETTLING]: ['正在结算', '这笔订单正在结算，请稍后刷新本页查看结果，请勿重复支付。'],
  [OrdStas.ABNORMAL]: ['支付结果确认中', '这笔订单的支付结果正在核对，请稍后在医院页面查看，请勿重复支付。'],
  [OrdStas.SAVED]: ['订单尚未就绪', '医院还在准备这笔费用，请稍后回到医院页面重新发起支付。'],
  [OrdStas.HI_FAILED_CASH_REVERSAL_FAILED]: ['支付结果确认中', '这笔订单需要人工核对，请联系医院收费处，请勿重复支付。'],
};

function orderView(app: AppConfig, o: OrderRow, render: () => ReturnType<typeof cashierBody>) {
  const back = institutionPage(app);
  if (PAID.includes(o.ordStas)) return cashierDocument('支付结果', resultBody(app, o, back));
  const text = STATE_TEXT[o.ordStas];
  if (text) return cashierDocument(text[0], stateBody(app, o, text[0], text[1], back));
  return render();
}

/**
 * The center's pages for the patient (mobile-payment.txt chapter 3), on in every mode: the cashier
 * (3.1.2.1.5.1), the 6205 bank-card page, the landing page; and, in sandbox mode, the authorisation
 * page and the terminal's screen.
 */
export function registerPatientPages(app: FastifyInstance, platform: Platform): void {
  const { deps, center } = platform;
  const log = deps.log;

  for (const asset of Object.values(ASSETS)) {
    app.get(asset.path, async (_req, reply) => reply.header('cache-control', 'public, max-age=31536000, immutable').header('x-content-type-options', 'nosniff').type(asset.type).send(asset.body));
  }

  const fail = (reply: FastifyReply, req: FastifyRequest, err: unknown, theApp: AppConfig | undefined, status = 400) => {
    if (!(err instanceof YibaoError)) log.error({ err, path: req.url.split('?')[0] }, 'patient page failed');
    else log.info({ code: err.code, path: req.url.split('?')[0] }, 'patient page refused');
    const f = patientFailure(err, institutionPage(theApp));
    if (wantsJson(req)) return reply.code(200).header('cache-control', 'no-store').send({ dialog: f });
    return sendPage(reply, failurePage(f), err instanceof YibaoError ? status : 500);
  };

  app.get('/', async (_req, reply) =>
    sendPage(
      reply,
      landingPage({
        sandbox: platform.sandbox,
        store: deps.store.kind,
        persons: platform.sandbox ? platform.persons : [],
        apps: (deps.config.apps ?? []).map((a) => ({ orgName: a.orgName, orgCodg: a.orgCodg })),
        ...(app.hasRoute({ method: 'GET', url: '/console' }) ? { consoleUrl: '/console' } : {}),
      }),
    ),
  );

  // The cashierUrl of 6201 plus chnlAppId and chnlEncData (3.1.2.1.5.1): a shell with the page-level
  // loading view at once, the order itself from /cashier/view.
  app.get('/cashier', async (req, reply) => {
    const q = new URLSearchParams(req.url.split('?')[1] ?? '');
    return sendPage(reply, cashierShell(`/cashier/view?${q.toString()}`));
  });

  app.get('/cashier/view', async (req, reply) => {
    const q = req.query as Record<string, string>;
    const theApp = center.app(q.chnlAppId ?? '');
    try {
      await sleep(delays.get(platform)?.view ?? 0);
      const launch = await openCashier(deps, theApp, q.payOrdId ?? '', q.chnlEncData ?? '');
      const page = orderView(launch.app, launch.order, () =>
        cashierDocument(
          '医保收银台',
          cashierBody({ app: launch.app, order: launch.order, depositFen: launch.depositFen, channels: cashierChannels(launch.app), chnlEncData: q.chnlEncData ?? '', sandbox: platform.sandbox }),
        ),
      );
      return sendPage(reply, page, 200, logoOrigin(launch.app));
    } catch (err) {
      return fail(reply, req, err, theApp);
    }
  });

  app.post('/cashier/pay', async (req, reply) => {
    const form = new URLSearchParams(String(req.body ?? ''));
    const theApp = center.app(form.get('chnlAppId') ?? '');
    try {
      await sleep(delays.get(platform)?.pay ?? 0);
      const launch = await openCashier(deps, theApp, form.get('payOrdId') ?? '', form.get('chnlEncData') ?? '');
      if (PAID.includes(launch.order.ordStas) || STATE_TEXT[launch.order.ordStas]) {
        // Paid meanwhile (another tab) or no longer payable: show the page's current state.
        if (wantsJson(req)) return reply.send({ reload: true });
        return reply.redirect(`/cashier/view?${new URLSearchParams({ payOrdId: launch.order.payOrdId, chnlAppId: launch.app.appId, chnlEncData: form.get('chnlEncData') ?? '' }).toString()}`, 303);
      }
      const confirmed = confirmedFen(form.get('confirmedCashFen'));
      const location = await cashierPay(deps, launch, form.get('chnlType') ?? '', confirmed);
      if (wantsJson(req)) return reply.send({ redirect: location });
      return reply.redirect(location, 303);
    } catch (err) {
      if (err instanceof AmountChangedError) return amountChanged(req, reply, err, form.get('confirmedCashFen'));
      return fail(reply, req, err, theApp);
    }
  });

  // 6205 medBankPayUrl: the center's page in every mode (docs/center.md).
  app.get('/medBankPay', async (req, reply) => {
    const q = req.query as Record<string, string>;
    let theApp: AppConfig | undefined;
    try {
      const { order } = await loadBankPaySession(deps, q.payOrdId ?? '', q.token ?? '');
      theApp = center.app(order.appId);
      if (!theApp) throw new YibaoError(ErrorCode.UNKNOWN_APP, '应用信息不存在');
      const page = orderView(theApp, order, () => bankDocument(bankPayBody(theApp!, order, q.token ?? '', platform.sandbox)));
      return sendPage(reply, page, 200, logoOrigin(theApp));
    } catch (err) {
      return fail(reply, req, err, theApp);
    }
  });

  app.post('/medBankPay', async (req, reply) => {
    const form = new URLSearchParams(String(req.body ?? ''));
    const payOrdId = form.get('payOrdId') ?? '';
    const token = form.get('token') ?? '';
    let theApp: AppConfig | undefined;
    try {
      const { order: before } = await loadBankPaySession(deps, payOrdId, token);
      theApp = center.app(before.appId);
      if (!theApp) throw new YibaoError(ErrorCode.UNKNOWN_APP, '应用信息不存在');
      const order = await confirmBankPay(deps, theApp, payOrdId, token, confirmedFen(form.get('confirmedCashFen')));
      const back = `/medBankPay?${new URLSearchParams({ payOrdId, token }).toString()}`;
      if (order.ordStas === OrdStas.FAILED) {
        const f = { title: '银行卡扣款失败', text: '银行没有完成扣款，医保部分也已撤回，没有产生费用。您可以稍后再试一次。', code: OrdStas.FAILED, backUrl: back, backText: '再试一次' };
        if (wantsJson(req)) return reply.send({ dialog: f });
        return sendPage(reply, failurePage(f), 200);
      }
      if (wantsJson(req)) return reply.send({ redirect: back });
      return reply.redirect(back, 303);
    } catch (err) {
      if (err instanceof AmountChangedError) return amountChanged(req, reply, err, form.get('confirmedCashFen'));
      return fail(reply, req, err, theApp);
    }
  });

  /** The cash part moved since the page was shown: ask again (3.9 double-button dialog), charge nothing. */
  function amountChanged(req: FastifyRequest, reply: FastifyReply, err: AmountChangedError, shown: string | null) {
    const before = confirmedFen(shown);
    const now = err.now;
    const text = `个人账户余额已变化，个人账户支付现为 ¥${fenToYuan(now.psnAcctPayFen)}，现金支付${before !== undefined ? `由 ¥${fenToYuan(before)} ` : ''}变为 ¥${fenToYuan(now.ownPayAmtFen)}。是否按新金额支付？`;
    const confirm = { title: '支付金额有变化', text, confirmedCashFen: String(now.ownPayAmtFen), payAmount: `¥${fenToYuan(now.ownPayAmtFen)}` };
    if (wantsJson(req)) return reply.send({ confirm });
    return sendPage(reply, failurePage({ title: confirm.title, text: `${text}请返回上一页刷新后重新确认。` }), 409);
  }

  if (!platform.sandbox) return;

  app.post('/sandbox/pages/delay', async (req, reply) => {
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(String(req.body ?? '{}')) as Record<string, unknown>;
    } catch {
      body = { bad: true };
    }
    const ok = (v: unknown) => v === undefined || (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 30_000);
    if (body.bad || !ok(body.view) || !ok(body.pay)) return reply.code(400).send({ code: '000105', message: 'view / pay: 应为 0–30000 的整数毫秒' });
    delays.set(platform, { view: Number(body.view ?? 0), pay: Number(body.pay ?? 0) });
    return reply.send({ view: Number(body.view ?? 0), pay: Number(body.pay ?? 0) });
  });

  app.get('/sandbox/authorize', async (req, reply) => {
    const q = req.query as Record<string, string>;
    const returnUrl = q.returnUrl ? httpUrl(q.returnUrl) : undefined;
    if (q.returnUrl && !returnUrl) return sendPage(reply, failurePage({ title: '返回地址无效', text: 'returnUrl 应为 http(s) 地址。', code: '000105' }), 400);
    const person = q.psnNo ? platform.upstreams.evoucher.findPerson({ psnNo: q.psnNo }) : undefined;
    if (!person) {
      const keep = new URLSearchParams();
      if (returnUrl) keep.set('returnUrl', returnUrl);
      if (q.orgCodg) keep.set('orgCodg', q.orgCodg);
      return sendPage(reply, authorizeChoosePage(platform.persons, keep), q.psnNo ? 404 : 200);
    }
    const org = (deps.config.apps ?? []).find((a) => a.orgCodg === q.orgCodg);
    return sendPage(reply, authorizePage({ person, ...(org ? { orgName: org.orgName, orgCodg: org.orgCodg } : {}), ...(returnUrl ? { returnUrl } : {}) }));
  });

  app.post('/sandbox/authorize', async (req, reply) => {
    const form = new URLSearchParams(String(req.body ?? ''));
    const person = platform.upstreams.evoucher.findPerson({ psnNo: form.get('psnNo') ?? '' });
    if (!person) return sendPage(reply, failurePage({ title: '参保人不存在', text: '请回到上一页重新选择参保人。', code: '-1', backUrl: '/sandbox/authorize', backText: '重新选择' }), 404);
    const returnUrl = form.get('returnUrl') ? httpUrl(form.get('returnUrl')!) : undefined;
    if (form.get('returnUrl') && !returnUrl) return sendPage(reply, failurePage({ title: '返回地址无效', text: 'returnUrl 应为 http(s) 地址。', code: '000105' }), 400);
    const apps = deps.config.apps ?? [];
    const orgCodg = form.get('orgCodg') || (apps.length === 1 ? apps[0]!.orgCodg : undefined);
    const now = deps.clock();
    const auth = await deps.store.transaction((tx) => platform.upstreams.evoucher.issuePayAuthNo({ tx, now }, { psnNo: person.psnNo, ...(orgCodg ? { orgCodg } : {}) }));
    if (returnUrl) {
      const back = new URL(returnUrl);
      back.searchParams.set('payAuthNo', auth.payAuthNo);
      return reply.redirect(back.toString(), 303);
    }
    const org = apps.find((a) => a.orgCodg === orgCodg);
    return sendPage(reply, authorizePage({ person, ...(org ? { orgName: org.orgName } : {}), issued: { payAuthNo: auth.payAuthNo, expiresAt: auth.expiresAt } }));
  });

  /** The terminal's screen, as the patient at the counter sees it. */
  app.get('/sandbox/terminal', async (req, reply) => {
    const q = req.query as Record<string, string>;
    const apps = deps.config.apps ?? [];
    const orgCodg = q.orgCodg || (apps.length === 1 ? apps[0]!.orgCodg : undefined);
    if (!orgCodg) return sendPage(reply, failurePage({ title: '请指定机构', text: '有多个机构时请在地址中给出 orgCodg。', code: '000105' }), 400);
    const screen = await terminalScreen(deps, orgCodg);
    return sendPage(reply, terminalPage({ ...(screen.auth ? { auth: screen.auth } : {}), ...(screen.notice ? { notice: screen.notice } : {}) }));
  });
}

/** The confirmed cash part from a form: integer fen, or undefined (an old page without the field). */
function confirmedFen(v: string | null): number | undefined {
  return v && /^\d{1,15}$/.test(v) ? Number(v) : undefined;
}

function httpUrl(text: string): string | undefined {
  try {
    const u = new URL(text);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}
