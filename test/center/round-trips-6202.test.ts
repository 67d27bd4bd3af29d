import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKinds } from '../helpers/db.js';
import { recordStatements, touching } from '../helpers/counting.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { authorise, balanceFen, LISI, payData, scanAndUpload } from '../helpers/flow.js';

/**
 * The round trips of one 6202 (issue 16, docs/performance.md): every statement the platform sends,
 * grouped by transaction, as bench/flow-server.ts counts them. The replay check and the 6302 outbox
 * INSERT are another's to count; the rest of a payment with a cash part is at most 5 statements.
 */
/** The replay record on its own (it rides on the first statement otherwise: replay.ts) and the outbox INSERT. */
const theirs = (sql: string) => /^\s*INSERT INTO seen_signatures/.test(sql) || /INSERT INTO callbacks/.test(sql);

describe.each(storeKinds)('6202 round trips on $name', (kind) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The transaction(s) that touched pay_requests while `fn` ran: the 6202's. */
  async function during(fn: () => Promise<unknown>): Promise<string[][]> {
    const { sent } = await recordStatements(t.platform.deps.store, fn);
    return touching(sent, /pay_requests/).map((g) => g.statements.filter((s) => !theirs(s)));
  }

  it('a payment with a cash part: 5 statements in one transaction; its repeat: 1', async () => {
    const u = await scanAndUpload(t, LISI);
    const before = await balanceFen(t, LISI.psnNo);
    const data = payData(u, (await authorise(t, LISI)).payAuthNo);
    let first: Awaited<ReturnType<TestPlatform['call']>> | undefined;
    const pay = await during(async () => (first = await t.call('6202', data)));
    expect(first!.code, first!.message).toBe('0');
    expect(Number(String(first!.data!.ownPayAmt))).toBeGreaterThan(0);
    expect(pay).toHaveLength(1);
    const what = pay[0]!.map((s) => s.replace(/\s+/g, ' ').slice(0, 60));
    expect(pay[0]!.length, what.join('\n')).toBe(5);
    // claim + order, payAuthNo check, FSI read, the channel's trade, the order with everything else
    expect(pay[0]![0]).toMatch(/INSERT INTO pay_requests[\s\S]*FOR UPDATE OF o/);
    expect(pay[0]![4]).toMatch(/UPDATE orders[\s\S]*UPDATE ev_tokens[\s\S]*INSERT INTO fsi_settlements[\s\S]*UPDATE psn_accounts[\s\S]*UPDATE pay_requests/);
    expect(pay[0]!.join('\n')).not.toMatch(/SAVEPOINT/);
    expect(await balanceFen(t, LISI.psnNo)).toBe(before - Math.round(Number(String(first!.data!.psnAcctPay)) * 100));
    // The console's timeline keeps both steps, in order.
    const events = await t.platform.deps.store.query<{ from_stas: string | null; to_stas: string }>('SELECT from_stas, to_stas FROM order_events WHERE pay_ord_id = $1 ORDER BY id', [u.payOrdId]);
    expect(events.slice(-2)).toEqual([
      { from_stas: '1', to_stas: '2' },
      { from_stas: '2', to_stas: '6' },
    ]);

    let again: Awaited<ReturnType<TestPlatform['call']>> | undefined;
    const repeat = await during(async () => (again = await t.call('6202', data)));
    expect(again!.data).toEqual(first!.data);
    expect(repeat.map((x) => x.length)).toEqual([1]);
  });

  it('a channel FAIL: nothing settled, the payAuthNo unspent, the channel keeps its FAIL trade; both events; no SAVEPOINT', async () => {
    const u = await scanAndUpload(t, LISI);
    const before = await balanceFen(t, LISI.psnNo);
    const { payAuthNo } = await authorise(t, LISI);
    t.platform.upstreams.channels.addFailure({ op: 'pay', result: 'FAIL', count: 1 });
    let failed: Awaited<ReturnType<TestPlatform['call']>> | undefined;
    const pay = await during(async () => (failed = await t.call('6202', payData(u, payAuthNo))));
    t.platform.upstreams.channels.clearFailures();
    expect(failed!.data!.ordStas).toBe('15');
    // With failure rules configured, the channel first looks for an earlier trade of the outTradeNo (one more statement).
    expect(pay.map((x) => x.length)).toEqual([6]);
    expect(pay[0]!.join('\n')).not.toMatch(/SAVEPOINT|fsi_settlements \(|UPDATE ev_tokens/);
    expect(await t.platform.deps.store.query('SELECT 1 FROM fsi_settlements WHERE pay_ord_id = $1', [u.payOrdId])).toHaveLength(0);
    expect(await balanceFen(t, LISI.psnNo)).toBe(before);
    expect(await t.platform.deps.store.query<{ used_at: Date | null }>('SELECT used_at FROM ev_tokens WHERE token = $1', [payAuthNo])).toEqual([{ used_at: null }]);
    expect(await t.platform.deps.store.query("SELECT status FROM channel_trades WHERE pay_ord_id = $1 AND kind = 'PAY'", [u.payOrdId])).toEqual([{ status: 'FAIL' }]);
    const events = await t.platform.deps.store.query<{ from_stas: string | null; to_stas: string }>('SELECT from_stas, to_stas FROM order_events WHERE pay_ord_id = $1 ORDER BY id', [u.payOrdId]);
    expect(events.slice(-2)).toEqual([
      { from_stas: '1', to_stas: '2' },
      { from_stas: '2', to_stas: '15' },
    ]);
    // The same payAuthNo pays the order on a retry with a new orgBizSer.
    const retry = await t.call('6202', payData(u, payAuthNo));
    expect(retry.data!.ordStas, retry.message).toBe('6');
  });
});
