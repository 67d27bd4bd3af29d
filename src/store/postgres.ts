import { createHash } from 'node:crypto';
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

/**
 * Statements with parameters run as named (prepared) statements: each connection parses and plans
 * one once, then only binds and executes it. Names come from the text; the platform's statements are
 * a fixed set, and past PREPARED_LIMIT distinct texts (generated SQL) new ones run unnamed, so that a
 * connection never accumulates prepared statements without bound.
 */
const PREPARED_LIMIT = 1000;
const statementNames = new Map<string, string>();

function statementName(sql: string): string | undefined {
  let name = statementNames.get(sql);
  if (name === undefined && statementNames.size < PREPARED_LIMIT) {
    name = `yb_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`;
    statementNames.set(sql, name);
  }
  return name;
}

export async function openPostgresStore(connectionString: string, options: { max?: number } = {}): Promise<Store> {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10, types: types as pg.CustomTypesConfig });
  // A pool error on an idle client (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const client = await pool.connect(); // fail fast with a clear error when the database is unreachable
  client.release();
  const asQueryable = (q: { query: pg.Pool['query'] }): Queryable => ({
    async query<T>(sql: string, params: unknown[] = []) {
      const name = params.length > 0 ? statementName(sql) : undefined;
      const res = await q.query(name ? { name, text: sql, values: params as unknown[] } : { text: sql, values: params as unknown[] });
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
