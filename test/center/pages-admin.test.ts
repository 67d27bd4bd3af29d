import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCashierLaunchUrl, open6204Redirect } from '../../packages/yibao/src/protocol/mobile.js';
import { LosslessNumber } from 'lossless-json';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { authorise, LISI, payData, queryData, scanAndUpload } from '../helpers/flow.js';

describe.each(storeKinds)('patient pages, operator endpoints and several instances on $name', (kind) => {
  let t: TestPlatform & { reuse: any };
  beforeAll(async () => {
    t = await startTestPlatform(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('6205: the medBankPayUrl page shows the order; paying on it settles with channel BANK and calls back', async () => {
    const u = await scanAndUpload(t, LISI);
    const { payAuthNo } = await authorise(t, LISI);
    const data = { payAuthNo, payOrdId: u.payOrdId, payToken: u.payToken, orgCodg: u.upload.orgCodg, orgBizSer: `BK${Date.now()}` };
    const r = await t.call('6205', data);
    expect(r.code, r.message).toBe('0');
    const url = new URL(String(r.data!.medBankPayUrl));
    expect(url.origin).toBe(t.url);
    expect((await t.call('6205', data)).data).toEqual(r.data); // idempotent by orgBizSer
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('银行卡');
    expect(html).toContain('676.00');
    const paid = await fetch(`${t.url}/sandbox/medBankPay`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ payOrdId: u.payOrdId, token: url.searchParams.get('token')! }).toString(),
    });
    expect(paid.status).toBe(200);
    const q = await t.call('6301', queryData(u));
    expect(q.data!.ordStas).toBe('6');
    await t.receiver.waitForOrder(u.payOrdId);
    const trade = await t.platform.deps.store.query<{ chnl_type: string }>("SELECT chnl_type FROM channel_trades WHERE pay_ord_id = $1 AND kind = 'PAY'", [u.payOrdId]);
    expect(trade[0]!.chnl_type).toBe('BANK');
    const forged = await fetch(`${t.url}/sandbox/medBankPay?payOrdId=${u.payOrdId}&token=forged`);
    expect(forged.status).toBe(400);
  });

  it('cashier: cashierUrl + chnlAppId + chnlEncData opens the 收银台; paying redirects with 6204', async () => {
    const u = await scanAndUpload(t, LISI);
    const pre = await t.call('6201', u.upload); // the same upload again: same answer, cashierUrl included
    const cashierUrl = String(pre.data!.cashierUrl);
    expect(cashierUrl).toMatch(/\/cashier\?payOrdId=/);
    const { payAuthNo } = await authorise(t, LISI);
    const launch = buildCashierLaunchUrl(cashierUrl, t.app.keys, { payAuthNo, deposit: new LosslessNumber('10.00') });
    const page = await fetch(launch);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('医保基金支付');
    expect(html).toContain('#3B71E8');
    const form = new URL(launch).searchParams;
    const res = await fetch(`${t.url}/cashier/pay`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ payOrdId: u.payOrdId, chnlAppId: t.app.config.appId, chnlEncData: form.get('chnlEncData')!, chnlType: 'ALI' }).toString(),
    });
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    expect(location.startsWith('https://his.example.cn/pay/return?')).toBe(true);
    const sync = open6204Redirect(new URL(location).search, (id) => (id === t.app.config.appId ? t.app.config.appSecret : undefined));
    expect(sync.chnlType).toBe('ALI');
    expect(sync.data).toMatchObject({ payOrdId: u.payOrdId, medOrgOrd: u.upload.medOrgOrd, deposit: '10.00' });
    for (const f of ['payOrdId', 'medOrgOrd', 'feeSumamt', 'ownPayAmt', 'psnAcctPay', 'fundPay', 'othFeeAmt']) expect(sync.data[f], f).toBeDefined();
    const q = await t.call('6301', queryData(u));
    expect(q.data!.ordStas).toBe('4'); // insurance paid; the HIS collects the cash after 6204
    expect(q.data!.setlType).toBe('HI');
  });

  it('operator endpoints: token required; orders with filters; one order with its history', async () => {
    const unauth = await fetch(`${t.url}/admin/orders`);
    expect(unauth.status).toBe(401);
    const wrong = await fetch(`${t.url}/admin/orders`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const u = await scanAndUpload(t, LISI);
    await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
    const settled = await t.admin(`/admin/orders?ordStas=6&orgCodg=${u.upload.orgCodg}&limit=2`);
    expect(settled.status).toBe(200);
    expect(settled.json.orders.length).toBeGreaterThan(0);
    expect(settled.json.orders.every((o: { ordStas: string }) => o.ordStas === '6')).toBe(true);
    const page2 = await t.admin(`/admin/orders?ordStas=6&limit=2&after=${settled.json.next ?? ''}`);
    expect(page2.status).toBe(200);
    const one = await t.admin(`/admin/orders/${u.payOrdId}`);
    expect(one.json.order).toMatchObject({ payOrdId: u.payOrdId, ordStas: '6', ordStasName: '结算完成', psnNo: LISI.psnNo });
    expect(one.json.order.idNo).toMatch(/^\d{4}\*+\d{3}[\dX]$/); // masked
    expect(one.json.order.userName).toBe('李*');
    expect(one.json.history.map((h: { to: string }) => h.to)).toEqual(['1', '2', '6']);
    expect(one.json.history.map((h: { txn: string }) => h.txn)).toEqual(['6201', '6202', '6202']);
    expect((await t.admin('/admin/orders/ORD-NONE')).status).toBe(404);
    const byPsn = await t.admin(`/admin/orders?psnNo=${LISI.psnNo}&medOrgOrd=${u.upload.medOrgOrd}`);
    expect(byPsn.json.orders).toHaveLength(1);
    // from (inclusive) and to (exclusive), as a day in Beijing time or an ISO time.
    const inWindow = async (q: string) => (await t.admin(`/admin/orders?medOrgOrd=${u.upload.medOrgOrd}&${q}`)).json.orders.length;
    const created = new Date(Date.now() - 60_000).toISOString();
    expect(await inWindow(`from=${created}`)).toBe(1);
    expect(await inWindow(`to=${created}`)).toBe(0);
    expect(await inWindow(`from=${new Date(Date.now() + 60_000).toISOString()}`)).toBe(0);
    const tomorrow = new Date(Date.now() + 8 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
    expect(await inWindow(`to=${tomorrow}`)).toBe(1);
    expect(await inWindow(`from=${tomorrow}`)).toBe(0);
  });

  it('two instances on one database drain the outbox together: each callback delivered exactly once', async () => {
    const t2 = await startTestPlatform(kind, {}, t.reuse);
    try {
      const orders = [];
      for (let i = 0; i < 4; i++) {
        const via = i % 2 === 0 ? t : t2;
        const u = await scanAndUpload(via, LISI);
        await via.call('6202', payData(u, (await authorise(via, LISI)).payAuthNo));
        orders.push(u.payOrdId);
      }
      for (const id of orders) await t.receiver.waitForOrder(id);
      await new Promise((r) => setTimeout(r, 500));
      for (const id of orders) expect(t.receiver.received.filter((r) => r.data.payOrdId === id)).toHaveLength(1);
    } finally {
      await t2.close();
    }
  });

  it('unknown routes and broken requests answer JSON, never HTML or a stack trace', async () => {
    const r = await fetch(`${t.url}/no/such/path`, { method: 'POST', body: '{}' });
    expect(r.status).toBe(404);
    expect(await r.json()).toMatchObject({ code: '-5' });
    const badUrl = await fetch(`${t.url}/admin/orders/%E0%A4%A`, { headers: { authorization: 'Bearer operator-test-token' } });
    expect(badUrl.status).toBe(400);
    expect(await badUrl.json()).toEqual({ code: '000105', message: '请求格式有误：请求地址的百分号编码无效', success: false });
    const h = await fetch(`${t.url}/healthz`);
    expect(await h.json()).toMatchObject({ status: 'ok', sandbox: true });
    // Parameters no field can hold, a limit that is not a number: 400 naming them, never a 500.
    for (const [path, named] of [['/admin/orders?limit=abc', 'limit'], ['/admin/callbacks?limit=-1', 'limit'], ['/admin/orders/ORD%00X', 'payOrdId'], ['/admin/orders?psnNo=%00', 'psnNo'], ['/admin/orders?from=yesterday', 'from'], ['/admin/orders?to=2026-13-40', 'to'], ['/admin/orders?from=1', 'from'], ['/admin/orders?from=2024-02-30', 'from'], ['/admin/orders?to=2024-1-5', 'to'], ['/admin/orders?from=2024-01-05T10:00', 'from'], ['/sandbox/portal/messages?idNo=%00', 'idNo']] as const) {
      const res = await t.admin(path);
      expect(res.status, path).toBe(400);
      expect(res.json, path).toMatchObject({ code: '000105' });
      expect(res.json.message, path).toMatch(new RegExp(`^${named}: `));
    }
    // Sandbox helpers: a body that is not a JSON object is 400, a callback address must be http(s).
    for (const [body, message] of [
      ['{not json', /^请求体不是有效的 JSON：/],
      ['null', /^请求体应为 JSON 对象$/],
      ['[1]', /^请求体应为 JSON 对象$/],
      ['{"psnNo":"a","psnNo":"b"}', /^请求体不是有效的 JSON：Duplicate key 'psnNo'/],
    ] as const) {
      const res = await fetch(`${t.url}/sandbox/auth`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status, body).toBe(400);
      const answer = (await res.json()) as { code: string; message: string };
      expect(answer.code).toBe('000105');
      expect(answer.message, body).toMatch(message);
    }
    const file = await t.post(`/sandbox/apps/${t.app.keys.appId}`, { notifyUrl: 'file:///etc/passwd' });
    expect(file.status).toBe(400);
    expect(file.json.message).toBe('notifyUrl: 应为 http(s) 地址');
    // A body over the limit: the answer says so, in JSON (test/cli/serve.test.ts: and it reaches the client).
    const huge = await fetch(`${t.url}/org/local/api/hos/query_order_info`, { method: 'POST', body: 'x'.repeat(9 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ code: '000105', message: '报文过大：请求体超过 8 MB' });
  });
});
