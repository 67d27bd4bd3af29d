import { formatDate } from 'yibao/protocol';
import { fenToYuan, yuanToFen } from 'yibao/spec';
import type { Queryable } from '../store/store.js';
import { newId } from '../util/ids.js';
import { maskIdNo } from '../util/mask.js';
import { categoryOf, computeSettlement, type AccountState } from './policy.js';
import type { DeferredWrite, FeeLine, FsiCore, PersonConfig, PersonInfo1101, PolicyConfig, SettlementInput, UpstreamContext } from './types.js';
import { UpstreamError } from './types.js';

/**
 * The simulated 医保核心系统 (FSI core): person info (1101), registration, pre-settlement, settlement and
 * its reversal, with the reimbursement policy of policy.ts. Balances and yearly accumulations live in
 * psn_accounts; settlement locks the person's row, so concurrent settlements never overdraw.
 */
export interface SimFsiOptions {
  persons: PersonConfig[];
  policy: PolicyConfig;
}

interface AccountRow {
  balance_fen: number;
  year: number;
  ytd_fund_fen: number;
  ytd_deductible_fen: number;
}

function beijingYear(now: Date): number {
  return Number(formatDate(now).slice(0, 4));
}

export function createSimFsiCore(opts: SimFsiOptions): FsiCore & { seedAccounts(db: Queryable): Promise<void> } {
  const byPsn = new Map(opts.persons.map((p) => [p.psnNo, p]));
  const byCert = new Map(opts.persons.map((p) => [p.idNo, p]));

  function person(psnNo: string): PersonConfig {
    const p = byPsn.get(psnNo);
    if (!p) throw new UpstreamError('PSN_NOT_FOUND', `人员不存在：psnNo=${psnNo}`);
    return p;
  }

  /** The account for this year: accumulations start again on 1 January (Beijing time). */
  async function account(ctx: UpstreamContext, psnNo: string, lock: boolean): Promise<AccountState> {
    const rows = await ctx.tx.query<AccountRow>(
      `SELECT balance_fen, year, ytd_fund_fen, ytd_deductible_fen FROM psn_accounts WHERE psn_no = $1${lock ? ' FOR UPDATE' : ''}`,
      [psnNo],
    );
    if (rows.length === 0) throw new UpstreamError('PSN_NOT_FOUND', `人员账户不存在：psnNo=${psnNo}`);
    return accountOf(ctx, psnNo, rows[0]!, lock);
  }

  /** The account state of a row read (and, with `lock`, locked) by the caller; a new year's first lock starts its accumulations again. */
  async function accountOf(ctx: UpstreamContext, psnNo: string, row: AccountRow, lock: boolean): Promise<AccountState> {
    if (lock && row.year !== beijingYear(ctx.now)) {
      await ctx.tx.query('UPDATE psn_accounts SET year = $2, ytd_fund_fen = 0, ytd_deductible_fen = 0, ytd_medfee_fen = 0 WHERE psn_no = $1', [psnNo, beijingYear(ctx.now)]);
    }
    return accountState(row, ctx.now);
  }

  /** A row of last year counts as this year's with no accumulations yet. */
  function accountState(row: AccountRow, now: Date): AccountState {
    if (row.year !== beijingYear(now)) return { balanceFen: row.balance_fen, ytdFundFen: 0, ytdDeductibleFen: 0 };
    return { balanceFen: row.balance_fen, ytdFundFen: row.ytd_fund_fen, ytdDeductibleFen: row.ytd_deductible_fen };
  }

  /** A feedetlSn twice in one upload is refused before anything is written. */
  function distinctSns(lines: FeeLine[]): string[] {
    const sns = lines.map((l) => l.feedetlSn);
    if (new Set(sns).size !== sns.length) {
      const dup = sns.find((sn, i) => sns.indexOf(sn) !== i)!;
      throw new UpstreamError('FEE_DUPLICATE', `费用明细流水号重复：feedetlSn=${dup}`);
    }
    return sns;
  }

  function checkInput(p: SettlementInput): void {
    const who = person(p.psnNo);
    if (p.insutype !== who.insutype) throw new UpstreamError('INSUTYPE_MISMATCH', `参保人未参加险种 ${p.insutype}（参保险种为 ${who.insutype}）`);
  }

  return {
    async seedAccounts(db) {
      const year = new Date().getUTCFullYear();
      for (const p of opts.persons) {
        await db.query('INSERT INTO psn_accounts (psn_no, balance_fen, year) VALUES ($1, $2, $3) ON CONFLICT (psn_no) DO NOTHING', [p.psnNo, yuanToFen(p.balance), year]);
      }
    },

    async getPersonInfo(ctx, q): Promise<PersonInfo1101> {
      let p: PersonConfig | undefined;
      if (q.psnNo) p = byPsn.get(q.psnNo);
      else if (q.certno) p = byCert.get(q.certno);
      if (!p) throw new UpstreamError('PSN_NOT_FOUND', q.certno ? `人员不存在：证件号码 ${maskIdNo(q.certno)}` : `人员不存在：${q.psnNo ?? ''}`);
      if (q.psnCertType && q.psnCertType !== p.idType) throw new UpstreamError('PSN_MISMATCH', 'psn_cert_type 与参保登记的证件类型不符');
      if (q.psnName && q.psnName !== p.userName) throw new UpstreamError('PSN_MISMATCH', 'psn_name 与参保登记的姓名不符');
      const acct = await account(ctx, p.psnNo, false);
      const birth = new Date(`${p.birthday}T00:00:00+08:00`);
      const age = Math.floor((ctx.now.getTime() - birth.getTime()) / (365.2425 * 86400_000));
      return {
        baseinfo: { psn_no: p.psnNo, psn_cert_type: p.idType, certno: p.idNo, psn_name: p.userName, gend: p.gender, naty: '01', brdy: p.birthday, age: String(age) },
        insuinfo: [
          {
            balc: fenToYuan(acct.balanceFen),
            insutype: p.insutype,
            psn_type: p.psnType,
            psn_insu_stas: '1',
            cvlserv_flag: '0',
            insu_admdvs: p.insuAdmdvs,
            insuplc_admdvs: p.insuAdmdvs,
            emp_name: p.empName ?? '',
            psn_insu_rlts_id: `R${p.psnNo}`,
          },
        ],
        idetinfo: [],
      };
    },

    async register(ctx, p) {
      person(p.psnNo);
      const mdtrtId = newId('MD', 8, ctx.now);
      const hiRgstSn = newId('RG', 8, ctx.now);
      await ctx.tx.query('INSERT INTO fsi_visits (mdtrt_id, hi_rgst_sn, psn_no, org_codg, med_type, status) VALUES ($1, $2, $3, $4, $5, $6)', [
        mdtrtId,
        hiRgstSn,
        p.psnNo,
        p.orgCodg,
        p.medType,
        'OPEN',
      ]);
      return { mdtrtId, hiRgstSn };
    },

    async uploadFees(ctx, p) {
      // One statement: the lines are appended only to an open visit that has none of their serial
      // numbers yet; when nothing was updated, a second look says why.
      const sns = distinctSns(p.lines);
      const updated = await ctx.tx.query(
        `UPDATE fsi_visits SET fee_lines = COALESCE(fee_lines, '[]'::jsonb) || $2::jsonb
         WHERE mdtrt_id = $1 AND status = 'OPEN'
           AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(COALESCE(fee_lines, '[]'::jsonb)) e WHERE e->>'feedetlSn' = ANY($3::text[]))
         RETURNING 1`,
        [p.mdtrtId, JSON.stringify(p.lines), sns],
      );
      if (updated.length === 0) {
        const visits = await ctx.tx.query<{ status: string; fee_lines: FeeLine[] | null }>('SELECT status, fee_lines FROM fsi_visits WHERE mdtrt_id = $1', [p.mdtrtId]);
        const visit = visits[0];
        if (!visit || visit.status !== 'OPEN') throw new UpstreamError('VISIT_CLOSED', `就诊不存在或已撤销：mdtrtId=${p.mdtrtId}`);
        const known = new Set((visit.fee_lines ?? []).map((l) => l.feedetlSn));
        const dup = sns.find((sn) => known.has(sn)) ?? sns[0];
        throw new UpstreamError('FEE_DUPLICATE', `费用明细流水号重复：feedetlSn=${dup}`);
      }
      return { lines: p.lines.map((l) => ({ feedetlSn: l.feedetlSn, detItemFeeSumamtFen: l.detItemFeeSumamtFen, chrgitmLv: categoryOf(opts.policy, l.medListCodg) })) };
    },

    async preSettle(ctx, p) {
      checkInput(p);
      return computeSettlement(opts.policy, p, await account(ctx, p.psnNo, false));
    },

    async registerUploadPreSettle(ctx, p) {
      // 2201 + 2204 + 2206 in one statement: a new visit has no lines yet, so the duplicate check of
      // 2204 is the one within the upload; the account is read (not locked) as preSettle reads it.
      // The checks run in the order of the three calls, so a refusal is the one they would give.
      person(p.psnNo);
      distinctSns(p.lines);
      checkInput(p);
      const mdtrtId = newId('MD', 8, ctx.now);
      const hiRgstSn = newId('RG', 8, ctx.now);
      const rows = await ctx.tx.query<AccountRow>(
        `WITH visit AS (
           INSERT INTO fsi_visits (mdtrt_id, hi_rgst_sn, psn_no, org_codg, med_type, status, fee_lines) VALUES ($1, $2, $3, $4, $5, 'OPEN', $6::jsonb)
         )
         SELECT balance_fen, year, ytd_fund_fen, ytd_deductible_fen FROM psn_accounts WHERE psn_no = $3`,
        [mdtrtId, hiRgstSn, p.psnNo, p.orgCodg, p.medType, JSON.stringify(p.lines)],
      );
      // The visit was written all the same; the caller's transaction rolls it back with this refusal.
      if (rows.length === 0) throw new UpstreamError('PSN_NOT_FOUND', `人员账户不存在：psnNo=${p.psnNo}`);
      return { mdtrtId, hiRgstSn, breakdown: computeSettlement(opts.policy, p, accountState(rows[0]!, ctx.now)) };
    },

    async settle(ctx, p) {
      checkInput(p);
      // One read: the visit, the person's account locked (concurrent settlements never overdraw) and
      // whether the order is settled already. The account row is the latest after waiting for its
      // lock; the visit and the settled flag are the statement's snapshot, which is enough: both
      // belong to this one order, which the caller holds locked (center/settle.ts).
      const rows = await ctx.tx.query<AccountRow & { visit_status: string | null; fee_lines: FeeLine[] | null; settled: boolean }>(
        `SELECT a.balance_fen, a.year, a.ytd_fund_fen, a.ytd_deductible_fen, v.status AS visit_status, v.fee_lines,
           EXISTS (SELECT 1 FROM fsi_settlements WHERE pay_ord_id = $3 AND status = 'SETTLED') AS settled
         FROM psn_accounts a LEFT JOIN fsi_visits v ON v.mdtrt_id = $1
         WHERE a.psn_no = $2 FOR UPDATE OF a`,
        [p.mdtrtId, p.psnNo, p.payOrdId],
      );
      let visit = rows[0] ? { status: rows[0].visit_status, fee_lines: rows[0].fee_lines } : undefined;
      if (!visit) {
        // No account: the visit is looked at first all the same, so the refusal is the one it always was.
        const visits = await ctx.tx.query<{ status: string; fee_lines: FeeLine[] | null }>('SELECT status, fee_lines FROM fsi_visits WHERE mdtrt_id = $1', [p.mdtrtId]);
        visit = visits[0];
      }
      if (!visit || visit.status !== 'OPEN') throw new UpstreamError('VISIT_CLOSED', `就诊不存在或已撤销：mdtrtId=${p.mdtrtId}`);
      // Only what was uploaded (2204) is settled, line for line.
      const uploaded = new Map((visit.fee_lines ?? []).map((l) => [l.feedetlSn, l]));
      if (uploaded.size === 0) throw new UpstreamError('FEES_NOT_UPLOADED', `就诊费用明细未上传：mdtrtId=${p.mdtrtId}`);
      for (const l of p.lines) {
        const u = uploaded.get(l.feedetlSn);
        if (!u || u.detItemFeeSumamtFen !== l.detItemFeeSumamtFen || u.medListCodg !== l.medListCodg) {
          throw new UpstreamError('FEES_MISMATCH', `结算的费用明细与已上传的不一致：feedetlSn=${l.feedetlSn}`);
        }
      }
      if (!rows[0]) throw new UpstreamError('PSN_NOT_FOUND', `人员账户不存在：psnNo=${p.psnNo}`);
      const acct = await accountOf(ctx, p.psnNo, rows[0], true);
      const b = computeSettlement(opts.policy, p, acct);
      const alreadySettled = () => new UpstreamError('ALREADY_SETTLED', `订单已结算，不能重复结算：payOrdId=${p.payOrdId}`);
      if (rows[0].settled) throw alreadySettled();
      const hiDocSn = newId('SD', 10, ctx.now);
      // The writes: the settlement (its NOT EXISTS and the unique index fsi_settlements_active still
      // guard against a second one) and the account, which this transaction holds locked.
      const writes: DeferredWrite[] = [
        {
          sql: `INSERT INTO fsi_settlements (hi_doc_sn, mdtrt_id, psn_no, pay_ord_id, year, medfee_fen, fund_pay_fen, psn_acct_pay_fen, deductible_fen, breakdown, status)
         SELECT $1, $2, $3, $4, $5::int, $6::bigint, $7::bigint, $8::bigint, $9::bigint, $10::jsonb, 'SETTLED'
         WHERE NOT EXISTS (SELECT 1 FROM fsi_settlements WHERE pay_ord_id = $4 AND status = 'SETTLED')
         RETURNING hi_doc_sn`,
          params: [hiDocSn, p.mdtrtId, p.psnNo, p.payOrdId, beijingYear(ctx.now), b.medfeeSumamtFen, b.fundPayFen, b.psnAcctPayFen, b.deductibleFen, JSON.stringify(b)],
          ifNone: alreadySettled,
        },
        {
          sql: `UPDATE psn_accounts SET balance_fen = balance_fen - $2::bigint, ytd_fund_fen = ytd_fund_fen + $3::bigint, ytd_deductible_fen = ytd_deductible_fen + $4::bigint,
           ytd_medfee_fen = ytd_medfee_fen + $5::bigint, updated_at = now() WHERE psn_no = $1 RETURNING 1`,
          params: [p.psnNo, b.psnAcctPayFen, b.fundPayFen, b.deductibleFen, b.medfeeSumamtFen],
          ifNone: () => new UpstreamError('PSN_NOT_FOUND', `人员账户不存在：psnNo=${p.psnNo}`),
        },
      ];
      for (const w of writes) {
        if (ctx.defer) ctx.defer(w);
        else if ((await ctx.tx.query(w.sql, w.params)).length === 0) throw w.ifNone!();
      }
      return { ...b, hiDocSn, setlTime: ctx.now };
    },

    async reverseSettlement(ctx, p) {
      const rows = await ctx.tx.query<{ psn_no: string; year: number; medfee_fen: number; fund_pay_fen: number; psn_acct_pay_fen: number; deductible_fen: number }>(
        `UPDATE fsi_settlements SET status = 'REVERSED', reversed_at = now() WHERE hi_doc_sn = $1 AND status = 'SETTLED'
         RETURNING psn_no, year, medfee_fen, fund_pay_fen, psn_acct_pay_fen, deductible_fen`,
        [p.hiDocSn],
      );
      if (rows.length === 0) throw new UpstreamError('NOT_SETTLED', `结算不存在或已撤销：hiDocSn=${p.hiDocSn}`);
      const s = rows[0]!;
      await account(ctx, s.psn_no, true); // locks, and rolls the year over if needed
      // Accumulations are restored only within the settlement's own year; the balance always.
      await ctx.tx.query(
        `UPDATE psn_accounts SET balance_fen = balance_fen + $2,
           ytd_fund_fen = CASE WHEN year = $6 THEN ytd_fund_fen - $3 ELSE ytd_fund_fen END,
           ytd_deductible_fen = CASE WHEN year = $6 THEN ytd_deductible_fen - $4 ELSE ytd_deductible_fen END,
           ytd_medfee_fen = CASE WHEN year = $6 THEN ytd_medfee_fen - $5 ELSE ytd_medfee_fen END,
           updated_at = now()
         WHERE psn_no = $1`,
        [s.psn_no, s.psn_acct_pay_fen, s.fund_pay_fen, s.deductible_fen, s.medfee_fen, s.year],
      );
      return { hiFefdSn: newId('FD', 10, ctx.now), fundPayFen: s.fund_pay_fen, psnAcctPayFen: s.psn_acct_pay_fen };
    },

    async settlementsBetween(ctx, p) {
      const rows = await ctx.tx.query<Record<string, unknown>>(
        `SELECT s.hi_doc_sn, s.pay_ord_id, v.org_codg, s.medfee_fen, s.fund_pay_fen, s.psn_acct_pay_fen, s.status, s.created_at, s.reversed_at
         FROM fsi_settlements s JOIN fsi_visits v ON v.mdtrt_id = s.mdtrt_id
         WHERE (s.created_at >= $1 AND s.created_at < $2) OR (s.reversed_at >= $1 AND s.reversed_at < $2)
         ORDER BY s.created_at, s.hi_doc_sn`,
        [p.from, p.to],
      );
      return rows.map((r) => ({
        hiDocSn: String(r.hi_doc_sn),
        payOrdId: String(r.pay_ord_id),
        orgCodg: String(r.org_codg),
        medfeeFen: Number(r.medfee_fen),
        fundPayFen: Number(r.fund_pay_fen),
        psnAcctPayFen: Number(r.psn_acct_pay_fen),
        status: r.status === 'SETTLED' ? 'SETTLED' : 'REVERSED',
        settledAt: new Date(r.created_at as string),
        reversedAt: r.reversed_at ? new Date(r.reversed_at as string) : null,
      }));
    },

    async cancelVisit(ctx, p) {
      await ctx.tx.query("UPDATE fsi_visits SET status = 'CANCELLED' WHERE mdtrt_id = $1 AND status = 'OPEN'", [p.mdtrtId]);
    },
  };
}
