import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealPortalRequest, openPortalResponse } from '../../packages/yibao/src/protocol/portal.js';
import { stringifyWire, type WireObject } from '../../packages/yibao/src/protocol/json.js';
import { PortalClient } from '../../packages/yibao/src/sdk/portal-client.js';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { clientsFor, refused, type Clients } from './helpers.js';

/** Every field of the spec's JAVA SDK example (regional-payment-portal.txt 开发包SDK使用示例), with the DLL example's extra ones. */
function message(orgCode: string, over: Record<string, unknown> = {}) {
  return {
    cardType: '01',
    cardNo: 'D3508701966',
    hisCustType: '',
    hisCustId: '532494',
    appType: '01',
    medOrgOrd: `MO${Date.now()}${Math.floor(Math.random() * 1e6)}`,
    refundReason: '',
    payOrdId: 'ORD324976159723947394273416',
    orderStatus: 'MERCHANT_PAID',
    orgCode,
    subOrgCode: '01',
    patientName: '周大鹏',
    idType: '01',
    idNo: ' 35020519870819015X',
    takeMedicineLoc: '请至东药房104取您的药品！',
    pushType: 'HOSPITAL_PAYMENT',
    scheduledTime: '2022-03-31 07:34:46',
    deptName: '其他内科',
    deptCode: '013423',
    deptLoc: '门诊大厅二楼',
    drName: '周阿鹏',
    drLvName: '主任医生',
    drNo: '342847878193247879999',
    waitingNum: '01',
    checkItem: '',
    createTime: '2022-03-30 13:15:46',
    updateTime: '2022-03-31 07:15:46',
    extData: null,
    ...over,
  };
}

describe.each(storeKinds)('regional payment portal on $name', (kind) => {
  let t: TestPlatform;
  let c: Clients;
  beforeAll(async () => {
    t = await startTestPlatform(kind);
    c = clientsFor(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  const raw = async (path: string, body: WireObject | string) => {
    const res = await fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : stringifyWire(body) });
    return JSON.parse(await res.text()) as Record<string, unknown>;
  };
  const keys = () => ({ appId: t.app.keys.appId, appSecret: t.app.keys.appSecret });
  const messagesOf = async (idNo: string) => (await (await fetch(`${t.url}/sandbox/portal/messages?idNo=${idNo}`)).json()) as { messages: Array<Record<string, string>> };

  it('pushMsg: every order status is kept and listed per institution and per patient, as the app shows it', async () => {
    const statuses = ['MERCHANT_WAIT_PAY', 'MERCHANT_PAID', 'MERCHANT_PART_REFUNDED', 'MERCHANT_REFUNDED'];
    const idNo = '35020519870819015X';
    for (const orderStatus of statuses) {
      const r = await c.portal.pushMsg(message(t.app.config.orgCodg, { orderStatus, ...(orderStatus === 'MERCHANT_REFUNDED' ? { refundReason: '患者取消检查' } : {}) }) as never);
      expect(r).toEqual({ response: 'SUCCESS' });
    }
    const mine = await messagesOf(idNo);
    expect(mine.messages.map((m) => m.orderStatus)).toEqual([...statuses].reverse());
    expect(mine.messages[0]!.patientName).toBe('周**');
    expect(mine.messages[0]!.idNo).not.toContain('19870819');
    const admin = await t.admin(`/admin/portal/messages?orgCode=${t.app.config.orgCodg}`);
    expect(admin.status).toBe(200);
    expect(admin.json.messages.length).toBeGreaterThanOrEqual(4);
    expect(admin.json.messages.every((m: { orgCode: string }) => m.orgCode === t.app.config.orgCodg)).toBe(true);
    expect((await fetch(`${t.url}/admin/portal/messages`)).status).toBe(401);
    const page = await (await fetch(`${t.url}/sandbox/portal/messages?idNo=${idNo}&format=html`)).text();
    expect(page).toContain('已全额退款');
    expect(page).toContain('请至东药房104取您的药品！');
    // What the patient's app shows of each message: department and place, doctor, queue number,
    // appointment, the institution's time, and a refund's reason.
    for (const shown of ['门诊大厅二楼', '周阿鹏', '候诊号', '2022-03-31 07:34:46', '2022-03-30 13:15:46', '患者取消检查']) expect(page).toContain(shown);
  });

  it('verificationDrug (YM_PORTAL_008): the paid order\'s drug tip is verified once, by qr or bar', async () => {
    const idNo = '350205198001010011';
    await c.portal.pushMsg(message(t.app.config.orgCodg, { idNo, patientName: '林药师' }) as never);
    const { messages } = await messagesOf(idNo);
    const tip = messages[0]!.drugTipsId!;
    expect(tip).toMatch(/^\d{12}$/);
    const first = await c.portal.verificationDrug({ mobileDrugTipsId: tip, drugTipsIdType: 'qr' });
    expect(first).toMatchObject({ drugStatus: 'DONE', drugStatusDesc: '核销成功，请取药', drugType: 'DRUG', drugTypeDesc: '药品' });
    expect(first.traceId).toBeTruthy();
    const second = await c.portal.verificationDrug({ mobileDrugTipsId: tip, drugTipsIdType: 'bar' });
    expect(second.drugStatusDesc).toMatch(/已核销/);
    // A check item (检查) carries a tip too; an unknown id is refused with its reason.
    await c.portal.pushMsg(message(t.app.config.orgCodg, { idNo, takeMedicineLoc: '', checkItem: '核磁共振CRT01' }) as never);
    const check = (await messagesOf(idNo)).messages[0]!;
    expect((await c.portal.verificationDrug({ mobileDrugTipsId: check.drugTipsId, drugTipsIdType: 'qr' })).drugType).toBe('CHECK');
    expect((await refused(c.portal.verificationDrug({ mobileDrugTipsId: '000000000000', drugTipsIdType: 'qr' }))).message).toMatch(/取药ID不存在/);
    // Another institution cannot verify this one's tip.
    expect((await refused(clientsFor(t, t.other).portal.verificationDrug({ mobileDrugTipsId: tip, drugTipsIdType: 'qr' }))).message).toMatch(/取药ID不存在/);
  });

  it('a repeated push is one message with one tip; a full refund voids the tip still to be collected', async () => {
    const idNo = '350205199002020022';
    const paid = message(t.app.config.orgCodg, { idNo, patientName: '郑重复' });
    await c.portal.pushMsg(paid as never);
    await c.portal.pushMsg({ ...paid, updateTime: '2022-03-31 07:16:00' } as never); // a retry of the same push
    let mine = (await messagesOf(idNo)).messages;
    expect(mine).toHaveLength(1);
    const tip = mine[0]!.drugTipsId!;
    expect(tip).toMatch(/^\d{12}$/);
    // The order is refunded in full before the patient collects: the tip is void.
    await c.portal.pushMsg({ ...paid, orderStatus: 'MERCHANT_REFUNDED', refundReason: '患者退药' } as never);
    mine = (await messagesOf(idNo)).messages;
    expect(mine.map((m) => m.orderStatus)).toEqual(['MERCHANT_REFUNDED', 'MERCHANT_PAID']);
    expect(mine[1]!.drugStatus).toBe('CANCELLED');
    const e = await refused(c.portal.verificationDrug({ mobileDrugTipsId: tip, drugTipsIdType: 'qr' }));
    expect(e.type).toBe('business');
    expect(e.centerMessage).toMatch(/取药凭证已作废：订单已全额退款/);
    const page = await (await fetch(`${t.url}/sandbox/portal/messages?idNo=${idNo}&format=html`)).text();
    expect(page).toContain('已作废（订单已退款）');
    // Partial refunds may be several: two with other reasons are two messages; the same one again is one.
    const part = { ...paid, medOrgOrd: `${paid.medOrgOrd}P`, orderStatus: 'MERCHANT_PART_REFUNDED' };
    await c.portal.pushMsg({ ...part, refundReason: '退一盒药' } as never);
    await c.portal.pushMsg({ ...part, refundReason: '退检查费' } as never);
    await c.portal.pushMsg({ ...part, refundReason: '退检查费' } as never);
    expect((await messagesOf(idNo)).messages.filter((m) => m.medOrgOrd === part.medOrgOrd)).toHaveLength(2);
    // A tip collected before the refund stays collected.
    const other = message(t.app.config.orgCodg, { idNo, patientName: '郑重复' });
    await c.portal.pushMsg(other as never);
    const tip2 = (await messagesOf(idNo)).messages.find((m) => m.medOrgOrd === other.medOrgOrd)!.drugTipsId!;
    expect((await c.portal.verificationDrug({ mobileDrugTipsId: tip2, drugTipsIdType: 'bar' })).drugStatusDesc).toBe('核销成功，请取药');
    await c.portal.pushMsg({ ...other, orderStatus: 'MERCHANT_REFUNDED' } as never);
    expect((await c.portal.verificationDrug({ mobileDrugTipsId: tip2, drugTipsIdType: 'bar' })).drugStatusDesc).toMatch(/已核销/);
  });

  it('answers with the portal codes: 000102, 000105, 010010, -6, -8, 404404', async () => {
    const path = '/api/amp/hos/pushMsg';
    // Bad signature.
    const tampered = sealPortalRequest(message(t.app.config.orgCodg), keys(), { orgId: t.app.config.orgCodg });
    tampered.signData = 'A'.repeat(64);
    const bad = await raw(path, tampered);
    expect(bad.code).toBe('000102');
    expect(openPortalResponse(stringifyWire(bad as WireObject), keys()).code).toBe('000102'); // signed reply
    // Validation: the SDK refuses before sending, the portal names the field.
    const v = await refused(c.portal.pushMsg(message(t.app.config.orgCodg, { orderStatus: 'PAID_MAYBE' }) as never));
    expect(v.type).toBe('validation');
    const invalid = await raw(path, sealPortalRequest(message(t.app.config.orgCodg, { patientName: '' }), keys(), { orgId: t.app.config.orgCodg }));
    expect(invalid.code).toBe('000105');
    expect(String(invalid.message)).toMatch(/data\.patientName/);
    // Replay: the same message twice.
    const once = sealPortalRequest(message(t.app.config.orgCodg), keys(), { orgId: t.app.config.orgCodg });
    expect((await raw(path, once)).code).toBe('000000');
    expect((await raw(path, once)).code).toBe('010010');
    const stale = sealPortalRequest(message(t.app.config.orgCodg), keys(), { orgId: t.app.config.orgCodg, timestamp: '2022-03-22 20:36:01' });
    expect((await raw(path, stale)).code).toBe('010010');
    // Unknown app.
    const unknown = await refused(new PortalClient({ baseUrl: t.url, appId: 'NOSUCHAPP0000000NOSUCHAPP0000000', appKey: 'x'.repeat(32), orgId: t.app.config.orgCodg }).pushMsg(message(t.app.config.orgCodg) as never));
    expect(unknown.code).toBe('-8'); // the portal cannot sign for an app it does not know: still a signature error, with its claim
    expect(unknown.type).toBe('signature');
    expect(unknown.message).toMatch(/应用信息不存在/);
    // Not opened for this app.
    const opened = await t.post(`/sandbox/apps/${t.other.keys.appId}`, { portal: ['pushMsg'] });
    expect(opened.json.portal).toEqual(['pushMsg']);
    const closed = await refused(clientsFor(t, t.other).portal.verificationDrug({ mobileDrugTipsId: '123456789012', drugTipsIdType: 'qr' }));
    expect(closed.code).toBe('404404');
    // Rate limit.
    const limited = clientsFor(t, t.limited).portal;
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      codes.push(await limited.pushMsg(message(t.limited.config.orgCodg) as never).then(() => '000000', (e: { code: string }) => e.code));
    }
    expect(codes).toContain('-6');
  });

  it('the MobileTrans bridge routes portal calls by serverAddr', async () => {
    const { Bridge } = await import('../../packages/yibao/src/sdk/bridge.js');
    const bridge = new Bridge({ apps: [{ appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, orgCodg: t.app.config.orgCodg }] });
    const out = await bridge.handle(
      JSON.stringify({
        data: { serverAddr: `${t.url}/api/amp/hos/pushMsg`, appId: t.app.keys.appId, appKey: t.app.keys.appSecret, encryptType: 'SM4', signType: 'SM3', timestamp: '2022-05-10 16:56:24', version: '1.0.0', ...message(t.app.config.orgCodg, { orderStatus: 'MERCHANT_WAIT_PAY' }) },
        orgId: t.app.config.orgCodg,
      }),
    );
    expect(out).toMatchObject({ code: 0, data: { response: 'SUCCESS' }, message: '成功', orgId: t.app.config.orgCodg });
    // A HIS sending the very same call twice at once (a retry): SM3 signatures are deterministic and
    // the timestamp has whole seconds, so the bridge reseals the second one rather than replay it.
    const same = JSON.stringify({
      data: { serverAddr: `${t.url}/api/amp/hos/pushMsg`, appId: t.app.keys.appId, appKey: t.app.keys.appSecret, encryptType: 'SM4', signType: 'SM3', timestamp: '2022-05-10 16:56:24', version: '1.0.0', ...message(t.app.config.orgCodg, { medOrgOrd: 'MO-TWICE' }) },
      orgId: t.app.config.orgCodg,
    });
    const twice = await Promise.all([bridge.handle(same), bridge.handle(same)]);
    expect(twice.map((o) => (o as { code: number }).code)).toEqual([0, 0]);
    // YM_PORTAL_008 through the bridge too: the tip of the message just pushed, verified by its qr code.
    const idNo = '350205198001010029';
    await c.portal.pushMsg(message(t.app.config.orgCodg, { idNo, patientName: '桥取药' }) as never);
    const tip = (await messagesOf(idNo)).messages[0]!.drugTipsId!;
    const verified = await bridge.handle(
      JSON.stringify({
        data: { serverAddr: `${t.url}/api/mobile/verificationDrug`, appId: t.app.keys.appId, appKey: t.app.keys.appSecret, encryptType: 'SM4', signType: 'SM3', timestamp: '2022-05-10 16:56:25', version: '1.0.0', mobileDrugTipsId: tip, drugTipsIdType: 'qr' },
        orgId: t.app.config.orgCodg,
      }),
    );
    expect(verified).toMatchObject({ code: 0, data: { drugStatus: 'DONE', drugType: 'DRUG' }, orgId: t.app.config.orgCodg });
  });
});
