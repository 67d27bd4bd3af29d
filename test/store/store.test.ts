import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../packages/platform/src/store/migrate.js';
import { MIGRATIONS } from '../../packages/platform/src/store/migrations.js';
import { openPgliteStore } from '../../packages/platform/src/store/pglite.js';
import type { Store } from '../../packages/platform/src/store/store.js';
import { storeKinds } from '../helpers/db.js';

describe.each(storeKinds)('store on $name', (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = await kind.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('migrations are applied once and are idempotent', async () => {
    expect(await migrate(store)).toEqual([]);
    const rows = await store.query<{ id: string }>('SELECT id FROM yb_migrations ORDER BY id');
    expect(rows.map((r) => r.id)).toContain('0001_center');
  });

  it('bigint columns come back as safe integers', async () => {
    await store.query("INSERT INTO psn_accounts (psn_no, balance_fen, year) VALUES ('P1', 900719925474099, 2026)");
    const [row] = await store.query<{ balance_fen: number }>("SELECT balance_fen FROM psn_accounts WHERE psn_no = 'P1'");
    expect(row!.balance_fen).toBe(900719925474099);
  });

  it('a failed transaction leaves nothing behind', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.query("INSERT INTO psn_accounts (psn_no, balance_fen, year) VALUES ('P2', 1, 2026)");
        await tx.query("INSERT INTO psn_accounts (psn_no, balance_fen, year) VALUES ('P3', -1, 2026)"); // CHECK fails
      }),
    ).rejects.toThrow();
    expect(await store.query("SELECT 1 FROM psn_accounts WHERE psn_no = 'P2'")).toEqual([]);
  });

  it('the money invariant is a constraint of the orders table', async () => {
    const insert = (fee: number, fund: number, acct: number, cash: number) =>
      store.query(
        `INSERT INTO orders (pay_ord_id, app_id, org_codg, org_name, med_org_ord, psn_no, id_no, id_type, user_name, insutype, med_type,
          insuplc_admdvs, pay_token, ord_stas, fee_sumamt_fen, fund_pay_fen, psn_acct_pay_fen, own_pay_amt_fen, acct_used_flag, chrg_bchno,
          mdtrt_id, hi_rgst_sn, upload)
         VALUES ($1,'A','H1','医院',$1,'P','I','01','U','310','11','350100','T','1',$2,$3,$4,$5,'1','B','M','R','{}')`,
        [`ORD${fee}-${fund}`, fee, fund, acct, cash],
      );
    await insert(1000, 600, 300, 100);
    await expect(insert(1000, 600, 300, 101)).rejects.toThrow(/orders_money_invariant/);
  });
});

describe('migration 0004 on data written before it (PGlite)', () => {
  it('duplicate portal messages collapse to the one whose tip was collected; partial refunds stay apart', async () => {
    const store = await openPgliteStore();
    try {
      const upTo = MIGRATIONS.findIndex((m) => m.id.startsWith('0004'));
      await migrate(store, MIGRATIONS.slice(0, upTo));
      const push = (order: string, status: string, tip: string | null, drug: string | null) =>
        store.query(
          `INSERT INTO portal_messages (app_id, org_code, med_org_ord, order_status, push_type, patient_name, id_type, id_no, data, drug_tips_id, drug_type, drug_status)
           VALUES ('A', 'H1', $1, $2, 'HOSPITAL_PAYMENT', '周大鹏', '01', '35020519870819015X', '{}', $3, $4, $5)`,
          [order, status, tip, tip ? 'DRUG' : null, drug],
        );
      // The old code gave a repeated MERCHANT_PAID push a second tip; the second one was collected.
      await push('MO1', 'MERCHANT_PAID', '100000000001', 'WAIT');
      await push('MO1', 'MERCHANT_PAID', '100000000002', 'DONE');
      await push('MO1', 'MERCHANT_PAID', '100000000003', 'WAIT');
      await push('MO2', 'MERCHANT_WAIT_PAY', null, null);
      await push('MO2', 'MERCHANT_WAIT_PAY', null, null);
      await push('MO3', 'MERCHANT_PART_REFUNDED', null, null);
      await push('MO3', 'MERCHANT_PART_REFUNDED', null, null);
      expect(await migrate(store)).toEqual(MIGRATIONS.slice(upTo).map((m) => m.id));
      const rows = await store.query<{ med_org_ord: string; drug_tips_id: string | null; drug_status: string | null }>('SELECT med_org_ord, drug_tips_id, drug_status FROM portal_messages ORDER BY med_org_ord, id');
      expect(rows.filter((r) => r.med_org_ord === 'MO1')).toEqual([{ med_org_ord: 'MO1', drug_tips_id: '100000000002', drug_status: 'DONE' }]);
      expect(rows.filter((r) => r.med_org_ord === 'MO2')).toHaveLength(1);
      expect(rows.filter((r) => r.med_org_ord === 'MO3')).toHaveLength(2);
    } finally {
      await store.close();
    }
  });
});
