/**
 * `npm run screenshots`: the patient's pages at 375 px into docs/img/, from a fresh in-memory sandbox
 * driven the way a HIS drives it (6101 → 6201 → authorise → cashier); then the operator console at an
 * operator's desktop width (1280 px) over the same orders. Needs a Chromium (CHROME_PATH or
 * /usr/bin/chromium) and playwright-core (a devDependency).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateKeyPair } from 'yibao/crypto';
import { startPlatform } from '../packages/platform/src/server/platform.js';
import { createOperator } from '../packages/platform/src/center/operators.js';
import { YibaoClient } from 'yibao/sdk';
import { TerminalClient } from 'yibao/sdk';
import { formatDateTime } from 'yibao/protocol';
import { demoUpload, personWithCash } from 'yibao/sdk';
import { buildCashierLaunchUrl } from 'yibao/protocol';

const OUT = resolve(process.argv[2] ?? 'docs/img');
const HIS = 'https://his.example.invalid';

async function main(): Promise<void> {
  const executablePath = [process.env.CHROME_PATH, '/usr/bin/chromium'].find((p) => p && existsSync(p));
  if (!executablePath) throw new Error('没有找到 Chromium：apt-get install -y chromium，或设置 CHROME_PATH');
  const { chromium } = await import('playwright-core');
  mkdirSync(OUT, { recursive: true });

  const keys = generateKeyPair();
  const appId = 'SCREENSHOTAPP000000000000000000A';
  const appSecret = 'SCREENSHOTSECRET0000000000000000';
  const platform = await startPlatform({
    inMemory: true,
    host: '127.0.0.1',
    port: 0,
    config: {
      sandbox: true,
      apps: [{ appId, appSecret, publicKey: keys.publicKey, orgCodg: 'H35010200227', orgName: '福州市第一人民医院', redirectUrl: `${HIS}/pay/return`, homeUrl: `${HIS}/` }],
    },
  });
  const client = new YibaoClient({ baseUrl: platform.url, appId, appSecret, privateKey: keys.privateKey, platformPublicKey: platform.platformKeys.publicKey, orgCodg: 'H35010200227' });
  const person = personWithCash(platform.persons)!;
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, locale: 'zh-CN', isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.route(`${HIS}/**`, (r) => r.fulfill({ contentType: 'text/html; charset=utf-8', body: '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>HIS</title><h1>医院页面</h1></html>' }));
    const shot = async (name: string) => {
      await page.screenshot({ path: `${OUT}/${name}.png`, fullPage: false });
      console.log(`${OUT}/${name}.png`);
    };

    const scan = await client.decodeQr({ orgId: 'H35010200227', businessType: '01101', operatorId: 'OP01', operatorName: '收款员甲', officeId: 'NK01', officeName: '内科', ecQrCode: person.qrCode });
    const upload = demoUpload({ orgCodg: 'H35010200227', psnNo: person.psnNo, idNo: String(scan.idNo), userName: String(scan.userName), insutype: person.insutype, ecToken: String(scan.ecToken) });
    const specs = ['0.25g×24粒/盒', '次', '次', '次'];
    upload.feedetailList.forEach((l, i) => (l.medListSpc = specs[i] ?? '1盒'));
    const up = await client.uploadFees(upload);

    await page.goto(`${platform.url}/`);
    await shot('landing');
    await page.goto(`${platform.url}/sandbox/authorize?psnNo=${person.psnNo}&orgCodg=H35010200227&returnUrl=${encodeURIComponent(`${HIS}/authorised`)}`);
    await shot('authorize');
    await page.click('button[type=submit]');
    await page.waitForURL(`${HIS}/**`);
    const payAuthNo = new URL(page.url()).searchParams.get('payAuthNo')!;

    const launch = buildCashierLaunchUrl(String(up.cashierUrl), { appId, appSecret }, { payAuthNo });
    await fetch(`${platform.url}/sandbox/pages/delay`, { method: 'POST', body: JSON.stringify({ view: 1500 }) });
    await page.goto(launch);
    await shot('cashier-loading');
    await page.waitForSelector('#app[data-layout]');
    await fetch(`${platform.url}/sandbox/pages/delay`, { method: 'POST', body: JSON.stringify({ view: 0, pay: 1500 }) });
    await shot('cashier');
    await page.click('text=查看明细');
    await page.waitForSelector('#detail[open]');
    await page.waitForTimeout(200);
    await shot('cashier-popup');
    await page.click('#detail [data-close]');
    await page.click('button:has-text("去支付")');
    await page.waitForSelector('#paying[open]');
    await shot('cashier-paying');
    await page.waitForURL(`${HIS}/**`);
    await page.goto(launch);
    await page.waitForSelector('#app[data-state=paid]');
    await shot('cashier-result');

    await page.goto(`${platform.url}/cashier?payOrdId=${up.payOrdId}&chnlAppId=${appId}&chnlEncData=00FF`);
    await page.waitForSelector('#fail-title');
    await shot('cashier-error');

    // 6205: a second bill paid on the bank-card page.
    const scan2 = await client.decodeQr({ orgId: 'H35010200227', businessType: '01101', operatorId: 'OP01', operatorName: '收款员甲', officeId: 'NK01', officeName: '内科', ecQrCode: person.qrCode });
    const up2 = await client.uploadFees(demoUpload({ orgCodg: 'H35010200227', psnNo: person.psnNo, idNo: String(scan2.idNo), userName: String(scan2.userName), insutype: person.insutype, ecToken: String(scan2.ecToken) }) as never);
    const auth2 = (await (await fetch(`${platform.url}/sandbox/auth`, { method: 'POST', body: JSON.stringify({ psnNo: person.psnNo }) })).json()) as { payAuthNo: string };
    const bank = await client.bankCardPay({ payAuthNo: auth2.payAuthNo, payOrdId: String(up2.payOrdId), payToken: String(up2.payToken) } as never);
    await page.goto(String(bank.medBankPayUrl));
    await shot('bank');
    // The cash part changes under an open cashier: the double-button re-confirmation (3.9).
    const post = (path: string, body: unknown) => fetch(`${platform.url}${path}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json() as Promise<Record<string, string>>);
    await platform.deps.store.query('UPDATE psn_accounts SET balance_fen = $1 WHERE psn_no = $2', [3560, person.psnNo]);
    const scan3 = await client.decodeQr({ orgId: 'H35010200227', businessType: '01101', operatorId: 'OP01', operatorName: '收款员甲', officeId: 'NK01', officeName: '内科', ecQrCode: person.qrCode });
    const up3 = await client.uploadFees(demoUpload({ orgCodg: 'H35010200227', psnNo: person.psnNo, idNo: String(scan3.idNo), userName: String(scan3.userName), insutype: person.insutype, ecToken: String(scan3.ecToken) }) as never);
    const auth3 = await post('/sandbox/auth', { psnNo: person.psnNo });
    await page.goto(buildCashierLaunchUrl(String(up3.cashierUrl), { appId, appSecret }, { payAuthNo: auth3.payAuthNo! }));
    await page.waitForSelector('#app[data-layout]');
    const bill4 = demoUpload({ orgCodg: 'H35010200227', psnNo: person.psnNo, idNo: String(scan3.idNo), userName: String(scan3.userName), insutype: person.insutype, ecToken: String(scan3.ecToken) });
    const up4 = await client.uploadFees(bill4 as never);
    const auth4 = await post('/sandbox/auth', { psnNo: person.psnNo });
    await client.payOrder({ payAuthNo: auth4.payAuthNo!, payOrdId: String(up4.payOrdId), payToken: String(up4.payToken), chrgBchno: bill4.chrgBchno, feeType: '01', mdtrtId: String((up4.extData as Record<string, unknown>).mdtrtId) } as never);
    await page.click('button:has-text("去支付")');
    await page.waitForSelector('#confirm[open]');
    await shot('cashier-confirm');

    // The terminal at the counter: face authorisation, then the settlement notice with every amount.
    await post('/sandbox/terminal/face', { psnNo: person.psnNo, orgCodg: 'H35010200227' });
    const terminal = new TerminalClient({ baseUrl: platform.url, appId, appSecret, orgId: 'H35010200227' });
    const face = await terminal.faceAuth({ businessType: '01101', operatorId: 'OP01', operatorName: '收款员甲', officeId: 'NK01', officeName: '内科门诊' } as never);
    await terminal.settleNotify({
      outBizNo: face.outBizNo, medicalSettleState: 'SUCCESS', authNo: face.authNo, operatorId: 'OP01', operatorName: '收款员甲', bizType: 'settle', setlTime: formatDateTime(), hospitalName: '福州市第一人民医院', medicalSettleNo: String(up2.payOrdId),
      totalFee: '676.00', ownAmt: '280.10', hifAmt: '395.90', acctAmt: '35.60', hifpAmt: '360.30', hifmiAmt: '0.00', cvlservAmt: '0.00', maAmt: '0.00', hosPreAmt: '0.00', medOverLmtAmt: '0.00', mafAmt: '0.00', cvlservDedcAmt: '0.00', balance: '0.00',
    } as never);
    await page.goto(`${platform.url}/sandbox/terminal`);
    await shot('terminal');
    await context.close();

    // The operator console, as an operator sees it on a desktop.
    await createOperator(platform.deps.store, { name: 'admin', role: 'admin', password: 'screenshot-password-0123' });
    const desk = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const op = await desk.newPage();
    await op.goto(`${platform.url}/console/dashboard`);
    await op.fill('input[name=name]', 'admin');
    await op.fill('input[name=password]', 'screenshot-password-0123');
    await Promise.all([op.waitForURL(/\/console\/dashboard/), op.click('button[type=submit]')]);
    const deskShot = async (name: string) => {
      await op.screenshot({ path: `${OUT}/${name}.png`, fullPage: true });
      console.log(`${OUT}/${name}.png`);
    };
    await deskShot('console-dashboard');
    await op.goto(`${platform.url}/console/orders`);
    await deskShot('console-orders');
    await op.goto(`${platform.url}/console/orders/${encodeURIComponent(String(up2.payOrdId))}`);
    await deskShot('console-order');
    // 代机构退款 submitted twice (as a double click does: the first POST's answer never shown): the
    // second lands on the notice that nothing was refunded twice.
    await op.goto(`${platform.url}/console/orders/${encodeURIComponent(String(up4.payOrdId))}`);
    if (await op.locator('#refund-form').count()) {
      await op.fill('#refund-form input[name=cashRefdAmt]', '1.00');
      await op.fill('#refund-form textarea[name=reason]', '医院电话委托退还多收费用');
      await op.evaluate(`(async () => { const f = document.querySelector('#refund-form'); await fetch(f.action, { method: 'POST', body: new URLSearchParams(new FormData(f)), redirect: 'manual' }); })()`);
      op.once('dialog', (d) => void d.accept());
      await Promise.all([op.waitForURL(/repeated=1/), op.click('#refund-form button[type=submit]')]);
      await deskShot('console-order-refund-repeated');
    }
    await desk.close();
  } finally {
    await browser.close();
    await platform.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
