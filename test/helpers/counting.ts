import type { Store } from '../../packages/platform/src/store/store.js';

/** What one transaction sent, or one statement sent outside any (`inTransaction` false). */
export interface Sent {
  inTransaction: boolean;
  statements: string[];
}

/**
 * The statements a platform's store receives while `fn` runs, as the benchmark counts them
 * (bench/flow-server.ts), grouped by transaction — so that a test can pin the round trips of one
 * request (issue 16, docs/performance.md). Background work (the callback worker, the reconciler)
 * runs meanwhile: pick the groups of the request by what they touch.
 */
export async function recordStatements<T>(store: Store, fn: () => Promise<T>): Promise<{ result: T; sent: Sent[] }> {
  const query = store.query.bind(store);
  const transaction = store.transaction.bind(store);
  const sent: Sent[] = [];
  store.query = (sql, params) => (sent.push({ inTransaction: false, statements: [sql] }), query(sql, params));
  store.transaction = (body) => {
    const group: Sent = { inTransaction: true, statements: [] };
    sent.push(group);
    return transaction((tx) => body({ query: (sql, params) => (group.statements.push(sql), tx.query(sql, params)) }));
  };
  try {
    return { result: await fn(), sent };
  } finally {
    store.query = query;
    store.transaction = transaction;
  }
}

/** The groups with a statement matching `pattern`. */
export const touching = (sent: Sent[], pattern: RegExp): Sent[] => sent.filter((g) => g.statements.some((s) => pattern.test(s)));
