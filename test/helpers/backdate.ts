import type { Queryable } from '../../packages/platform/src/store/store.js';

/**
 * Moves everything a test's flow wrote to noon (Beijing) of `date`, keeping the order of events (a
 * millisecond per event id): "it happened that day", a day that has ended, whatever the clock says
 * now — also when a test runs across Beijing midnight.
 */
export async function backdate(store: Queryable, date: string): Promise<void> {
  const noon = `${date}T12:00:00+08:00`;
  await store.query("UPDATE order_events SET created_at = $1::timestamptz + (id % 100000) * interval '1 millisecond'", [noon]);
  await store.query('UPDATE orders SET settled_at = $1::timestamptz WHERE settled_at IS NOT NULL', [noon]);
  await store.query('UPDATE order_settlements SET settled_at = $1::timestamptz', [noon]);
  await store.query("UPDATE refunds SET created_at = $1::timestamptz + interval '1 minute'", [noon]);
  await store.query("UPDATE fsi_settlements SET created_at = $1::timestamptz, reversed_at = CASE WHEN reversed_at IS NULL THEN NULL ELSE $1::timestamptz + interval '1 minute' END", [noon]);
}
