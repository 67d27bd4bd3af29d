import pg from 'pg';
import type { Queryable, Store } from './store.js';

// int8 (OID 20) as a JS number when safe: yibao's bigint columns hold fen and counters, far below 2^53.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) {
      return (text: string) => {
        const n = Number(text);
        if (!Number.isSafeInteger(n)) throw new Error(`int8 value out of safe range: ${text}`);
        return n;
      };
    }
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export async function openPostgresStore(connectionString: string, options: { max?: number } = {}): Promise<Store> {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10, types: types as pg.CustomTypesConfig });
  // A pool error on an idle client (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const client = await pool.connect(); // fail fast with a clear error when the database is unreachable
  client.release();
  const asQueryable = (q: { query: pg.Pool['query'] }): Queryable => ({
    async query<T>(sql: string, params: unknown[] = []) {
      const res = await q.query(sql, params as unknown[]);
      return res.rows as T[];
    },
  });
  return {
    kind: 'postgres',
    ...asQueryable(pool),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const result = await fn(asQueryable(c));
        await c.query('COMMIT');
        return result;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        c.release();
      }
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async close() {
      await pool.end();
    },
  };
}
