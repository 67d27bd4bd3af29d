import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, until, type TestPlatform } from '../helpers/platform.js';
import { authorise, LISI, payData, queryData, refundData, scanAndUpload, type Uploaded } from '../helpers/flow.js';

/**
 * Issue 14 point 9: orders left 异常 (14) and cash refunds answered EXP are settled in the background,
 * by every instance, without the institution sending 6301 or repeating its 6203.
 */
describe.each(storeKinds)('the background reconciler on $name', (kind) => {
  let t: TestPlatform & { reuse: any };
  let second: TestPlatform;
  const reconciler = { every: '100ms', retryAfter: '100ms', flagAfter: '1s' };
  beforeAll(async () => {
    t = await startTestPlatform(kind, { reconciler });
    second = await startTestPlatform(kind, { reconciler }, t.reuse);
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  const channels = () => t.platform.upstreams.channels;
  const ordStas = async (payOrdId: string) => (await t.platform.deps.store.query<{ ord_stas: string }>('SELECT ord_stas FROM orders WHERE pay_ord_id = $1', [payOrdId]))[0]!.ord_stas;
  const balance = async () => (await t.platform.deps.store.query<{ balance_fen: number; ytd_fund_fen: number }>('SELECT balance_fen, ytd_fund_fen FROM psn_accounts WHERE psn_no = $1', [LISI.psnNo]))[0]!;
  async function abnormal(): Promise<Uploaded> {
    channels().addFailure({ op: 'pay', result: 'EXP', count: 1 });
    const u = await scanAndUpload(t, LISI);
    const paid = await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
    expect(paid.data!.ordStas).toBe('14');
    return u;
  }

  it('an order in 14 the channel confirms becomes 6 and its 6302 is delivered, with no 6301', async () => {
    const u = await abnormal();
    const turn = await t.platform.reconciler.runOnce();
    expect(turn.settled).toBeGreaterThanOrEqual(1);
    expect(await ordStas(u.payOrdId)).toBe('6');
    const cb = await t.receiver.waitForOrder(u.payOrdId);
    expect(cb.data).toMatchObject({ payOrdId: u.payOrdId, callType: '02' });
    const row = await t.platform.deps.store.query<{ resolution: string }>(`SELECT resolution FROM unresolved WHERE kind = 'ORDER_14' AND pay_ord_id = $1`, [u.payOrdId]);
    expect(row[0]!.resolution).toBe('ordStas 6');
  });

  it('an order in 14 whose payment the channel says failed is reversed (15), the personal account restored', async () => {
    const before = await balance();
    const u = await abnormal();
    expect(await balance()).not.toEqual(before);
    channels().addFailure({ op: 'query', result: 'FAIL', count: 1 });
    await t.platform.reconciler.runOnce();
    expect(await ordStas(u.payOrdId)).toBe('15');
    expect(await balance()).toEqual(before);
    expect((await t.call('6301', queryData(u))).data!.ordStas).toBe('15');
  });

  it('a cash refund answered EXP is confirmed in the background: the refund row and the order learn it', async () => {
    const u = await scanAndUpload(t, LISI);
    const paid = await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
    expect(paid.data!.ordStas).toBe('6');
    const cash = String(paid.data!.ownPayAmt);
    expect(Number(cash)).toBeGreaterThan(0);
    channels().addFailure({ op: 'refund', result: 'EXP', count: 1 });
    const r = await t.call('6203', refundData(u, { refdType: 'CASH', total: cash, cash }));
    expect(r.data!.refStatus).toBe('EXP');
    await t.platform.reconciler.runOnce();
    const [row] = await t.platform.deps.store.query<{ ref_status: string; cash_refd_fen: number }>('SELECT ref_status, cash_refd_fen FROM refunds WHERE refd_sn = $1', [r.data!.refdSn]);
    expect(row).toMatchObject({ ref_status: 'SUCC', cash_refd_fen: Math.round(Number(cash) * 100) });
    const [order] = await t.platform.deps.store.query<{ cash_refunded_fen: number; cash_paid_fen: number }>('SELECT cash_refunded_fen, cash_paid_fen FROM orders WHERE pay_ord_id = $1', [u.payOrdId]);
    expect(order!.cash_refunded_fen).toBe(order!.cash_paid_fen);
  });

  it('still unknown after flagAfter: flagged for an operator (GET /admin/unresolved), and settled once the channel knows', async () => {
    channels().addFailure({ op: 'query', result: 'EXP' }); // the channel does not know, for now
    try {
      const u = await abnormal();
      await t.platform.reconciler.runOnce();
      expect(await ordStas(u.payOrdId)).toBe('14');
      const flagged = await until(async () => {
        await t.platform.reconciler.runOnce();
        const r = await t.admin('/admin/unresolved?flagged=1');
        return r.json.unresolved.find((x: { payOrdId: string }) => x.payOrdId === u.payOrdId);
      });
      expect(flagged).toMatchObject({ kind: 'ORDER_14', orgCodg: t.app.config.orgCodg, lastResult: '渠道结果仍未知', flaggedAt: expect.any(String) });
      expect(flagged.attempts).toBeGreaterThanOrEqual(2);
      channels().clearFailures();
      await until(async () => {
        await t.platform.reconciler.runOnce();
        return (await ordStas(u.payOrdId)) === '6' ? true : undefined;
      });
      expect((await t.admin('/admin/unresolved')).json.unresolved.some((x: { payOrdId: string }) => x.payOrdId === u.payOrdId)).toBe(false);
    } finally {
      channels().clearFailures();
    }
  });

  it('two instances at once ask about each order once and settle it once, one callback each', async () => {
    const orders: Uploaded[] = [];
    for (let i = 0; i < 4; i++) orders.push(await abnormal());
    await Promise.all([t.platform.reconciler.runOnce(), second.platform.reconciler.runOnce(), t.platform.reconciler.runOnce()]);
    for (const u of orders) {
      expect(await ordStas(u.payOrdId)).toBe('6');
      const events = await t.platform.deps.store.query(`SELECT 1 FROM order_events WHERE pay_ord_id = $1 AND txn = 'reconciler'`, [u.payOrdId]);
      expect(events).toHaveLength(1);
      const callbacks = await t.platform.deps.store.query(`SELECT 1 FROM callbacks WHERE pay_ord_id = $1 AND call_type = '02'`, [u.payOrdId]);
      expect(callbacks).toHaveLength(1);
    }
  });

  it('runs on its own schedule once started', async () => {
    const u = await abnormal();
    second.platform.reconciler.start();
    try {
      await until(async () => ((await ordStas(u.payOrdId)) === '6' ? true : undefined));
      await t.receiver.waitForOrder(u.payOrdId);
    } finally {
      await second.platform.reconciler.stop();
    }
  });
});
