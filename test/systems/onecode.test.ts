import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealChannel, signChannel, verifyChannel } from '../../packages/yibao/src/protocol/channel.js';
import { sealFsiRequest } from '../../packages/yibao/src/protocol/fsi.js';
import { formatCompact } from '../../packages/yibao/src/protocol/time.js';
import { ChannelClient } from '../../packages/yibao/src/sdk/channel-client.js';
import { stringifyWire } from '../../packages/yibao/src/protocol/json.js';
import { FSI_PATH } from '../../packages/yibao/src/spec/index.js';
import { storeKinds } from '../helpers/db.js';
import { LISI, ZHANGSAN, person } from '../helpers/flow.js';
import { startTestPlatform, until, type TestPlatform } from '../helpers/platform.js';
import { clientsFor, DEVICE, faceScan, notificationSink, refused, settleInsuranceFirst, type Clients } from './helpers.js';

const WANGFANG = person('35010000000000000003');
const CHENMING = person('11000000000000000005');
/** A signed statement query, as the channel's merchant API takes it. */
const signChannelQuery = (t: TestPlatform, fields: Record<string, string>) => {
  const q: Record<string, string> = { appId: t.app.keys.appId, timestamp: formatCompact(), ...fields };
  return { ...q, sign: signChannel(q, t.app.keys.appSecret) };
};
const trnsSn = () => `TS${randomUUID().replace(/-/g, '').slice(0, 24)}`;

describe.each(storeKinds)('刷脸一码付 end to end on $name', (kind) => {
  let t: TestPlatform;
  let c: Clients;
  beforeAll(async () => {
    t = await startTestPlatform(kind);
    c = clientsFor(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  const enable = (psnNo: string, extra: Record<string, unknown> = {}) => t.post('/sandbox/onecode/signing', { psnNo, chnlType: 'ALI', status: 'ENABLED', ...extra });

  it('4.1 steps 1–16: enable, face scan, insurance first, payCert, channel order, notifications, terminal screen', async () => {
    // Where everything is served, as GET /sandbox (and sandbox.json) tell a developer.
    const sb = (await (await fetch(`${t.url}/sandbox`)).json()) as { paths: Record<string, string> };
    expect(sb.paths).toMatchObject({ '6201': '/org/local/api/hos/uldFeeInfo', 'oneCodeStatus (infno 9701)': FSI_PATH, 'oneCodePayCert (infno 9702)': FSI_PATH, pushMsg: '/api/amp/hos/pushMsg', verificationDrug: '/api/mobile/verificationDrug', 'cn.nhsa.settle.notify': '/terminal/api/trans', 'channel.pay': '/channel/pay', 'channel.statement': '/channel/statement' });
    expect((await enable(LISI.psnNo)).status).toBe(200);
    const sink = await notificationSink();
    try {
      const face = await faceScan(t, c, LISI);
      expect(face.auth.authNo).toBeTruthy();
      expect(face.identity.idNo).toBe(LISI.idNo);
      const { up, paid } = await settleInsuranceFirst(c, t, LISI, face);
      // Insurance settled, cash part waiting for the HIS (ordStas 4 医保支付完成).
      expect(paid.ordStas).toBe('4');
      const cash = paid.ownPayAmt;
      expect(Number(cash)).toBeGreaterThan(0);

      const status = await c.onecode.queryOneCodeStatus({ token: face.identity.ecToken, ...DEVICE });
      expect(status).toMatchObject({ stasFlag: '1', abnRea: '', payChnlName: '支付宝' });
      expect(status.payChnlUserName).toContain('*');

      const sn = trnsSn();
      const cert = await c.onecode.getPayCert({ token: face.identity.ecToken, ownPaySetlAmt: cash, fixmedinsTrnsSn: sn, ...DEVICE });
      expect(cert.payCert).toMatch(/^PC/);
      expect(cert.payChnlName).toBe('支付宝');

      const order = await c.channel.pay({ payCert: cert.payCert, outTradeNo: sn, amount: cash, notifyUrl: sink.url });
      expect(order).toMatchObject({ status: 'SUCC', outTradeNo: sn, amount: cash, chnlType: 'ALI', payOrdId: up.payOrdId });

      // Step 15: the channel notifies the HIS (signed) and the module (the order is complete).
      await sink.waitFor(1);
      const note = c.channel.verifyNotification(sink.received[0]!);
      expect(note).toMatchObject({ event: 'PAY', status: 'SUCC', tradeNo: order.tradeNo, amount: cash });
      expect(() => c.channel.verifyNotification({ ...sink.received[0]!, amount: '0.01' })).toThrow(/签名/);
      const q = await c.center.queryOrder({ payOrdId: up.payOrdId, payToken: up.payToken, idNo: face.identity.idNo, userName: face.identity.userName, idType: face.identity.idType });
      expect(q.ordStas).toBe('6');

      // The HIS shows the result on the terminal.
      await c.terminal.settleNotify({
        outBizNo: face.auth.outBizNo,
        medicalSettleState: 'SUCCESS',
        authNo: face.auth.authNo,
        operatorId: 'OP01',
        operatorName: '收款员甲',
        totalFee: paid.feeSumamt,
        bizType: 'settle',
        setlTime: '2026-11-23 10:00:00',
        hospitalName: t.app.config.orgName,
        medicalSettleNo: up.payOrdId,
        ownAmt: cash,
        hifAmt: paid.fundPay,
        acctAmt: paid.psnAcctPay,
        hifpAmt: paid.fundPay,
      } as never);
      const screen = await (await fetch(`${t.url}/sandbox/terminal?orgCodg=${t.app.config.orgCodg}`)).text();
      expect(screen).toContain('结算成功');
      expect(screen).toContain(`¥${cash}`);
      expect(screen).not.toContain(LISI.userName); // masked on screen

      // A payCert is single-use: a second order with it is refused; the same order again is the same answer.
      const again = await c.channel.pay({ payCert: cert.payCert, outTradeNo: sn, amount: cash });
      expect(again).toMatchObject({ status: 'SUCC', tradeNo: order.tradeNo });
      expect((await refused(c.channel.pay({ payCert: cert.payCert, outTradeNo: trnsSn(), amount: cash }))).message).toMatch(/已使用/);
      // And the trade serial, once paid, gets no second credential.
      expect((await refused(c.onecode.getPayCert({ token: face.identity.ecToken, ownPaySetlAmt: cash, fixmedinsTrnsSn: sn, ...DEVICE }))).centerMessage).toMatch(/已付款/);

      // 4.2: refund through the channel; 4.3: the statement lists both.
      const who = { payOrdId: up.payOrdId, payToken: up.payToken, idNo: face.identity.idNo, userName: face.identity.userName, idType: face.identity.idType };
      // A repeated refund request (same outRefundNo) is the same refund: counted once on the order.
      const tiny = await c.channel.refund({ outTradeNo: sn, outRefundNo: `RT${sn}`, amount: '0.01' });
      expect((await c.channel.refund({ outTradeNo: sn, outRefundNo: `RT${sn}`, amount: '0.01' })).refundNo).toBe(tiny.refundNo);
      expect((await c.center.queryOrder(who)).ordStas).toBe('10'); // 仅自费部分退款
      const rest = (Math.round(Number(cash) * 100 - 1) / 100).toFixed(2);
      const refund = await c.channel.refund({ outTradeNo: sn, outRefundNo: `RF${sn}`, amount: rest });
      expect(refund.status).toBe('SUCC');
      const after = await c.center.queryOrder({ payOrdId: up.payOrdId, payToken: up.payToken, idNo: face.identity.idNo, userName: face.identity.userName, idType: face.identity.idType });
      expect(after.ordStas).toBe('9'); // 仅自费全部退款
      const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      const statement = await c.channel.statement({ date: day });
      const mine = statement.lines.filter((l) => l.outTradeNo === sn || l.outTradeNo === `RF${sn}` || l.outTradeNo === `RT${sn}`);
      expect(mine.map((l) => `${l.kind}:${l.amount}`).sort()).toEqual([`PAY:${cash}`, `REFUND:${rest}`, 'REFUND:0.01'].sort());
      // 4.3: a refund line names the trade it refunds.
      expect(mine.filter((l) => l.kind === 'REFUND').every((l) => l.origTradeNo === order.tradeNo)).toBe(true);
      const csv = await c.channel.statementCsv({ date: day });
      expect(csv.split('\n')[0]).toBe('tradeNo,kind,chnlType,outTradeNo,payOrdId,amount,status,time,origTradeNo');
      expect(csv).toContain(`,PAY,ALI,${sn},${up.payOrdId},${cash},SUCC,`);
      // The SDK's CSV is built from the signed statement (the served file is the same, unsigned):
      // a statement changed on the way is refused, never handed to the reconciliation.
      const served = await (await fetch(`${t.url}/channel/statement?${new URLSearchParams(signChannelQuery(t, { date: day, format: 'csv' }))}`)).text();
      expect(served).toBe(csv);
      const tampering: typeof fetch = async (url, init) => {
        const text = await (await fetch(url, init)).text();
        return new Response(text.replace(`"amount":"${cash}"`, '"amount":"99999.00"'), { status: 200 });
      };
      const forged = await new ChannelClient({ baseUrl: t.url, appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, fetch: tampering }).statementCsv({ date: day }).catch((e) => e);
      expect(forged).toMatchObject({ type: 'signature' });
    } finally {
      await sink.close();
    }
  });

  it('failure branches name the reason: not enabled, disabled, risk refused, family proxy code, amount mismatch', async () => {
    // Not enabled (stasFlag 0).
    const wf = await faceScan(t, c, WANGFANG);
    expect(await c.onecode.queryOneCodeStatus({ token: wf.identity.ecToken, ...DEVICE })).toMatchObject({ stasFlag: '0', abnRea: '未开通一码付' });
    let e = await refused(c.onecode.getPayCert({ token: wf.identity.ecToken, ownPaySetlAmt: '10.00', fixmedinsTrnsSn: trnsSn(), ...DEVICE }));
    expect(e.type).toBe('business');
    expect(e.centerMessage).toMatch(/未开通一码付/);

    // Disabled by the user in the channel (stasFlag 2).
    await enable(CHENMING.psnNo, { status: 'DISABLED', abnRea: '用户已在支付宝关闭一码付' });
    const cm = await faceScan(t, c, CHENMING);
    expect(await c.onecode.queryOneCodeStatus({ token: cm.identity.ecToken, ...DEVICE })).toMatchObject({ stasFlag: '2', abnRea: '用户已在支付宝关闭一码付' });
    e = await refused(c.onecode.getPayCert({ token: cm.identity.ecToken, ownPaySetlAmt: '10.00', fixmedinsTrnsSn: trnsSn(), ...DEVICE }));
    expect(e.centerMessage).toMatch(/一码付不可用：用户已在支付宝关闭一码付/);

    // Insurance first: without a settlement whose cash part waits, there is nothing to collect.
    await enable(CHENMING.psnNo);
    e = await refused(c.onecode.getPayCert({ token: cm.identity.ecToken, ownPaySetlAmt: '10.00', fixmedinsTrnsSn: trnsSn(), ...DEVICE }));
    expect(e.centerMessage).toMatch(/请先完成医保结算（先医保后自费）/);

    // The channel's risk check refuses, a repeated request for an issued credential included.
    const { paid: cmPaid } = await settleInsuranceFirst(c, t, CHENMING, cm, { acctUsedFlag: '0' });
    const cmSn = trnsSn();
    await c.onecode.getPayCert({ token: cm.identity.ecToken, ownPaySetlAmt: cmPaid.ownPayAmt, fixmedinsTrnsSn: cmSn, ...DEVICE });
    await enable(CHENMING.psnNo, { risk: 'REFUSE' });
    e = await refused(c.onecode.getPayCert({ token: cm.identity.ecToken, ownPaySetlAmt: cmPaid.ownPayAmt, fixmedinsTrnsSn: trnsSn(), ...DEVICE }));
    expect(e.centerMessage).toMatch(/风控拒绝/);
    e = await refused(c.onecode.getPayCert({ token: cm.identity.ecToken, ownPaySetlAmt: cmPaid.ownPayAmt, fixmedinsTrnsSn: cmSn, ...DEVICE }));
    expect(e.centerMessage).toMatch(/风控拒绝/);

    // A family member showing the code (亲情代展码).
    await enable(ZHANGSAN.psnNo);
    const proxy = await faceScan(t, c, ZHANGSAN, { proxy: true });
    e = await refused(c.onecode.getPayCert({ token: proxy.identity.ecToken, ownPaySetlAmt: '10.00', fixmedinsTrnsSn: trnsSn(), ...DEVICE }));
    expect(e.centerMessage).toMatch(/亲情代展码/);
    e = await refused(c.onecode.queryOneCodeStatus({ token: proxy.identity.ecToken, ...DEVICE }));
    expect([e.code, e.centerMessage]).toEqual(['-4', '亲情代展码不可使用一码付：请参保人本人刷脸或展码']);

    // Amount not the order's cash part.
    const zs = await faceScan(t, c, ZHANGSAN);
    const { paid } = await settleInsuranceFirst(c, t, ZHANGSAN, zs, { acctUsedFlag: '0' });
    expect(paid.ordStas).toBe('4');
    const wrong = (Number(paid.ownPayAmt) + 0.01).toFixed(2);
    e = await refused(c.onecode.getPayCert({ token: zs.identity.ecToken, ownPaySetlAmt: wrong, fixmedinsTrnsSn: trnsSn(), ...DEVICE }));
    expect(e.centerMessage).toMatch(new RegExp(`金额不符.*待付现金 ${paid.ownPayAmt} 元，请求 ${wrong} 元`));
    // A token of another institution is refused as well.
    const other = clientsFor(t, t.other);
    e = await refused(other.onecode.getPayCert({ token: zs.identity.ecToken, ownPaySetlAmt: paid.ownPayAmt, fixmedinsTrnsSn: trnsSn(), ...DEVICE }));
    expect(e.centerMessage).toMatch(/ecToken/);
  });

  it('step 15 is durable: a HIS that refuses the channel notification gets it again until it acknowledges, once per payment', async () => {
    await enable(LISI.psnNo);
    const sink = await notificationSink({ failFirst: 2 });
    try {
      const face = await faceScan(t, c, LISI);
      const { up, paid } = await settleInsuranceFirst(c, t, LISI, face);
      const sn = trnsSn();
      const cert = await c.onecode.getPayCert({ token: face.identity.ecToken, ownPaySetlAmt: paid.ownPayAmt, fixmedinsTrnsSn: sn, ...DEVICE });
      const pay = { payCert: cert.payCert, outTradeNo: sn, amount: paid.ownPayAmt, notifyUrl: sink.url };
      const first = await c.channel.pay(pay);
      expect(first.status).toBe('SUCC');
      // The same order again answers the same trade and queues no second notification.
      expect((await c.channel.pay(pay)).tradeNo).toBe(first.tradeNo);
      await sink.waitFor(3);
      const cb = await until(async () => {
        const l = await t.admin(`/admin/callbacks?payOrdId=${up.payOrdId}`);
        return l.json.callbacks.find((x: { call_type: string; status: string }) => x.call_type === 'CHNL' && x.status === 'DELIVERED');
      });
      const detail = await t.admin(`/admin/callbacks/${cb.id}`);
      expect(detail.json.attemptsHistory.map((a: { success: boolean }) => a.success)).toEqual([false, false, true]);
      expect(detail.json.attemptsHistory[0].http_status).toBe(500);
      expect(detail.json.attemptsHistory[1].error).toMatch(/处理中/);
      // Every attempt is signed afresh and verifies; all carry the one trade.
      for (const note of sink.received) expect(c.channel.verifyNotification(note)).toMatchObject({ event: 'PAY', tradeNo: first.tradeNo, amount: paid.ownPayAmt });
      await new Promise((r) => setTimeout(r, 800));
      expect(sink.received).toHaveLength(3);
      // A notifyUrl that is not an address is refused up front, naming the field.
      expect((await refused(c.channel.pay({ ...pay, notifyUrl: 'not a url' }))).message).toMatch(/notifyUrl/);
    } finally {
      await sink.close();
    }
  });

  it('a one-code refund and a 6203 cash refund of the same order at once: never more than the cash paid', async () => {
    await enable(LISI.psnNo);
    const face = await faceScan(t, c, LISI);
    const { up, paid } = await settleInsuranceFirst(c, t, LISI, face);
    const sn = trnsSn();
    const { payCert } = await c.onecode.getPayCert({ token: face.identity.ecToken, ownPaySetlAmt: paid.ownPayAmt, fixmedinsTrnsSn: sn, ...DEVICE });
    expect((await c.channel.pay({ payCert, outTradeNo: sn, amount: paid.ownPayAmt })).status).toBe('SUCC');
    const [viaChannel, via6203] = await Promise.allSettled([
      c.channel.refund({ outTradeNo: sn, outRefundNo: `RF${sn}`, amount: paid.ownPayAmt }),
      c.center.refund({ payOrdId: up.payOrdId, totlRefdAmt: paid.ownPayAmt, cashRefdAmt: paid.ownPayAmt, refdType: 'CASH', ecToken: face.identity.ecToken }),
    ]);
    const succeeded = [viaChannel.status === 'fulfilled' && viaChannel.value.status === 'SUCC', via6203.status === 'fulfilled' && via6203.value.refStatus === 'SUCC'].filter(Boolean);
    expect(succeeded).toHaveLength(1);
    const refunded = await t.platform.deps.store.query<{ total: number }>("SELECT COALESCE(SUM(amount_fen), 0)::bigint AS total FROM channel_trades WHERE pay_ord_id = $1 AND kind = 'REFUND' AND status = 'SUCC'", [up.payOrdId]);
    expect(Number(refunded[0]!.total)).toBe(Math.round(Number(paid.ownPayAmt) * 100));
  });

  it('a one-code refund whose outRefundNo looks like a 6203 refund number never rewrites that refund', async () => {
    await enable(LISI.psnNo);
    const face = await faceScan(t, c, LISI);
    const { up, paid } = await settleInsuranceFirst(c, t, LISI, face);
    const sn = trnsSn();
    const { payCert } = await c.onecode.getPayCert({ token: face.identity.ecToken, ownPaySetlAmt: paid.ownPayAmt, fixmedinsTrnsSn: sn, ...DEVICE });
    expect((await c.channel.pay({ payCert, outTradeNo: sn, amount: paid.ownPayAmt })).status).toBe('SUCC');
    const hiTotal = ((Math.round(Number(paid.fundPay) * 100) + Math.round(Number(paid.psnAcctPay) * 100)) / 100).toFixed(2);
    const hi = await c.center.refund({ payOrdId: up.payOrdId, totlRefdAmt: hiTotal, cashRefdAmt: '0', refdType: 'HI', ecToken: face.identity.ecToken });
    expect(hi.refStatus).toBe('SUCC');
    t.platform.upstreams.channels.addFailure({ op: 'refund', result: 'EXP', count: 1 });
    expect((await c.channel.refund({ outTradeNo: sn, outRefundNo: hi.refdSn, amount: paid.ownPayAmt })).status).toBe('EXP');
    const q = await c.center.queryOrder({ payOrdId: up.payOrdId, payToken: up.payToken, idNo: face.identity.idNo, userName: face.identity.userName, idType: face.identity.idType });
    expect(q.ordStas).toBe('7'); // the one-code refund went through: all refunded
    const rows = await t.platform.deps.store.query<{ ref_status: string; cash_refd_fen: number }>('SELECT ref_status, cash_refd_fen FROM refunds WHERE refd_sn = $1', [hi.refdSn]);
    expect(rows.map((r) => [r.ref_status, Number(r.cash_refd_fen)])).toEqual([['SUCC', 0]]);
  });

  it('payCert is bound to the amount and fixmedinsTrnsSn', async () => {
    await enable(LISI.psnNo);
    const face = await faceScan(t, c, LISI);
    const { paid } = await settleInsuranceFirst(c, t, LISI, face);
    const sn = trnsSn();
    const cert = await c.onecode.getPayCert({ token: face.identity.ecToken, ownPaySetlAmt: paid.ownPayAmt, fixmedinsTrnsSn: sn, ...DEVICE });
    expect((await refused(c.channel.pay({ payCert: cert.payCert, outTradeNo: sn, amount: '0.01' }))).message).toMatch(/金额/);
    expect((await refused(c.channel.pay({ payCert: cert.payCert, outTradeNo: trnsSn(), amount: paid.ownPayAmt }))).message).toMatch(/fixmedinsTrnsSn/);
    // Asking again for the same serial and amount gives the same, still unused, credential.
    expect((await c.onecode.getPayCert({ token: face.identity.ecToken, ownPaySetlAmt: paid.ownPayAmt, fixmedinsTrnsSn: sn, ...DEVICE })).payCert).toBe(cert.payCert);
    // Another institution cannot spend it.
    expect((await refused(clientsFor(t, t.other).channel.pay({ payCert: cert.payCert, outTradeNo: sn, amount: paid.ownPayAmt }))).message).toMatch(/无效/);
    // A second credential of the same order (another serial) while the first is unused…
    const sn2 = trnsSn();
    const cert2 = await c.onecode.getPayCert({ token: face.identity.ecToken, ownPaySetlAmt: paid.ownPayAmt, fixmedinsTrnsSn: sn2, ...DEVICE });
    // …both presented at once: one is charged, never both.
    const both = await Promise.allSettled([c.channel.pay({ payCert: cert.payCert, outTradeNo: sn, amount: paid.ownPayAmt }), c.channel.pay({ payCert: cert2.payCert, outTradeNo: sn2, amount: paid.ownPayAmt })]);
    expect(both.filter((r) => r.status === 'fulfilled' && r.value.status === 'SUCC')).toHaveLength(1);
    const loser = both.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(String(loser.reason.message)).toMatch(/付款凭据已作废：订单 .* 不在待付现金状态/);
    const pays = await t.platform.deps.store.query("SELECT 1 FROM channel_trades WHERE pay_ord_id = (SELECT pay_ord_id FROM onecode_certs WHERE pay_cert = $1) AND kind = 'PAY' AND status = 'SUCC'", [cert.payCert]);
    expect(pays).toHaveLength(1);
  });

  it('the FSI envelope: a replayed msgid is 010010, a bad cainfo 000102, an unknown infno 404404, a bad field 000105', async () => {
    const face = await faceScan(t, c, LISI);
    const header = { infno: '9701', mdtrtarea_admvs: '350100', recer_sys_code: 'ONECODE', signtype: 'SM2', opter_type: '1', opter: '01', opter_name: '收款员', fixmedins_code: t.app.config.orgCodg, fixmedins_name: t.app.config.orgName, app_id: t.app.keys.appId };
    const input = { data: { token: face.identity.ecToken, orgCodg: t.app.config.orgCodg, orgName: t.app.config.orgName, ...DEVICE } };
    const keys = { privateKey: t.app.keys.privateKey as string, appSecret: t.app.keys.appSecret };
    const send = async (message: unknown) => (await (await fetch(`${t.url}${FSI_PATH}`, { method: 'POST', body: stringifyWire(message as never) })).json()) as Record<string, unknown>;
    const message = sealFsiRequest(header, input, keys);
    expect((await send(message)).infcode).toBe(0);
    const replay = await send(message);
    expect(replay.infcode).toBe(-1);
    expect(String(replay.err_msg)).toMatch(/^010010 /);
    // The same message with its cainfo spelled in hex: the msgid is spent, still a replay.
    const hexCainfo = { ...message, cainfo: Buffer.from(String(message.cainfo), 'base64').toString('hex') };
    expect(String((await send(hexCainfo)).err_msg)).toMatch(/^010010 /);
    // inf_time outside the ±5 minute window, either way: 010010 too.
    for (const at of [new Date(Date.now() - 10 * 60_000), new Date(Date.now() + 10 * 60_000)]) {
      expect(String((await send(sealFsiRequest(header, input, keys, { now: at }))).err_msg)).toMatch(/^010010 /);
    }
    // The app is SM2: cainfo made with SM3 (the appSecret alone) is refused, whatever signtype says.
    const sm3 = sealFsiRequest({ ...header, signtype: 'SM3' }, input, { appSecret: t.app.keys.appSecret });
    expect(String((await send(sm3)).err_msg)).toMatch(/^000102 signtype: 不接受 SM3/);
    const tampered = sealFsiRequest(header, input, keys);
    tampered.opter_name = '另一人';
    expect(String((await send(tampered)).err_msg)).toMatch(/^000102 .*cainfo/);
    expect(String((await send(sealFsiRequest({ ...header, infno: '9799' }, input, keys))).err_msg)).toMatch(/^404404 /);
    const bad = await send(sealFsiRequest(header, { data: { ...input.data, devIP: '' } }, keys));
    expect(String(bad.err_msg)).toMatch(/^000105 input\.data\.devIP/);
    const zero = await send(sealFsiRequest({ ...header, infno: '9702' }, { data: { ...input.data, ownPaySetlAmt: '0.00', fixmedinsTrnsSn: trnsSn() } }, keys));
    expect(zero.err_msg).toBe('000105 input.data.ownPaySetlAmt: 应大于 0（现金支付金额）');
    // Encrypted input and output (enc_type SM4) round trip through the SDK.
    const enc = clientsFor(t);
    const sm4 = new (enc.onecode.constructor as typeof import('../../packages/yibao/src/sdk/onecode-client.js').OneCodeClient)({ baseUrl: t.url, appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, privateKey: t.app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, fixmedinsCode: t.app.config.orgCodg, fixmedinsName: t.app.config.orgName, mdtrtareaAdmvs: '350100', encrypt: true });
    expect((await sm4.queryOneCodeStatus({ token: face.identity.ecToken, ...DEVICE }))).toMatchObject({ stasFlag: '1', abnRea: '', payChnlName: '支付宝' });
    // Through the SDK: a request signed with another key is refused (000102); a reply that does not
    // verify with the module's key is an error, never believed (fail closed).
    const { generateKeyPair } = await import('../../packages/yibao/src/crypto/keys.js');
    const { OneCodeClient } = await import('../../packages/yibao/src/sdk/onecode-client.js');
    const base = { baseUrl: t.url, appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, fixmedinsCode: t.app.config.orgCodg, fixmedinsName: t.app.config.orgName, mdtrtareaAdmvs: '350100' };
    const wrongKey = new OneCodeClient({ ...base, privateKey: generateKeyPair().privateKey, platformPublicKey: t.platformPublicKey });
    expect(await refused(wrongKey.queryOneCodeStatus({ token: face.identity.ecToken, ...DEVICE }))).toMatchObject({ type: 'business', code: '000102' });
    const wrongPeer = new OneCodeClient({ ...base, privateKey: t.app.keys.privateKey as string, platformPublicKey: generateKeyPair().publicKey });
    expect(await refused(wrongPeer.queryOneCodeStatus({ token: face.identity.ecToken, ...DEVICE }))).toMatchObject({ type: 'signature' });
    // 1101 人员信息获取 through the same path.
    const info = await c.onecode.personInfo({ psn_cert_type: '01', certno: LISI.idNo });
    expect((info.baseinfo as Record<string, unknown>).psn_no).toBe(LISI.psnNo);
    expect(Array.isArray(info.insuinfo)).toBe(true);
    // A module that answers insuinfo as one object, as the spec's own 6.2 example does (in plain, as
    // the example: cainfo covers the header only, so the rewritten reply still verifies): the SDK
    // still returns the list.
    const asExample: typeof fetch = async (url, init) => {
      const reply = JSON.parse(await (await fetch(url, init)).text());
      reply.output.insuinfo = reply.output.insuinfo[0];
      return new Response(JSON.stringify(reply), { status: 200 });
    };
    const single = await new OneCodeClient({ ...base, privateKey: t.app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, encrypt: false, fetch: asExample }).personInfo({ psn_cert_type: '01', certno: LISI.idNo });
    expect(single.insuinfo).toEqual(info.insuinfo.slice(0, 1));
    // By default the SDK encrypts (SM4): the signature does not cover input/output, the key does.
    const sent: Array<Record<string, unknown>> = [];
    const watching: typeof fetch = async (url, init) => {
      sent.push(JSON.parse(String(init?.body)));
      return fetch(url, init);
    };
    await new OneCodeClient({ ...base, privateKey: t.app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, fetch: watching }).personInfo({ psn_cert_type: '01', certno: LISI.idNo });
    expect(sent[0]).toMatchObject({ enc_type: 'SM4', input: expect.stringMatching(/^[0-9A-F]+$/) });
  });
});

describe('刷脸一码付 lifetimes (PGlite)', () => {
  let t: TestPlatform;
  let c: Clients;
  beforeAll(async () => {
    // Insurance settled outside this platform (requireSettledOrder false): free-standing credentials.
    t = await startTestPlatform(storeKinds[0]!, { tokens: { ecTokenTtlSeconds: 1 }, oneCode: { payCertTtlSeconds: 1, requireSettledOrder: false, infno: { oneCodeStatus: '9801', oneCodePayCert: '9802' } } });
    c = clientsFor(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('an expired fecToken and an expired payCert are refused with their reason; infno as configured', async () => {
    await t.post('/sandbox/onecode/signing', { psnNo: LISI.psnNo, chnlType: 'WX', status: 'ENABLED' });
    const face = await faceScan(t, c, LISI);
    // The module answers the configured numbers, not the defaults.
    expect((await refused(c.onecode.queryOneCodeStatus({ token: face.identity.ecToken, ...DEVICE }))).code).toBe('404404');
    const { OneCodeClient } = await import('../../packages/yibao/src/sdk/onecode-client.js');
    const configured = new OneCodeClient({ baseUrl: t.url, appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, privateKey: t.app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, fixmedinsCode: t.app.config.orgCodg, fixmedinsName: t.app.config.orgName, mdtrtareaAdmvs: '350100', infno: { oneCodeStatus: '9801', oneCodePayCert: '9802' } });
    expect((await configured.queryOneCodeStatus({ token: face.identity.ecToken, ...DEVICE })).stasFlag).toBe('1');
    c = { ...c, onecode: configured };
    const sn = trnsSn();
    const cert = await c.onecode.getPayCert({ token: face.identity.ecToken, ownPaySetlAmt: '12.30', fixmedinsTrnsSn: sn, ...DEVICE });
    await new Promise((r) => setTimeout(r, 1300));
    expect((await refused(c.onecode.getPayCert({ token: face.identity.ecToken, ownPaySetlAmt: '12.30', fixmedinsTrnsSn: trnsSn(), ...DEVICE }))).centerMessage).toMatch(/过期/);
    expect((await refused(c.channel.pay({ payCert: cert.payCert, outTradeNo: sn, amount: '12.30' }))).message).toMatch(/已过期/);
  });
});

describe('刷脸一码付 with insurance settled elsewhere, and the channel API\'s guards (PGlite)', () => {
  let t: TestPlatform;
  let c: Clients;
  beforeAll(async () => {
    t = await startTestPlatform(storeKinds[0]!, { oneCode: { requireSettledOrder: false } });
    c = clientsFor(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a refund of one trade is limited to that trade, however many trades the institution has', async () => {
    await t.post('/sandbox/onecode/signing', { psnNo: WANGFANG.psnNo, chnlType: 'WX', status: 'ENABLED' });
    const face = await faceScan(t, c, WANGFANG);
    const sns = [trnsSn(), trnsSn()];
    for (const sn of sns) {
      const { payCert } = await c.onecode.getPayCert({ token: face.identity.ecToken, ownPaySetlAmt: '10.00', fixmedinsTrnsSn: sn, ...DEVICE });
      expect((await c.channel.pay({ payCert, outTradeNo: sn, amount: '10.00' })).status).toBe('SUCC');
    }
    // 20.00 against a 10.00 trade: refused, nothing refunded.
    const over = await c.channel.refund({ outTradeNo: sns[0]!, outRefundNo: `RF${sns[0]}A`, amount: '20.00' });
    expect(over).toMatchObject({ status: 'FAIL', message: '退款金额超过可退金额（可退 10.00 元）' });
    // Each trade refunds its own 10.00, in two parts for the first, and no more.
    expect((await c.channel.refund({ outTradeNo: sns[0]!, outRefundNo: `RF${sns[0]}B`, amount: '4.00' })).status).toBe('SUCC');
    expect((await c.channel.refund({ outTradeNo: sns[0]!, outRefundNo: `RF${sns[0]}C`, amount: '6.00' })).status).toBe('SUCC');
    expect(await c.channel.refund({ outTradeNo: sns[0]!, outRefundNo: `RF${sns[0]}D`, amount: '0.01' })).toMatchObject({ status: 'FAIL', message: '退款金额超过可退金额（可退 0.00 元）' });
    expect((await c.channel.refund({ outTradeNo: sns[1]!, outRefundNo: `RF${sns[1]}A`, amount: '10.00' })).status).toBe('SUCC');
  });

  it('a serial names one trade: a live credential is not handed to another person, and a paid serial charges no second credential', async () => {
    await t.post('/sandbox/onecode/signing', { psnNo: LISI.psnNo, chnlType: 'ALI', status: 'ENABLED' });
    await t.post('/sandbox/onecode/signing', { psnNo: WANGFANG.psnNo, chnlType: 'WX', status: 'ENABLED' });
    const lisi = await faceScan(t, c, LISI);
    const wf = await faceScan(t, c, WANGFANG);
    const sn = trnsSn();
    const lisiCert = await c.onecode.getPayCert({ token: lisi.identity.ecToken, ownPaySetlAmt: '15.00', fixmedinsTrnsSn: sn, ...DEVICE });
    // Same serial and amount for another person: refused, never LISI's credential.
    const taken = await refused(c.onecode.getPayCert({ token: wf.identity.ecToken, ownPaySetlAmt: '15.00', fixmedinsTrnsSn: sn, ...DEVICE }));
    expect(taken.centerMessage).toMatch(/该交易流水号已用于另一笔订单的付款凭据/);
    expect((await c.channel.pay({ payCert: lisiCert.payCert, outTradeNo: sn, amount: '15.00' })).status).toBe('SUCC');

    // Two live credentials of one serial (the amount asked changed): the first pays, the second is
    // refused and does not pass for the first one's trade.
    const sn2 = trnsSn();
    const first = await c.onecode.getPayCert({ token: wf.identity.ecToken, ownPaySetlAmt: '10.00', fixmedinsTrnsSn: sn2, ...DEVICE });
    const second = await c.onecode.getPayCert({ token: wf.identity.ecToken, ownPaySetlAmt: '20.00', fixmedinsTrnsSn: sn2, ...DEVICE });
    expect(second.payCert).not.toBe(first.payCert);
    expect((await c.channel.pay({ payCert: first.payCert, outTradeNo: sn2, amount: '10.00' })).status).toBe('SUCC');
    expect((await refused(c.channel.pay({ payCert: second.payCert, outTradeNo: sn2, amount: '20.00' }))).message).toMatch(/该交易流水号已付款.*本付款凭据未扣款/);
    const certs = await t.platform.deps.store.query<{ pay_cert: string; used: boolean }>('SELECT pay_cert, used_at IS NOT NULL AS used FROM onecode_certs WHERE fixmedins_trns_sn = $1 ORDER BY created_at', [sn2]);
    expect(certs.map((r) => Boolean(r.used))).toEqual([true, false]);
    expect(await t.platform.deps.store.query("SELECT 1 FROM channel_trades WHERE out_trade_no = $1 AND kind = 'PAY'", [sn2])).toHaveLength(1);
  });

  it('a payment the channel left unknown (EXP) is asked again when the HIS retries it; a failed one stays failed, never "paid"', async () => {
    await t.post('/sandbox/onecode/signing', { psnNo: WANGFANG.psnNo, chnlType: 'WX', status: 'ENABLED' });
    const face = await faceScan(t, c, WANGFANG);
    const sn = trnsSn();
    const { payCert } = await c.onecode.getPayCert({ token: face.identity.ecToken, ownPaySetlAmt: '11.00', fixmedinsTrnsSn: sn, ...DEVICE });
    await t.post('/sandbox/channels/failures', { op: 'pay', result: 'EXP', count: 1 });
    const first = await c.channel.pay({ payCert, outTradeNo: sn, amount: '11.00' });
    expect(first.status).toBe('EXP');
    // The retry: the channel is asked what became of that trade (it went through), nothing is charged twice.
    const again = await c.channel.pay({ payCert, outTradeNo: sn, amount: '11.00' });
    expect(again).toMatchObject({ status: 'SUCC', tradeNo: first.tradeNo });
    expect(await c.channel.pay({ payCert, outTradeNo: sn, amount: '11.00' })).toMatchObject({ status: 'SUCC', tradeNo: first.tradeNo });
    expect(await t.platform.deps.store.query("SELECT status FROM channel_trades WHERE out_trade_no = $1 AND kind = 'PAY'", [sn])).toEqual([{ status: 'SUCC' }]);

    const sn2 = trnsSn();
    const failing = await c.onecode.getPayCert({ token: face.identity.ecToken, ownPaySetlAmt: '12.00', fixmedinsTrnsSn: sn2, ...DEVICE });
    await t.post('/sandbox/channels/failures', { op: 'pay', result: 'FAIL', count: 1 });
    const failed = await c.channel.pay({ payCert: failing.payCert, outTradeNo: sn2, amount: '12.00' });
    expect(failed.status).toBe('FAIL');
    expect(await c.channel.pay({ payCert: failing.payCert, outTradeNo: sn2, amount: '12.00' })).toMatchObject({ status: 'FAIL', tradeNo: failed.tradeNo });
  });

  it('one refund sent several times at once is made once; the same outRefundNo with another amount is refused', async () => {
    await t.post('/sandbox/onecode/signing', { psnNo: WANGFANG.psnNo, chnlType: 'WX', status: 'ENABLED' });
    const face = await faceScan(t, c, WANGFANG);
    const sn = trnsSn();
    const { payCert } = await c.onecode.getPayCert({ token: face.identity.ecToken, ownPaySetlAmt: '100.00', fixmedinsTrnsSn: sn, ...DEVICE });
    expect((await c.channel.pay({ payCert, outTradeNo: sn, amount: '100.00' })).status).toBe('SUCC');
    const same = { outTradeNo: sn, outRefundNo: `RK${sn}`, amount: '30.00' };
    const answers = await Promise.all(Array.from({ length: 6 }, () => c.channel.refund(same)));
    expect(new Set(answers.map((a) => a.refundNo)).size).toBe(1);
    const made = await t.platform.deps.store.query("SELECT 1 FROM channel_trades WHERE out_trade_no = $1 AND kind = 'REFUND'", [`RK${sn}`]);
    expect(made).toHaveLength(1);
    expect((await refused(c.channel.refund({ ...same, amount: '0.01' }))).message).toMatch(/outRefundNo: 已用于金额 30.00 元的退款/);
  });

  it('refunds recorded before refunds named their trade still count: money refunded once stays refunded', async () => {
    await t.post('/sandbox/onecode/signing', { psnNo: WANGFANG.psnNo, chnlType: 'UP', status: 'ENABLED' });
    const face = await faceScan(t, c, WANGFANG);
    const sn = trnsSn();
    const { payCert } = await c.onecode.getPayCert({ token: face.identity.ecToken, ownPaySetlAmt: '12.30', fixmedinsTrnsSn: sn, ...DEVICE });
    expect((await c.channel.pay({ payCert, outTradeNo: sn, amount: '12.30' })).status).toBe('SUCC');
    // A refund as the code before migration 0004 wrote it: no order, no original trade named.
    await t.platform.deps.store.query(
      "INSERT INTO channel_trades (trade_no, chnl_type, kind, pay_ord_id, org_codg, amount_fen, status, out_trade_no) VALUES ('CR-LEGACY-1', 'UP', 'REFUND', '', $1, 1230, 'SUCC', 'RF-LEGACY-1')",
      [t.app.config.orgCodg],
    );
    expect(await c.channel.refund({ outTradeNo: sn, outRefundNo: `RF${sn}`, amount: '12.30' })).toMatchObject({ status: 'FAIL', message: '退款金额超过可退金额（可退 0.00 元）' });
  });

  it('the channel API answers a bad amount with 000105 naming it, and a stale or future request with 010010', async () => {
    const post = async (path: string, fields: Record<string, unknown>) => {
      const res = await fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sealChannel(fields, t.app.keys.appSecret)) });
      expect(res.status).toBeLessThan(500);
      const body = (await res.json()) as Record<string, unknown>;
      verifyChannel(body, t.app.keys.appSecret); // failures are signed too
      return body;
    };
    const base = { appId: t.app.keys.appId, timestamp: formatCompact(), payCert: 'PC0', outTradeNo: trnsSn() };
    for (const amount of ['abc', '-1.00', '0', '1.234', '']) {
      const r = await post('/channel/pay', { ...base, amount });
      expect(r).toMatchObject({ status: 'FAIL', code: '000105' });
      expect(String(r.message)).toMatch(/^amount: /);
    }
    expect(await post('/channel/refund', { ...base, outRefundNo: 'R1', amount: 'x' })).toMatchObject({ code: '000105' });
    // Text no field can hold: named, never a storage error (000002).
    const nul = await fetch(`${t.url}/channel/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sealChannel({ ...base, outTradeNo: 'TS\u0000X', amount: '1.00' }, t.app.keys.appSecret)) });
    expect(await nul.json()).toMatchObject({ status: 'FAIL', code: '000105', message: 'outTradeNo: 含有不允许的字符（NUL 或不成对的 UTF-16 代理项）' });
    // Amounts written as JSON numbers are signed as written (12.30 stays 12.30).
    const numeric = `{"appId":"${t.app.keys.appId}","timestamp":"${formatCompact()}","payCert":"PC0","outTradeNo":"TS1","amount":12.30}`;
    const signed = JSON.stringify({ ...JSON.parse(numeric), amount: '__A__', sign: signChannel({ appId: t.app.keys.appId, timestamp: JSON.parse(numeric).timestamp, payCert: 'PC0', outTradeNo: 'TS1', amount: '12.30' }, t.app.keys.appSecret) }).replace('"__A__"', '12.30');
    const r = (await (await fetch(`${t.url}/channel/pay`, { method: 'POST', body: signed })).json()) as Record<string, unknown>;
    expect(r.code).not.toBe('000102');
    expect(String(r.message)).toMatch(/付款凭据无效/);
    expect(String((await post('/channel/refund', { ...base, amount: '1.00' })).message)).toMatch(/^outRefundNo: 必填/);
    for (const at of [new Date(Date.now() - 10 * 60_000), new Date(Date.now() + 10 * 60_000)]) {
      const r = await post('/channel/pay', { ...base, timestamp: formatCompact(at), amount: '1.00' });
      expect(r).toMatchObject({ status: 'FAIL', code: '010010' });
    }
    // An unknown appId: unsigned (no key to sign with), and the SDK still tells the developer it is -8.
    const stranger = new ChannelClient({ baseUrl: t.url, appId: 'NOSUCHAPP', appSecret: 'x'.repeat(32) });
    const e = await refused(stranger.statement({ date: '2026-11-23' }));
    expect(e.type).toBe('signature');
    expect(e.code).toBe('-8');
    expect(e.message).toMatch(/应用信息不存在.*无法验签/);
  });
});
