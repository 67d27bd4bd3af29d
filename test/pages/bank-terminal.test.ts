import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { authorise, LISI, payData, queryData, scanAndUpload } from '../helpers/flow.js';
import { clientsFor, faceScan } from '../systems/helpers.js';
import { SETTLE_NOTIFY_AMOUNTS } from '../../packages/platform/src/server/pages/terminal.js';

/** Pages checked over plain HTTP (no browser needed): the 6205 bank-card page and the terminal screen. */
describe.each(storeKinds)('6205 bank-card page and terminal screen on $name', (kind) => {
  let t: TestPlatform & { reuse: any };
  beforeAll(async () => {
    t = await startTestPlatform(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (body: Record<string, string>) =>
    fetch(`${t.url}/medBankPay`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: new URLSearchParams(body).toString() }).then((r) => r.json() as Promise<Record<string, any>>);

  it('charges exactly the amount the patient confirmed, or asks again; a channel failure is a dialog', async () => {
    await t.platform.deps.store.query('UPDATE psn_accounts SET balance_fen = $1 WHERE psn_no = $2', [3560, LISI.psnNo]);
    const u = await scanAndUpload(t, LISI);
    const { payAuthNo } = await authorise(t, LISI);
    const r = await t.call('6205', { payAuthNo, payOrdId: u.payOrdId, payToken: u.payToken, orgCodg: u.upload.orgCodg, orgBizSer: `BK${Date.now()}` });
    const url = new URL(String(r.data!.medBankPayUrl));
    const page = await fetch(url);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const html = await page.text();
    const shown = /name="confirmedCashFen" value="(\d+)"/.exec(html)![1]!;
    // The account is spent by another order before the patient confirms.
    const other = await scanAndUpload(t, LISI);
    const auth = await authorise(t, LISI);
    expect((await t.call('6202', payData(other, auth.payAuthNo))).code).toBe('0');
    const form = { payOrdId: u.payOrdId, token: url.searchParams.get('token')!, confirmedCashFen: shown };
    const asked = await post(form);
    expect(asked.confirm.title).toBe('支付金额有变化');
    const trades = () => t.platform.deps.store.query<{ amount_fen: string }>("SELECT amount_fen FROM channel_trades WHERE pay_ord_id = $1 AND kind = 'PAY'", [u.payOrdId]);
    expect(await trades()).toEqual([]); // nothing charged
    expect((await t.call('6301', queryData(u))).data!.ordStas).toBe('1');
    // A refusing bank: the patient reads a dialog, the order stays payable.
    await t.post('/sandbox/channels/failures', { op: 'pay', result: 'FAIL', count: 1 });
    const refused = await post({ ...form, confirmedCashFen: asked.confirm.confirmedCashFen });
    expect(refused.dialog.title).toBe('银行卡扣款失败');
    const paid = await post({ ...form, confirmedCashFen: asked.confirm.confirmedCashFen });
    expect(paid.redirect).toMatch(/^\/medBankPay\?/);
    const charged = (await trades()).map((x) => Number(x.amount_fen));
    expect(charged.at(-1)).toBe(Number(asked.confirm.confirmedCashFen));
    expect(Number(asked.confirm.confirmedCashFen)).not.toBe(Number(shown));
    // Opened again: the result.
    expect(await (await fetch(url)).text()).toContain('医保支付成功');
  });

  it('the institution icon: the app\'s logoUrl (allowed by the CSP for that origin only), else a monogram drawn inline', async () => {
    const u = await scanAndUpload(t, LISI);
    const { payAuthNo } = await authorise(t, LISI);
    const r = await t.call('6205', { payAuthNo, payOrdId: u.payOrdId, payToken: u.payToken, orgCodg: u.upload.orgCodg, orgBizSer: `BK${Date.now()}` });
    const url = String(r.data!.medBankPayUrl);
    const plain = await fetch(url);
    expect(plain.headers.get('content-security-policy')).toContain("img-src 'self' data:;");
    expect(await plain.text()).toMatch(/<svg class="org-icon"[^>]*aria-label="[^"]+ 图标"/);
    const app = t.platform.center.app(t.app.config.appId)!;
    app.logoUrl = 'https://static.his.example.cn/logo.png';
    try {
      const withLogo = await fetch(url);
      expect(withLogo.headers.get('content-security-policy')).toContain("img-src 'self' data: https://static.his.example.cn;");
      expect(await withLogo.text()).toContain('<img class="org-icon" src="https://static.his.example.cn/logo.png"');
    } finally {
      delete app.logoUrl;
    }
  });

  it('outside sandbox mode the 6205 page is the center\'s and says nothing of a sandbox', async () => {
    const prod = await startTestPlatform(kind, { sandbox: false, operatorToken: 'a-strong-operator-token-0123456789', outbound: { allow: ['127.0.0.1'] } }, t.reuse);
    try {
      const u = await scanAndUpload(prod, LISI);
      const now = new Date();
      const auth = await prod.platform.deps.store.transaction((tx) => prod.platform.upstreams.evoucher.issuePayAuthNo({ tx, now }, { psnNo: LISI.psnNo, orgCodg: u.upload.orgCodg }));
      const r = await prod.call('6205', { payAuthNo: auth.payAuthNo, payOrdId: u.payOrdId, payToken: u.payToken, orgCodg: u.upload.orgCodg, orgBizSer: `BK${Date.now()}` });
      const url = new URL(String(r.data!.medBankPayUrl));
      expect(url.pathname).toBe('/medBankPay');
      const html = await (await fetch(url)).text();
      expect(html).toContain('银行卡支付');
      expect(html).not.toContain('沙箱');
      expect((await fetch(`${prod.url}/sandbox/authorize`)).status).toBe(404);
      expect((await fetch(`${prod.url}/`)).headers.get('content-type')).toMatch(/text\/html/);
    } finally {
      await prod.close();
    }
  });

  it('the terminal screen shows every amount of cn.nhsa.settle.notify', async () => {
    const c = clientsFor(t);
    const face = await faceScan(t, c, LISI);
    const amounts = Object.fromEntries(SETTLE_NOTIFY_AMOUNTS.map((k, i) => [k, `${i + 1}.${String(i + 10)}`]));
    await c.terminal.settleNotify({ outBizNo: face.auth.outBizNo, medicalSettleState: 'SUCCESS', operatorId: 'OP01', operatorName: '收款员甲', bizType: 'settle', setlTime: '2026-11-23 09:31:00', hospitalName: '福州市第一人民医院（测试）', medicalSettleNo: 'SN1', ...amounts } as never);
    const screen = await (await fetch(`${t.url}/sandbox/terminal?orgCodg=${t.app.config.orgCodg}`)).text();
    expect(SETTLE_NOTIFY_AMOUNTS).toHaveLength(13);
    for (const [k, v] of Object.entries(amounts)) expect(screen, k).toContain(`data-field="${k}">¥${v}<`);
  });
});
