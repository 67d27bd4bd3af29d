import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { recordStatements, type Sent } from '../helpers/counting.js';
import { stringifyWire, type WireObject } from '../../packages/yibao/src/protocol/json.js';
import { authorise, fen, LISI, payData, queryData, refundData, scanAndUpload } from '../helpers/flow.js';

/**
 * What a request costs the database (issue 16, docs/performance.md): every round trip to PostgreSQL
 * is paid on both sides, so the statements of the common requests are pinned here. Background work
 * (the callback worker, the reconciler, the apps cache) is left out of the count.
 */
const BACKGROUND = /\b(apps|callbacks|callback_attempts|unresolved|statement_jobs|statements|signature_failures)\b|seen_at </;

describe.each(storeKinds)('round trips per request on $name', (kind) => {
  let t: TestPlatform;
  /** What the request sent: the groups with a statement that is not background work, as `BEGIN`, statements…. */
  const requestOnly = (sent: Sent[]) => sent.filter((g) => g.statements.some((s) => !BACKGROUND.test(s))).flatMap((g) => [...(g.inTransaction ? ['BEGIN'] : []), ...g.statements.map((s) => s.replace(/\s+/g, ' ').trim())]);
  const run = async <T>(fn: () => Promise<T>) => {
    const { result, sent } = await recordStatements(t.platform.deps.store, fn);
    return { result, statements: requestOnly(sent) };
  };
  beforeAll(async () => {
    t = await startTestPlatform(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('6301 is one statement outside any transaction, and it carries the replay record', async () => {
    const u = await scanAndUpload(t, LISI);
    const paid = await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
    expect(paid.code).toBe('0');
    await t.receiver.waitForOrder(u.payOrdId);
    const { result: q, statements } = await run(() => t.call('6301', queryData(u)));
    expect(q.data!.ordStas).toBe('6');
    expect(statements, statements.join("\n")).toHaveLength(1);
    expect(statements[0]).toMatch(/^WITH yb_seen AS \(INSERT INTO seen_signatures .*\) SELECT .* FROM orders WHERE pay_ord_id = \$1/);
    // The same request again is a replay.
    let sealed: WireObject | undefined;
    expect((await t.call('6301', queryData(u), { mutate: (m) => (sealed = m) })).code).toBe('0');
    expect((await t.call('6301', queryData(u), { rawBody: stringifyWire(sealed!) })).code).toBe('010010');
  });

  it('a request that fails after its first statement is still not replayable (6301 wrong payToken)', async () => {
    const u = await scanAndUpload(t, LISI);
    const bad = { ...queryData(u), payToken: 'PT-WRONG' };
    let sealed: WireObject | undefined;
    const first = await t.call('6301', bad, { mutate: (m) => (sealed = m) });
    expect(first.code).toBe('000105');
    const again = await t.call('6301', bad, { rawBody: stringifyWire(sealed!) });
    expect(again.code).toBe('010010');
  });

  it('a cash refund left unknown (EXP) makes the next 6301 ask the channel, under a lock, once', async () => {
    const u = await scanAndUpload(t, LISI);
    const paid = await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
    const part = (Math.floor(fen(paid.data!.ownPayAmt) / 3) / 100).toFixed(2);
    t.platform.upstreams.channels.addFailure({ op: 'refund', result: 'EXP', count: 1 });
    const unknown = await t.call('6203', refundData(u, { refdType: 'CASH', total: part, cash: part }));
    expect(unknown.data!.refStatus).toBe('EXP');
    const flag = () => t.platform.deps.store.query<{ f: boolean }>('SELECT cash_refund_unknown AS f FROM orders WHERE pay_ord_id = $1', [u.payOrdId]).then((r) => r[0]!.f);
    expect(await flag()).toBe(true);
    // The channel now knows the refund went through: 6301 learns it, in a transaction of its own.
    const { result: q, statements } = await run(() => t.call('6301', queryData(u)));
    expect(q.data!.ordStas).toBe('10');
    expect(statements).toContain('BEGIN');
    expect(await flag()).toBe(false);
    const rows = (await t.admin(`/admin/orders/${u.payOrdId}`)).json.refunds as Array<{ refStatus: string }>;
    expect(rows.map((r) => r.refStatus)).toEqual(['SUCC']);
    // Nothing left unknown: the next 6301 is one statement again.
    const next = await run(() => t.call('6301', queryData(u)));
    expect(next.result.data!.ordStas).toBe('10');
    expect(next.statements, next.statements.join('\n')).toHaveLength(1);
  });
});
