import { LosslessNumber } from 'lossless-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCashierLaunchUrl, open6204Redirect } from '../../packages/yibao/src/protocol/mobile.js';
import { validateTxn } from '../../packages/yibao/src/spec/index.js';
import { storeKinds } from '../helpers/db.js';
import { authorise, LISI, n, payData, refundData, scanAndUpload, type Uploaded } from '../helpers/flow.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

/** issue 12 §4: where a HIS following the spec's text would be refused. */
describe('deviations from the spec text a HIS would hit', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(storeKinds[0]!);
  });
  afterAll(async () => {
    await t?.close();
  });
  const paidOrder = async (): Promise<{ u: Uploaded; paid: Record<string, unknown> }> => {
    const u = await scanAndUpload(t, LISI);
    const r = await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
    expect(r.code, r.message).toBe('0');
    return { u, paid: r.data! };
  };

  it('6203 totlRefdAmt: this refund\'s parts (the name) or the original total (the description); anything else names both', async () => {
    const { u, paid } = await paidOrder();
    const total = String(paid.feeSumamt);
    // Partial cash refund, totlRefdAmt = the original order's total (表 272's description).
    const asDescribed = await t.call('6203', { ...refundData(u, { refdType: 'CASH', total: '1.00', cash: '1.00' }), totlRefdAmt: n(total) });
    expect(asDescribed.code, asDescribed.message).toBe('0');
    const rows = await t.platform.deps.store.query<{ totl_refd_fen: string | number }>('SELECT totl_refd_fen FROM refunds WHERE pay_ord_id = $1', [u.payOrdId]);
    expect(Number(rows[0]!.totl_refd_fen)).toBe(100); // what was refunded, not the order's total
    // totlRefdAmt = this refund (the name).
    const asNamed = await t.call('6203', refundData(u, { refdType: 'CASH', total: '1.00', cash: '1.00' }));
    expect(asNamed.code, asNamed.message).toBe('0');
    // No empty extData in answers where it is optional (PHP's json_decode reads {} as []).
    expect(asNamed.data).not.toHaveProperty('extData');
    const q = await t.call('6301', { payOrdId: u.payOrdId, orgCodg: u.upload.orgCodg, payToken: u.payToken, idNo: u.upload.idNo, userName: u.upload.userName, idType: '01' });
    expect(q.code, q.message).toBe('0');
    expect(q.data).not.toHaveProperty('extData');
    expect((await t.receiver.waitForOrder(u.payOrdId)).data).not.toHaveProperty('extData');
    // Neither.
    const neither = await t.call('6203', refundData(u, { refdType: 'CASH', total: '3.00', cash: '1.00' }));
    expect(neither.code).toBe('000105');
    expect(neither.message).toBe(`data.totlRefdAmt: 应为本次退费金额 1.00（基金、个账与现金退费之和）或原交易总金额 ${total}（总退费金额）`);
  });

  it('6204 extData per 表 14 (merchantNo, terminalNo, isvNo) when the app has them, none otherwise', async () => {
    const sync = async () => {
      const u = await scanAndUpload(t, LISI);
      const cashierUrl = String((await t.call('6201', u.upload)).data!.cashierUrl);
      const launch = buildCashierLaunchUrl(cashierUrl, t.app.keys, { payAuthNo: (await authorise(t, LISI)).payAuthNo, deposit: new LosslessNumber('0.00') });
      const res = await fetch(`${t.url}/cashier/pay`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ payOrdId: u.payOrdId, chnlAppId: t.app.config.appId, chnlEncData: new URL(launch).searchParams.get('chnlEncData')!, chnlType: 'WX' }).toString(),
      });
      expect(res.status).toBe(303); // See Other: the cashier's POST continues as a GET at the HIS
      const opened = open6204Redirect(new URL(res.headers.get('location')!).search, () => t.app.config.appSecret);
      expect(validateTxn('6204', 'input', opened.data)).toEqual([]);
      return opened.data;
    };
    const without = await sync();
    expect('extData' in without).toBe(false);
    // The gate holds the app's config object: give it the UnionPay identifiers.
    t.platform.center.app(t.app.config.appId)!.unionPay = { merchantNo: '898350100000001', terminalNo: '00000001', isvNo: 'ISV0001' };
    try {
      const withIds = await sync();
      expect(withIds.extData).toEqual({ merchantNo: '898350100000001', terminalNo: '00000001', isvNo: 'ISV0001' });
    } finally {
      delete t.platform.center.app(t.app.config.appId)!.unionPay;
    }
    // The catalogue: a 6204 with the old {hiDocSn} extData breaks 表 14.
    expect(validateTxn('6204', 'input', { ...without, extData: { hiDocSn: 'X' } }).map((i) => i.path)).toEqual(['data.extData.merchantNo', 'data.extData.terminalNo', 'data.extData.isvNo']);
  });

  it('dictionaries businessType, feeType, diag_type, mid_setl_flag are used in validation', async () => {
    const scan = await t.call('6101', { orgId: t.app.config.orgCodg, businessType: '挂号', operatorId: 'OP01', operatorName: '甲', officeId: 'NK01', officeName: '内科', ecQrCode: LISI.qrCode });
    expect(scan.code).toBe('000105');
    expect(scan.message).toBe('data.businessType: 应为用码业务类型代码（5 位数字）（用码业务类型）');
    const u = await scanAndUpload(t, LISI);
    const base = { ...u.upload, medOrgOrd: `${u.upload.medOrgOrd}D` };
    const bad = async (edit: Record<string, unknown>) => (await t.call('6201', { ...base, ...edit })).message;
    expect(await bad({ feeType: 'MZ' })).toMatch(/^data\.feeType: 应为费用类型代码（1–3 位数字）/);
    expect(await bad({ midSetlFlag: '2' })).toMatch(/^data\.midSetlFlag: 应为 0\/1 之一/);
    const diseinfoList = (base.diseinfoList as Array<Record<string, unknown>>).map((d) => ({ ...d, diagType: 'W' }));
    expect(await bad({ diseinfoList })).toMatch(/^data\.diseinfoList\[0\]\.diagType: 应为诊断类别代码（1 位数字）/);
    // A code outside the listed ones but of the right shape passes (open dictionaries).
    const other = await t.call('6101', { orgId: t.app.config.orgCodg, businessType: '01303', operatorId: 'OP01', operatorName: '甲', officeId: 'NK01', officeName: '内科', ecQrCode: LISI.qrCode });
    expect(other.code, other.message).toBe('0');
  });
});
