import { PGlite, types } from '@electric-sql/pglite';
import type { Queryable, Store } from './store.js';

/**
 * PGlite: WASM PostgreSQL in-process (DESIGN.md §6). One connection; its `transaction()` is exclusive,
 * so concurrent requests serialise exactly as row locks would make them on PostgreSQL.
 */
export async function openPgliteStore(options: { dataDir?: string; loadDataDir?: Blob } = {}): Promise<Store> {
  const db = new PGlite({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    parsers: {
      [types.INT8]: (text: string) => {
        const n = Number(text);
        if (!Number.isSafeInteger(n)) throw new Error(`int8 value out of safe range: ${text}`);
        return n;
      },
    },
  });
  await db.waitReady;
  const wrap = (q: { query: PGlite['query'] }): Queryable => ({
    async query<T>(sql: string, params: unknown[] = []) {
      const res = await q.query<T>(sql, params as unknown[]);
      return res.rows;
    },
  });
  return {
    kind: 'pglite',
    ...wrap(db),
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn(wrap(tx)));
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
    async close() {
      await db.close();
    },
    // Exposed for the test harness, which clones a migrated database instead of re-creating it.
    dumpDataDir: () => db.dumpDataDir('none'),
  } as Store & { dumpDataDir: () => Promise<Blob> };
}
