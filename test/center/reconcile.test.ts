import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { authorise, LISI, payData, scanAndUpload } from '../helpers/flow.js';

/**
 * A channel that answers EXP for the cash part leaves the order 异常 (14). The failure rules come from
 * the config file (channels.failures), as an operator would set them.
 */
describe.each(storeKinds)('an order left 异常 (14) by the channel is settled on $name', (kind) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(kind, {
      channels: {
        failures: [
          { op: 'pay', result: 'EXP', count: 3 },
          { op: 'query', result: 'EXP', count: 1 },
          { op: 'query', result: 'FAIL', count: 1 },
        ],
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const balance = async () => (await t.platform.deps.store.query<{ balance_fen: number; ytd_fund_fen: number }>('SELECT balance_fen, ytd_fund_fen FROM psn_accounts WHERE psn_no = $1', [LISI.psnNo]))[0]!;
  const query = (u: Awaited<ReturnType<typeof scanAndUpload>>) => t.call('6301', { payOrdId: u.payOrdId, orgCodg: u.upload.orgCodg, payToken: u.payToken, idNo: LISI.idNo, userName: LISI.userName, idType: LISI.idType });

  it('6301 asks the channel: still unknown keeps 14; a failed payment reverses the insurance settlement (15) and the order can be paid again', async () => {
    const before = await balance();
    const u = await scanAndUpload(t, LISI);
    const paid = await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
    expect(paid.code, paid.message).toBe('0');
    expect(paid.data!.ordStas).toBe('14');
    expect(await balance()).not.toEqual(before); // the account was debited
    expect((await query(u)).data!.ordStas).toBe('14'); // the channel does not know yet
    const failed = await query(u);
    expect(failed.data!.ordStas).toBe('15');
    expect(failed.data!.hiDocSn).toBe('');
    expect(await balance()).toEqual(before); // balance and yearly accumulations restored
    const history = await t.admin(`/admin/orders/${u.payOrdId}`);
    expect(JSON.stringify(history.json.history)).toContain('医保结算已冲正');
    expect(t.receiver.received.some((r) => r.data.payOrdId === u.payOrdId)).toBe(false);
  });

  it('a payment the channel confirms becomes 6 with its 6302 callback, through 6301 or the operator', async () => {
    const u = await scanAndUpload(t, LISI);
    const request = payData(u, (await authorise(t, LISI)).payAuthNo);
    const paid = await t.call('6202', request);
    expect(paid.data!.ordStas).toBe('14');
    const q = await query(u);
    expect(q.data!.ordStas).toBe('6');
    // The HIS repeating its 6202 (same orgBizSer) now learns the order is settled, not 14 again.
    const repeated = await t.call('6202', request);
    expect(repeated.data).toEqual({ ...paid.data, ordStas: '6' });
    await t.receiver.waitForOrder(u.payOrdId);

    const v = await scanAndUpload(t, LISI);
    expect((await t.call('6202', payData(v, (await authorise(t, LISI)).payAuthNo))).data!.ordStas).toBe('14');
    const unauthorised = await fetch(`${t.url}/admin/orders/${v.payOrdId}/reconcile`, { method: 'POST' });
    expect(unauthorised.status).toBe(401);
    const post = (body: unknown) =>
      fetch(`${t.url}/admin/orders/${v.payOrdId}/reconcile`, { method: 'POST', headers: { authorization: 'Bearer operator-test-token', 'content-type': 'application/json' }, body: JSON.stringify(body) });
    // An operator action needs a reason (audited): without one nothing happens.
    const noReason = await post({});
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as { message: string }).message).toMatch(/reason/);
    const r = await post({ reason: '渠道已确认扣款' });
    expect(await r.json()).toEqual({ payOrdId: v.payOrdId, before: '14', ordStas: '6' });
    const [entry] = await t.platform.deps.store.query<{ actor: string; action: string; reason: string }>("SELECT actor, action, reason FROM audit_log WHERE target = $1", [v.payOrdId]);
    expect(entry).toEqual({ actor: 'operatorToken (legacy)', action: 'order.reconcile', reason: '渠道已确认扣款' });
    await t.receiver.waitForOrder(v.payOrdId);
  });
});
