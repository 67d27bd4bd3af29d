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
      const before = t.receiver.received.length;
      const u = await scanAndUpload(t, LISI);
      await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
      await t.receiver.waitFor(before + 1);
      const raw = JSON.parse(t.receiver.received.at(-1)!.raw);
      expect(raw.encType).toBe('plain');
      expect(raw.encData).toBeUndefined();
      expect(raw.data.payOrdId).toBe(u.payOrdId);
      expect(raw.signData).toBeTruthy();
    } finally {
      t.platform.center.app(t.app.config.appId)!.encryptCallbacks = true;
    }
  });

  it('outside sandbox mode the /sandbox helpers do not exist', async () => {
    const prod = await startTestPlatform(kind, { sandbox: false }, t.reuse);
    try {
      const r = await fetch(`${prod.url}/sandbox/auth`, { method: 'POST', body: JSON.stringify({ psnNo: LISI.psnNo }) });
      expect(r.status).toBe(404);
      expect(((await fetch(`${prod.url}/healthz`).then((x) => x.json())) as { sandbox: boolean }).sandbox).toBe(false);
    } finally {
      await prod.close();
    }
  });
});
