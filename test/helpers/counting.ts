import type { Queryable, Store } from '../../packages/platform/src/store/store.js';

interface Sent {
  sql: string;
  /** The transaction it ran in (BEGIN has its own number too); undefined outside one. */
  tx?: number;
}

/**
 * The statements a platform sends to its store, as the benchmark counts them (bench/flow-server.ts):
 * every query, and BEGIN for every transaction. `since(background)` gives what was sent after the last
 * `reset()`, without the statements matching `background` (the callback worker, the reconciler, …)
 * and without the BEGIN of a transaction that sent nothing else — so a test can pin the round trips
 * of one request (docs/performance.md).
 */
export class StatementLog {
  private readonly sent: Sent[] = [];
  private mark = 0;
  private txs = 0;

  wrap = (store: Store): Store => {
    const log = this.sent;
    const inTx = (tx: Queryable, n: number): Queryable => ({
      query(sql, params) {
        log.push({ sql: sql.replace(/\s+/g, ' ').trim(), tx: n });
        return tx.query(sql, params);
      },
    });
    return {
      kind: store.kind,
      query(sql, params) {
        log.push({ sql: sql.replace(/\s+/g, ' ').trim() });
        return store.query(sql, params);
      },
      transaction: (fn) => {
        const n = ++this.txs;
        log.push({ sql: 'BEGIN', tx: n });
        return store.transaction((tx) => fn(inTx(tx, n)));
      },
      exec: (sql) => store.exec(sql),
      close: () => store.close(),
    };
  };

  /** Forget what was sent so far. */
  reset(): void {
    this.mark = this.sent.length;
  }

  since(background?: RegExp): string[] {
    const all = this.sent.slice(this.mark);
    const kept = all.filter((s) => s.sql === 'BEGIN' || !background?.test(s.sql));
    const busy = new Set(kept.filter((s) => s.sql !== 'BEGIN' && s.tx !== undefined).map((s) => s.tx));
    return kept.filter((s) => s.sql !== 'BEGIN' || busy.has(s.tx)).map((s) => s.sql);
  }
}
