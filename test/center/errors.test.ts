import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringifyWire } from '../../src/protocol/json.js';
import { sealRequest, openResponse } from '../../src/protocol/mobile.js';
import { formatCompact } from '../../src/protocol/time.js';
import { getTxn } from '../../src/spec/index.js';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { authorise, fen, LISI, n, payData, queryData, refundData, scanAndUpload, ZHANGSAN } from '../helpers/flow.js';
import { testKeys } from '../helpers/keys.js';

describe.each(storeKinds)('center errors and isolation on $name', (kind) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  const query = { payOrdId: 'ORD-NONE', orgCodg: 'H35010200227', payToken: 'x', idNo: '1', userName: 'u', idType: '01' };

  it('unknown appId → -8, in a signed envelope', async () => {
    const stranger = testKeys();
    const res = await fetch(`${t.url}${getTxn('6301').path}`, {
      method: 'POST',
      body: stringifyWire(sealRequest(query, { ...stranger.hisKeys, appId: 'NOSUCHAPP0000000000000000000000X' })),
    });
    const body = JSON.parse(await res.text());
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ code: '-8', success: false });
    expect(body.message).toMatch(/appId: 应用信息不存在/);
    expect(body.signData).toBeTruthy();
  });

  it('bad signature → 000102 (wrong key, tampered field, missing signature)', async () => {
    const other = testKeys();
    const wrongKey = await t.call('6301', query, { mutate: (m) => sealRequest(query, { ...t.app.keys, privateKey: other.his.privateKey }) });
    expect(wrongKey.code).toBe('000102');
    const tampered = await t.call('6301', query, { mutate: (m) => ({ ...m, version: '2.0.2' }) });
    expect(tampered.code).toBe('000102');
    const unsigned = await t.call('6301', query, { mutate: (m) => ({ ...m, signData: '' }) });
    expect(unsigned.code).toBe('000102');
    expect(unsigned.message).toMatch(/signData/);
  });

  it('malformed or invalid field → 000105 naming the field and the Chinese name', async () => {
    const missing = await t.call('6301', { ...query, payToken: undefined });
    expect(missing.code).toBe('000105');
    expect(missing.message).toBe('data.payToken: 必填（支付 token）');
    const u = await scanAndUpload(t, LISI);
    const bad = { ...u.upload, medOrgOrd: 'MO-BAD-PRIC', feedetailList: u.upload.feedetailList.map((l, i) => (i === 2 ? { ...l, pric: n('1.1234567') } : l)) };
    const r = await t.call('6201', bad);
    expect(r.code).toBe('000105');
    expect(r.message).toContain('data.feedetailList[2].pric: 应为数值(16,6)（单价）');
    const wrongSum = await t.call('6201', { ...u.upload, medOrgOrd: 'MO-BAD-SUM', medfeeSumamt: n('1.00') });
    expect(wrongSum.code).toBe('000105');
    expect(wrongSum.message).toMatch(/^data\.medfeeSumamt: 应等于费用明细 detItemFeeSumamt 之和 676\.00/);
    const wrongLine = await t.call('6201', {
      ...u.upload,
      medOrgOrd: 'MO-BAD-LINE',
      feedetailList: u.upload.feedetailList.map((l, i) => (i === 1 ? { ...l, detItemFeeSumamt: n('479.99') } : l)),
      medfeeSumamt: n('675.99'),
    });
    expect(wrongLine.message).toMatch(/^data\.feedetailList\[1\]\.detItemFeeSumamt: 应等于 cnt×pric=480\.00/);
    const enumBad = await t.call('6203', { ...refundData(u, { refdType: 'ALL', total: '1', cash: '1' }), refdType: 'SOME' });
    expect(enumBad.message).toContain('data.refdType: 应为 ALL/CASH/HI 之一（退费类型）');
    const notJsonData = await t.call('6301', query, { mutate: (m) => sealRequest([1, 2], t.app.keys) });
    expect(notJsonData.code).toBe('000105');
    // nothing half-written: none of the refused uploads left an order behind
    const rows = await t.platform.deps.store.query("SELECT 1 FROM orders WHERE med_org_ord LIKE 'MO-BAD-%'");
    expect(rows).toHaveLength(0);
  });

  it('not JSON at all → 000105, still a signed envelope, never a stack trace', async () => {
    const res = await fetch(`${t.url}${getTxn('6202').path}`, { method: 'POST', body: '<xml>oops</xml>' });
    const text = await res.text();
    const body = JSON.parse(text);
    expect(body.code).toBe('000105');
    expect(body.message).toMatch(/不是有效的 JSON/);
    expect(text).not.toMatch(/at .*\.js:\d+/);
  });

  it('replay: the same signData again → 010010; timestamp outside ±5 minutes → 010010', async () => {
    const message = sealRequest(query, { ...t.app.keys });
    const first = await t.call('6301', query, { rawBody: stringifyWire(message) });
    expect(first.code).toBe('-1'); // order does not exist, but the request was genuine
    const again = await t.call('6301', query, { rawBody: stringifyWire(message) });
    expect(again.code).toBe('010010');
    const old = await t.call('6301', query, { seal: { timestamp: formatCompact(new Date(Date.now() - 6 * 60_000)) } });
    expect(old.code).toBe('010010');
    expect(old.message).toMatch(/^timestamp: /);
    const future = await t.call('6301', query, { seal: { timestamp: String(Date.now() + 10 * 60_000) } });
    expect(future.code).toBe('010010');
    const fine = await t.call('6301', query, { seal: { timestamp: String(Date.now() - 60_000) } });
    expect(fine.code).toBe('-1');
  });

  it('over the per-app rate limit → -6', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) codes.push((await t.call('6301', { ...query, orgCodg: t.limited.config.orgCodg }, { app: t.limited })).code);
    expect(codes.slice(0, 3)).toEqual(['-1', '-1', '-1']);
    expect(codes.slice(3)).toContain('-6');
  });

  it('tenant isolation: another institution cannot read, pay, refund or revoke; the answer equals not-found', async () => {
    const u = await scanAndUpload(t, LISI);
    const notFound = (await t.call('6301', { ...queryData(u), payOrdId: 'ORD-DOES-NOT-EXIST', orgCodg: t.other.config.orgCodg }, { app: t.other }));
    const asOther = { app: t.other };
    const read = await t.call('6301', { ...queryData(u), orgCodg: t.other.config.orgCodg }, asOther);
    const readOwnOrg = await t.call('6301', queryData(u), asOther);
    const pay = await t.call('6202', { ...payData(u, (await authorise(t, LISI)).payAuthNo), orgCodg: t.other.config.orgCodg }, asOther);
    const refund = await t.call('6203', refundData(u, { refdType: 'CASH', total: '1.00', cash: '1.00' }), asOther);
    const revoke = await t.call('6401', { ...queryData(u), orgCodg: t.other.config.orgCodg }, asOther);
    for (const r of [read, readOwnOrg, pay, refund, revoke]) {
      expect(r.code).toBe(notFound.code);
      expect(r.message.replace(u.payOrdId, 'X')).toBe(notFound.message.replace('ORD-DOES-NOT-EXIST', 'X'));
    }
    // and the order is untouched
    expect((await t.call('6301', queryData(u))).data!.ordStas).toBe('1');
    // an app cannot upload for another institution either
    const foreign = await t.call('6201', { ...u.upload, medOrgOrd: 'MO-FOREIGN', orgCodg: t.app.config.orgCodg }, asOther);
    expect(foreign.code).toBe('000105');
    expect(foreign.message).toMatch(/^data\.orgCodg: 与应用所属机构不符/);
  });

  it('tokens: unknown, expired, used and foreign tokens are refused with a clear reason (-4)', async () => {
    const u = await scanAndUpload(t, LISI);
    const unknown = await t.call('6202', payData(u, 'AU-NOT-A-TOKEN'));
    expect(unknown.code).toBe('-4');
    expect(unknown.message).toMatch(/payAuthNo.*无效/);
    const zhang = await authorise(t, ZHANGSAN);
    const foreign = await t.call('6202', payData(u, zhang.payAuthNo));
    expect(foreign.code).toBe('-4');
    expect(foreign.message).toMatch(/不属于同一参保人/);
    const { payAuthNo } = await authorise(t, LISI);
    expect((await t.call('6202', payData(u, payAuthNo))).code).toBe('0');
    const u2 = await scanAndUpload(t, LISI);
    const used = await t.call('6202', payData(u2, payAuthNo));
    expect(used.code).toBe('-4');
    expect(used.message).toMatch(/已使用/);
    // expiry: the sandbox issues with a lifetime; push the database clock past it
    const fresh = await authorise(t, LISI);
    await t.platform.deps.store.query("UPDATE ev_tokens SET expires_at = now() - interval '1 second' WHERE token = $1", [fresh.payAuthNo]);
    const expired = await t.call('6202', payData(u2, fresh.payAuthNo));
    expect(expired.code).toBe('-4');
    expect(expired.message).toMatch(/已过期/);
    // an ecToken of another person cannot upload for this one
    const zhangScan = await t.call('6101', { orgId: t.app.config.orgCodg, businessType: '01101', operatorId: 'O', operatorName: 'O', officeId: 'O', officeName: 'O', ecQrCode: ZHANGSAN.qrCode });
    const mixed = await t.call('6201', { ...u2.upload, medOrgOrd: 'MO-MIXED', ecToken: zhangScan.data!.ecToken });
    expect(mixed.code).toBe('-4');
    expect(mixed.message).toMatch(/证件号码/);
    // a bad QR code
    const qr = await t.call('6101', { orgId: t.app.config.orgCodg, businessType: '01101', operatorId: 'O', operatorName: 'O', officeId: 'O', officeName: 'O', ecQrCode: 'NOT-A-CODE' });
    expect(qr.code).toBe('-4');
  });

  it('revsToken stands in for ecToken in 6203 for one hour, then is refused', async () => {
    const u = await scanAndUpload(t, LISI);
    await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
    const q = await t.call('6301', queryData(u));
    const revsToken = String(q.data!.revsToken);
    const cash = fen(q.data!.ownPayAmt);
    const ok = await t.call('6203', refundData(u, { refdType: 'CASH', total: '1.00', cash: '1.00', ecToken: revsToken }));
    expect(ok.code, ok.message).toBe('0');
    await t.platform.deps.store.query("UPDATE orders SET revs_token_expires_at = now() - interval '1 second' WHERE pay_ord_id = $1", [u.payOrdId]);
    const late = await t.call('6203', refundData(u, { refdType: 'CASH', total: '1.00', cash: '1.00', ecToken: revsToken }));
    expect(late.code).toBe('-4');
    expect(late.message).toMatch(/revsToken 已过期/);
    expect(cash).toBeGreaterThan(200);
  });

  it('channel failures: pay FAIL → 15 and insurance rolled back; retry succeeds; refund EXP then CASH completes it', async () => {
    const before = (await t.platform.deps.store.query<{ balance_fen: number }>('SELECT balance_fen FROM psn_accounts WHERE psn_no = $1', [LISI.psnNo]))[0]!.balance_fen;
    const u = await scanAndUpload(t, LISI);
    t.platform.upstreams.channels.addFailure({ op: 'pay', result: 'FAIL', count: 1 });
    const failed = await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
    expect(failed.code).toBe('0');
    expect(failed.data!.ordStas).toBe('15');
    expect(failed.message).toMatch(/医保结算已冲正/);
    expect((await t.platform.deps.store.query('SELECT 1 FROM fsi_settlements WHERE pay_ord_id = $1', [u.payOrdId]))).toHaveLength(0);
    expect((await t.platform.deps.store.query<{ balance_fen: number }>('SELECT balance_fen FROM psn_accounts WHERE psn_no = $1', [LISI.psnNo]))[0]!.balance_fen).toBe(before);
    const retry = await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
    expect(retry.data!.ordStas).toBe('6');
    const cash = fen(retry.data!.ownPayAmt);
    const fund = fen(retry.data!.fundPay);
    const acct = fen(retry.data!.psnAcctPay);

    t.platform.upstreams.channels.addFailure({ op: 'refund', result: 'FAIL', count: 1 });
    const cashOnly = await t.call('6203', refundData(u, { refdType: 'CASH', total: '1.00', cash: '1.00' }));
    expect(cashOnly.data!.refStatus).toBe('FAIL');
    expect((await t.call('6301', queryData(u))).data!.ordStas).toBe('6');

    t.platform.upstreams.channels.addFailure({ op: 'refund', result: 'EXP', count: 1 });
    const all = (cash + fund + acct) / 100;
    const exp = await t.call('6203', refundData(u, { refdType: 'ALL', total: all.toFixed(2), cash: (cash / 100).toFixed(2) }));
    expect(exp.data!.refStatus).toBe('EXP');
    expect(exp.message).toMatch(/CASH/);
    expect((await t.call('6301', queryData(u))).data!.ordStas).toBe('8');
    const complete = await t.call('6203', refundData(u, { refdType: 'CASH', total: (cash / 100).toFixed(2), cash: (cash / 100).toFixed(2) }));
    expect(complete.data!.refStatus).toBe('SUCC');
    expect((await t.call('6301', queryData(u))).data!.ordStas).toBe('7');
    // The refund rows say what was actually refunded: nothing for FAIL, no cash for EXP, the cash for the retry.
    const rows = (await t.admin(`/admin/orders/${u.payOrdId}`)).json.refunds as Array<{ refStatus: string; cashRefdAmt: string; fundRefdAmt: string }>;
    const y = (f: number) => (f / 100).toFixed(2);
    expect(rows.map((r) => `${r.refStatus}:${r.fundRefdAmt}:${r.cashRefdAmt}`).sort()).toEqual([`EXP:${y(fund)}:0.00`, 'FAIL:0.00:0.00', `SUCC:0.00:${y(cash)}`].sort());
  });

  it('a reply whose signature does not verify is refused by the HIS side (fail closed)', async () => {
    const res = await fetch(`${t.url}${getTxn('6301').path}`, { method: 'POST', body: stringifyWire(sealRequest(query, t.app.keys)) });
    const body = JSON.parse(await res.text());
    body.code = '0';
    expect(() => openResponse(body, { ...t.app.keys, peerPublicKey: t.platformPublicKey })).toThrow(/签名验证失败/);
  });
});
