import { signatureToDer } from '../../packages/yibao/src/crypto/sm2.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringifyWire } from '../../packages/yibao/src/protocol/json.js';
import { sealRequest, openResponse } from '../../packages/yibao/src/protocol/mobile.js';
import { formatCompact } from '../../packages/yibao/src/protocol/time.js';
import { getTxn } from '../../packages/yibao/src/spec/index.js';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { authorise, fen, LISI, n, payData, queryData, refundData, scanAndUpload, ZHANGSAN } from '../helpers/flow.js';
import { testKeys } from '../helpers/keys.js';
import { safeError } from '../../packages/platform/src/util/mask.js';

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
    // The app is SM2: a request signed with SM3 (the appSecret alone) is refused, whatever it says.
    const sm3 = await t.call('6301', query, { seal: { signType: 'SM3' } });
    expect(sm3.code).toBe('000102');
    expect(sm3.message).toMatch(/signType: 不接受 SM3 签名/);
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
    // The policy is the insured place's: another place named by the HIS is refused, not settled under it.
    const elsewhere = await t.call('6201', { ...u.upload, medOrgOrd: 'MO-BAD-ADMDVS', insuplcAdmdvs: '110000' });
    expect(elsewhere.code).toBe('000105');
    expect(elsewhere.message).toMatch(/^data\.insuplcAdmdvs: 与参保人的参保地 \d{6} 不符/);
    // Text no field can hold, and nesting no message has: 000105 naming where, not a storage error.
    const nul = await t.call('6201', { ...u.upload, medOrgOrd: 'MO-BAD-NUL', diseName: '急性\u0000上感' });
    expect(nul.code).toBe('000105');
    expect(nul.message).toBe('data.diseName: 含有不允许的字符（NUL 或不成对的 UTF-16 代理项）');
    const surrogate = await t.call('6301', { ...query, payOrdId: 'ORD\ud800X' });
    expect(surrogate.code).toBe('000105');
    expect(surrogate.message).toMatch(/^data\.payOrdId: 含有不允许的字符/);
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = { d: deep };
    const nested = await t.call('6201', { ...u.upload, medOrgOrd: 'MO-BAD-DEEP', extData: deep as never });
    expect(nested.code).toBe('000105');
    expect(nested.message).toMatch(/嵌套层级超过 32 层/);
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

  it('a body that is not UTF-8 (GBK from a Windows HIS) → 000105 naming the byte; a UTF-8 BOM is accepted', async () => {
    const data = { payOrdId: 'ORD-NONE', orgCodg: t.app.config.orgCodg, payToken: 'x', idNo: '1', userName: '张三', idType: '01' };
    const hisKeys = { ...t.app.keys, peerPublicKey: t.platformPublicKey };
    const text = stringifyWire(sealRequest(data, hisKeys, { encType: 'plain' }));
    // 张三 in GBK is D5 C5 C8 FD; the rest of the message is ASCII either way.
    const [before, after] = text.split('张三') as [string, string];
    const gbk = Buffer.concat([Buffer.from(before), Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]), Buffer.from(after)]);
    const res = await fetch(`${t.url}${getTxn('6301').path}`, { method: 'POST', headers: { 'content-type': 'application/json; charset=GBK' }, body: gbk });
    // Unread, the message names no app to sign for: an envelope like the one for text that is not JSON.
    const opened = JSON.parse(await res.text());
    expect(opened.code).toBe('000105');
    expect(opened.message).toBe(`请求报文不是有效的 UTF-8 编码（第 ${Buffer.byteLength(before) + 1} 字节 0xD5）：请以 UTF-8 发送（不是 GBK）`);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(stringifyWire(sealRequest(data, hisKeys)))]);
    const withBom = openResponse(await (await fetch(`${t.url}${getTxn('6301').path}`, { method: 'POST', body: bom })).text(), hisKeys);
    expect(withBom.message).toMatch(/订单不存在/);
  });

  it('replay: the same signData again → 010010; timestamp outside ±5 minutes → 010010', async () => {
    const message = sealRequest(query, { ...t.app.keys });
    const first = await t.call('6301', query, { rawBody: stringifyWire(message) });
    expect(first.code).toBe('-1'); // order does not exist, but the request was genuine
    const again = await t.call('6301', query, { rawBody: stringifyWire(message) });
    expect(again.code).toBe('010010');
    // The same signature spelled otherwise (DER in base64, raw r||s in hex, lower-case): still a replay.
    const raw = Buffer.from(String(message.signData), 'base64');
    for (const signData of [signatureToDer(raw).toString('base64'), raw.toString('hex'), raw.toString('hex').toUpperCase(), signatureToDer(raw).toString('hex')]) {
      const respelled = await t.call('6301', query, { rawBody: stringifyWire({ ...message, signData }) });
      expect(respelled.code).toBe('010010');
    }
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
    const failedRequest = payData(u, (await authorise(t, LISI)).payAuthNo);
    const failed = await t.call('6202', failedRequest);
    expect(failed.code).toBe('0');
    expect(failed.data!.ordStas).toBe('15');
    expect(failed.message).toMatch(/医保结算已冲正/);
    expect((await t.platform.deps.store.query('SELECT 1 FROM fsi_settlements WHERE pay_ord_id = $1', [u.payOrdId]))).toHaveLength(0);
    expect((await t.platform.deps.store.query<{ balance_fen: number }>('SELECT balance_fen FROM psn_accounts WHERE psn_no = $1', [LISI.psnNo]))[0]!.balance_fen).toBe(before);
    const retry = await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
    expect(retry.data!.ordStas).toBe('6');
    // The failed attempt, repeated with its own orgBizSer, still answers its own outcome (15), not the order's 6.
    const repeatedFailure = await t.call('6202', failedRequest);
    expect(repeatedFailure.data!.ordStas).toBe('15');
    expect(repeatedFailure.message).toMatch(/医保结算已冲正/);
    const cash = fen(retry.data!.ownPayAmt);
    const fund = fen(retry.data!.fundPay);
    const acct = fen(retry.data!.psnAcctPay);

    t.platform.upstreams.channels.addFailure({ op: 'refund', result: 'FAIL', count: 1 });
    const cashOnly = await t.call('6203', refundData(u, { refdType: 'CASH', total: '1.00', cash: '1.00' }));
    expect(cashOnly.data!.refStatus).toBe('FAIL');
    expect((await t.call('6301', queryData(u))).data!.ordStas).toBe('6');

    // The cash leg refused by the channel after the insurance part was refunded: EXP (表 12), and a
    // CASH retry completes it.
    t.platform.upstreams.channels.addFailure({ op: 'refund', result: 'FAIL', count: 1 });
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

  it('a cash refund the channel leaves unknown is never refunded twice: EXP, asked again, recorded once', async () => {
    const u = await scanAndUpload(t, LISI);
    const paid = await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
    const cashFen = fen(paid.data!.ownPayAmt);
    const part = (Math.floor(cashFen / 3) / 100).toFixed(2);
    t.platform.upstreams.channels.addFailure({ op: 'refund', result: 'EXP', count: 1 });
    const first = refundData(u, { refdType: 'CASH', total: part, cash: part });
    const unknown = await t.call('6203', first);
    expect(unknown.data!.refStatus).toBe('EXP');
    expect(unknown.message).toMatch(/自费退费结果未知.*请用原 appRefdSn 重发/);
    // Still unknown at the channel: any cash refund is refused, nothing more leaves.
    t.platform.upstreams.channels.addFailure({ op: 'query', result: 'EXP', count: 1 });
    const early = await t.call('6203', refundData(u, { refdType: 'CASH', total: part, cash: part }));
    expect(early.code).toBe('-1');
    expect(early.message).toMatch(/结果仍未知/);
    // The same request again (same appRefdSn) is how the HIS asks: while unknown it stays EXP…
    t.platform.upstreams.channels.addFailure({ op: 'query', result: 'EXP', count: 1 });
    expect((await t.call('6203', first)).data!.refStatus).toBe('EXP');
    // …and once the channel knows (it went through), the answer, the refund row and the order say so.
    const known = await t.call('6203', first);
    expect(known.data!.refStatus).toBe('SUCC');
    expect(known.message).toMatch(/已由渠道确认到账/);
    expect((await t.call('6301', queryData(u))).data!.ordStas).toBe('10');
    // A partial retry of the same amount is a new refund of the cash still left (not the same money twice).
    const second = await t.call('6203', refundData(u, { refdType: 'CASH', total: part, cash: part }));
    expect(second.data!.refStatus).toBe('SUCC');
    const channel = await t.platform.deps.store.query<{ total: number }>("SELECT COALESCE(SUM(amount_fen), 0)::bigint AS total FROM channel_trades WHERE pay_ord_id = $1 AND kind = 'REFUND' AND status = 'SUCC'", [u.payOrdId]);
    const rows = (await t.admin(`/admin/orders/${u.payOrdId}`)).json.refunds as Array<{ refStatus: string; cashRefdAmt: string }>;
    const recorded = rows.reduce((a, r) => a + fen(r.cashRefdAmt), 0);
    expect(Number(channel[0]!.total)).toBe(2 * fen(part));
    expect(recorded).toBe(2 * fen(part));
    // Everything refunded in an unknown refund confirmed later: the retry is told, and nothing leaves.
    const rest = ((cashFen - 2 * fen(part)) / 100).toFixed(2);
    t.platform.upstreams.channels.addFailure({ op: 'refund', result: 'EXP', count: 1 });
    expect((await t.call('6203', refundData(u, { refdType: 'CASH', total: rest, cash: rest }))).data!.refStatus).toBe('EXP');
    const retry = await t.call('6203', refundData(u, { refdType: 'CASH', total: rest, cash: rest }));
    expect(retry.data!.refStatus).toBe('FAIL');
    expect(retry.message).toMatch(/已由渠道确认到账.*本次未退款/);
    expect((await t.call('6301', queryData(u))).data!.ordStas).toBe('9');
    const after = await t.platform.deps.store.query<{ total: number }>("SELECT COALESCE(SUM(amount_fen), 0)::bigint AS total FROM channel_trades WHERE pay_ord_id = $1 AND kind = 'REFUND' AND status = 'SUCC'", [u.payOrdId]);
    expect(Number(after[0]!.total)).toBe(cashFen);
  });

  it('one payAuthNo pays one order: two orders paid with it at once, one is refused', async () => {
    const a = await scanAndUpload(t, ZHANGSAN);
    const b = await scanAndUpload(t, ZHANGSAN);
    const { payAuthNo } = await authorise(t, ZHANGSAN);
    const results = await Promise.all([t.call('6202', payData(a, payAuthNo)), t.call('6202', payData(b, payAuthNo))]);
    const settled = results.filter((r) => r.code === '0' && r.data!.ordStas === '6');
    expect(settled).toHaveLength(1);
    const refused = results.find((r) => r !== settled[0])!;
    expect(refused.code).toBe('-4');
    expect(refused.message).toMatch(/payAuthNo 已使用/);
  });

  it('a reply whose signature does not verify is refused by the HIS side (fail closed)', async () => {
    const res = await fetch(`${t.url}${getTxn('6301').path}`, { method: 'POST', body: stringifyWire(sealRequest(query, t.app.keys)) });
    const body = JSON.parse(await res.text());
    body.code = '0';
    expect(() => openResponse(body, { ...t.app.keys, peerPublicKey: t.platformPublicKey })).toThrow(/签名验证失败/);
  });
});

describe('rate limits: forgeries cannot spend an app\'s budget; an address flooding junk is limited (PGlite)', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(storeKinds[0]!, { addressRateLimit: { perSecond: 1, burst: 60 } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('junk under a real appId is 000102 and leaves the app its budget; past the address bucket, -6 before any verification', async () => {
    const query = { payOrdId: 'ORD-NONE', orgCodg: t.limited.config.orgCodg, payToken: 'T', idNo: LISI.idNo, userName: LISI.userName, idType: '01' };
    const forger = testKeys();
    const junk = () => t.call('6301', query, { app: t.limited, mutate: () => sealRequest(query, { ...t.limited.keys, privateKey: forger.his.privateKey }) });
    // The limited app allows a burst of 3; ten forgeries do not touch it, nor do replays of a genuine request.
    for (let i = 0; i < 10; i++) expect((await junk()).code).toBe('000102');
    const genuine = stringifyWire(sealRequest(query, t.limited.keys));
    expect((await t.call('6301', query, { app: t.limited, rawBody: genuine })).code).toBe('-1');
    for (let i = 0; i < 10; i++) expect((await t.call('6301', query, { app: t.limited, rawBody: genuine })).code).toBe('010010');
    expect((await t.call('6301', query, { app: t.limited })).code).toBe('-1');
    // The address's own bucket (burst 60 here) runs out: -6 even before the signature is looked at.
    const codes: string[] = [];
    for (let i = 0; i < 40; i++) codes.push((await junk()).code);
    expect(codes).toContain('-6');
    expect(codes.slice(0, 20).every((c) => c === '000102')).toBe(true);
  });

  it('unknown appIds spend the address bucket too: past it, -6 instead of a freshly signed -8', async () => {
    const p = await startTestPlatform(storeKinds[0]!, { addressRateLimit: { perSecond: 0.1, burst: 5 } });
    const query = { payOrdId: 'ORD-NONE', orgCodg: p.app.config.orgCodg, payToken: 'T', idNo: LISI.idNo, userName: LISI.userName, idType: '01' };
    try {
      const stranger = testKeys();
      const codes: string[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await fetch(`${p.url}${getTxn('6301').path}`, { method: 'POST', body: stringifyWire(sealRequest(query, { ...stranger.hisKeys, appId: `NOSUCHAPP${i}`.padEnd(32, '0') })) });
        codes.push(String(JSON.parse(await res.text()).code));
      }
      expect(codes).toEqual(['-8', '-8', '-8', '-8', '-8', '-6', '-6', '-6']);
    } finally {
      await p.close();
    }
  });
});

describe('what the logs keep (PGlite)', () => {
  const lines: string[] = [];
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(storeKinds[0]!, {}, undefined, { logLines: lines });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('an unexpected database error is logged without the row or parameters (no ID number, name or token); the HIS gets 000002 and a trace id', async () => {
    // A constraint no order can meet stands in for any bug or schema drift: the insert of 6201 fails.
    await t.platform.deps.store.exec('ALTER TABLE orders ADD CONSTRAINT test_never CHECK (false) NOT VALID');
    try {
      const refused = await scanAndUpload(t, LISI).then(() => undefined, (err: Error) => err);
      expect(refused?.message).toMatch(/系统错误.*traceId.*expected '000002' to be '0'/s);
    } finally {
      await t.platform.deps.store.exec('ALTER TABLE orders DROP CONSTRAINT test_never');
    }
    const logged = lines.join('\n');
    const failure = lines.map((l) => JSON.parse(l)).find((l) => l.err && /test_never/.test(l.err.message));
    expect(failure, logged).toBeDefined();
    expect(failure.traceId).toBeTruthy();
    for (const secret of [LISI.idNo, LISI.userName]) expect(logged).not.toContain(secret);
    expect(logged).not.toMatch(/Failing row|"params"|"detail"/);
  });

  it('a data error quoting the value it choked on is logged without that value', async () => {
    const err = await t.platform.deps.store.query('SELECT $1::bigint AS n', [`${LISI.idNo}X`]).catch((e: unknown) => e);
    const kept = JSON.stringify(safeError(err));
    expect(kept).toContain('22P02');
    expect(kept).not.toContain(LISI.idNo);
  });

  it('a rejected signature is logged with its reason (never the signature), and answered 000102', async () => {
    const data = { payOrdId: 'ORD-NONE', orgCodg: t.app.config.orgCodg, payToken: 'x', idNo: '1', userName: 'u', idType: '01' };
    const r = await t.call('6301', data, { mutate: (m) => ({ ...m, timestamp: m.timestamp, signData: Buffer.alloc(64, 7).toString('base64') }) });
    expect(r.code).toBe('000102');
    const warn = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'signature rejected');
    expect(warn).toMatchObject({ txn: '6301', appId: t.app.keys.appId, reason: 'SM2 signature does not verify' });
    expect(lines.join('\n')).not.toContain(Buffer.alloc(64, 7).toString('base64'));
  });
});
