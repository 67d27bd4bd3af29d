import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { authorise, fen, LISI, payData, queryData, refundData, scanAndUpload, type Uploaded } from '../helpers/flow.js';
import { createApiToken, createOperator } from '../../packages/platform/src/center/operators.js';
import { listAudit } from '../../packages/platform/src/center/audit.js';

/** 代机构退款 (issue 13): POST /admin/orders/:payOrdId/refund runs the center's 6203 and audits it. */
describe.each(storeKinds)('refund on behalf of the institution on $name', (kind) => {
  let t: TestPlatform & { reuse: any };
  let viewerToken = '';
  let operatorToken = '';
  let u: Uploaded;
  let cashFen = 0;

  const refund = async (token: string, payOrdId: string, body: unknown) => {
    const r = await fetch(`${t.url}/admin/orders/${payOrdId}/refund`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, json: (await r.json()) as Record<string, string> };
  };

  beforeAll(async () => {
    t = await startTestPlatform(kind);
    const store = t.platform.deps.store;
    await createOperator(store, { name: 'wang.viewer', role: 'viewer', password: 'viewer-password-1' });
    await createOperator(store, { name: 'li.operator', role: 'operator', password: 'operator-password-1' });
    viewerToken = (await createApiToken(store, 'wang.viewer', 'test')).token;
    operatorToken = (await createApiToken(store, 'li.operator', 'test')).token;
    u = await scanAndUpload(t, LISI);
    const paid = await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
    expect(paid.code, paid.message).toBe('0');
    cashFen = fen(paid.data!.ownPayAmt);
    expect(cashFen).toBeGreaterThan(100);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a viewer is refused (403); bad input is 400 naming the field; nothing is refunded or audited', async () => {
    const viewer = await refund(viewerToken, u.payOrdId, { refdType: 'CASH', cashRefdAmt: '1.00', reason: '患者要求' });
    expect(viewer.status).toBe(403);
    expect(viewer.json.message).toMatch(/权限不足.*operator/);
    const noReason = await refund(operatorToken, u.payOrdId, { refdType: 'CASH', cashRefdAmt: '1.00', reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(noReason.json).toMatchObject({ code: '000105' });
    expect(noReason.json.message).toMatch(/^reason: 必填/);
    const badType = await refund(operatorToken, u.payOrdId, { refdType: 'PART', reason: 'x' });
    expect(badType.status).toBe(400);
    expect(badType.json.message).toMatch(/^refdType: .*退费类型/);
    const badAmount = await refund(operatorToken, u.payOrdId, { refdType: 'CASH', cashRefdAmt: '1.001', reason: 'x' });
    expect(badAmount.status).toBe(400);
    expect(badAmount.json.message).toMatch(/^cashRefdAmt: .*现金退费金额/);
    expect((await refund(operatorToken, 'NO-SUCH-ORDER', { refdType: 'ALL', reason: 'x' })).status).toBe(404);
    expect((await t.admin(`/admin/orders/${u.payOrdId}`)).json.refunds).toEqual([]);
    expect(await listAudit(t.platform.deps.store, { action: 'order.refund' })).toEqual([]);
  });

  it('an operator refunds part of the cash, then the rest; an over-refund is refused with the center code; audited with actor and reason; the HIS sees it in 6301', async () => {
    const part = await refund(operatorToken, u.payOrdId, { refdType: 'CASH', cashRefdAmt: '1.00', reason: '患者投诉重复收费，医院电话委托' });
    expect(part.status, JSON.stringify(part.json)).toBe(200);
    expect(part.json).toMatchObject({ payOrdId: u.payOrdId, refStatus: 'SUCC', ordStas: '10' });
    expect(part.json.appRefdSn).toMatch(/^OPR\d{14}[0-9A-F]{12}$/);
    expect(part.json.appRefdSn.length).toBeLessThanOrEqual(40);

    // More than the cash left: the center's own refusal (000105 naming cashRefdAmt), and no audit row.
    const over = await refund(operatorToken, u.payOrdId, { refdType: 'CASH', cashRefdAmt: (cashFen / 100).toFixed(2), reason: '多退' });
    expect(over.status).toBe(400);
    expect(over.json.code).toBe('000105');
    expect(over.json.message).toMatch(/data\.cashRefdAmt: 不能超过可退现金/);

    const rest = await refund(operatorToken, u.payOrdId, { refdType: 'CASH', reason: '退还剩余现金' });
    expect(rest.status, JSON.stringify(rest.json)).toBe(200);
    expect(rest.json.refStatus).toBe('SUCC');
    expect(rest.json.appRefdSn).not.toBe(part.json.appRefdSn);

    // Nothing left in cash: a CASH refund is the center's business refusal (-1), 409.
    const none = await refund(operatorToken, u.payOrdId, { refdType: 'CASH', reason: '再退' });
    expect(none.status).toBe(409);
    expect(none.json).toMatchObject({ code: '-1', message: '订单没有可退的现金' });

    const audit = await listAudit(t.platform.deps.store, { action: 'order.refund', target: u.payOrdId });
    expect(audit.map((a) => [a.actor, a.reason])).toEqual([
      ['li.operator', '退还剩余现金'],
      ['li.operator', '患者投诉重复收费，医院电话委托'],
    ]);
    expect(audit[1]!.detail).toMatchObject({ appRefdSn: part.json.appRefdSn, refdSn: part.json.refdSn, refdType: 'CASH', cashRefdAmt: '1.00', refStatus: 'SUCC' });
    expect(audit[0]!.detail).toMatchObject({ cashRefdAmt: ((cashFen - 100) / 100).toFixed(2) });

    // The institution's own view: the order's cash is refunded, the refunds are there, and its own
    // refund still works for the insurance part (the operator's keys never take the HIS's).
    const q = await t.call('6301', queryData(u));
    expect(q.code, q.message).toBe('0');
    const rows = (await t.admin(`/admin/orders/${u.payOrdId}`)).json;
    expect(rows.order.cashRefunded).toBe((cashFen / 100).toFixed(2));
    expect((rows.refunds as Array<{ refStatus: string; cashRefdAmt: string }>).map((r) => `${r.refStatus}:${r.cashRefdAmt}`).sort()).toEqual(['SUCC:1.00', `SUCC:${((cashFen - 100) / 100).toFixed(2)}`].sort());
    const fund = String(q.data!.fundPay);
    const acct = String(q.data!.psnAcctPay);
    const hi = await t.call('6203', refundData(u, { refdType: 'HI', total: ((fen(fund) + fen(acct)) / 100).toFixed(2), cash: '0.00' }));
    expect(hi.code, hi.message).toBe('0');
    expect(hi.data!.refStatus).toBe('SUCC');
    const after = await t.call('6301', queryData(u));
    expect(after.data!.ordStas).toBe('7');
  });
});
