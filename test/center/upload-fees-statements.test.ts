import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { LISI, scanAndUpload } from '../helpers/flow.js';
import { orderSearchHashes } from '../../packages/platform/src/center/search.js';
import { OrdStas } from '../../packages/platform/src/center/ord-stas.js';
import type { FsiCore } from '../../packages/platform/src/upstream/types.js';
import { recordStatements } from '../helpers/counting.js';

/**
 * 6201 in few round trips (issue 16, docs/performance.md): on the database it is the medOrgOrd check,
 * the ecToken check, the visit with its fee lines and the person's account (one statement), and the
 * order with its first event and its search row (one statement) — four statements besides the replay
 * insert, in one transaction. The same upload again is the one medOrgOrd read.
 */
describe.each(storeKinds)('6201 statements on $name', (kind) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  const recording = async <T>(fn: () => Promise<T>) => {
    const { result, sent } = await recordStatements(t.platform.deps.store, fn);
    return { result, txs: sent.map((g) => g.statements) };
  };

  /** The 6201's transaction (the one that reads orders by medOrgOrd), without the bare replay insert. */
  const the6201 = (txs: string[][]) => {
    const mine = txs.filter((s) => s.some((sql) => /med_org_ord = \$2/.test(sql)));
    expect(mine).toHaveLength(1);
    return mine[0]!.filter((sql) => !/^\s*INSERT INTO seen_signatures/.test(sql));
  };

  it('one 6201 is one transaction of 4 statements; the same upload again is 1', async () => {
    const { result: u, txs } = await recording(() => scanAndUpload(t, LISI));
    const stmts = the6201(txs);
    expect(stmts, stmts.join('\n---\n')).toHaveLength(4);
    expect(stmts[0]).toMatch(/FROM orders[\s\S]*FOR UPDATE/);
    expect(stmts[1]).toMatch(/FROM ev_tokens/);
    expect(stmts[2]).toMatch(/INSERT INTO fsi_visits[\s\S]*FROM psn_accounts/);
    expect(stmts[3]).toMatch(/INSERT INTO orders[\s\S]*INSERT INTO order_events[\s\S]*INSERT INTO order_search/);

    // Everything the separate statements wrote is there: the visit with its lines, the event, the search row.
    const db = t.platform.deps.store;
    const visit = await db.query<{ fee_lines: unknown[]; status: string; psn_no: string }>('SELECT fee_lines, status, psn_no FROM fsi_visits WHERE mdtrt_id = $1', [u.mdtrtId]);
    expect(visit[0]).toMatchObject({ status: 'OPEN', psn_no: LISI.psnNo });
    expect(visit[0]!.fee_lines).toHaveLength(u.upload.feedetailList.length);
    const events = await db.query('SELECT txn, from_stas, to_stas FROM order_events WHERE pay_ord_id = $1', [u.payOrdId]);
    expect(events).toEqual([{ txn: '6201', from_stas: null, to_stas: OrdStas.PRESETTLED }]);
    const search = await db.query<{ id_no_hash: string; name_hash: string }>('SELECT id_no_hash, name_hash FROM order_search WHERE pay_ord_id = $1', [u.payOrdId]);
    const h = orderSearchHashes(t.platform.deps.searchKey, { idNo: LISI.idNo, userName: LISI.userName });
    expect(search).toEqual([{ id_no_hash: h.idNoHash, name_hash: h.nameHash }]);

    const again = await recording(() => t.call('6201', u.upload));
    expect(again.result.data).toMatchObject({ payOrdId: u.payOrdId, payToken: u.payToken });
    expect(the6201(again.txs)).toHaveLength(1);
  });

  it('an FSI core without the combined call (a real one) gets register, uploadFees and preSettle: the same answer', async () => {
    const fsi = t.platform.deps.upstreams.fsi as FsiCore;
    const combined = await scanAndUpload(t, LISI);
    const saved = fsi.registerUploadPreSettle;
    delete fsi.registerUploadPreSettle;
    try {
      const { result: apart, txs } = await recording(() => scanAndUpload(t, LISI));
      expect(the6201(txs)).toHaveLength(6);
      const split = async (payOrdId: string) =>
        (await t.platform.deps.store.query('SELECT fee_sumamt_fen, fund_pay_fen, psn_acct_pay_fen, own_pay_amt_fen, oth_fee_amt_fen, breakdown FROM orders WHERE pay_ord_id = $1', [payOrdId]))[0];
      // Nothing was settled in between: the same person, bill and balance give the same split.
      expect(await split(apart.payOrdId)).toEqual(await split(combined.payOrdId));
      const visit = await t.platform.deps.store.query<{ fee_lines: unknown[] }>('SELECT fee_lines FROM fsi_visits WHERE mdtrt_id = $1', [apart.mdtrtId]);
      expect(visit[0]!.fee_lines).toHaveLength(apart.upload.feedetailList.length);
    } finally {
      fsi.registerUploadPreSettle = saved;
    }
  });
});
