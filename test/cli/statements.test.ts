import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../packages/platform/src/cli/main.js';
import type { Io } from '../../packages/platform/src/cli/io.js';
import { formatDate } from '../../packages/yibao/src/protocol/time.js';
import { backdate } from '../helpers/backdate.js';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { authorise, fen, LISI, payData, queryData, refundData, scanAndUpload, type Uploaded } from '../helpers/flow.js';

/** `yibao statement`, `yibao reconcile --ledger` and `yibao app` against a real platform over HTTP. */
describe('yibao statement / reconcile / app', () => {
  let t: TestPlatform;
  let u: Uploaded;
  let settled: Record<string, unknown>;
  let refundSn: string;
  let date: string;
  const dir = mkdtempSync(join(tmpdir(), 'yibao-stmt-'));

  async function yibao(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = { out: (s) => void out.push(s), err: (s) => void err.push(s), readStdin: () => '' };
    const code = await main(args, io);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  }
  const cred = () => ['--base-url', t.url, '--app-id', t.app.config.appId, '--app-secret', t.app.config.appSecret, '--private-key', String(t.app.keys.privateKey), '--platform-public-key', t.platformPublicKey, '--org-codg', t.app.config.orgCodg];

  beforeAll(async () => {
    t = await startTestPlatform(storeKinds[0]!);
    u = await scanAndUpload(t, LISI);
    expect((await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo))).code).toBe('0');
    settled = (await t.call('6301', queryData(u))).data!;
    const cash = (fen(settled.ownPayAmt) / 100).toFixed(2);
    const refund = refundData(u, { refdType: 'CASH', total: cash, cash });
    refundSn = refund.appRefdSn;
    expect((await t.call('6203', refund)).code).toBe('0');
    date = formatDate(new Date(Date.now() - 2 * 86_400_000));
    await backdate(t.platform.deps.store, date);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('yibao statement writes the CSV; that CSV as a ledger reconciles with no difference (exit 0)', async () => {
    const file = join(dir, 'statement.csv');
    const r = await yibao(['statement', '--date', date, '--out', file, ...cred()]);
    expect(r.code, r.stderr).toBe(0);
    const csv = readFileSync(file, 'utf8');
    expect(csv.split('\n')[0]).toBe('type,payOrdId,medOrgOrd,appRefdSn,refdSn,status,settled,feeSumamt,fundPay,psnAcctPay,ownPayAmt,othFeeAmt,insutype,chnlType,time');
    expect(csv).toContain(u.payOrdId);
    const same = await yibao(['reconcile', '--date', date, '--ledger', file, ...cred()]);
    expect(same.code, same.stdout + same.stderr).toBe(0);
    expect(same.stdout).toContain('对账一致');
    const json = await yibao(['statement', '--date', date, '--format', 'json', ...cred()]);
    expect(JSON.parse(json.stdout).stmtDate).toBe(date);
  });

  it('yibao reconcile prints each difference (missing either side, amount, state) and exits 1', async () => {
    const cash = (fen(settled.ownPayAmt) / 100).toFixed(2);
    const wrongCash = ((fen(settled.ownPayAmt) + 1) / 100).toFixed(2);
    const ledger = [
      'type,medOrgOrd,appRefdSn,status,feeSumamt,fundPay,psnAcctPay,ownPayAmt',
      `PAY,${u.upload.medOrgOrd},,6,${settled.feeSumamt},${settled.fundPay},${settled.psnAcctPay},${wrongCash}`,
      `REFUND,,${refundSn},FAIL,${cash},0,0,${cash}`,
      'PAY,HIS-ONLY-0001,,6,10.00,5.00,0,5.00',
    ].join('\n');
    const file = join(dir, 'his.csv');
    writeFileSync(file, ledger);
    const r = await yibao(['reconcile', '--date', date, '--ledger', file, ...cred()]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines.find((l) => l.includes(u.upload.medOrgOrd) && l.includes('ownPayAmt'))).toContain(`中心 ${cash} ≠ 账本 ${wrongCash}`);
    expect(lines.some((l) => l.includes(refundSn) && l.includes('状态不符') && l.includes('SUCC'))).toBe(true);
    expect(lines.some((l) => l.includes('HIS-ONLY-0001') && l.includes('中心缺少'))).toBe(true);
    // The order's status in the ledger (6) differs from the day-end state (7 已退款 after the full cash refund).
    expect(lines.some((l) => l.includes(u.upload.medOrgOrd) && l.includes('状态不符'))).toBe(true);
    expect(lines.at(-1)).toMatch(/差异 4 条/);
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, 'type,payOrdId\n');
    const missing = await yibao(['reconcile', '--date', date, '--ledger', empty, ...cred()]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('账本缺少');
    writeFileSync(join(dir, 'bad.csv'), 'payOrdId\nX\n');
    const bad = await yibao(['reconcile', '--date', date, '--ledger', join(dir, 'bad.csv'), ...cred()]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('type');
  });

  it('yibao app changes an app through the admin API, with a required reason', async () => {
    const admin = ['--url', t.url, '--token', 'operator-test-token'];
    const noReason = await yibao(['app', 'set', t.other.config.appId, '--notify-url', 'https://his.example.cn/cb2', ...admin]);
    expect(noReason.code).toBe(2);
    const r = await yibao(['app', 'set', t.other.config.appId, '--notify-url', 'https://his.example.cn/cb2', '--rate-limit', '20/40', '--reason', '医院更换回调地址', ...admin]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).app).toMatchObject({ notifyUrl: 'https://his.example.cn/cb2', rateLimit: { perSecond: 20, burst: 40 } });
    expect(t.platform.apps.get(t.other.config.appId)!.notifyUrl).toBe('https://his.example.cn/cb2');
    const list = await yibao(['app', 'list', ...admin]);
    expect(JSON.parse(list.stdout).apps.length).toBeGreaterThanOrEqual(3);
    const wrong = await yibao(['app', 'disable', 'NOSUCHAPP', '--reason', 'x', ...admin]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('HTTP 404');
  });
});
