import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertOrder, loadOrder } from '../../packages/platform/src/center/orders.js';
import type { Store } from '../../packages/platform/src/store/store.js';
import { storeKinds } from '../helpers/db.js';
import { newOrder } from '../helpers/orders.js';

describe.each(storeKinds)('orders: a lookup by payOrdId reads by the primary key, whatever the statistics, on $name', (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = await kind.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  // A prepared statement's generic plan, made while orders had no statistics (a new database; on this
  // VM autovacuum is off and nothing is ever analyzed), took orders_org_created for
  // `pay_ord_id = $1 AND org_codg = $2`: every order of the institution read at each 6202 and 6301.
  it('a generic plan of loadOrder scans orders_pkey, never orders_org_created', async () => {
    for (const n of [1, 2, 3]) await insertOrder(store, newOrder(`PK${n}`, `MO-PK${n}`));
    const scans = await store.transaction(async (tx) => {
      await tx.query('SET LOCAL plan_cache_mode = force_generic_plan');
      const read = async () =>
        (await tx.query<{ pkey: string; created: string }>(
          "SELECT pg_stat_get_xact_numscans('orders_pkey'::regclass)::int AS pkey, pg_stat_get_xact_numscans('orders_org_created'::regclass)::int AS created",
        ))[0]!;
      const before = await read();
      for (const n of [1, 2, 3]) expect((await loadOrder(tx, `PK${n}`, 'H35010200227', { withoutUpload: true })).payOrdId).toBe(`PK${n}`);
      await expect(loadOrder(tx, 'PK1', 'H00000000000')).rejects.toThrow(/订单不存在/);
      const after = await read();
      return { pkey: Number(after.pkey) - Number(before.pkey), created: Number(after.created) - Number(before.created) };
    });
    expect(scans).toEqual({ pkey: 4, created: 0 });
  });
});
