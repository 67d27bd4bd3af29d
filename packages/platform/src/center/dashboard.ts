import type { Queryable } from '../store/store.js';
import { toSafeInt } from '../store/store.js';

/**
 * What the operator's dashboard shows (issue 13): per Beijing day the orders settled and their
 * money by payer (fund / account / cash / other), the callback backlog and the orders whose retries
 * ran out, orders in 异常 (14) by age, refunds whose cash part is still open (EXP), and signature
 * failures per app. Money stays integer fen here; the page formats it.
 */
export interface DayTotals {
  day: string;
  orders: number;
  fundFen: number;
  acctFen: number;
  cashFen: number;
  otherFen: number;
}

export async function dailyTotals(q: Queryable, days: number, now: Date): Promise<DayTotals[]> {
  const rows = await q.query<{ day: string; n: unknown; fund: unknown; acct: unknown; cash: unknown; oth: unknown }>(
    `SELECT to_char(settled_at AT TIME ZONE 'UTC' + interval '8 hours', 'YYYY-MM-DD') AS day, count(*) AS n,
       sum(fund_pay_fen) AS fund, sum(psn_acct_pay_fen) AS acct, sum(own_pay_amt_fen) AS cash, sum(oth_fee_amt_fen) AS oth
     FROM orders WHERE pay_ord_id IN (SELECT pay_ord_id FROM order_settlements WHERE settled_at >= $1) AND settled_at >= $1 GROUP BY 1 ORDER BY 1`,
    [new Date(now.getTime() - days * 86_400_000)],
  );
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const out: DayTotals[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const day = new Date(now.getTime() + 8 * 3600_000 - i * 86_400_000).toISOString().slice(0, 10);
    const r = byDay.get(day);
    const n = (v: unknown) => (v === null || v === undefined ? 0 : toSafeInt(v, 'amount'));
    out.push({ day, orders: n(r?.n), fundFen: n(r?.fund), acctFen: n(r?.acct), cashFen: n(r?.cash), otherFen: n(r?.oth) });
  }
  return out;
}

export async function callbackBacklog(q: Queryable) {
  const counts = await q.query<{ status: string; n: unknown }>("SELECT status, count(*) AS n FROM callbacks WHERE status IN ('PENDING', 'RETRIES_EXCEEDED') GROUP BY status");
  const get = (s: string) => toSafeInt(counts.find((c) => c.status === s)?.n ?? 0);
  // Orders whose callback gave up: flagged until an operator resends (and it is delivered).
  const exhausted = await q.query<{ id: unknown; pay_ord_id: string; app_id: string; org_codg: string; attempts: number; last_error: string | null; created_at: Date }>(
    `SELECT id, pay_ord_id, app_id, org_codg, attempts, last_error, created_at FROM callbacks WHERE status = 'RETRIES_EXCEEDED' ORDER BY id DESC LIMIT 20`,
  );
  return { pending: get('PENDING'), exhausted: get('RETRIES_EXCEEDED'), exhaustedRows: exhausted.map((r) => ({ ...r, id: toSafeInt(r.id) })) };
}

export const AGE_BUCKETS = ['<1h', '1h-24h', '1d-7d', '>7d'] as const;

/** Orders in 14, by time since they entered it (their last change). */
export const ABNORMAL_BY_AGE_SQL = `SELECT CASE
    WHEN updated_at > now() - interval '1 hour' THEN '<1h'
    WHEN updated_at > now() - interval '1 day' THEN '1h-24h'
    WHEN updated_at > now() - interval '7 days' THEN '1d-7d'
    ELSE '>7d' END AS age, count(*) AS n
  FROM orders WHERE abnormal GROUP BY 1`;

export async function abnormalByAge(q: Queryable): Promise<Array<{ age: string; n: number }>> {
  const rows = await q.query<{ age: string; n: unknown }>(ABNORMAL_BY_AGE_SQL);
  return AGE_BUCKETS.map((age) => ({ age, n: toSafeInt(rows.find((r) => r.age === age)?.n ?? 0) }));
}

export async function pendingRefunds(q: Queryable) {
  const rows = await q.query<{ refd_sn: string; pay_ord_id: string; org_codg: string; cash_refd_fen: unknown; created_at: Date }>(
    `SELECT refd_sn, pay_ord_id, org_codg, cash_refd_fen, created_at FROM refunds WHERE ref_status = 'EXP' ORDER BY created_at DESC LIMIT 20`,
  );
  const [count] = await q.query<{ n: unknown }>("SELECT count(*) AS n FROM refunds WHERE ref_status = 'EXP'");
  return { count: toSafeInt(count?.n ?? 0), rows };
}

export async function signatureFailures(q: Queryable, days: number, now: Date): Promise<Array<{ appId: string; failures: number }>> {
  const since = new Date(now.getTime() + 8 * 3600_000 - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  const rows = await q.query<{ app_id: string; n: unknown }>('SELECT app_id, sum(failures) AS n FROM signature_failures WHERE day >= $1 GROUP BY app_id ORDER BY 2 DESC LIMIT 20', [since]);
  return rows.map((r) => ({ appId: r.app_id, failures: toSafeInt(r.n) }));
}
