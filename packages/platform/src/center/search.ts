import { createHmac, randomBytes } from 'node:crypto';
import type { Queryable, Store } from '../store/store.js';

/**
 * Orders are found by ID number and name through a keyed hash (HMAC-SHA256 with the server's search
 * key), exact match only: the operator types the clear value, the query compares hashes, and the
 * clear values stay masked in every view and log. Without the key a dump of order_search cannot be
 * turned back into ID numbers by trying them all (an ID number has little entropy; a plain hash would
 * fall to a dictionary in minutes).
 */
export type SearchKey = Buffer;

/** Same person, same hash: spaces around and the check letter's case do not matter. */
export function normaliseIdNo(idNo: string): string {
  return idNo.trim().toUpperCase();
}

export function normaliseName(name: string): string {
  return name.normalize('NFC').replace(/\s+/g, '');
}

/** Domain-separated, so an ID number typed into the name field never matches. */
export function searchHash(key: SearchKey, field: 'idNo' | 'name', value: string): string {
  const v = field === 'idNo' ? normaliseIdNo(value) : normaliseName(value);
  return createHmac('sha256', key).update(`${field}\u0000${v}`).digest('hex');
}

/** An order's order_search row. 6201 writes it in the statement that inserts the order (orders.ts insertOrder). */
export interface OrderSearchHashes {
  idNoHash: string;
  nameHash: string;
}

export function orderSearchHashes(key: SearchKey, o: { idNo: string; userName: string }): OrderSearchHashes {
  return { idNoHash: searchHash(key, 'idNo', o.idNo), nameHash: searchHash(key, 'name', o.userName) };
}

/** The row of an order already stored (the backfill below). */
export async function indexOrderForSearch(tx: Queryable, key: SearchKey, o: { payOrdId: string; idNo: string; userName: string }): Promise<void> {
  const h = orderSearchHashes(key, o);
  await tx.query('INSERT INTO order_search (pay_ord_id, id_no_hash, name_hash) VALUES ($1, $2, $3) ON CONFLICT (pay_ord_id) DO NOTHING', [o.payOrdId, h.idNoHash, h.nameHash]);
}

/**
 * The search key: `console.searchKey` from the configuration (hex or base64, at least 32 bytes), or
 * else one generated once and kept in the database (server_secrets), shared by every instance.
 */
export async function loadSearchKey(store: Store, configured: string | undefined): Promise<SearchKey> {
  if (configured) return parseSearchKey(configured);
  const fresh = randomBytes(32).toString('base64');
  await store.query("INSERT INTO server_secrets (name, value) VALUES ('search_key', $1) ON CONFLICT (name) DO NOTHING", [fresh]);
  const rows = await store.query<{ value: string }>("SELECT value FROM server_secrets WHERE name = 'search_key'");
  return Buffer.from(rows[0]!.value, 'base64');
}

export function parseSearchKey(text: string): SearchKey {
  const key = /^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0 ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length < 32) throw new Error('console.searchKey 至少 32 字节（64 位十六进制或 base64）');
  return key;
}

/**
 * Orders written before the search index existed (or by an older instance) get their hashes at
 * start, in batches; idempotent, and safe with several instances starting at once.
 */
export async function backfillOrderSearch(store: Store, key: SearchKey): Promise<number> {
  let done = 0;
  for (;;) {
    const rows = await store.query<{ pay_ord_id: string; id_no: string; user_name: string }>(
      'SELECT o.pay_ord_id, o.id_no, o.user_name FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_search s WHERE s.pay_ord_id = o.pay_ord_id) LIMIT 500',
    );
    if (rows.length === 0) return done;
    await store.transaction(async (tx) => {
      for (const r of rows) await indexOrderForSearch(tx, key, { payOrdId: r.pay_ord_id, idNo: r.id_no, userName: r.user_name });
    });
    done += rows.length;
  }
}
