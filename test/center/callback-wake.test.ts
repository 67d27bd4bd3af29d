import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, until, type TestPlatform } from '../helpers/platform.js';
import { authorise, LISI, payData, queryData, scanAndUpload } from '../helpers/flow.js';
import { deliverAfterCommit, enqueueChannelNotify, takeDirectCallbacks } from '../../packages/platform/src/center/callbacks/outbox.js';
import { CallbackWorker } from '../../packages/platform/src/center/callbacks/worker.js';

/**
 * The callback worker is woken by the commit of a transaction that queued a 6302, and only by such a
 * commit (issue 16: a wake after every request cost ~5 useless statements per order). The worker's
 * poll is set to a minute here, so a callback that arrives within seconds came through the wake; on
 * an idle machine it arrives within ~100 ms of the commit (docs/performance.md).
 */
describe.each(storeKinds)('callback wake on $name', (kind) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(kind, { callbacks: { schedule: ['1s'], timeoutMs: 2000, pollMs: 60_000 } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a settled 6202 wakes the worker: its 6302 is delivered at once, not at the next poll', async () => {
    const u = await scanAndUpload(t, LISI);
    const { payAuthNo } = await authorise(t, LISI);
    const paid = await t.call('6202', payData(u, payAuthNo));
    expect(paid.code, paid.message).toBe('0');
    const answered = Date.now();
    const cb = await t.receiver.waitForOrder(u.payOrdId, 20_000);
    // Generous for a loaded machine; without the wake it would take the 60 s poll.
    expect(cb.at - answered).toBeLessThan(5_000);
  });

  it('the normal path: one statement in the 6202 transaction, one after its commit, no claim', async () => {
    // Issue 16: the 6202 transaction queues the callback leased to this process with its first
    // attempt (one INSERT … CTE); after the commit it is posted at once and its outcome written in
    // one autocommit statement (attempt + callback row). No claiming transaction.
    const u = await scanAndUpload(t, LISI);
    const { payAuthNo } = await authorise(t, LISI);
    const seen: Array<{ sql: string; inTx: boolean }> = [];
    const store = t.platform.deps.store;
    const query = store.query.bind(store);
    const transaction = store.transaction.bind(store);
    const watch = (sql: string, inTx: boolean) => {
      if (/callback/.test(sql)) seen.push({ sql, inTx });
    };
    store.query = (sql, params) => (watch(sql, false), query(sql, params));
    store.transaction = (fn) => transaction((tx) => fn({ query: (sql, params) => (watch(sql, true), tx.query(sql, params)) }));
    let id: number;
    try {
      const paid = await t.call('6202', payData(u, payAuthNo));
      expect(paid.code, paid.message).toBe('0');
      await t.receiver.waitForOrder(u.payOrdId, 20_000);
      const row = await until(async () => {
        const [r] = await query<{ id: number; status: string }>("SELECT id, status FROM callbacks WHERE pay_ord_id = $1 AND status = 'DELIVERED'", [u.payOrdId]);
        return r;
      });
      id = Number(row.id);
    } finally {
      store.query = query;
      store.transaction = transaction;
    }
    expect(seen.filter((s) => s.inTx).map((s) => s.sql)).toEqual([expect.stringMatching(/INSERT INTO callbacks[\s\S]*INSERT INTO callback_attempts/)]);
    expect(seen.filter((s) => !s.inTx).map((s) => s.sql)).toEqual([expect.stringMatching(/UPDATE callback_attempts[\s\S]*UPDATE callbacks/)]);
    const attempts = await query<{ attempt: number; success: boolean; duration_ms: number }>('SELECT attempt, success, duration_ms FROM callback_attempts WHERE callback_id = $1', [id]);
    expect(attempts).toEqual([{ attempt: 1, success: true, duration_ms: expect.any(Number) }]);
    const [cb] = await query<{ attempts: number; lease_until: unknown; delivered_at: unknown }>('SELECT attempts, lease_until, delivered_at FROM callbacks WHERE id = $1', [id]);
    expect(cb).toMatchObject({ attempts: 1, lease_until: null });
    expect(cb!.delivered_at).not.toBeNull();
  });

  it('a callback handed over that is not delivered is given back: lease released, its unstarted attempt removed, then claimed as any other', async () => {
    const store = t.platform.deps.store;
    const app = t.platform.center.app(t.app.keys.appId)!;
    const rows = await store.transaction(async (tx) => {
      deliverAfterCommit(tx, 60_000);
      await enqueueChannelNotify(tx, app, 'PGIVEBACK0001', t.receiver.url, { event: 'PAY', amount: '1.00' });
      return takeDirectCallbacks(tx);
    });
    expect(rows).toMatchObject([{ attempts: 1, call_type: 'CHNL' }]);
    const id = Number(rows[0]!.id);
    const [leased] = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM callback_attempts WHERE callback_id = $1 AND success IS NULL', [id]);
    expect(leased!.n).toBe(1);
    // A worker that is not running (as while an instance stops) does not deliver it: it gives it back.
    const stopped = new CallbackWorker({ store, log: t.platform.deps.log, scheduleMs: [1000], timeoutMs: 2000, pollMs: 60_000, app: () => app, keysFor: (a) => t.platform.center.keysFor(a) });
    stopped.deliverQueued(rows);
    const back = await until(async () => {
      const [c] = await store.query<{ attempts: number; lease_until: unknown }>('SELECT attempts, lease_until FROM callbacks WHERE id = $1', [id]);
      return c!.lease_until === null ? c : undefined;
    });
    expect(back.attempts).toBe(0);
    expect(await store.query('SELECT 1 FROM callback_attempts WHERE callback_id = $1', [id])).toEqual([]);
    // Any worker claims it now: its first recorded attempt is number 1.
    t.platform.worker.notify();
    const attempts = await until(async () => {
      const a = await store.query<{ attempt: number; success: boolean | null }>('SELECT attempt, success FROM callback_attempts WHERE callback_id = $1', [id]);
      return a.length > 0 && a[0]!.success !== null ? a : undefined;
    });
    expect(attempts.map((a) => a.attempt)).toEqual([1]);
  });

  it('requests that queue nothing do not wake it', async () => {
    const u = await scanAndUpload(t, LISI);
    const claims: string[] = [];
    const store = t.platform.deps.store;
    const query = store.query.bind(store);
    const transaction = store.transaction.bind(store);
    // Watch the worker's claiming statement (the outbox's FOR UPDATE SKIP LOCKED) while 6301 runs.
    const watch = (sql: string) => {
      if (/FROM callbacks[\s\S]*SKIP LOCKED/.test(sql)) claims.push(sql);
    };
    store.query = (sql, params) => (watch(sql), query(sql, params));
    store.transaction = (fn) => transaction((tx) => fn({ query: (sql, params) => (watch(sql), tx.query(sql, params)) }));
    try {
      for (let i = 0; i < 3; i++) expect((await t.call('6301', queryData(u))).code).toBe('0');
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      store.query = query;
      store.transaction = transaction;
    }
    expect(claims).toEqual([]);
  });
});
