import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dailyTotals } from '../../packages/platform/src/center/daily-totals.js';
import { insertOrder, transition } from '../../packages/platform/src/center/orders.js';
import { migrate } from '../../packages/platform/src/store/migrate.js';
import { MIGRATIONS } from '../../packages/platform/src/store/migrations.js';
import { openPgliteStore } from '../../packages/platform/src/store/pglite.js';
import type { Queryable, Store } from '../../packages/platform/src/store/store.js';
import { storeKinds, TEST_DATABASE_URL } from '../helpers/db.js';
import { newOrder } from '../helpers/orders.js';

/**
 * Issue 16 (PostgreSQL CPU per order), migration 0012: an order's transition is a HOT update (no
 * indexed column changes), and what the indexes on ord_stas and
 * settled_at served still works — the live-medOrgOrd uniqueness, orders in 14, the day's settlements.
 */
/** 1 → 6 as 6202 moves it: the money, the settlement fields and settled_at. */
function settle(tx: Queryable, payOrdId: string, at: Date) {
  return transition(
    tx,
    { payOrdId },
    ['1'],
    '6',
    { fundPayFen: 7500, ownPayAmtFen: 5000, cashPaidFen: 5000, hiDocSn: `SD${payOrdId}`, setlType: 'ALL', chnlType: 'WX', settledAt: at, breakdown: { fundPay: 7500, lines: 10 } },
    { txn: '6202' },
  );
}

describe.each(storeKinds)('orders: HOT transitions (migration 0012) on $name', (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = await kind.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('a settlement is recorded with its time, and the day’s totals find the order through it', async () => {
    await insertOrder(store, newOrder('HOT1', 'MO-HOT1'));
    const at = new Date('2026-11-22T03:00:00Z'); // 11:00 Beijing
    await store.transaction((tx) => settle(tx, 'HOT1', at));
    const rows = await store.query<{ settled_at: Date }>('SELECT settled_at FROM order_settlements WHERE pay_ord_id = $1', ['HOT1']);
    expect(rows.map((r) => new Date(r.settled_at).toISOString())).toEqual([at.toISOString()]);
    const totals = await dailyTotals(store, '2026-11-22');
    expect(totals.settled).toEqual([expect.objectContaining({ orgCodg: 'H35010200227', count: 1, fundPay: '75.00', ownPayAmt: '50.00' })]);
    // Another day has none.
    expect((await dailyTotals(store, '2026-11-21')).settled).toEqual([]);
  });

  it('a revoked order’s medOrgOrd may be used again, a live one’s may not; orders in 14 are found by their flag', async () => {
    await insertOrder(store, newOrder('HOT3', 'MO-HOT3'));
    await expect(insertOrder(store, newOrder('HOT3B', 'MO-HOT3'))).rejects.toThrow(/orders_med_org_ord_live/);
    await store.transaction((tx) => transition(tx, { payOrdId: 'HOT3' }, ['1'], '12', {}, { txn: '6401' }));
    await insertOrder(store, newOrder('HOT3C', 'MO-HOT3'));
    await store.transaction((tx) => transition(tx, { payOrdId: 'HOT3C' }, ['1'], '14', {}, { txn: '6202' }));
    const flags = await store.query<{ pay_ord_id: string; revoked: boolean; abnormal: boolean }>("SELECT pay_ord_id, revoked, abnormal FROM orders WHERE pay_ord_id IN ('HOT3', 'HOT3C') ORDER BY 1");
    expect(flags).toEqual([
      { pay_ord_id: 'HOT3', revoked: true, abnormal: false },
      { pay_ord_id: 'HOT3C', revoked: false, abnormal: true },
    ]);
  });
});

/** HOT is PostgreSQL's: PGlite runs the same migration, and the tests above, but the counter is the server's. */
describe.skipIf(!TEST_DATABASE_URL)('orders: the 6202 transition is HOT (PostgreSQL)', () => {
  let store: Store;
  beforeAll(async () => {
    store = await storeKinds.find((k) => k.name === 'postgres')!.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('the 6202 transition (state, money, settled_at, breakdown) is a HOT update', async () => {
    await insertOrder(store, newOrder('HOT4', 'MO-HOT4'));
    // The backend's counts not yet reported include earlier transactions' (PostgreSQL 15): a difference.
    const counts = await store.transaction(async (tx) => {
      const read = async () =>
        (await tx.query<{ upd: string; hot: string }>(
          "SELECT pg_stat_get_xact_tuples_updated('orders'::regclass)::int AS upd, pg_stat_get_xact_tuples_hot_updated('orders'::regclass)::int AS hot",
        ))[0]!;
      const before = await read();
      await settle(tx, 'HOT4', new Date());
      const after = await read();
      return { updated: Number(after.upd) - Number(before.upd), hot: Number(after.hot) - Number(before.hot) };
    });
    expect(counts).toEqual({ updated: 1, hot: 1 });
  });
});

describe('migration 0012 on data written before it (PGlite)', () => {
  it('backfills the settlement times and the revoked / abnormal flags', async () => {
    const store = await openPgliteStore();
    try {
      const upTo = MIGRATIONS.findIndex((m) => m.id.startsWith('0012'));
      await migrate(store, MIGRATIONS.slice(0, upTo));
      const at = new Date('2026-11-22T03:00:00Z');
      await insertOrder(store, newOrder('OLD1', 'MO-OLD1', '6'));
      await store.query('UPDATE orders SET settled_at = $1, fund_pay_fen = 7500, own_pay_amt_fen = 5000 WHERE pay_ord_id = $2', [at, 'OLD1']);
      await insertOrder(store, newOrder('OLD2', 'MO-OLD2', '12'));
      await insertOrder(store, newOrder('OLD3', 'MO-OLD3', '14'));
      expect(await migrate(store)).toEqual(MIGRATIONS.slice(upTo).map((m) => m.id));
      const settled = await store.query<{ pay_ord_id: string }>('SELECT pay_ord_id FROM order_settlements');
      expect(settled.map((r) => r.pay_ord_id)).toEqual(['OLD1']);
      expect((await dailyTotals(store, '2026-11-22')).settled).toEqual([expect.objectContaining({ count: 1, fundPay: '75.00' })]);
      const flags = await store.query<{ pay_ord_id: string; revoked: boolean; abnormal: boolean }>('SELECT pay_ord_id, revoked, abnormal FROM orders ORDER BY 1');
      expect(flags).toEqual([
        { pay_ord_id: 'OLD1', revoked: false, abnormal: false },
        { pay_ord_id: 'OLD2', revoked: true, abnormal: false },
        { pay_ord_id: 'OLD3', revoked: false, abnormal: true },
      ]);
      // The revoked order's medOrgOrd is free again.
      await insertOrder(store, newOrder('NEW2', 'MO-OLD2'));
    } finally {
      await store.close();
    }
  });
});
