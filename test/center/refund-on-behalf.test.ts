import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { authorise, fen, LISI, payData, queryData, refundData, scanAndUpload, type Uploaded } from '../helpers/flow.js';
import { createApiToken, createOperator } from '../../packages/platform/src/center/operators.js';
import { listAudit } from '../../packages/platform/src/center/audit.js';

/** 代机构退款 (issue 13): POST /admin/orders/:payOrdId/refund runs the center's 6203 and audits it. */
describe.each(storeKinds)('refund on behalf of the institution on $name', (kind) => {
  let t: TestPlatform & { reuse: any };
  let viewerToken = '';
  let operatorToken = '';
  let u: Uploaded;
  let cashFen = 0;

  const refund = async (token: string, payOrdId: string, body: unknown) => {
    const r = await fetch(`${t.url}/admin/orders/${payOrdId}/refund`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, json: (await r.json()) as Record<string, string> };
  };

  beforeAll(async () => {
    t = await startTestPlatform(kind);
    const store = t.platform.deps.store;
    await createOperator(store, { name: 'wang.viewer', role: 'viewer', password: 'viewer-password-1' });
    await createOperator(store, { name: 'li.operator', role: 'operator', password: 'operator-password-1' });
    viewerToken = (await createApiToken(store, 'wang.viewer', 'test')).token;
    operatorToken = (await createApiToken(store, 'li.operator', 'test')).token;
    u = await scanAndUpload(t, LISI);
    const paid = await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
    expect(paid.code, paid.message).toBe('0');
    cashFen = fen(paid.data!.ownPayAmt);
    expect(cashFen).toBeGreaterThan(100);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a viewer is refused (403); bad input is 400 naming the field; nothing is refunded or audited', async () => {
    const viewer = await refund(viewerToken, u.payOrdId, { refdType: 'CASH', cashRefdAmt: '1.00', reason: '患者要求' });
    expect(viewer.status).toBe(403);
    expect(viewer.json.message).toMatch(/权限不足.*operator/);
    const noReason = await refund(operatorToken, u.payOrdId, { refdType: 'CASH', cashRefdAmt: '1.00', reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(noReason.json).toMatchObject({ code: '000105' });
    expect(noReason.json.message).toMatch(/^reason: 必填/);
    const badType = await refund(operatorToken, u.payOrdId, { refdType: 'PART', reason: 'x' });
    expect(badType.status).toBe(400);
    expect(badType.json.message).toMatch(/^refdType: .*退费类型/);
    const badAmount = await refund(operatorToken, u.payOrdId, { refdType: 'CASH', cashRefdAmt: '1.001', reason: 'x' });
    expect(badAmount.status).toBe(400);
    expect(badAmount.json.message).toMatch(/^cashRefdAmt: .*现金退费金额/);
    expect((await refund(operatorToken, 'NO-SUCH-ORDER', { refdType: 'ALL', reason: 'x' })).status).toBe(404);
    expect((await t.admin(`/admin/orders/${u.payOrdId}`)).json.refunds).toEqual([]);
    expect(await listAudit(t.platform.deps.store, { action: 'order.refund' })).toEqual([]);
  });

  it('an operator refunds part of the cash, then the rest; an over-refund is refused with the center code; audited with actor and reason; the HIS sees it in 6301', async () => {
    const part = await refund(operatorToken, u.payOrdId, { refdType: 'CASH', cashRefdAmt: '1.00', reason: '患者投诉重复收费，医院电话委托' });
    expect(part.status, JSON.stringify(part.json)).toBe(200);
    expect(part.json).toMatchObject({ payOrdId: u.payOrdId, refStatus: 'SUCC', ordStas: '10' });
    expect(part.json.appRefdSn).toMatch(/^OPR\d{14}[0-9A-F]{12}$/);
    expect(part.json.appRefdSn.length).toBeLessThanOrEqual(40);

    // More than the cash left: the center's own refusal (000105 naming cashRefdAmt), and no audit row.
    const over = await refund(operatorToken, u.payOrdId, { refdType: 'CASH', cashRefdAmt: (cashFen / 100).toFixed(2), reason: '多退' });
    expect(over.status).toBe(400);
    expect(over.json.code).toBe('000105');
    expect(over.json.message).toMatch(/data\.cashRefdAmt: 不能超过可退现金/);

    const rest = await refund(operatorToken, u.payOrdId, { refdType: 'CASH', reason: '退还剩余现金' });
    expect(rest.status, JSON.stringify(rest.json)).toBe(200);
    expect(rest.json.refStatus).toBe('SUCC');
    expect(rest.json.appRefdSn).not.toBe(part.json.appRefdSn);

    // Nothing left in cash: a CASH refund is the center's business refusal (-1), 409.
    const none = await refund(operatorToken, u.payOrdId, { refdType: 'CASH', reason: '再退' });
    expect(none.status).toBe(409);
    expect(none.json).toMatchObject({ code: '-1', message: '订单没有可退的现金' });

    const audit = await listAudit(t.platform.deps.store, { action: 'order.refund', target: u.payOrdId });
    expect(audit.map((a) => [a.actor, a.reason])).toEqual([
      ['li.operator', '退还剩余现金'],
      ['li.operator', '患者投诉重复收费，医院电话委托'],
    ]);
    expect(audit[1]!.detail).toMatchObject({ appRefdSn: part.json.appRefdSn, refdSn: part.json.refdSn, refdType: 'CASH', cashRefdAmt: '1.00', refStatus: 'SUCC' });
    expect(audit[0]!.detail).toMatchObject({ cashRefdAmt: ((cashFen - 100) / 100).toFixed(2) });

    // The institution's own view: the order's cash is refunded, the refunds are there, and its own
    // refund still works for the insurance part (the operator's keys never take the HIS's).
    const q = await t.call('6301', queryData(u));
    expect(q.code, q.message).toBe('0');
    const rows = (await t.admin(`/admin/orders/${u.payOrdId}`)).json;
    expect(rows.order.cashRefunded).toBe((cashFen / 100).toFixed(2));
    expect((rows.refunds as Array<{ refStatus: string; cashRefdAmt: string }>).map((r) => `${r.refStatus}:${r.cashRefdAmt}`).sort()).toEqual(['SUCC:1.00', `SUCC:${((cashFen - 100) / 100).toFixed(2)}`].sort());
    const fund = String(q.data!.fundPay);
    const acct = String(q.data!.psnAcctPay);
    const hi = await t.call('6203', refundData(u, { refdType: 'HI', total: ((fen(fund) + fen(acct)) / 100).toFixed(2), cash: '0.00' }));
    expect(hi.code, hi.message).toBe('0');
    expect(hi.data!.refStatus).toBe('SUCC');
    const after = await t.call('6301', queryData(u));
    expect(after.data!.ordStas).toBe('7');
  });
});

/**
 * The same refund twice — a double click, a browser's resubmission, a script's retry after a lost
 * answer — refunds once: the console's form carries an appRefdSn made with the page, and the admin
 * API takes one as its idempotency key (docs/console.md).
 */
describe.each(storeKinds)('refund on behalf, repeated, on $name', (kind) => {
  let t: TestPlatform & { reuse: any };
  let operatorToken = '';
  let u: Uploaded;
  let other: Uploaded;

  const refund = async (payOrdId: string, body: unknown) => {
    const r = await fetch(`${t.url}/admin/orders/${payOrdId}/refund`, { method: 'POST', headers: { authorization: `Bearer ${operatorToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, json: (await r.json()) as Record<string, unknown> };
  };
  const paidOrder = async () => {
    const order = await scanAndUpload(t, LISI);
    const paid = await t.call('6202', payData(order, (await authorise(t, LISI)).payAuthNo));
    expect(paid.code, paid.message).toBe('0');
    expect(fen(paid.data!.ownPayAmt)).toBeGreaterThan(300);
    return order;
  };
  const cashRefunded = async (payOrdId: string) => String((await t.admin(`/admin/orders/${payOrdId}`)).json.order.cashRefunded);

  beforeAll(async () => {
    t = await startTestPlatform(kind);
    await createOperator(t.platform.deps.store, { name: 'li.operator', role: 'operator', password: 'operator-password-1' });
    operatorToken = (await createApiToken(t.platform.deps.store, 'li.operator', 'test')).token;
    u = await paidOrder();
    other = await paidOrder();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('admin API: the same appRefdSn again answers the refund already made (repeated), refunds nothing more, audits once; another refund or order under it, or a malformed one, is refused naming appRefdSn', async () => {
    const key = 'OPR20261203120000ABCDEF012345';
    const first = await refund(u.payOrdId, { refdType: 'CASH', cashRefdAmt: '1.00', reason: '医院电话委托', appRefdSn: key });
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    expect(first.json).toMatchObject({ appRefdSn: key, refStatus: 'SUCC', ordStas: '10' });
    expect(first.json.repeated).toBeUndefined();

    const again = await refund(u.payOrdId, { refdType: 'CASH', cashRefdAmt: '1.00', reason: '医院电话委托', appRefdSn: key });
    expect(again.status, JSON.stringify(again.json)).toBe(200);
    expect(again.json).toMatchObject({ appRefdSn: key, refdSn: first.json.refdSn, refStatus: 'SUCC', ordStas: '10', repeated: true });
    expect(await cashRefunded(u.payOrdId)).toBe('1.00');
    expect((await listAudit(t.platform.deps.store, { action: 'order.refund', target: u.payOrdId })).length).toBe(1);

    const otherAmount = await refund(u.payOrdId, { refdType: 'CASH', cashRefdAmt: '2.00', reason: '改金额', appRefdSn: key });
    expect(otherAmount.status).toBe(400);
    expect(otherAmount.json).toMatchObject({ code: '000105' });
    expect(String(otherAmount.json.message)).toMatch(/^appRefdSn: 已用于另一笔退款/);
    const otherType = await refund(u.payOrdId, { refdType: 'ALL', reason: '改类型', appRefdSn: key });
    expect(otherType.status).toBe(400);
    expect(String(otherType.json.message)).toMatch(/^appRefdSn: 已用于另一笔退款/);
    const otherOrder = await refund(other.payOrdId, { refdType: 'CASH', cashRefdAmt: '1.00', reason: '别的订单', appRefdSn: key });
    expect(otherOrder.status).toBe(400);
    expect(String(otherOrder.json.message)).toMatch(/^appRefdSn: 已用于其他订单/);
    expect(await cashRefunded(other.payOrdId)).toBe('0.00');

    for (const bad of ['HIS0001', 'opr20261203120000abcdef012345', 12345]) {
      const r = await refund(other.payOrdId, { refdType: 'CASH', cashRefdAmt: '1.00', reason: '格式', appRefdSn: bad });
      expect(r.status, String(bad)).toBe(400);
      expect(String(r.json.message)).toMatch(/^appRefdSn: /);
    }
    expect(await cashRefunded(u.payOrdId)).toBe('1.00');
    expect(await cashRefunded(other.payOrdId)).toBe('0.00');
  });

  it('a repeat of a refund the channel left unknown (EXP) asks the channel first and answers the refund as it stands then', async () => {
    const order = await paidOrder();
    const key = 'OPR20261203120500ABCDEF012345';
    const body = { refdType: 'CASH', cashRefdAmt: '1.00', reason: '医院电话委托', appRefdSn: key };
    t.platform.upstreams.channels.addFailure({ op: 'refund', result: 'EXP', count: 1 });
    const first = await refund(order.payOrdId, body);
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    expect(first.json).toMatchObject({ appRefdSn: key, refStatus: 'EXP' });
    // Still unknown at the channel: the repeat says so, and nothing more leaves.
    t.platform.upstreams.channels.addFailure({ op: 'query', result: 'EXP', count: 1 });
    const unknown = await refund(order.payOrdId, body);
    expect(unknown.json).toMatchObject({ refdSn: first.json.refdSn, refStatus: 'EXP', repeated: true });
    expect(await cashRefunded(order.payOrdId)).toBe('0.00');
    // The channel knows now (it went through): the repeat answers SUCC and the order shows the refund.
    const known = await refund(order.payOrdId, body);
    expect(known.json).toMatchObject({ refdSn: first.json.refdSn, refStatus: 'SUCC', ordStas: '10', repeated: true });
    expect(await cashRefunded(order.payOrdId)).toBe('1.00');
    expect((await listAudit(t.platform.deps.store, { action: 'order.refund', target: order.payOrdId })).length).toBe(1);
  });

  it('console: the order page form, submitted twice, refunds once; the second lands on a notice saying so', async () => {
    const jar = new Map<string, string>();
    const take = (r: Response) => {
      for (const c of r.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const i = pair!.indexOf('=');
        jar.set(pair!.slice(0, i), pair!.slice(i + 1));
      }
      return r;
    };
    const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const get = async (path: string) => take(await fetch(`${t.url}${path}`, { headers: { cookie: cookie() }, redirect: 'manual' }));
    const post = async (path: string, fields: Record<string, string>) =>
      take(await fetch(`${t.url}${path}`, { method: 'POST', headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), redirect: 'manual' }));
    const hidden = (page: string, name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(page)?.[1] ?? '';

    const loginPage = await (await get('/console/login')).text();
    const login = await post('/console/login', { _csrf: hidden(loginPage, '_csrf'), next: '/console/dashboard', name: 'li.operator', password: 'operator-password-1' });
    expect(login.status).toBe(303);

    const page = await (await get(`/console/orders/${other.payOrdId}`)).text();
    const form = page.slice(page.indexOf('id="refund-form"'));
    const key = hidden(form, 'appRefdSn');
    expect(key).toMatch(/^OPR\d{14}[0-9A-F]{12}$/);
    const fields = { _csrf: hidden(form, '_csrf'), appRefdSn: key, refdType: 'CASH', cashRefdAmt: '2.50', reason: '医院电话委托退还多收费用' };
    const first = await post(`/console/orders/${other.payOrdId}/refund`, fields);
    const second = await post(`/console/orders/${other.payOrdId}/refund`, fields);
    expect([first.status, second.status]).toEqual([303, 303]);
    const firstAt = new URL(first.headers.get('location')!, t.url);
    const secondAt = new URL(second.headers.get('location')!, t.url);
    expect(firstAt.searchParams.get('repeated')).toBeNull();
    expect(secondAt.searchParams.get('repeated')).toBe('1');
    expect(secondAt.searchParams.get('refdSn')).toBe(firstAt.searchParams.get('refdSn'));
    const notice = await (await get(`${secondAt.pathname}${secondAt.search}`)).text();
    expect(notice).toContain('未重复退款');
    expect(await cashRefunded(other.payOrdId)).toBe('2.50');
    expect((await listAudit(t.platform.deps.store, { action: 'order.refund', target: other.payOrdId })).length).toBe(1);

    // A fresh page is a fresh form: a second refund on purpose is made.
    const again = await (await get(`/console/orders/${other.payOrdId}`)).text();
    expect(hidden(again.slice(again.indexOf('id="refund-form"')), 'appRefdSn')).not.toBe(key);
  });
});
