import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, until, type TestPlatform } from '../helpers/platform.js';
import { authorise, BILL, LISI, payData, refundData, scanAndUpload, type Uploaded } from '../helpers/flow.js';
import { HAS_CHROMIUM, launchChromium } from '../helpers/browser.js';
import { createOperator, LOCKOUT } from '../../packages/platform/src/center/operators.js';

/**
 * The operator console in Debian's Chromium. Storage behaviour of the same code is covered on PGlite
 * and PostgreSQL by test/center/operators-api.test.ts; the pages run on the first store kind.
 */
/** An address nothing listens on: a port the OS gave us, closed again. */
async function deadUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}/his/notify`;
}

describe.skipIf(!HAS_CHROMIUM)('operator console in Chromium', () => {
  let t: TestPlatform & { reuse: any };
  let browser: Browser;
  let paid: Uploaded;
  const PASSWORDS = { admin: 'admin-password-1', operator: 'operator-password-1', viewer: 'viewer-password-1' };

  beforeAll(async () => {
    t = await startTestPlatform(storeKinds[0]!);
    const store = t.platform.deps.store;
    await createOperator(store, { name: 'admin', role: 'admin', password: PASSWORDS.admin });
    await createOperator(store, { name: 'li.operator', role: 'operator', password: PASSWORDS.operator });
    await createOperator(store, { name: 'wang.viewer', role: 'viewer', password: PASSWORDS.viewer });
    browser = await launchChromium();
    paid = await scanAndUpload(t, LISI);
    const r = await t.call('6202', payData(paid, (await authorise(t, LISI)).payAuthNo));
    expect(r.code, r.message).toBe('0');
    await t.receiver.waitForOrder(paid.payOrdId);
    const refund = await t.call('6203', refundData(paid, { refdType: 'CASH', total: '1.00', cash: '1.00' }));
    expect(refund.code, refund.message).toBe('0');
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Clicks a form's button and waits for the answer page. */
  async function submit(page: Page, selector: string): Promise<void> {
    await Promise.all([page.waitForNavigation(), page.click(selector)]);
  }

  async function loggedIn(name: keyof typeof PASSWORDS | 'li.operator' | 'wang.viewer'): Promise<{ context: BrowserContext; page: Page }> {
    const password = name === 'li.operator' ? PASSWORDS.operator : name === 'wang.viewer' ? PASSWORDS.viewer : PASSWORDS[name as keyof typeof PASSWORDS];
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${t.url}/console/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    await page.fill('input[name=name]', name);
    await page.fill('input[name=password]', password);
    await Promise.all([page.waitForURL(/\/console\/dashboard/), page.click('button[type=submit]')]);
    return { context, page };
  }

  it('login: a wrong password is refused; the right one opens the dashboard; the session cookie is HttpOnly and SameSite=Strict; pages carry a strict CSP', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const first = await page.goto(`${t.url}/console`);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    expect(first!.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(first!.headers()['content-security-policy']).not.toContain('unsafe-inline');
    await page.fill('input[name=name]', 'li.operator');
    await page.fill('input[name=password]', 'not-the-password');
    const [refused] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/console/login') && r.request().method() === 'POST'), page.click('button[type=submit]')]);
    expect(refused.status()).toBe(401);
    await expect(page.locator('[role=alert]').textContent()).resolves.toContain('操作员或密码错误');
    await page.fill('input[name=name]', 'li.operator');
    await page.fill('input[name=password]', PASSWORDS.operator);
    await Promise.all([page.waitForURL(/\/console\/dashboard/), page.click('button[type=submit]')]);
    const session = (await context.cookies()).find((c) => c.name === 'yb_console')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
    expect(await page.evaluate('document.cookie')).toBe('');
    await expect(page.locator('header .who').textContent()).resolves.toContain('li.operator');
    await context.close();
  });

  it('lockout: after repeated failures the account is locked, even for the right password', async () => {
    await createOperator(t.platform.deps.store, { name: 'zhao.locked', role: 'viewer', password: 'right-password-1' });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${t.url}/console/login`);
    let last = 0;
    for (let i = 0; i < LOCKOUT.failures; i++) {
      await page.fill('input[name=name]', 'zhao.locked');
      await page.fill('input[name=password]', `wrong-${i}`);
      const [r] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('button[type=submit]')]);
      last = r.status();
    }
    expect(last).toBe(429);
    await expect(page.locator('[role=alert]').textContent()).resolves.toContain('账户已锁定');
    await page.fill('input[name=name]', 'zhao.locked');
    await page.fill('input[name=password]', 'right-password-1');
    const [r] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('button[type=submit]')]);
    expect(r.status()).toBe(429);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    await context.close();
  });

  it('CSRF: a POST without the form token is refused, and so is a form posted from another origin', async () => {
    const { context, page } = await loggedIn('li.operator');
    const [cb] = await t.platform.deps.store.query<{ id: string }>('SELECT id FROM callbacks WHERE pay_ord_id = $1', [paid.payOrdId]);
    const status = await page.evaluate(async (id) => {
      const r = await fetch(`/console/callbacks/${id}/resend`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'reason=forged' });
      return { status: r.status, text: await r.text() };
    }, cb!.id);
    expect(status.status).toBe(403);
    expect(status.text).toContain('CSRF 校验失败');
    // Another origin's page submitting a form into the console, in the operator's logged-in browser.
    const evil: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(
        `<form id=f method=post action="${t.url}/console/callbacks/${cb!.id}/resend"><input name=_csrf value=guess><input name=reason value=evil></form><script>document.getElementById('f').submit()</script>`,
      );
    });
    await new Promise<void>((r) => evil.listen(0, 'localhost', r));
    try {
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url().includes('/resend')),
        page.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`),
      ]);
      expect([401, 403]).toContain(answer.status());
    } finally {
      evil.close();
    }
    const audited = await t.platform.deps.store.query("SELECT 1 FROM audit_log WHERE action = 'callback.resend' AND reason IN ('forged', 'evil')");
    expect(audited).toHaveLength(0);
    await context.close();
  });

  it('roles: a viewer sees no resend form, and a resend it posts anyway (with a valid CSRF token) is refused; operators page is admin-only', async () => {
    const { context, page } = await loggedIn('wang.viewer');
    const [cb] = await t.platform.deps.store.query<{ id: string }>('SELECT id FROM callbacks WHERE pay_ord_id = $1', [paid.payOrdId]);
    await page.goto(`${t.url}/console/callbacks/${cb!.id}`);
    expect(await page.locator('#resend-form').count()).toBe(0);
    const csrf = await page.locator('input[name=_csrf]').first().inputValue();
    const refused = await page.evaluate(async ({ id, csrf }) => {
      const r = await fetch(`/console/callbacks/${id}/resend`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, reason: 'viewer try' }).toString() });
      return { status: r.status, text: await r.text() };
    }, { id: cb!.id, csrf });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('权限不足');
    const ops = await page.goto(`${t.url}/console/operators`);
    expect(ops!.status()).toBe(403);
    expect(await page.locator('header nav').textContent()).not.toContain('操作员');
    await context.close();
  });

  it('orders: search by ID number and by name (exact, keyed hash); the clear values never appear on the page; unknown filters are 400', async () => {
    const { context, page } = await loggedIn('li.operator');
    await page.goto(`${t.url}/console/orders`);
    await page.fill('input[name=idNo]', LISI.idNo);
    await Promise.all([page.waitForURL(/idNoHash=/), page.click('#order-search button[type=submit]')]);
    // The clear value went in a POST body; the address bar (history, proxy logs) holds its keyed hash.
    expect(page.url()).not.toContain(LISI.idNo);
    expect(new URL(page.url()).searchParams.get('idNoHash')).toMatch(/^[0-9a-f]{64}$/);
    expect(await page.locator('#hashed-search').textContent()).toContain('证件号码');
    const rows = page.locator('#orders tr td:first-child a');
    expect(await rows.allTextContents()).toContain(paid.payOrdId);
    const htmlText = await page.content();
    expect(htmlText).not.toContain(LISI.idNo);
    expect(htmlText).not.toContain(LISI.userName);
    expect(await page.inputValue('input[name=idNo]')).toBe('');
    await page.goto(`${t.url}/console/orders`);
    await page.fill('input[name=userName]', LISI.userName);
    await page.fill('input[name=medOrgOrd]', paid.upload.medOrgOrd);
    await Promise.all([page.waitForURL(/nameHash=/), page.click('#order-search button[type=submit]')]);
    expect(await rows.allTextContents()).toEqual([paid.payOrdId]);
    await page.goto(`${t.url}/console/orders`);
    await page.fill('input[name=userName]', '王五');
    await page.fill('input[name=medOrgOrd]', paid.upload.medOrgOrd);
    await Promise.all([page.waitForURL(/nameHash=/), page.click('#order-search button[type=submit]')]);
    expect(await page.locator('#no-orders').count()).toBe(1);
    const bad = await page.goto(`${t.url}/console/orders?idNumber=1`);
    expect(bad!.status()).toBe(400);
    expect(await page.locator('.error').textContent()).toContain('不支持的查询条件：idNumber');
    await context.close();
  });

  it('order page: money breakdown, the 6201 fee lines and diagnoses, refunds, and the history as an SVG time line', async () => {
    const { context, page } = await loggedIn('wang.viewer');
    await page.goto(`${t.url}/console/orders/${paid.payOrdId}`);
    const order = (await t.admin(`/admin/orders/${paid.payOrdId}`)).json;
    const cell = (id: string) => page.locator(`#${id} td`).textContent();
    expect(await cell('m-fee')).toBe(Number(order.order.feeSumamt).toLocaleString('en-US', { minimumFractionDigits: 2 }));
    expect(await cell('m-fund')).toBe(Number(order.order.fundPay).toLocaleString('en-US', { minimumFractionDigits: 2 }));
    expect(await page.locator('#fee-lines tr').count()).toBe(BILL.length + 1);
    expect(await page.locator('#fee-lines').textContent()).toContain('磁共振平扫');
    expect(await page.locator('#diagnoses').textContent()).toContain('J06.900');
    expect(await page.locator('#refunds').textContent()).toContain('1.00');
    const svg = page.locator('svg.timeline');
    expect(await svg.count()).toBe(1);
    const labels = await svg.locator('text.tl-label').allTextContents();
    expect(labels.some((l) => l.includes('6202 → 6'))).toBe(true);
    expect(labels.some((l) => l.startsWith('回调#1 成功'))).toBe(true);
    expect(labels.some((l) => l.startsWith('退款 CASH 1.00'))).toBe(true);
    expect(await svg.locator('circle').count()).toBe(labels.length);
    // Masked person; the upload's clear ID number and name are not shown.
    const text = await page.content();
    expect(text).not.toContain(LISI.idNo);
    expect(text).toContain('李*');
    await context.close();
  });

  it('refund on behalf: an operator refunds cash from the order page with a reason and sees the refund; a viewer sees no form and is refused', async () => {
    const u = await scanAndUpload(t, LISI);
    const r = await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
    expect(r.code, r.message).toBe('0');
    const viewer = await loggedIn('wang.viewer');
    await viewer.page.goto(`${t.url}/console/orders/${u.payOrdId}`);
    expect(await viewer.page.locator('#refund-form').count()).toBe(0);
    const csrf = await viewer.page.locator('input[name=_csrf]').first().inputValue();
    const refused = await viewer.page.evaluate(async ({ id, csrf }) => {
      const res = await fetch(`/console/orders/${id}/refund`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, refdType: 'CASH', cashRefdAmt: '1.00', reason: 'viewer try' }).toString() });
      return { status: res.status, text: await res.text() };
    }, { id: u.payOrdId, csrf });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('权限不足');
    await viewer.context.close();

    const { context, page } = await loggedIn('li.operator');
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${t.url}/console/orders/${u.payOrdId}`);
    await page.selectOption('#refund-form select[name=refdType]', 'CASH');
    await page.fill('#refund-form input[name=cashRefdAmt]', '2.50');
    await page.fill('#refund-form textarea[name=reason]', '医院电话委托退还多收费用');
    await submit(page, '#refund-form button[type=submit]');
    expect(new URL(page.url()).pathname).toBe(`/console/orders/${u.payOrdId}`);
    expect(await page.locator('#refund-notice').textContent()).toContain('SUCC');
    expect(await page.locator('#refunds').textContent()).toContain('2.50');
    expect(await page.locator('#m-refunded td').textContent()).toBe('2.50');
    // Without a reason the browser would not submit; the server refuses it as well, on the order page.
    await page.fill('#refund-form input[name=cashRefdAmt]', '1.00');
    await page.evaluate(() => document.querySelector('#refund-form textarea[name=reason]')!.removeAttribute('required'));
    await submit(page, '#refund-form button[type=submit]');
    expect(await page.locator('#refund-error').textContent()).toMatch(/reason: 必填/);
    await page.goto(`${t.url}/console/audit`);
    const row = page.locator('#audit tr', { hasText: u.payOrdId });
    expect(await row.locator('.actor').textContent()).toBe('li.operator');
    expect(await row.locator('.action').textContent()).toBe('order.refund');
    expect(await row.locator('.reason').textContent()).toBe('医院电话委托退还多收费用');
    await context.close();
  });

  it('callbacks: retries used up → flagged on the dashboard; the operator resends with a reason to the corrected notifyUrl; the audit view shows who, when, what and why', async () => {
    const app = t.platform.center.app(t.app.config.appId)!;
    const original = app.notifyUrl!;
    const dead = await deadUrl();
    app.notifyUrl = dead;
    let u: Uploaded;
    try {
      u = await scanAndUpload(t, LISI);
      await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
      await until(async () => ((await t.admin(`/admin/callbacks?payOrdId=${u.payOrdId}&status=RETRIES_EXCEEDED`)).json.callbacks[0] as unknown) ?? undefined);
    } finally {
      app.notifyUrl = original;
    }
    const { context, page } = await loggedIn('li.operator');
    const flagged = page.locator('#flagged tr.flagged');
    await page.reload();
    expect(await flagged.allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining(u!.payOrdId)]));
    expect(await page.locator('#flagged').textContent()).toContain('ECONNREFUSED');
    await page.locator('#flagged tr.flagged', { hasText: u!.payOrdId }).locator('a', { hasText: '重发' }).click();
    expect(await page.locator('#cb-status').textContent()).toContain('RETRIES_EXCEEDED');
    expect(await page.locator('#cb-url').textContent()).toBe(dead);
    expect(await page.locator('#app-url').textContent()).toBe(original);
    expect(await page.locator('#attempts td.cause').first().textContent()).toMatch(/^ECONNREFUSED/);
    await page.fill('#resend-form textarea[name=reason]', '医院已修正回调地址');
    await submit(page, '#resend-form button[type=submit]');
    expect(await page.locator('[role=status]').textContent()).toContain(original);
    await t.receiver.waitForOrder(u!.payOrdId);
    await page.goto(`${t.url}/console/orders/${u!.payOrdId}`);
    await page.goto(`${t.url}/console/audit`);
    const row = page.locator('#audit tr', { hasText: u!.payOrdId });
    expect(await row.locator('.actor').textContent()).toBe('li.operator');
    expect(await row.locator('.action').textContent()).toBe('callback.resend');
    expect(await row.locator('.reason').textContent()).toBe('医院已修正回调地址');
    // Read-only: no form on the audit page posts anywhere but logout.
    expect(await page.locator('main form[method=post]').count()).toBe(0);
    await page.goto(`${t.url}/console/dashboard`);
    expect(await page.locator('#flagged').textContent()).not.toContain(u!.payOrdId);
    await context.close();
  });

  it('dashboard: amounts per day by fund / account / cash / other, backlog, orders in 14 by age, refunds pending, signature failures — drawn as SVG', async () => {
    const { context, page } = await loggedIn('wang.viewer');
    for (const id of ['amounts', 'orders-per-day', 'backlog', 'abnormal', 'signatures']) expect(await page.locator(`#${id} svg`).count(), id).toBe(1);
    const legend = await page.locator('#amounts svg text').allTextContents();
    expect(legend).toEqual(expect.arrayContaining(['统筹基金', '个人账户', '现金', '其他']));
    const bars = await page.locator('#amounts svg rect title').allTextContents();
    expect(bars.some((b) => b.includes('统筹基金'))).toBe(true);
    expect(bars.some((b) => b.includes('现金'))).toBe(true);
    expect(await page.locator('#abnormal svg text').allTextContents()).toEqual(expect.arrayContaining(['<1h', '1h-24h', '1d-7d', '>7d']));
    expect(await page.locator('#refunds h2').textContent()).toMatch(/待处理退款（EXP）：\d+/);
    // The whole console loads nothing from elsewhere: every resource is same-origin.
    const origins = new Set<string>();
    page.on('request', (r) => origins.add(new URL(r.url()).origin));
    await page.reload();
    expect([...origins]).toEqual([t.url]);
    await context.close();
  });

  it('admin: adds an operator (audited) and creates an API token, shown once, that reads /metrics', async () => {
    const { context, page } = await loggedIn('admin');
    await page.goto(`${t.url}/console/operators`);
    await page.fill('#add-operator input[name=name]', 'new.viewer');
    await page.selectOption('#add-operator select[name=role]', 'viewer');
    await page.fill('#add-operator input[name=password]', 'a-long-password');
    await page.fill('#add-operator input[name=reason]', '新同事入职');
    await submit(page, '#add-operator button[type=submit]');
    expect(await page.locator('#operators').textContent()).toContain('new.viewer');
    await page.goto(`${t.url}/console/tokens`);
    await page.fill('#new-token-form input[name=label]', 'prometheus');
    await page.fill('#new-token-form input[name=reason]', '监控接入');
    await submit(page, '#new-token-form button[type=submit]');
    const token = (await page.locator('#new-token').textContent())!;
    expect(token).toMatch(/^ybo_/);
    const metrics = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(metrics.status).toBe(200);
    await page.goto(`${t.url}/console/tokens`);
    expect(await page.locator('#new-token').count()).toBe(0);
    const audit = await t.platform.deps.store.query<{ action: string; actor: string }>("SELECT action, actor FROM audit_log WHERE actor = 'admin' AND action NOT LIKE 'app.%' ORDER BY id");
    expect(audit.map((a) => a.action)).toEqual(['operator.add', 'token.create']);
    await context.close();
  });
  it('apps: everyone sees them; an admin corrects a notifyUrl with a reason (audited, in effect at once); a viewer gets no form', async () => {
    const viewer = await loggedIn('wang.viewer');
    await viewer.page.goto(`${t.url}/console/apps`);
    expect(await viewer.page.locator('#apps').textContent()).toContain(t.app.config.appId);
    expect(await viewer.page.locator('form.app-edit').count()).toBe(0);
    await viewer.context.close();
    const { context, page } = await loggedIn('admin');
    await page.goto(`${t.url}/console/apps`);
    const form = page.locator(`tr[data-app="${t.other.config.appId}"] form.app-edit`);
    await form.locator('input[name=notifyUrl]').fill('https://his2.example.cn/notify');
    await form.locator('input[name=reason]').fill('医院更换了回调地址');
    await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').click()]);
    expect(await page.locator('[role=status]').textContent()).toContain(t.other.config.appId);
    expect(t.platform.center.app(t.other.config.appId)!.notifyUrl).toBe('https://his2.example.cn/notify');
    const [entry] = await t.platform.deps.store.query<{ actor: string; action: string; reason: string }>("SELECT actor, action, reason FROM audit_log WHERE action = 'app.update' AND target = $1", [t.other.config.appId]);
    expect(entry).toEqual({ actor: 'admin', action: 'app.update', reason: '医院更换了回调地址' });
    await context.close();
  });

  it('对账: the day per institution, insurance type and channel; the FSI core comparison; an operator marks a difference resolved with a reason (audited); a viewer gets no form and is refused', async () => {
    const store = t.platform.deps.store;
    const [o] = await store.query<{ settled_at: Date }>('SELECT settled_at FROM orders WHERE pay_ord_id = $1', [paid.payOrdId]);
    const date = new Date(new Date(o!.settled_at).getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const org = paid.upload.orgCodg;
    const { dailyTotals } = await import('../../packages/platform/src/center/daily-totals.js');
    const expected = (await dailyTotals(store, date)).settled.find((r) => r.orgCodg === org && r.insutype === paid.upload.insutype)!;
    expect(expected.count).toBeGreaterThan(0);

    const viewer = await loggedIn('wang.viewer');
    await viewer.page.goto(`${t.url}/console/reconcile?date=${date}`);
    expect(await viewer.page.locator('header nav a.on').textContent()).toBe('对账');
    expect(await viewer.page.locator('#totals-settled').textContent()).toContain(org);
    expect(await viewer.page.locator('#run-form').count()).toBe(0);

    const { context, page } = await loggedIn('li.operator');
    await page.goto(`${t.url}/console/reconcile?date=${date}`);
    const row = page.locator(`#totals-settled tr[data-org="${org}"][data-insutype="${expected.insutype}"][data-chnl="${expected.chnlType}"]`);
    expect(await row.locator('.count').textContent()).toBe(String(expected.count));
    expect((await row.locator('.fund').textContent())!.replace(/,/g, '')).toBe(expected.fundPay);
    expect((await row.locator('.cash').textContent())!.replace(/,/g, '')).toBe(expected.ownPayAmt);
    // The core's books say one fen more for this settlement (as test/center/statements.test.ts).
    await store.query('UPDATE fsi_settlements SET fund_pay_fen = fund_pay_fen + 1 WHERE pay_ord_id = $1', [paid.payOrdId]);
    await submit(page, '#run-form button[type=submit]');
    expect(await page.locator('#core-match').textContent()).toBe('总账不一致');
    expect(await page.locator('#core-totals tr[data-side=center]').count()).toBe(1);
    const diff = page.locator('#diffs tr[data-diff]', { hasText: paid.payOrdId });
    expect(await diff.count()).toBe(1);
    expect(await diff.locator('.state').textContent()).toBe('未处理');
    const diffId = await diff.getAttribute('data-diff');

    // A viewer posting the form anyway (valid CSRF token) is refused, and nothing changes.
    await viewer.page.reload();
    expect(await viewer.page.locator('#diffs tr[data-diff]', { hasText: paid.payOrdId }).count()).toBe(1);
    expect(await viewer.page.locator('.resolve-form').count()).toBe(0);
    const csrf = await viewer.page.locator('input[name=_csrf]').first().inputValue();
    const refused = await viewer.page.evaluate(async ({ id, csrf }) => {
      const res = await fetch(`/console/reconcile/differences/${id}/resolve`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, reason: 'viewer try' }).toString() });
      return { status: res.status };
    }, { id: diffId, csrf });
    expect(refused.status).toBe(403);
    await viewer.context.close();

    // Without a reason the server refuses as well.
    await diff.locator('input[name=reason]').evaluate((e) => e.removeAttribute('required'));
    await submit(page, `#diffs tr[data-diff="${diffId}"] .resolve-form button[type=submit]`);
    expect(await page.locator('[role=alert]').textContent()).toContain('reason 必填');
    await page.locator(`#diffs tr[data-diff="${diffId}"] input[name=reason]`).fill('核心侧已更正');
    await submit(page, `#diffs tr[data-diff="${diffId}"] .resolve-form button[type=submit]`);
    expect(await page.locator('[role=status]').textContent()).toContain(`#${diffId}`);
    const state = await page.locator(`#diffs tr[data-diff="${diffId}"] .state`).textContent();
    expect(state).toContain('已处理（li.operator');
    expect(state).toContain('核心侧已更正');
    expect(await page.locator(`#diffs tr[data-diff="${diffId}"] .resolve-form`).count()).toBe(0);

    await page.goto(`${t.url}/console/audit`);
    const entry = page.locator('#audit tr', { hasText: 'fsi-reconcile.resolve' });
    expect(await entry.locator('.actor').textContent()).toBe('li.operator');
    expect(await entry.locator('.reason').textContent()).toBe('核心侧已更正');
    await context.close();
  });
});
