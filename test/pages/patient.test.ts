/// <reference lib="dom" />
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import jsQRModule from 'jsqr';
import { LosslessNumber } from 'lossless-json';
import { buildCashierLaunchUrl, open6204Redirect } from '../../packages/yibao/src/protocol/mobile.js';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { authorise, BILL, LISI, payData, queryData, scanAndUpload, ZHANGSAN } from '../helpers/flow.js';
import { HAS_CHROMIUM, launchChromium, phonePage, styleOf } from '../helpers/browser.js';

// jsqr is CommonJS with an ES-style default export: under NodeNext the function sits on `.default`.
type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = ((jsQRModule as unknown as { default?: Decode }).default ?? jsQRModule) as unknown as Decode;

const LINES = [
  { medListCodg: 'XJ01CRA086A001010100709', medListName: '阿莫西林胶囊', medListSpc: '8g/片', cnt: '2', pric: '35.5' },
  ...BILL.slice(1),
];

/** A HIS in miniature: its start page links to the authorisation page, its return page opens 6204. */
class MiniHis {
  server!: Server;
  url = '';
  received: Array<{ chnlType: string; data: Record<string, unknown> }> = [];
  constructor(private readonly t: TestPlatform) {}
  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', this.url);
      const page = (body: string) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>HIS</title>${body}</html>`);
      if (u.pathname === '/start') {
        const back = `${this.url}/authorised?cashierUrl=${encodeURIComponent(u.searchParams.get('cashierUrl')!)}`;
        return page(`<a id="pay" href="${this.t.url}/sandbox/authorize?psnNo=${u.searchParams.get('psnNo')}&amp;orgCodg=${this.t.app.config.orgCodg}&amp;returnUrl=${encodeURIComponent(back)}">医保支付</a>`);
      }
      if (u.pathname === '/authorised') {
        const launch = buildCashierLaunchUrl(u.searchParams.get('cashierUrl')!, this.t.app.keys, { payAuthNo: u.searchParams.get('payAuthNo')!, deposit: new LosslessNumber('10.00') });
        return res.writeHead(302, { location: launch }).end();
      }
      if (u.pathname === '/return') {
        const sync = open6204Redirect(u.search, (id) => (id === this.t.app.config.appId ? this.t.app.config.appSecret : undefined));
        this.received.push({ chnlType: sync.chnlType, data: sync.data });
        return page(`<h1 id="his-done">医院已收到 ${sync.data.payOrdId}</h1>`);
      }
      if (u.pathname === '/') return page('<h1 id="his-home">医院首页</h1>');
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }
  close() {
    return new Promise<void>((r) => this.server.close(() => r()));
  }
}

describe.skipIf(!HAS_CHROMIUM)('patient pages in Chromium (chapter 3)', () => {
  let t: TestPlatform;
  let his: MiniHis;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestPlatform(storeKinds[0]!);
    his = await new MiniHis(t).start();
    t.platform.center.app(t.app.config.appId)!.redirectUrl = `${his.url}/return`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await his?.close();
    await t?.close();
  });

  const launchFor = async (who = LISI, deposit?: string) => {
    const u = await scanAndUpload(t, who, { lines: LINES });
    const { payAuthNo } = await authorise(t, who);
    const cashierUrl = String((await t.call('6201', u.upload)).data!.cashierUrl);
    return { u, payAuthNo, url: buildCashierLaunchUrl(cashierUrl, t.app.keys, { payAuthNo, ...(deposit ? { deposit: new LosslessNumber(deposit) } : {}) }) };
  };
  const setDelay = (view: number, pay: number) => fetch(`${t.url}/sandbox/pages/delay`, { method: 'POST', body: JSON.stringify({ view, pay }) });

  /** Every request the page makes, to prove it is self-contained. */
  function watchRequests(page: Page): string[] {
    const seen: string[] = [];
    page.on('request', (r) => seen.push(r.url()));
    return seen;
  }

  it('the journey: HIS page → authorise (a real QR) → cashier → 6204 back to the HIS, encData decrypted and checked', async () => {
    const u = await scanAndUpload(t, LISI, { lines: LINES });
    const cashierUrl = String((await t.call('6201', u.upload)).data!.cashierUrl);
    const { context, page } = await phonePage(browser);
    const requests = watchRequests(page);
    await page.goto(`${his.url}/start?psnNo=${LISI.psnNo}&cashierUrl=${encodeURIComponent(cashierUrl)}`);
    await page.click('#pay');
    await page.waitForSelector('#ev-title');
    // The 医保电子凭证 QR is a real QR code of the person's 6101 value.
    const qr = await page.locator('.qr svg').evaluate(async (svg) => {
      const img = new Image();
      img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(svg));
      await img.decode();
      const c = document.createElement('canvas');
      c.width = c.height = 400;
      const g = c.getContext('2d')!;
      g.drawImage(img, 0, 0, 400, 400);
      return Array.from(g.getImageData(0, 0, 400, 400).data);
    });
    expect(jsQR(Uint8ClampedArray.from(qr), 400, 400)?.data).toBe(LISI.qrCode);
    await page.click('button:has-text("授权")');
    await page.waitForSelector('#app[data-layout=multi]');
    expect(await page.locator('[data-field=deposit]').textContent()).toBe('-¥10.00');
    await page.click('input[value=UP]');
    await page.click('button:has-text("去支付")');
    await page.waitForSelector('#his-done');
    const sync = his.received.at(-1)!;
    expect(sync.chnlType).toBe('UP');
    const order = (await t.call('6301', queryData(u))).data!;
    expect(sync.data).toMatchObject({ payOrdId: u.payOrdId, medOrgOrd: u.upload.medOrgOrd, deposit: '10.00', feeSumamt: order.feeSumamt, fundPay: order.fundPay, psnAcctPay: order.psnAcctPay, ownPayAmt: order.ownPayAmt, othFeeAmt: '0.00' });
    expect(order.ordStas).toBe('4');
    // Nothing was fetched from anywhere but the platform and the HIS.
    expect(requests.filter((r) => !r.startsWith(t.url) && !r.startsWith(his.url) && !r.startsWith('data:'))).toEqual([]);

    // Opened again: the result, not the form.
    await page.goBack();
    await page.goBack();
    const again = buildCashierLaunchUrl(cashierUrl, t.app.keys, { payAuthNo: new URL(page.url()).searchParams.get('payAuthNo') ?? 'X' });
    await page.goto(again);
    await page.waitForSelector('#app[data-state=paid]');
    expect(await page.locator('.state-title').textContent()).toBe('医保支付成功');
    expect(await page.locator('[data-field=settledAt]').textContent()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(await page.locator('form[data-pay]').count()).toBe(0);
    await context.close();
  });

  it('sizes and colours of tables A.2 and A.4 at 375 px; CSP and frame headers; no overflow from 320 to 750 px', async () => {
    const { url } = await launchFor();
    const { context, page } = await phonePage(browser);
    const res = await page.goto(url);
    expect(res!.headers()['content-security-policy']).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
    expect(res!.headers()['x-frame-options']).toBe('DENY');
    await page.waitForSelector('#app[data-layout]');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    const px = (n: number) => `${n}px`;
    expect(await styleOf(page, '.org-name', ['font-size', 'color', 'font-weight'])).toEqual({ 'font-size': px(18), color: 'rgb(255, 255, 255)', 'font-weight': '500' });
    expect(await styleOf(page, '.org-icon', ['width', 'height'])).toEqual({ width: px(40), height: px(40) });
    expect(await styleOf(page, '.card', ['border-top-left-radius', 'border-top-width', 'border-top-color'])).toEqual({ 'border-top-left-radius': px(8), 'border-top-width': px(1), 'border-top-color': 'rgb(230, 230, 230)' });
    expect(await styleOf(page, '.total', ['font-size', 'color'])).toEqual({ 'font-size': px(18), color: 'rgb(96, 98, 102)' });
    expect(await styleOf(page, '.fee-row', ['font-size', 'color'])).toEqual({ 'font-size': px(14), color: 'rgb(144, 147, 153)' });
    expect(await styleOf(page, '.fee-row.cash', ['font-size', 'color', 'font-weight'])).toEqual({ 'font-size': px(16), color: 'rgb(59, 113, 232)', 'font-weight': '500' });
    expect(await styleOf(page, '.detail-link', ['font-size', 'color'])).toEqual({ 'font-size': px(14), color: 'rgb(96, 98, 102)' });
    expect(await styleOf(page, '.channel', ['font-size', 'color'])).toEqual({ 'font-size': px(15), color: 'rgb(48, 49, 51)' });
    expect(await styleOf(page, '.channel-icon', ['width', 'height'])).toEqual({ width: px(25), height: px(25) });
    expect(await styleOf(page, '.pay-amount', ['font-size', 'color'])).toEqual({ 'font-size': px(22), color: 'rgb(59, 113, 232)' });
    expect(await styleOf(page, '.paybar .btn', ['font-size', 'color', 'background-color'])).toEqual({ 'font-size': px(18), color: 'rgb(255, 255, 255)', 'background-color': 'rgb(59, 113, 232)' });
    // 处方明细 popup (表 A.4)
    await page.click('text=查看明细');
    await page.waitForSelector('#detail[open]');
    expect(await styleOf(page, '#detail', ['border-top-left-radius'])).toEqual({ 'border-top-left-radius': px(16) });
    expect(await styleOf(page, '.info', ['border-top-left-radius', 'border-top-width', 'border-top-color'])).toEqual({ 'border-top-left-radius': px(6), 'border-top-width': px(1), 'border-top-color': 'rgb(230, 230, 230)' });
    expect(await styleOf(page, '.sheet-title', ['font-size', 'color'])).toEqual({ 'font-size': px(20), color: 'rgb(48, 49, 51)' });
    expect(await styleOf(page, '.sheet-total', ['font-size', 'color'])).toEqual({ 'font-size': px(18), color: 'rgb(96, 98, 102)' });
    expect(await styleOf(page, '.info h3', ['font-size', 'color'])).toEqual({ 'font-size': px(16), color: 'rgb(48, 49, 51)' });
    expect(await styleOf(page, '.info-row', ['font-size', 'color'])).toEqual({ 'font-size': px(14), color: 'rgb(96, 98, 102)' });
    expect(await styleOf(page, '.sheet-total .money', ['font-size', 'color', 'font-weight'])).toEqual({ 'font-size': px(14), color: 'rgb(59, 113, 232)', 'font-weight': '500' });
    expect(await styleOf(page, '.line-spec', ['font-size', 'color'])).toEqual({ 'font-size': px(14), color: 'rgb(144, 147, 153)' });
    for (const width of [320, 750, 1024]) {
      await page.setViewportSize({ width, height: 800 });
      const { scroll, inner, column } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: innerWidth, column: document.querySelector('#app')!.getBoundingClientRect().width }));
      expect(scroll, `width ${width}`).toBeLessThanOrEqual(inner);
      expect(column).toBeLessThanOrEqual(750);
    }
    await context.close();
  });

  it('查看明细 opens the 处方明细 popup: five blocks from the stored 6201 upload, each line with spec, count and amount; Esc closes it', async () => {
    const { url } = await launchFor();
    const { context, page } = await phonePage(browser);
    await page.goto(url);
    await page.waitForSelector('#app[data-layout]');
    expect(await page.locator('#detail').isVisible()).toBe(false);
    // By keyboard: focus 查看明细, Enter opens the popup.
    await page.locator('.detail-link').focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('#detail[open]');
    expect(await page.evaluate(() => document.activeElement?.closest('dialog')?.id)).toBe('detail');
    expect(await page.locator('#detail h3').allTextContents()).toEqual(['就诊信息', '诊断信息', '特殊信息', '费用明细', '其他抵扣金额']);
    const first = page.locator('#detail [data-line]').first();
    expect(await first.locator('.line-name').textContent()).toBe('阿莫西林胶囊');
    expect(await first.locator('.line-spec').first().textContent()).toBe('8g/片 × 2');
    expect(await first.locator('.money').textContent()).toBe('¥71.00');
    expect(await page.locator('#detail [data-line]').count()).toBe(LINES.length);
    await page.keyboard.press('Escape');
    expect(await page.locator('#detail').isVisible()).toBe(false);
    // Focus returns to where it was; every channel radio has its label.
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('detail-link');
    expect(await page.getByRole('radio', { name: '支付宝' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: '去支付' }).count()).toBe(1);
    await context.close();
  });

  it('single-channel layout when the app offers one channel; chnlType only from that list', async () => {
    const app = t.platform.center.app(t.app.config.appId)!;
    app.channels = ['ALI'];
    try {
      const { u, url } = await launchFor();
      const { context, page } = await phonePage(browser);
      await page.goto(url);
      await page.waitForSelector('#app[data-layout=single]');
      expect(await page.locator('.channel').count()).toBe(1);
      expect(await page.locator('.channel-name').textContent()).toBe('支付宝');
      expect(await page.locator('input[name=chnlType]').isVisible()).toBe(false);
      // A forged chnlType is refused with a dialog and nothing is settled.
      const form = new URL(url).searchParams;
      const res = await fetch(`${t.url}/cashier/pay`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ payOrdId: u.payOrdId, chnlAppId: app.appId, chnlEncData: form.get('chnlEncData')!, chnlType: 'WX' }).toString(),
      });
      expect(((await res.json()) as { dialog: { title: string } }).dialog.title).toBe('该支付方式不可用');
      expect((await t.call('6301', queryData(u))).data!.ordStas).toBe('1');
      await context.close();
    } finally {
      delete app.channels;
    }
  });

  it('loading: page level while the order loads, popup level (≤ 8 characters) while 去支付 runs', async () => {
    const { url } = await launchFor();
    const { context, page } = await phonePage(browser);
    await setDelay(1500, 1500);
    try {
      await page.goto(url);
      expect(await page.locator('.loading-page[role=status]').isVisible()).toBe(true);
      await page.waitForSelector('#app[data-layout]');
      await page.click('button:has-text("去支付")');
      const toast = page.locator('#paying');
      await toast.waitFor({ state: 'visible' });
      expect([...(await toast.innerText()).trim()].length).toBeLessThanOrEqual(8);
      await page.waitForSelector('#his-done');
    } finally {
      await setDelay(0, 0);
    }
    await context.close();
  });

  it('the cash part changed since the page was shown: a double-button confirmation, then exactly the new amount', async () => {
    // LISI's personal account as configured (earlier tests spent it).
    await t.platform.deps.store.query('UPDATE psn_accounts SET balance_fen = $1 WHERE psn_no = $2', [3560, LISI.psnNo]);
    const { u, url } = await launchFor();
    const { context, page } = await phonePage(browser);
    await page.goto(url);
    await page.waitForSelector('#app[data-layout]');
    expect(await page.locator('[data-field=psnAcctPay]').textContent()).toBe('¥35.60');
    const shown = await page.locator('#pay-amount').textContent();
    // Meanwhile another order spends the personal account (6202).
    const other = await scanAndUpload(t, LISI);
    const auth = await authorise(t, LISI);
    expect((await t.call('6202', payData(other, auth.payAuthNo))).code).toBe('0');
    await page.click('button:has-text("去支付")');
    const confirm = page.locator('#confirm');
    await confirm.waitFor({ state: 'visible' });
    expect(await confirm.locator('button').allTextContents()).toEqual(['取消', '确认支付']);
    expect(await page.locator('#confirm-text').textContent()).toContain(`由 ${shown}`);
    expect((await t.call('6301', queryData(u))).data!.ordStas).toBe('1'); // nothing settled yet
    await page.click('#confirm-ok');
    await page.waitForSelector('#his-done');
    const sync = his.received.at(-1)!;
    expect(sync.data.payOrdId).toBe(u.payOrdId);
    expect(sync.data.psnAcctPay).toBe('0.00');
    expect(`¥${String(sync.data.ownPayAmt)}`).not.toBe(shown);
    await context.close();
  });

  it('failures are dialogs written for a patient: code only in small print, a button back to the institution', async () => {
    const { u, url } = await launchFor();
    const { context, page } = await phonePage(browser);
    // A launch whose chnlEncData was tampered with.
    const bad = new URL(url);
    bad.searchParams.set('chnlEncData', '00FF');
    await page.goto(bad.toString());
    await page.waitForSelector('#fail-title');
    expect(await page.locator('#fail-title').textContent()).toBe('支付链接无效');
    const text = await page.locator('main').innerText();
    expect(text).not.toMatch(/chnlEncData|解密/);
    expect(await page.locator('#app .alert-code').textContent()).toBe('错误代码 000101');
    expect(await page.locator('#app .alert-actions a').getAttribute('href')).toBe(`${his.url}/`);
    // Unknown order.
    const missing = new URL(url);
    missing.searchParams.set('payOrdId', 'NOPE');
    await page.goto(missing.toString());
    await page.waitForSelector('#fail-title');
    expect(await page.locator('#fail-title').textContent()).toBe('没有找到这笔订单');
    // Authorisation of another person: refused at 去支付 with a dialog on the page.
    const foreign = await authorise(t, ZHANGSAN);
    const cashierUrl = String((await t.call('6201', u.upload)).data!.cashierUrl);
    await page.goto(buildCashierLaunchUrl(cashierUrl, t.app.keys, { payAuthNo: foreign.payAuthNo }));
    await page.waitForSelector('#app[data-layout]');
    await page.click('button:has-text("去支付")');
    await page.locator('#alert').waitFor({ state: 'visible' });
    expect(await page.locator('#alert-title').textContent()).toBe('授权无效');
    expect(await page.locator('#alert-code').textContent()).toBe('错误代码 -4');
    expect(await page.locator('#alert-back').getAttribute('href')).toBe(`${his.url}/`);
    // An authorisation that expired while the page was open (the e-voucher center's clock passed it).
    const late = await authorise(t, LISI);
    await page.goto(buildCashierLaunchUrl(cashierUrl, t.app.keys, { payAuthNo: late.payAuthNo }));
    await page.waitForSelector('#app[data-layout]');
    await t.platform.deps.store.query("UPDATE ev_tokens SET expires_at = now() - interval '1 minute' WHERE token = $1", [late.payAuthNo]);
    await page.click('button:has-text("去支付")');
    await page.locator('#alert').waitFor({ state: 'visible' });
    expect(await page.locator('#alert-title').textContent()).toBe('授权已过期');
    expect(await page.locator('#alert-text').textContent()).toContain('重新授权');
    expect((await t.call('6301', queryData(u))).data!.ordStas).toBe('1');
    // Revoked meanwhile (6401): the page says so instead of the form.
    expect((await t.call('6401', { payOrdId: u.payOrdId, orgCodg: u.upload.orgCodg, payToken: u.payToken, userName: u.upload.userName, idNo: u.upload.idNo, idType: '01' })).code).toBe('0');
    await page.reload();
    await page.waitForSelector('#app[data-state="12"]');
    expect(await page.locator('.state-title').textContent()).toBe('订单已撤销');
    await context.close();
  });

  it('GET / is a landing page: docs and the sandbox persons (authorisation pages)', async () => {
    const { context, page } = await phonePage(browser);
    await page.goto(`${t.url}/`);
    expect(await page.locator('a[href="/docs"]').count()).toBe(1);
    expect(await page.locator('a[href^="/sandbox/authorize?psnNo="]').count()).toBe(t.platform.persons.length);
    await context.close();
  });
});
