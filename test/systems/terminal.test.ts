import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringifyWire } from '../../packages/yibao/src/protocol/json.js';
import { formatCompact } from '../../packages/yibao/src/protocol/time.js';
import { openTerminalResponse, sealTerminalRequest, sealTerminalResponse } from '../../packages/yibao/src/protocol/terminal.js';
import { TERMINAL_PATH } from '../../packages/yibao/src/spec/index.js';
import { storeKinds } from '../helpers/db.js';
import { BILL, LISI } from '../helpers/flow.js';
import { upload6201 } from '../helpers/his.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { clientsFor, faceScan, OPERATOR, refused, type Clients } from './helpers.js';

const notice = (outBizNo: string, over: Record<string, unknown> = {}) => ({
  outBizNo,
  medicalSettleState: 'SUCCESS',
  operatorId: 'OP01',
  operatorName: '收款员甲',
  totalFee: '620.00',
  bizType: 'register',
  setlTime: '2026-11-23 09:30:00',
  hospitalName: '福州市第一人民医院（测试）',
  medicalSettleNo: 'SETL0001',
  ownAmt: '100.00',
  hifAmt: '520.00',
  acctAmt: '35.60',
  hifpAmt: '484.40',
  ...over,
});

describe.each(storeKinds)('service terminal on $name', (kind) => {
  let t: TestPlatform;
  let c: Clients;
  beforeAll(async () => {
    t = await startTestPlatform(kind);
    c = clientsFor(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('cn.nhsa.ec.auth → authNo/fToken/outBizNo; a duplicate outBizNo is refused; no face, no auth', async () => {
    expect((await refused(c.terminal.faceAuth({ businessType: '01101', ...OPERATOR }))).message).toMatch(/未采集到人脸/);
    await t.post('/sandbox/terminal/face', { psnNo: LISI.psnNo, orgCodg: t.app.config.orgCodg });
    const auth = await c.terminal.faceAuth({ outBizNo: 'OB-UNIQUE-0001', businessType: '01101', ...OPERATOR });
    expect(auth).toMatchObject({ outBizNo: 'OB-UNIQUE-0001' });
    expect(auth.authNo).toMatch(/^FA/);
    expect(auth.fToken).toMatch(/^FT/);
    await t.post('/sandbox/terminal/face', { psnNo: LISI.psnNo, orgCodg: t.app.config.orgCodg });
    // A different request (another cashier) with the same outBizNo: not a replay, a duplicate.
    const dup = await refused(c.terminal.faceAuth({ outBizNo: 'OB-UNIQUE-0001', businessType: '01101', ...OPERATOR, operatorId: 'OP02' }));
    expect(dup.code).toBe('000105');
    expect(dup.message).toMatch(/outBizNo.*重复/);
  });

  it('cn.nhsa.auth.check gives the e-voucher identity; a foreign or unknown authNo is refused', async () => {
    const { auth, identity } = await faceScan(t, c, LISI);
    expect(identity).toMatchObject({ idNo: LISI.idNo, userName: LISI.userName, idType: LISI.idType, insuOrg: LISI.insuAdmdvs, authNo: auth.authNo });
    expect(identity.ecToken).toBeTruthy();
    const other = clientsFor(t, t.other);
    expect((await refused(other.terminal.authCheck({ authNo: auth.authNo, outBizNo: auth.outBizNo, businessType: '01101', operatorId: 'O', operatorName: 'N' }))).message).toMatch(/authNo/);
    expect((await refused(c.terminal.authCheck({ authNo: 'FA-NOPE', outBizNo: 'x', businessType: '01101', operatorId: 'O', operatorName: 'N' }))).message).toMatch(/authNo/);
    // The identity of that scan only: its own outBizNo.
    expect((await refused(c.terminal.authCheck({ authNo: auth.authNo, outBizNo: 'OTHER', businessType: '01101', operatorId: 'O', operatorName: 'N' }))).message).toMatch(/data\.outBizNo: 与 authNo 的刷脸授权流水号不符/);
    // And only while fresh: an old scan is refused.
    await t.platform.deps.store.query("UPDATE terminal_auths SET created_at = now() - interval '1 hour' WHERE auth_no = $1", [auth.authNo]);
    expect((await refused(c.terminal.authCheck({ authNo: auth.authNo, outBizNo: auth.outBizNo, businessType: '01101', operatorId: 'O', operatorName: 'N' }))).message).toMatch(/刷脸授权已过期/);
  });

  it('one patient, one face scan, one visit: the ecToken feeds 6201 and the authNo pays 6202', async () => {
    const { auth, identity } = await faceScan(t, c, LISI);
    const data = upload6201({ orgCodg: t.app.config.orgCodg, psnNo: LISI.psnNo, idNo: identity.idNo, userName: identity.userName, insutype: LISI.insutype, ecToken: identity.ecToken, lines: BILL, medType: '14', acctUsedFlag: '1' });
    const plain = JSON.parse(JSON.stringify(data, (_k, v) => (v && typeof v === 'object' && 'isLosslessNumber' in v ? v.value : v)));
    const up = await c.center.uploadFees(plain);
    const paid = await c.center.payOrder({ payAuthNo: auth.authNo, payOrdId: up.payOrdId, payToken: up.payToken, chrgBchno: data.chrgBchno, feeType: '01', mdtrtId: String((up.extData as Record<string, unknown>).mdtrtId) } as never);
    expect(paid.ordStas).toBe('6');
    // The authorisation is spent: a second payment with it is refused.
    const up2 = await c.center.uploadFees({ ...plain, medOrgOrd: `${plain.medOrgOrd}B`, chrgBchno: `${plain.chrgBchno}B`, feedetailList: plain.feedetailList.map((l: Record<string, unknown>) => ({ ...l, chrgBchno: `${plain.chrgBchno}B` })) });
    const again = await refused(c.center.payOrder({ payAuthNo: auth.authNo, payOrdId: up2.payOrdId, payToken: up2.payToken, chrgBchno: `${plain.chrgBchno}B`, feeType: '01', mdtrtId: String((up2.extData as Record<string, unknown>).mdtrtId) } as never));
    expect(again.type).toBe('business');
    expect(again.centerMessage).toMatch(/payAuthNo/);
  });

  it('cn.nhsa.settle.notify pairs with its face scan: outBizNo of an ec.auth, its authNo, amounts and time that can be shown', async () => {
    const first = await faceScan(t, c, LISI);
    const e1 = await refused(c.terminal.settleNotify(notice('OB-NEVER-ISSUED') as never));
    expect(e1.code).toBe('000105');
    expect(e1.message).toMatch(/data\.outBizNo: 未找到该流水号的刷脸授权/);
    const second = await faceScan(t, c, LISI);
    const e2 = await refused(c.terminal.settleNotify(notice(second.auth.outBizNo, { authNo: first.auth.authNo }) as never));
    expect(e2.message).toMatch(/data\.authNo: 与 outBizNo 的刷脸授权不符/);
    for (const [field, value] of [['ownAmt', 'lots'], ['totalFee', '-5'], ['hifpAmt', '1.234']] as const) {
      const e = await refused(c.terminal.settleNotify(notice(second.auth.outBizNo, { [field]: value }) as never));
      expect(e.type).toBe('validation');
      expect(e.message).toContain(`data.${field}: 应为金额，单位元，最多两位小数`);
    }
    expect((await refused(c.terminal.settleNotify(notice(second.auth.outBizNo, { setlTime: 'yesterday' }) as never))).message).toMatch(/data\.setlTime/);
    // The screen shows the current patient's visit: a late notice for the first scan does not replace it.
    await c.terminal.settleNotify(notice(second.auth.outBizNo, { totalFee: '222.22' }) as never);
    await c.terminal.settleNotify(notice(first.auth.outBizNo, { totalFee: '111.11' }) as never);
    const screen = await (await fetch(`${t.url}/sandbox/terminal?orgCodg=${t.app.config.orgCodg}`)).text();
    expect(screen).toContain('¥222.22');
    expect(screen).not.toContain('¥111.11');
  });

  it('cn.nhsa.settle.notify: conditional fields exactly when SUCCESS or REFUND_SUCCESS; bizType checked; the screen shows it', async () => {
    const { auth } = await faceScan(t, c, LISI);
    // Required when SUCCESS: the SDK refuses before sending, the gateway names the field too.
    const { medicalSettleNo: _n, ...missing } = notice(auth.outBizNo);
    const local = await refused(c.terminal.settleNotify(missing as never));
    expect(local.type).toBe('validation');
    expect(local.message).toMatch(/data\.medicalSettleNo: medicalSettleState 为 SUCCESS 时必填（医保单据流水号）/);
    const keys = { appId: t.app.keys.appId, appSecret: t.app.keys.appSecret };
    const post = async (transType: 'cn.nhsa.settle.notify' | 'cn.nhsa.ec.auth', data: unknown, mutate?: (m: Record<string, unknown>) => void) => {
      const m = sealTerminalRequest(transType, t.app.config.orgCodg, data, keys);
      mutate?.(m as Record<string, unknown>);
      const res = await fetch(`${t.url}${TERMINAL_PATH}`, { method: 'POST', body: stringifyWire(m) });
      return JSON.parse(await res.text()) as Record<string, unknown>;
    };
    const server = await post('cn.nhsa.settle.notify', { ...missing, medicalSettleState: 'REFUND_SUCCESS' });
    expect(server.code).toBe('000105');
    expect(String(server.message)).toMatch(/data\.medicalSettleNo/);
    expect((await post('cn.nhsa.settle.notify', notice(auth.outBizNo, { bizType: 'counter' }))).code).toBe('000105');
    // Not required when FAIL (self-pay needs none either).
    const fail = await c.terminal.settleNotify({ outBizNo: auth.outBizNo, medicalSettleState: 'FAIL', operatorId: 'OP01', operatorName: '收款员甲', totalFee: '620.00', bizType: 'settle', setlTime: '2026-11-23 09:31:00', hospitalName: '福州市第一人民医院（测试）', failReason: '个人账户余额不足' } as never);
    expect(fail.outBizNo).toBe(auth.outBizNo);
    let screen = await (await fetch(`${t.url}/sandbox/terminal?orgCodg=${t.app.config.orgCodg}`)).text();
    expect(screen).toContain('结算失败');
    expect(screen).toContain('个人账户余额不足');
    // Nor when REFUND_FAIL.
    const refundFail = await c.terminal.settleNotify({ outBizNo: auth.outBizNo, medicalSettleState: 'REFUND_FAIL', operatorId: 'OP01', operatorName: '收款员甲', totalFee: '620.00', bizType: 'settle', setlTime: '2026-11-23 09:32:00', hospitalName: '福州市第一人民医院（测试）', failReason: '原交易已对账' } as never);
    expect(refundFail.outBizNo).toBe(auth.outBizNo);
    await c.terminal.settleNotify(notice(auth.outBizNo, { medicalSettleState: 'REFUND_SUCCESS', bizType: 'drugStore' }) as never);
    screen = await (await fetch(`${t.url}/sandbox/terminal?orgCodg=${t.app.config.orgCodg}`)).text();
    expect(screen).toContain('退费成功');
    expect(screen).toContain('药店');
    expect(screen).toContain('¥484.40');

    // Replay and signature errors, in the terminal's envelope.
    const once = sealTerminalRequest('cn.nhsa.settle.notify', t.app.config.orgCodg, notice(auth.outBizNo), keys);
    const send = async (m: unknown) => openTerminalResponse(await (await fetch(`${t.url}${TERMINAL_PATH}`, { method: 'POST', body: stringifyWire(m as never) })).text(), keys);
    expect((await send(once)).code).toBe('0000');
    expect((await send(once)).code).toBe('010010');
    // A timestamp outside the ±5 minute window, either way: 010010 too.
    for (const at of [new Date(Date.now() - 10 * 60_000), new Date(Date.now() + 10 * 60_000)]) {
      const stale = sealTerminalRequest('cn.nhsa.settle.notify', t.app.config.orgCodg, notice(auth.outBizNo), keys, { timestamp: formatCompact(at) });
      expect((await send(stale)).code).toBe('010010');
    }
    const forged = await post('cn.nhsa.settle.notify', notice(auth.outBizNo), (m) => (m.signData = 'F'.repeat(64)));
    expect(forged.code).toBe('000102');
    const unknownType = await post('cn.nhsa.ec.auth', {}, (m) => (m.transType = 'cn.nhsa.nothing'));
    expect(unknownType.code).toBe('404404');
    // Through the SDK: a wrong secret is refused by the gateway and its reply does not verify here: an error, not a result.
    const { TerminalClient } = await import('../../packages/yibao/src/sdk/terminal-client.js');
    const wrong = new TerminalClient({ baseUrl: t.url, appId: t.app.keys.appId, appSecret: 'NOT-THE-SECRET-0000000000000000', orgId: t.app.config.orgCodg });
    expect((await refused(wrong.settleNotify(notice(auth.outBizNo) as never))).type).toBe('signature');
    // An unknown app: the SDK reports the gateway's -8, still as an unverified (signature) error.
    const stranger = await refused(new TerminalClient({ baseUrl: t.url, appId: 'NOSUCHAPP', appSecret: 'x'.repeat(32), orgId: t.app.config.orgCodg }).settleNotify(notice(auth.outBizNo) as never));
    expect(stranger).toMatchObject({ type: 'signature', code: '-8' });
  });

  it('an SM2 terminal client is answered in SM2 by the gateway, and refuses an answer signed with SM3 (the shared secret only)', async () => {
    const { TerminalClient } = await import('../../packages/yibao/src/sdk/terminal-client.js');
    const o = { baseUrl: t.url, appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, orgId: t.app.config.orgCodg, signType: 'SM2' as const, privateKey: t.app.keys.privateKey as string, platformPublicKey: t.platformPublicKey };
    const sm2 = new TerminalClient(o);
    const answers: string[] = [];
    const recording: typeof fetch = async (url, init) => {
      const r = await fetch(url, init);
      const text = await r.text();
      answers.push(text);
      return new Response(text, { status: r.status, headers: r.headers });
    };
    await t.post('/sandbox/terminal/face', { psnNo: LISI.psnNo, orgCodg: t.app.config.orgCodg });
    const auth = await new TerminalClient({ ...o, fetch: recording }).faceAuth({ businessType: '01101', ...OPERATOR });
    expect(auth.authNo).toBeTruthy();
    expect(JSON.parse(answers[0]!).signType).toBe('SM2');
    // A refusal after an SM2 request is signed in SM2 too, so the client verifies it and reads its code.
    expect(await refused(sm2.authCheck({ authNo: 'NOSUCHAUTH', outBizNo: auth.outBizNo, businessType: '01101', operatorId: 'OP01', operatorName: '收款员甲' }))).toMatchObject({ type: 'business' });
    // Someone holding only the appSecret answers in SM3: refused as a signature error, never a result.
    const sm3Answer: typeof fetch = async () =>
      new Response(stringifyWire(sealTerminalResponse({ code: '0000', message: '成功', transType: 'cn.nhsa.auth.check', data: { idNo: '350102199001011234' } }, { appId: o.appId, appSecret: o.appSecret })), { status: 200 });
    const forgedReply = await refused(new TerminalClient({ ...o, fetch: sm3Answer }).authCheck({ authNo: auth.authNo, outBizNo: auth.outBizNo, businessType: '01101', operatorId: 'OP01', operatorName: '收款员甲' }));
    expect(forgedReply.type).toBe('signature');
    expect(forgedReply.message).toMatch(/SM3/);
    // The default (SM3) client still gets SM3 answers.
    expect((await c.terminal.authCheck({ authNo: auth.authNo, outBizNo: auth.outBizNo, businessType: '01101', operatorId: 'OP01', operatorName: '收款员甲' })).idNo).toBe(LISI.idNo);
  });
});
