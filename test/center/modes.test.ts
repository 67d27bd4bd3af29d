import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { authorise, LISI, payData, refundData, scanAndUpload } from '../helpers/flow.js';

describe.each(storeKinds)('idempotent refunds, plain callbacks, non-sandbox mode on $name', (kind) => {
  let t: TestPlatform & { reuse: any };
  beforeAll(async () => {
    t = await startTestPlatform(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('identical uploads (6201) and payments (6202) sent at the same time get one answer, one order, one payment', async () => {
    const u = await scanAndUpload(t, LISI);
    const upload = { ...u.upload, medOrgOrd: `${u.upload.medOrgOrd}C`, chrgBchno: `${u.upload.chrgBchno}C`, feedetailList: u.upload.feedetailList.map((l) => ({ ...l, chrgBchno: `${u.upload.chrgBchno}C` })) };
    const ups = await Promise.all([1, 2, 3].map(() => t.call('6201', upload)));
    expect(ups.map((r) => `${r.code} ${r.message}`)).toEqual(['0 成功', '0 成功', '0 成功']);
    expect(new Set(ups.map((r) => r.data!.payOrdId)).size).toBe(1);
    const rows = await t.platform.deps.store.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE med_org_ord = $1', [upload.medOrgOrd]);
    expect(rows[0]!.n).toBe(1);
    const ext = ups[0]!.data!.extData as Record<string, unknown>;
    const same = { ...u, payOrdId: String(ups[0]!.data!.payOrdId), payToken: String(ups[0]!.data!.payToken), mdtrtId: String(ext.mdtrtId), chrgBchno: upload.chrgBchno, upload };
    const pay = payData(same, (await authorise(t, LISI)).payAuthNo);
    const pays = await Promise.all([1, 2, 3].map(() => t.call('6202', pay)));
    expect(pays.map((r) => r.code)).toEqual(['0', '0', '0']);
    expect(pays[1]!.data).toEqual(pays[0]!.data);
    const trades = await t.platform.deps.store.query<{ n: number }>("SELECT count(*)::int AS n FROM channel_trades WHERE pay_ord_id = $1 AND kind = 'PAY'", [same.payOrdId]);
    expect(trades[0]!.n).toBeLessThanOrEqual(1);
  });

  it('repeated appRefdSn gives the same answer and refunds once; reused for another order it is refused', async () => {
    const u = await scanAndUpload(t, LISI);
    await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
    const data = refundData(u, { refdType: 'CASH', total: '2.00', cash: '2.00' });
    const first = await t.call('6203', data);
    const again = await t.call('6203', data);
    expect(first.code, first.message).toBe('0');
    expect(again.data).toEqual(first.data);
    const rows = await t.platform.deps.store.query<{ cash_refunded_fen: number }>('SELECT cash_refunded_fen FROM orders WHERE pay_ord_id = $1', [u.payOrdId]);
    expect(rows[0]!.cash_refunded_fen).toBe(200);
    const other = await scanAndUpload(t, LISI);
    await t.call('6202', payData(other, (await authorise(t, LISI)).payAuthNo));
    const clash = await t.call('6203', { ...refundData(other, { refdType: 'CASH', total: '2.00', cash: '2.00' }), appRefdSn: data.appRefdSn });
    expect(clash.code).toBe('000105');
    expect(clash.message).toMatch(/^data\.appRefdSn: /);
  });

  it('an app with encryptCallbacks false gets its 6302 in plain data, still signed', async () => {
    t.platform.center.app(t.app.config.appId)!.encryptCallbacks = false;
    try {
      const u = await scanAndUpload(t, LISI);
      await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
      const raw = JSON.parse((await t.receiver.waitForOrder(u.payOrdId)).raw);
      expect(raw.encType).toBe('plain');
      expect(raw.encData).toBeUndefined();
      expect(raw.data.payOrdId).toBe(u.payOrdId);
      expect(raw.signData).toBeTruthy();
    } finally {
      t.platform.center.app(t.app.config.appId)!.encryptCallbacks = true;
    }
  });

  it('outside sandbox mode the /sandbox helpers do not exist', async () => {
    const prod = await startTestPlatform(kind, { sandbox: false, operatorToken: 'a-strong-operator-token-0123456789', outbound: { allow: ['127.0.0.1'] } }, t.reuse);
    try {
      const r = await fetch(`${prod.url}/sandbox/auth`, { method: 'POST', body: JSON.stringify({ psnNo: LISI.psnNo }) });
      expect(r.status).toBe(404);
      expect(((await fetch(`${prod.url}/healthz`).then((x) => x.json())) as { sandbox: boolean }).sandbox).toBe(false);
    } finally {
      await prod.close();
    }
  });
});
