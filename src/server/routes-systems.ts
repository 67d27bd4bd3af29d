import { formatDateTime, parseWireTime } from 'yibao/protocol';
import { rawBody, readBody } from './body.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { stringifyWire } from 'yibao/protocol';
import { statementCsv } from 'yibao/protocol';
import { FSI_PATH, TERMINAL_PATH } from 'yibao/spec';
import { PORTAL_TXNS, listPortalMessages } from '../center/portal.js';
import { channelUserName } from '../center/onecode.js';
import { stageFace, terminalScreen } from '../center/terminal.js';
import { YibaoError } from 'yibao/protocol';
import { maskName } from '../util/mask.js';
import type { ChannelType } from '../upstream/types.js';
import { esc, page } from './html.js';
import { portalTransactions } from 'yibao/spec';
import type { Platform } from './platform.js';

function json(reply: FastifyReply, traceId: string, body: unknown): void {
  reply.header('x-yibao-trace-id', traceId).type('application/json; charset=utf-8').send(stringifyWire(body));
}


/**
 * The other three systems of the specs beside the center: the one-code-pay module with the FSI
 * person query (one FSI-style path), the regional payment portal, the service terminal gateway, and
 * the simulated channels' merchant API that one-code-pay pays through.
 */
export function registerSystemRoutes(app: FastifyInstance, platform: Platform): void {
  app.post(FSI_PATH, async (req, reply) => {
    const r = await platform.onecode.handle(rawBody(req.body), req.ip);
    json(reply, r.traceId, r.body);
  });
  for (const txn of PORTAL_TXNS) {
    app.post(portalTransactions[txn].path, async (req, reply) => {
      const r = await platform.portal.handle(txn, rawBody(req.body), req.ip);
      json(reply, r.traceId, r.body);
    });
  }
  app.post(TERMINAL_PATH, async (req, reply) => {
    const r = await platform.terminal.handle(rawBody(req.body), req.ip);
    json(reply, r.traceId, r.body);
  });

  // The simulated channels' merchant API (docs/systems.md): JSON in, signed JSON out, failures too.
  const send = (reply: FastifyReply, body: unknown) => reply.type('application/json; charset=utf-8').send(JSON.stringify(body));
  app.post('/channel/pay', async (req, reply) => {
    const body = readBody(req.body);
    return send(reply, body.value ? await platform.channelApi.pay(body.value, req.ip) : { status: 'FAIL', ...body.error });
  });
  app.post('/channel/refund', async (req, reply) => {
    const body = readBody(req.body);
    return send(reply, body.value ? await platform.channelApi.refund(body.value, req.ip) : { status: 'FAIL', ...body.error });
  });
  app.get('/channel/statement', async (req, reply) => {
    const q = req.query as Record<string, string>;
    const s = await platform.channelApi.statement(q, req.ip);
    if (q.format === 'csv' && s.status === 'SUCC') {
      return reply
        .header('content-disposition', `attachment; filename="statement-${String(s.date)}.csv"`)
        .type('text/csv; charset=utf-8')
        .send(statementCsv(s.lines as Array<Record<string, unknown>>));
    }
    return send(reply, s);
  });
}


const STATE_NAMES: Record<string, string> = { SUCCESS: '结算成功', FAIL: '结算失败', REFUND_SUCCESS: '退费成功', REFUND_FAIL: '退费失败' };
const BIZ_NAMES: Record<string, string> = { register: '挂号窗口', settle: '诊间', drugStore: '药店' };
const DRUG_STATUS_NAMES: Record<string, string> = { WAIT: '待核销', DONE: '已核销', CANCELLED: '已作废（订单已退款）' };
const ORDER_STATUS_NAMES: Record<string, string> = { MERCHANT_WAIT_PAY: '待支付', MERCHANT_PAID: '已支付', MERCHANT_PART_REFUNDED: '已部分退款', MERCHANT_REFUNDED: '已全额退款' };

/**
 * Sandbox stand-ins for what happens outside the HIS (docs/sandbox.md): the patient enables
 * one-code-pay in a channel app (4.1 step 1), steps in front of the counter's terminal, looks at the
 * terminal's screen and at the messages the portal pushed to their app.
 */
export function registerSystemSandbox(app: FastifyInstance, platform: Platform): void {
  const { deps } = platform;
  const orgOf = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : (deps.config.apps ?? []).length === 1 ? deps.config.apps![0]!.orgCodg : undefined);

  app.post('/sandbox/onecode/signing', async (req, reply) => {
    const parsed = readBody(req.body);
    if (!parsed.value) return reply.code(400).send(parsed.error);
    const b = parsed.value;
    const chnlType = String(b.chnlType ?? 'ALI');
    const status = String(b.status ?? 'ENABLED');
    const risk = String(b.risk ?? 'PASS');
    if (typeof b.psnNo !== 'string' || !b.psnNo) return reply.code(400).send({ code: '000105', message: 'psnNo: 必填（人员编号）' });
    if (!['WX', 'ALI', 'UP', 'BANK'].includes(chnlType)) return reply.code(400).send({ code: '000105', message: 'chnlType: 应为 WX/ALI/UP/BANK 之一' });
    if (status !== 'ENABLED' && status !== 'DISABLED') return reply.code(400).send({ code: '000105', message: 'status: 应为 ENABLED 或 DISABLED' });
    if (risk !== 'PASS' && risk !== 'REFUSE') return reply.code(400).send({ code: '000105', message: 'risk: 应为 PASS 或 REFUSE' });
    const person = platform.upstreams.evoucher.findPerson({ psnNo: b.psnNo });
    if (!person) return reply.code(404).send({ code: '-1', message: `人员不存在：${b.psnNo}` });
    const abnRea = typeof b.abnRea === 'string' && b.abnRea ? b.abnRea : status === 'DISABLED' ? '用户已在支付渠道关闭一码付' : undefined;
    await deps.store.transaction((tx) =>
      platform.upstreams.channels.setOneCodeSigning(
        { tx, now: deps.clock() },
        { psnNo: person.psnNo, chnlType: chnlType as ChannelType, status, risk, payChnlUserName: channelUserName(person), ...(abnRea ? { abnRea } : {}) },
      ),
    );
    return { psnNo: b.psnNo, chnlType, status, risk };
  });

  app.post('/sandbox/terminal/face', async (req, reply) => {
    const parsed = readBody(req.body);
    if (!parsed.value) return reply.code(400).send(parsed.error);
    const b = parsed.value;
    const orgCodg = orgOf(b.orgCodg);
    if (typeof b.psnNo !== 'string' || !b.psnNo || !orgCodg) return reply.code(400).send({ code: '000105', message: 'psnNo 必填；有多个机构时 orgCodg 必填' });
    try {
      await stageFace(deps, { orgCodg, psnNo: b.psnNo, proxy: b.proxy === true });
    } catch (err) {
      if (err instanceof YibaoError) return reply.code(404).send({ code: err.code, message: err.message });
      throw err;
    }
    return { orgCodg, psnNo: b.psnNo, proxy: b.proxy === true };
  });

  /** The terminal's screen, as the patient at the counter sees it. */
  app.get('/sandbox/terminal', async (req, reply) => {
    const orgCodg = orgOf((req.query as Record<string, string>).orgCodg);
    if (!orgCodg) return reply.code(400).type('text/html; charset=utf-8').send(page('终端', '<div class="card">请给出 orgCodg</div>'));
    const { auth, notice } = await terminalScreen(deps, orgCodg);
    const d = notice?.data ?? {};
    const amounts = [
      ['totalFee', '总费用'],
      ['hifpAmt', '统筹基金支出'],
      ['acctAmt', '个人帐户支出'],
      ['hifAmt', '医保报销费用'],
      ['ownAmt', '自费费用'],
      ['balance', '帐户余额'],
    ]
      .filter(([k]) => d[k!] !== undefined && d[k!] !== '')
      .map(([k, name]) => `<div class="row"><span>${esc(name)}</span><b data-field="${esc(k)}">¥${esc(d[k!])}</b></div>`)
      .join('');
    const authCard = auth
      ? `<div class="card" id="auth"><b>刷脸认证成功</b><div class="row"><span>参保人</span><b>${esc(maskName(auth.userName))}</b></div><div class="row muted"><span>业务流水号</span><span>${esc(auth.out_biz_no)}</span></div>${auth.proxy ? '<div class="row muted"><span>亲情代展码</span><span>是</span></div>' : ''}</div>`
      : '<div class="card" id="auth"><b>请正对屏幕刷脸</b></div>';
    const noticeCard = notice
      ? `<div class="card" id="notice"><b data-state="${esc(d.medicalSettleState)}">${esc(STATE_NAMES[String(d.medicalSettleState)] ?? d.medicalSettleState)}</b>
<div class="row muted"><span>${esc(d.hospitalName)}</span><span>${esc(BIZ_NAMES[String(d.bizType)] ?? d.bizType)}</span></div>${amounts}
${d.failReason ? `<div class="row"><span>失败原因</span><b>${esc(d.failReason)}</b></div>` : ''}<div class="row muted"><span>结算时间</span><span>${esc(showTime(d.setlTime))}</span></div></div>`
      : '';
    reply.type('text/html; charset=utf-8').send(page('医保业务综合服务终端', `<header>医保业务综合服务终端</header>${authCard}${noticeCard}`));
  });

  /** What the patient's app shows: the portal's pushed messages for one ID number. */
  app.get('/sandbox/portal/messages', async (req, reply) => {
    const q = req.query as Record<string, string>;
    if (!q.idNo) return reply.code(400).send({ code: '000105', message: 'idNo: 必填（证件号码）' });
    const messages = await listPortalMessages(deps, { idNo: q.idNo, ...(q.limit ? { limit: Number(q.limit) } : {}) });
    if (q.format !== 'html') return { messages };
    const cards = messages
      .map(
        (m) => `<div class="card message" data-status="${esc(m.orderStatus)}"><b>${esc(ORDER_STATUS_NAMES[m.orderStatus] ?? m.orderStatus)}</b>
<div class="row"><span>${esc(m.deptName)}${m.deptLoc ? `（${esc(m.deptLoc)}）` : ''}</span><span class="muted">${esc(m.medOrgOrd)}</span></div>
${m.drName ? `<div class="row"><span>医生</span><span>${esc(m.drName)}</span></div>` : ''}${m.waitingNum ? `<div class="row"><span>候诊号</span><b>${esc(m.waitingNum)}</b></div>` : ''}${m.scheduledTime ? `<div class="row"><span>预约时间</span><span>${esc(m.scheduledTime)}</span></div>` : ''}${m.refundReason ? `<div class="row"><span>退款原因</span><span>${esc(m.refundReason)}</span></div>` : ''}
${m.takeMedicineLoc ? `<div class="row"><span>取药</span><b>${esc(m.takeMedicineLoc)}</b></div>` : ''}${m.checkItem ? `<div class="row"><span>检查</span><b>${esc(m.checkItem)}</b></div>` : ''}
${m.drugTipsId ? `<div class="row"><span>取药码</span><b>${esc(m.drugTipsId)}</b><span class="muted">${DRUG_STATUS_NAMES[m.drugStatus ?? ''] ?? '待核销'}</span></div>` : ''}${m.createTime ? `<div class="row muted"><span>时间</span><span>${esc(m.createTime)}</span></div>` : ''}</div>`,
      )
      .join('');
    reply.type('text/html; charset=utf-8').send(page('医保消息', `<header>医保消息</header>${cards || '<div class="card muted">暂无消息</div>'}`));
  });
}

/** A time as the terminal shows it (yyyy-MM-dd HH:mm:ss), whichever accepted form it came in. */
function showTime(value: string | undefined): string {
  const t = value ? parseWireTime(value) : undefined;
  return t ? formatDateTime(t) : (value ?? '');
}
