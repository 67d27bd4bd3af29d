import pg from 'pg';
import { StoreUnavailableError, type Queryable, type Store } from './store.js';

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
 * Bounds on every wait for the database (issue 14 point 2; docs/config.md `database`). A frozen
 * database, a held lock or an exhausted pool is answered with a coded error within these, never
 * left hanging.
 */
export interface PostgresOptions {
  /** Pool size (default 10). */
  max?: number;
  /** Server-side `statement_timeout` (default 15 s). */
  statementTimeoutMs?: number;
  /** Server-side `lock_timeout` (default 5 s). */
  lockTimeoutMs?: number;
  /** Waiting for a pooled connection, or for a new one to open (default 5 s). */
  acquireTimeoutMs?: number;
  /**
   * Client-side bound on one query's answer (default statementTimeoutMs + 5 s): covers what the
   * server cannot time out itself, a database or network that stopped answering at all.
   */
  queryTimeoutMs?: number;
  /** Server-side `idle_in_transaction_session_timeout` (default 60 s): a stuck client frees its locks. */
  idleInTransactionTimeoutMs?: number;
}

export const DEFAULT_POSTGRES_TIMEOUTS = { statementTimeoutMs: 15_000, lockTimeoutMs: 5_000, acquireTimeoutMs: 5_000, idleInTransactionTimeoutMs: 60_000 } as const;

export async function openPostgresStore(connectionString: string, options: PostgresOptions = {}): Promise<Store> {
  const o = { ...DEFAULT_POSTGRES_TIMEOUTS, ...options };
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    types: types as pg.CustomTypesConfig,
    statement_timeout: o.statementTimeoutMs,
    lock_timeout: o.lockTimeoutMs,
    idle_in_transaction_session_timeout: o.idleInTransactionTimeoutMs,
    query_timeout: o.queryTimeoutMs ?? o.statementTimeoutMs + 5_000,
    connectionTimeoutMillis: o.acquireTimeoutMs,
    // A peer that vanished (failover, a proxy reset) is noticed by the kernel, not only at the next query.
    keepAlive: true,
    // Operators find yibao's sessions in pg_stat_activity; a URL's application_name wins.
    fallback_application_name: 'yibao',
  });
  // A pool error on an idle client (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const client = await pool.connect(); // fail fast with a clear error when the database is unreachable
  client.release();
  const asQueryable = (q: { query: pg.Pool['query'] }): Queryable => ({
    async query<T>(sql: string, params: unknown[] = []) {
      try {
        const res = await q.query(sql, params as unknown[]);
        return res.rows as T[];
      } catch (err) {
        throw StoreUnavailableError.from(err, 'not-committed') ?? err;
      }
    },
  });
  return {
    kind: 'postgres',
    ...asQueryable(pool),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      let c: pg.PoolClient;
      try {
        c = await pool.connect();
      } catch (err) {
        throw StoreUnavailableError.from(err, 'not-committed') ?? err;
      }
      // While checked out, a client has no listener of the pool's: its connection dropping
      // (pg_terminate_backend, a failover) would be an unhandled 'error' event and end the process
      // (issue 14 point 1). The query under way fails on its own; this only keeps the process alive.
      let broken: unknown;
      const onError = (err: unknown) => {
        broken ??= err;
      };
      c.on('error', onError);
      let committing = false;
      try {
        await c.query('BEGIN');
        const result = await fn(asQueryable(c));
        committing = true;
        await c.query('COMMIT');
        return result;
      } catch (err) {
        // A connection that failed, timed out or errored on its own is not given back to the pool.
        const unavailable = StoreUnavailableError.from(err, committing ? 'unknown' : 'not-committed');
        // The server's own timeouts (57014, 55P03) leave the connection usable; a dropped one or a
        // query that never answered (client-side timeout) does not.
        if (unavailable && (unavailable.reason === 'connection' || (err as Error).message === 'Query read timeout' || unavailable.reason === 'acquire-timeout')) broken ??= err;
        if (!broken) await c.query('ROLLBACK').catch((e: unknown) => (broken ??= e));
        throw unavailable ?? err;
      } finally {
        c.removeListener('error', onError);
        c.release(broken ? (broken instanceof Error ? broken : new Error(String(broken))) : undefined);
      }
    },
    async exec(sql: string) {
      try {
        await pool.query(sql);
      } catch (err) {
        throw StoreUnavailableError.from(err, 'not-committed') ?? err;
      }
    },
    async close() {
      await pool.end();
    },
  };
}
