import { PGlite, parse as pgParse, protocol, types } from '@electric-sql/pglite';
import type { Queryable, Store } from './store.js';

const { serialize } = protocol;

/**
 * Statements with parameters run as named (prepared) statements, as on PostgreSQL (postgres.ts):
 * parsed, described and planned once, then each execution is one message into the WASM backend —
 * Bind, Describe, Execute and Sync together. PGlite's own `query()` sends Parse, Describe, Bind,
 * Describe, Execute and Sync as six calls and parses and plans the text every time; for the short
 * statements of a payment that was most of their cost (docs/performance.md). Parameters are
 * serialised and rows parsed with PGlite's own serializers and parsers (by the types PostgreSQL
 * describes), so results are exactly what `query()` gives.
 */
const PREPARED_LIMIT = 1000;

interface Prepared {
  name: string;
  paramTypes: number[];
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

class PreparedQueries {
  private readonly prepared = new Map<string, Prepared>();
  private next = 0;
  constructor(private readonly db: PGlite) {}

  /** undefined when the cache is full: the caller runs the statement unprepared. */
  private async prepare(sql: string): Promise<Prepared | undefined> {
    const known = this.prepared.get(sql);
    if (known || this.prepared.size >= PREPARED_LIMIT) return known;
    const name = `yb_${++this.next}`;
    const { messages } = await this.db.execProtocol(concat([serialize.parse({ name, text: sql }), serialize.describe({ type: 'S', name }), serialize.sync()]), { syncToFs: false });
    const p = { name, paramTypes: pgParse.parseDescribeStatementResults(messages) };
    this.prepared.set(sql, p);
    return p;
  }

  /** Runs one statement; the caller holds PGlite's query lock. */
  async run<T>(sql: string, params: unknown[]): Promise<T[] | undefined> {
    const p = await this.prepare(sql);
    if (!p) return undefined;
    const values = params.map((v, i) => {
      if (v === null || v === undefined) return null;
      const serializer = this.db.serializers[p.paramTypes[i]!];
      return serializer ? serializer(v) : String(v);
    });
    const { messages } = await this.db.execProtocol(
      concat([serialize.bind({ statement: p.name, values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]),
      { syncToFs: false },
    );
    return pgParse.parseResults(messages, this.db.parsers)[0]!.rows as T[];
  }
}

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
  const prepared = new PreparedQueries(db);
  // The locks PGlite's own query() takes: outside a transaction, wait for any transaction to end,
  // then run alone and write the data directory through; inside one (which holds the transaction
  // lock), only the query lock, and COMMIT writes through.
  const outside: Queryable = {
    async query<T>(sql: string, params: unknown[] = []) {
      if (params.length === 0) return (await db.query<T>(sql)).rows;
      const rows = await db._runExclusiveTransaction(() =>
        db._runExclusiveQuery(async () => {
          const r = await prepared.run<T>(sql, params);
          if (r) await db.syncToFs();
          return r;
        }),
      );
      return rows ?? (await db.query<T>(sql, params)).rows;
    },
  };
  const inside = (tx: { query: PGlite['query'] }): Queryable => ({
    async query<T>(sql: string, params: unknown[] = []) {
      if (params.length === 0) return (await tx.query<T>(sql)).rows;
      const rows = await db._runExclusiveQuery(() => prepared.run<T>(sql, params));
      return rows ?? (await tx.query<T>(sql, params)).rows;
    },
  });
  return {
    kind: 'pglite',
    ...outside,
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn(inside(tx)));
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
