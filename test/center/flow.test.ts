import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { authorise, balanceFen, BILL, fen, LISI, n, payData, queryData, refundData, scanAndUpload } from '../helpers/flow.js';

function money(d: Record<string, unknown> | undefined) {
  return { fee: fen(d!.feeSumamt), fund: fen(d!.fundPay), acct: fen(d!.psnAcctPay), cash: fen(d!.ownPayAmt ?? d!.ownpayAmt), oth: fen(d!.othFeeAmt ?? 0) };
}

describe.each(storeKinds)('center end to end on $name', (kind) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('6101 → 6201 → 6202 → 6302 → 6301 → 6203 CASH part, HI, CASH rest → 6301', async () => {
    const before = await balanceFen(t, LISI.psnNo);
    const u = await scanAndUpload(t, LISI);
    const { payAuthNo } = await authorise(t, LISI);
    const pay = await t.call('6202', payData(u, payAuthNo));
    expect(pay.code, pay.message).toBe('0');
    expect(pay.data!.ordStas).toBe('6');
    const m = money(pay.data);
    expect(m.fee).toBe(67_600); // 71.00 + 480.00 + 25.00 + 100.00
    expect(m.fund).toBeGreaterThan(0);
    expect(m.acct).toBe(3560); // the whole 35.60 balance
    expect(m.cash).toBeGreaterThan(0);
    expect(m.fee).toBe(m.fund + m.acct + m.cash + m.oth);
    expect(await balanceFen(t, LISI.psnNo)).toBe(before - m.acct);
    // the raw reply keeps money as JSON numbers with two decimals
    expect(pay.raw).toMatch(/"code":"0"/);

    const cb = await t.receiver.waitForOrder(u.payOrdId);
    expect(cb.data).toMatchObject({ callType: '02', medOrgOrd: u.upload.medOrgOrd, setlType: 'ALL', orgCodg: u.upload.orgCodg });
    expect(fen(cb.data.feeSumamt)).toBe(m.fee);
    expect(fen(cb.data.ownpayAmt)).toBe(m.cash);
    for (const f of ['payOrdId', 'callType', 'medOrgOrd', 'traceTime', 'feeSumamt', 'ownpayAmt', 'psnAcctPay', 'fundPay', 'hiChrgTime', 'hiDocSn', 'hiRgstSn', 'orgName', 'setlType', 'revsToken', 'orgCodg']) {
      expect(cb.data[f], f).not.toBe('');
    }
    expect(JSON.parse(cb.raw).encData).toMatch(/^[0-9A-F]+$/); // encrypted per app

    const q = await t.call('6301', queryData(u));
    expect(q.code).toBe('0');
    expect(q.data).toMatchObject({ ordStas: '6', payOrdId: u.payOrdId, callType: '02', setlType: 'ALL' });
    expect(String(q.data!.revsToken)).not.toBe('');

    const half = (m.cash / 2 / 100).toFixed(2);
    const r1 = await t.call('6203', refundData(u, { refdType: 'CASH', total: half, cash: half }));
    expect(r1.code, r1.message).toBe('0');
    expect(r1.data).toMatchObject({ refStatus: 'SUCC', hiFefdSn: '' });
    expect((await t.call('6301', queryData(u))).data!.ordStas).toBe('10');

    const r2 = await t.call('6203', refundData(u, { refdType: 'HI', total: ((m.fund + m.acct) / 100).toFixed(2), cash: '0', fund: (m.fund / 100).toFixed(2), acct: (m.acct / 100).toFixed(2) }));
    expect(r2.code, r2.message).toBe('0');
    expect(r2.data!.refStatus).toBe('SUCC');
    expect(String(r2.data!.hiFefdSn)).not.toBe('');
    expect(r2.data!.hiTrnsDate).toMatch(/^\d{8}$/);
    expect(await balanceFen(t, LISI.psnNo)).toBe(before); // account restored
    expect((await t.call('6301', queryData(u))).data!.ordStas).toBe('11');

    const rest = ((m.cash - Math.round(Number(half) * 100)) / 100).toFixed(2);
    const r3 = await t.call('6203', refundData(u, { refdType: 'CASH', total: rest, cash: rest }));
    expect(r3.data!.refStatus).toBe('SUCC');
    expect((await t.call('6301', queryData(u))).data!.ordStas).toBe('7');

    const more = await t.call('6203', refundData(u, { refdType: 'CASH', total: '0.01', cash: '0.01' }));
    expect(more.code).toBe('-1');
  });

  it('6203 ALL refunds everything at once and restores the yearly accumulations', async () => {
    const acc = async () => (await t.platform.deps.store.query<{ ytd_fund_fen: number }>('SELECT ytd_fund_fen FROM psn_accounts WHERE psn_no = $1', [LISI.psnNo]))[0]!.ytd_fund_fen;
    const ytdBefore = await acc();
    const u = await scanAndUpload(t, LISI);
    const pay = await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
    const m = money(pay.data);
    expect(await acc()).toBe(ytdBefore + m.fund);
    const total = (m.fee / 100).toFixed(2);
    const r = await t.call('6203', refundData(u, { refdType: 'ALL', total, cash: (m.cash / 100).toFixed(2) }));
    expect(r.code, r.message).toBe('0');
    expect(r.data!.refStatus).toBe('SUCC');
    expect(await acc()).toBe(ytdBefore);
    expect((await t.call('6301', queryData(u))).data!.ordStas).toBe('7');
  });

  it('6201 → 6401 revoke; revoked twice is still success; a settled order cannot be revoked', async () => {
    const u = await scanAndUpload(t, LISI);
    const revoke = { ...queryData(u) };
    const r = await t.call('6401', revoke);
    expect(r.code, r.message).toBe('0');
    expect(r.data).toEqual({ success: true });
    expect((await t.call('6301', queryData(u))).data!.ordStas).toBe('12');
    expect((await t.call('6401', revoke)).data).toEqual({ success: true });
    const pay = await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
    expect(pay.code).toBe('-1');
    expect(pay.message).toMatch(/不能支付/);

    const s = await scanAndUpload(t, LISI);
    await t.call('6202', payData(s, (await authorise(t, LISI)).payAuthNo));
    const no = await t.call('6401', queryData(s));
    expect(no.code).toBe('-1');
    expect(no.message).toMatch(/6203/);
  });

  it('medOrgOrd: the same upload again returns the same order; a different one needs 6401 first', async () => {
    const u = await scanAndUpload(t, LISI);
    const again = await t.call('6201', u.upload);
    expect(again.data).toMatchObject({ payOrdId: u.payOrdId, payToken: u.payToken });
    const changed = { ...u.upload, iptOtpNo: 'OP-CHANGED' };
    const refused = await t.call('6201', changed);
    expect(refused.code).toBe('-1');
    expect(refused.message).toMatch(/6401/);
    await t.call('6401', queryData(u));
    const reused = await t.call('6201', changed);
    expect(reused.code, reused.message).toBe('0');
    expect(reused.data!.payOrdId).not.toBe(u.payOrdId);
  });

  it('repeated orgBizSer gives the same answer and settles once', async () => {
    const before = await balanceFen(t, LISI.psnNo);
    const u = await scanAndUpload(t, LISI);
    const data = payData(u, (await authorise(t, LISI)).payAuthNo);
    const first = await t.call('6202', data);
    const second = await t.call('6202', data);
    const third = await t.call('6202', data);
    expect(second.data).toEqual(first.data);
    expect(third.data).toEqual(first.data);
    expect(await balanceFen(t, LISI.psnNo)).toBe(before - money(first.data).acct);
    const settlements = await t.platform.deps.store.query("SELECT 1 FROM fsi_settlements WHERE pay_ord_id = $1 AND status = 'SETTLED'", [u.payOrdId]);
    expect(settlements).toHaveLength(1);
    const trades = await t.platform.deps.store.query("SELECT 1 FROM channel_trades WHERE pay_ord_id = $1 AND kind = 'PAY'", [u.payOrdId]);
    expect(trades).toHaveLength(1);
    // the same orgBizSer for another order is refused, naming the field
    const other = await scanAndUpload(t, LISI);
    const clash = await t.call('6202', { ...payData(other, (await authorise(t, LISI)).payAuthNo), orgBizSer: data.orgBizSer });
    expect(clash.code).toBe('000105');
    expect(clash.message).toMatch(/^data\.orgBizSer: /);
    // the same orgBizSer and order with other content (a deposit now): refused, not the first answer
    const changed = await t.call('6202', { ...data, deposit: n('1.00') });
    expect(changed.code).toBe('000105');
    expect(changed.message).toMatch(/^data\.orgBizSer: 已用于内容不同的请求/);
    // a refreshed payAuthNo is still the same request
    expect((await t.call('6202', { ...data, payAuthNo: (await authorise(t, LISI)).payAuthNo })).data).toEqual(first.data);
  });

  it('repeated appRefdSn: the same refund answers the same; other amounts under it are refused', async () => {
    const u = await scanAndUpload(t, LISI);
    await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
    const one = refundData(u, { refdType: 'CASH', total: '1.00', cash: '1.00' });
    const first = await t.call('6203', one);
    expect(first.data!.refStatus).toBe('SUCC');
    expect((await t.call('6203', { ...one, cashRefdAmt: n('1.0'), totlRefdAmt: n('1') })).data).toEqual(first.data);
    const two = await t.call('6203', { ...one, cashRefdAmt: n('2.00'), totlRefdAmt: n('2.00') });
    expect(two.code).toBe('000105');
    expect(two.message).toMatch(/^data\.appRefdSn: 已用于内容不同的请求（应用退款流水号）/);
    const rows = (await t.admin(`/admin/orders/${u.payOrdId}`)).json.refunds as Array<{ cashRefdAmt: string }>;
    expect(rows.map((r) => r.cashRefdAmt)).toEqual(['1.00']);
  });

  it('concurrent refunds of one order never exceed what was paid', async () => {
    const u = await scanAndUpload(t, LISI);
    const pay = await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
    const cash = money(pay.data).cash;
    const piece = Math.floor(cash / 3);
    const yuan = (piece / 100).toFixed(2);
    const results = await Promise.all(Array.from({ length: 6 }, () => t.call('6203', refundData(u, { refdType: 'CASH', total: yuan, cash: yuan }))));
    const ok = results.filter((r) => r.code === '0' && r.data!.refStatus === 'SUCC');
    expect(ok.length).toBe(3);
    for (const r of results.filter((x) => x.code !== '0')) expect(r.message).toMatch(/cashRefdAmt|可退/);
    const [row] = await t.platform.deps.store.query<{ cash_refunded_fen: number; cash_paid_fen: number }>('SELECT cash_refunded_fen, cash_paid_fen FROM orders WHERE pay_ord_id = $1', [u.payOrdId]);
    expect(row!.cash_refunded_fen).toBe(piece * 3);
    expect(row!.cash_refunded_fen).toBeLessThanOrEqual(row!.cash_paid_fen);
    const refunded = await t.platform.deps.store.query<{ s: number }>("SELECT COALESCE(SUM(amount_fen),0)::bigint AS s FROM channel_trades WHERE pay_ord_id = $1 AND kind = 'REFUND' AND status = 'SUCC'", [u.payOrdId]);
    expect(refunded[0]!.s).toBe(piece * 3);
  });

  it('bill lines use the documented rounding: cnt × pric half-up to the fen', async () => {
    const lines = [{ medListCodg: 'XJ01CRA086A001010100709', cnt: '3', pric: '0.335', fee: '1.01' }]; // 1.005 → 1.01
    const u = await scanAndUpload(t, LISI, { lines });
    expect(u.payOrdId).toMatch(/^ORD/);
    expect(BILL.length).toBe(4);
  });
});
