import type { Queryable, Store } from '../store/store.js';
import { toSafeInt } from '../store/store.js';
import { fenToYuan } from 'yibao/spec';
import type { CoreSettlement, Upstreams } from '../upstream/types.js';
import { recordAudit } from './audit.js';
import { dateText, dayWindow } from './statements.js';

/**
 * The operator's side of 对账 (issue 13, docs/statements.md): per-day totals per institution,
 * insurance type and channel; and the center's settlements against the FSI core's — 对总账 (totals
 * of both sides) and 对明细账 (settlement by settlement). Differences are stored until an operator
 * marks them resolved, with a reason, in the audit log.
 */

/** Settled that day (settled_at in the Beijing day), grouped; refunds made that day, grouped the same way. */
export async function dailyTotals(q: Queryable, date: string) {
  const w = dayWindow(date)!;
  const settled = await q.query<Record<string, unknown>>(
    `SELECT org_codg, min(org_name) AS org_name, insutype, COALESCE(chnl_type, '') AS chnl_type, count(*) AS n,
            sum(fee_sumamt_fen) AS fee, sum(fund_pay_fen) AS fund, sum(psn_acct_pay_fen) AS acct, sum(own_pay_amt_fen) AS cash, sum(oth_fee_amt_fen) AS oth
     FROM orders WHERE pay_ord_id IN (SELECT pay_ord_id FROM order_settlements WHERE settled_at >= $1 AND settled_at < $2)
       AND settled_at >= $1 AND settled_at < $2
     GROUP BY org_codg, insutype, COALESCE(chnl_type, '') ORDER BY org_codg, insutype, 4`,
    [w.from, w.to],
  );
  const refunded = await q.query<Record<string, unknown>>(
    `SELECT o.org_codg, o.insutype, COALESCE(o.chnl_type, '') AS chnl_type, count(*) AS n,
            sum(r.totl_refd_fen) AS total, sum(r.fund_refd_fen) AS fund, sum(r.psn_acct_refd_fen) AS acct, sum(r.cash_refd_fen) AS cash
     FROM refunds r JOIN orders o ON o.pay_ord_id = r.pay_ord_id
     WHERE r.created_at >= $1 AND r.created_at < $2 AND r.ref_status IN ('SUCC', 'EXP')
     GROUP BY o.org_codg, o.insutype, COALESCE(o.chnl_type, '') ORDER BY 1, 2, 3`,
    [w.from, w.to],
  );
  const yuan = (v: unknown) => fenToYuan(v === null || v === undefined ? 0 : toSafeInt(v));
  return {
    date,
    settled: settled.map((r) => ({
      orgCodg: r.org_codg,
      orgName: r.org_name,
      insutype: r.insutype,
      chnlType: r.chnl_type,
      count: toSafeInt(r.n),
      feeSumamt: yuan(r.fee),
      fundPay: yuan(r.fund),
      psnAcctPay: yuan(r.acct),
      ownPayAmt: yuan(r.cash),
      othFeeAmt: yuan(r.oth),
    })),
    refunded: refunded.map((r) => ({
      orgCodg: r.org_codg,
      insutype: r.insutype,
      chnlType: r.chnl_type,
      count: toSafeInt(r.n),
      totlRefdAmt: yuan(r.total),
      fundRefdAmt: yuan(r.fund),
      psnAcctRefdAmt: yuan(r.acct),
      cashRefdAmt: yuan(r.cash),
    })),
  };
}

interface Side {
  hiDocSn: string;
  payOrdId: string;
  orgCodg: string;
  fundPayFen: number;
  psnAcctPayFen: number;
  status: 'SETTLED' | 'REVERSED';
  /** Settled in the day (else only its reversal is). */
  settledInDay: boolean;
  reversedInDay: boolean;
}

/** The center's insurance settlements settled or refunded (医保部分) in the day, by hiDocSn. */
async function centerSide(q: Queryable, w: { from: Date; to: Date }): Promise<Side[]> {
  const rows = await q.query<Record<string, unknown>>(
    `SELECT o.hi_doc_sn, o.pay_ord_id, o.org_codg, o.fund_pay_fen, o.psn_acct_pay_fen, o.hi_refunded, o.settled_at,
            (SELECT min(r.created_at) FROM refunds r WHERE r.pay_ord_id = o.pay_ord_id AND r.ref_status IN ('SUCC', 'EXP') AND (r.fund_refd_fen > 0 OR r.psn_acct_refd_fen > 0)) AS hi_refunded_at
     FROM orders o
     WHERE o.pay_ord_id IN (SELECT pay_ord_id FROM order_settlements WHERE settled_at >= $1 AND settled_at < $2
                            UNION SELECT pay_ord_id FROM refunds WHERE created_at >= $1 AND created_at < $2)
       AND o.hi_doc_sn IS NOT NULL AND (
       (o.settled_at >= $1 AND o.settled_at < $2)
       OR EXISTS (SELECT 1 FROM refunds r WHERE r.pay_ord_id = o.pay_ord_id AND r.created_at >= $1 AND r.created_at < $2 AND r.ref_status IN ('SUCC', 'EXP') AND (r.fund_refd_fen > 0 OR r.psn_acct_refd_fen > 0)))`,
    [w.from, w.to],
  );
  return rows.map((r) => {
    const settledAt = r.settled_at ? new Date(r.settled_at as string) : undefined;
    const refundedAt = r.hi_refunded_at ? new Date(r.hi_refunded_at as string) : undefined;
    return {
      hiDocSn: String(r.hi_doc_sn),
      payOrdId: String(r.pay_ord_id),
      orgCodg: String(r.org_codg),
      fundPayFen: toSafeInt(r.fund_pay_fen),
      psnAcctPayFen: toSafeInt(r.psn_acct_pay_fen),
      status: r.hi_refunded ? 'REVERSED' : 'SETTLED',
      settledInDay: settledAt !== undefined && settledAt >= w.from && settledAt < w.to,
      reversedInDay: refundedAt !== undefined && refundedAt >= w.from && refundedAt < w.to,
    };
  });
}

function coreSide(list: CoreSettlement[], w: { from: Date; to: Date }): Side[] {
  return list.map((s) => ({
    hiDocSn: s.hiDocSn,
    payOrdId: s.payOrdId,
    orgCodg: s.orgCodg,
    fundPayFen: s.fundPayFen,
    psnAcctPayFen: s.psnAcctPayFen,
    status: s.status,
    settledInDay: s.settledAt >= w.from && s.settledAt < w.to,
    reversedInDay: s.reversedAt !== null && s.reversedAt >= w.from && s.reversedAt < w.to,
  }));
}

function totals(side: Side[]) {
  const t = { settledCount: 0, settledFundFen: 0, settledAcctFen: 0, reversedCount: 0, reversedFundFen: 0, reversedAcctFen: 0 };
  for (const s of side) {
    if (s.settledInDay) {
      t.settledCount += 1;
      t.settledFundFen += s.fundPayFen;
      t.settledAcctFen += s.psnAcctPayFen;
    }
    if (s.reversedInDay) {
      t.reversedCount += 1;
      t.reversedFundFen += s.fundPayFen;
      t.reversedAcctFen += s.psnAcctPayFen;
    }
  }
  return t;
}

function totalsView(t: ReturnType<typeof totals>) {
  return {
    settledCount: t.settledCount,
    settledFundPay: fenToYuan(t.settledFundFen),
    settledPsnAcctPay: fenToYuan(t.settledAcctFen),
    reversedCount: t.reversedCount,
    reversedFundPay: fenToYuan(t.reversedFundFen),
    reversedPsnAcctPay: fenToYuan(t.reversedAcctFen),
  };
}

export type DiffKind = 'MISSING_AT_CORE' | 'MISSING_AT_CENTER' | 'AMOUNT' | 'STATUS';

interface Diff {
  key: string;
  kind: DiffKind;
  orgCodg: string;
  detail: Record<string, unknown>;
}

function compare(center: Side[], core: Side[]): Diff[] {
  const diffs: Diff[] = [];
  const coreBy = new Map(core.map((s) => [s.hiDocSn, s]));
  const centerBy = new Map(center.map((s) => [s.hiDocSn, s]));
  const view = (s: Side) => ({ payOrdId: s.payOrdId, status: s.status, fundPay: fenToYuan(s.fundPayFen), psnAcctPay: fenToYuan(s.psnAcctPayFen) });
  for (const c of center) {
    const f = coreBy.get(c.hiDocSn);
    if (!f) {
      diffs.push({ key: c.hiDocSn, kind: 'MISSING_AT_CORE', orgCodg: c.orgCodg, detail: { center: view(c) } });
      continue;
    }
    if (c.fundPayFen !== f.fundPayFen || c.psnAcctPayFen !== f.psnAcctPayFen) diffs.push({ key: c.hiDocSn, kind: 'AMOUNT', orgCodg: c.orgCodg, detail: { center: view(c), core: view(f) } });
    if (c.status !== f.status) diffs.push({ key: c.hiDocSn, kind: 'STATUS', orgCodg: c.orgCodg, detail: { center: view(c), core: view(f) } });
  }
  for (const f of core) {
    // A settlement the core reversed (a failed payment, ordStas 15) is no longer the center's: no difference.
    if (!centerBy.has(f.hiDocSn) && f.status === 'SETTLED') diffs.push({ key: f.hiDocSn, kind: 'MISSING_AT_CENTER', orgCodg: f.orgCodg, detail: { core: view(f) } });
  }
  return diffs;
}

/**
 * Compares the day's settlements of the center with the core's, stores new differences (a known one
 * keeps its resolution), and returns both totals and the day's differences.
 */
export async function reconcileWithCore(store: Store, upstreams: Upstreams, date: string, now: Date) {
  const w = dayWindow(date)!;
  return store.transaction(async (tx) => {
    const center = await centerSide(tx, w);
    const core = coreSide(await upstreams.fsi.settlementsBetween({ tx, now }, w), w);
    const diffs = compare(center, core);
    for (const d of diffs) {
      await tx.query('INSERT INTO fsi_recon_diffs (stmt_date, diff_key, kind, org_codg, detail) VALUES ($1::date, $2, $3, $4, $5) ON CONFLICT (stmt_date, diff_key, kind) DO NOTHING', [date, d.key, d.kind, d.orgCodg, JSON.stringify(d.detail)]);
    }
    const c = totals(center);
    const f = totals(core);
    return {
      date,
      totals: { center: totalsView(c), core: totalsView(f), match: JSON.stringify(c) === JSON.stringify(f) },
      differences: await listDiffs(tx, { date }),
      stillDifferent: diffs.map((d) => `${d.kind}:${d.key}`),
    };
  });
}

export async function listDiffs(q: Queryable, f: { date?: string; open?: boolean }) {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.date) {
    params.push(f.date);
    where.push(`stmt_date = $${params.length}::date`);
  }
  if (f.open) where.push('resolved_at IS NULL');
  const rows = await q.query<Record<string, unknown>>(
    `SELECT id, stmt_date, diff_key, kind, org_codg, detail, found_at, resolved_at, resolved_by, resolution FROM fsi_recon_diffs
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT 1000`,
    params,
  );
  return rows.map((r) => ({
    id: toSafeInt(r.id),
    date: dateText(r.stmt_date as string | Date),
    hiDocSn: r.diff_key,
    kind: r.kind as DiffKind,
    orgCodg: r.org_codg,
    detail: r.detail,
    foundAt: new Date(r.found_at as string).toISOString(),
    resolvedAt: r.resolved_at ? new Date(r.resolved_at as string).toISOString() : null,
    resolvedBy: r.resolved_by ?? null,
    resolution: r.resolution ?? null,
  }));
}

/** Marks a difference resolved, audited; a resolved one stays resolved (409). */
export async function resolveDiff(store: Store, id: number, who: { actor: string; reason: string }): Promise<'missing' | 'already' | 'ok'> {
  return store.transaction(async (tx) => {
    const rows = await tx.query<{ resolved_at: unknown; diff_key: string; kind: string; stmt_date: string | Date }>('SELECT resolved_at, diff_key, kind, stmt_date FROM fsi_recon_diffs WHERE id = $1 FOR UPDATE', [id]);
    if (!rows[0]) return 'missing';
    if (rows[0].resolved_at) return 'already';
    await tx.query('UPDATE fsi_recon_diffs SET resolved_at = now(), resolved_by = $2, resolution = $3 WHERE id = $1', [id, who.actor, who.reason]);
    await recordAudit(tx, { ...who, action: 'fsi-reconcile.resolve', target: String(id), detail: { hiDocSn: rows[0].diff_key, kind: rows[0].kind, date: dateText(rows[0].stmt_date) } });
    return 'ok';
  });
}
