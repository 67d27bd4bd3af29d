import { hostname } from 'node:os';
import { LosslessNumber } from 'lossless-json';
import { randomBytes } from 'node:crypto';
import { ErrorCode, YibaoError } from 'yibao/protocol';
import { formatDate, formatDateTime } from 'yibao/protocol';
import { statementCsv } from 'yibao/protocol';
import { fenToYuan } from 'yibao/spec';
import type { Queryable } from '../store/store.js';
import { toSafeInt } from '../store/store.js';
import { loadApps } from './apps.js';
import { recordAudit } from './audit.js';
import type { AppConfig } from './config.js';
import type { CenterDeps, TxnContext } from './context.js';
import { money } from './context.js';
import { wireOrdStas } from './ord-stas.js';
import type { TxnResult } from './txn/common.js';

/**
 * Daily statements (对账单), one per app and Beijing-time day (issue 13, docs/statements.md): every
 * order that changed that day (its state at the end of the day) and every refund made that day, with
 * the amounts split fund / account / cash / other, and summary rows. Written once, after the day
 * ended, by whichever instance claims the day (statement_jobs); stored, so a download always returns
 * the same bytes until an admin regenerates it (version + 1, audited).
 */
export interface StoredLine {
  type: 'PAY' | 'REFUND';
  payOrdId: string;
  medOrgOrd: string;
  appRefdSn?: string;
  refdSn?: string;
  status: string;
  settled: boolean;
  feeFen: number;
  fundFen: number;
  acctFen: number;
  cashFen: number;
  othFen: number;
  insutype: string;
  chnlType: string;
  /** ISO time. */
  time: string;
}

export interface StoredStatement {
  appId: string;
  orgCodg: string;
  orgName: string;
  stmtDate: string;
  lines: StoredLine[];
}

export interface Statement extends StoredStatement {
  version: number;
  generatedAt: Date;
  generatedBy: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** [start, end) of a Beijing-time day, or undefined for anything but a real yyyy-MM-dd. */
export function dayWindow(date: string): { from: Date; to: Date } | undefined {
  const m = DAY.exec(date);
  if (!m) return undefined;
  const from = new Date(`${date}T00:00:00+08:00`);
  if (Number.isNaN(from.getTime()) || formatDate(from) !== date) return undefined;
  return { from, to: new Date(from.getTime() + 86_400_000) };
}

/** The Beijing day before the one `now` is in. */
export function previousDay(now: Date): string {
  return formatDate(new Date(dayWindow(formatDate(now))!.from.getTime() - 1));
}

/** Builds (does not store) an app's statement for a day from the orders, events and refunds. */
export async function buildStatement(q: Queryable, app: Pick<AppConfig, 'appId' | 'orgCodg' | 'orgName'>, date: string, ordStasOverrides?: Record<string, string>): Promise<StoredStatement> {
  const w = dayWindow(date)!;
  const orders = await q.query<Record<string, unknown>>(
    `WITH last AS (
       SELECT DISTINCT ON (ev.pay_ord_id) ev.pay_ord_id, ev.to_stas, ev.created_at
       FROM order_events ev WHERE ev.created_at >= $2 AND ev.created_at < $3
       ORDER BY ev.pay_ord_id, ev.id DESC)
     SELECT o.pay_ord_id, o.med_org_ord, o.insutype, o.chnl_type, o.fee_sumamt_fen, o.fund_pay_fen, o.psn_acct_pay_fen,
            o.own_pay_amt_fen, o.oth_fee_amt_fen, o.settled_at, last.to_stas, last.created_at AS changed_at
     FROM last JOIN orders o ON o.pay_ord_id = last.pay_ord_id
     WHERE o.app_id = $1
     ORDER BY last.created_at, o.pay_ord_id`,
    [app.appId, w.from, w.to],
  );
  const refunds = await q.query<Record<string, unknown>>(
    `SELECT r.refd_sn, r.app_refd_sn, r.pay_ord_id, r.ref_status, r.totl_refd_fen, r.fund_refd_fen, r.psn_acct_refd_fen, r.cash_refd_fen,
            r.created_at, o.med_org_ord, o.insutype, o.chnl_type
     FROM refunds r JOIN orders o ON o.pay_ord_id = r.pay_ord_id
     WHERE o.app_id = $1 AND r.created_at >= $2 AND r.created_at < $3
     ORDER BY r.created_at, r.refd_sn`,
    [app.appId, w.from, w.to],
  );
  const int = (v: unknown) => toSafeInt(v);
  const lines: StoredLine[] = [
    ...orders.map((r): StoredLine => {
      const settledAt = r.settled_at ? new Date(r.settled_at as string) : undefined;
      return {
        type: 'PAY',
        payOrdId: String(r.pay_ord_id),
        medOrgOrd: String(r.med_org_ord),
        status: wireOrdStas(String(r.to_stas), ordStasOverrides),
        settled: settledAt !== undefined && settledAt >= w.from && settledAt < w.to,
        feeFen: int(r.fee_sumamt_fen),
        fundFen: int(r.fund_pay_fen),
        acctFen: int(r.psn_acct_pay_fen),
        cashFen: int(r.own_pay_amt_fen),
        othFen: int(r.oth_fee_amt_fen),
        insutype: String(r.insutype ?? ''),
        chnlType: String(r.chnl_type ?? ''),
        time: new Date(r.changed_at as string).toISOString(),
      };
    }),
    ...refunds.map(
      (r): StoredLine => ({
        type: 'REFUND',
        payOrdId: String(r.pay_ord_id),
        medOrgOrd: String(r.med_org_ord),
        appRefdSn: String(r.app_refd_sn),
        refdSn: String(r.refd_sn),
        status: String(r.ref_status),
        settled: false,
        feeFen: int(r.totl_refd_fen),
        fundFen: int(r.fund_refd_fen),
        acctFen: int(r.psn_acct_refd_fen),
        cashFen: int(r.cash_refd_fen),
        othFen: 0,
        insutype: String(r.insutype ?? ''),
        chnlType: String(r.chnl_type ?? ''),
        time: new Date(r.created_at as string).toISOString(),
      }),
    ),
  ];
  return { appId: app.appId, orgCodg: app.orgCodg, orgName: app.orgName, stmtDate: date, lines };
}

/** Refunds that moved money (EXP: the insurance part was refunded, the cash part failed). */
const REFUND_COUNTED = new Set(['SUCC', 'EXP']);

export function summarize(lines: readonly StoredLine[]) {
  const s = { orderCount: 0, settledCount: 0, settledFee: 0, settledFund: 0, settledAcct: 0, settledCash: 0, settledOth: 0, refundCount: 0, refundFee: 0, refundFund: 0, refundAcct: 0, refundCash: 0 };
  for (const l of lines) {
    if (l.type === 'PAY') {
      s.orderCount += 1;
      if (!l.settled) continue;
      s.settledCount += 1;
      s.settledFee += l.feeFen;
      s.settledFund += l.fundFen;
      s.settledAcct += l.acctFen;
      s.settledCash += l.cashFen;
      s.settledOth += l.othFen;
    } else if (REFUND_COUNTED.has(l.status)) {
      s.refundCount += 1;
      s.refundFee += l.feeFen;
      s.refundFund += l.fundFen;
      s.refundAcct += l.acctFen;
      s.refundCash += l.cashFen;
    }
  }
  return s;
}

/** The summary in wire words, amounts as yuan text (CSV) — `money` makes them JSON numbers for the envelope. */
function summaryWire(lines: readonly StoredLine[], amount: (fen: number) => unknown, count: (n: number) => unknown) {
  const s = summarize(lines);
  return {
    orderCount: count(s.orderCount),
    settledCount: count(s.settledCount),
    settledFeeSumamt: amount(s.settledFee),
    settledFundPay: amount(s.settledFund),
    settledPsnAcctPay: amount(s.settledAcct),
    settledOwnPayAmt: amount(s.settledCash),
    settledOthFeeAmt: amount(s.settledOth),
    refundCount: count(s.refundCount),
    refundFeeSumamt: amount(s.refundFee),
    refundFundPay: amount(s.refundFund),
    refundPsnAcctPay: amount(s.refundAcct),
    refundOwnPayAmt: amount(s.refundCash),
    // Text: a day's refunds of earlier days' orders can make the net negative (数值型 is unsigned).
    netFundPay: fenToYuan(s.settledFund - s.refundFund),
    netPsnAcctPay: fenToYuan(s.settledAcct - s.refundAcct),
    netOwnPayAmt: fenToYuan(s.settledCash - s.refundCash),
  };
}

function lineWire(l: StoredLine, amount: (fen: number) => unknown) {
  return {
    type: l.type,
    payOrdId: l.payOrdId,
    medOrgOrd: l.medOrgOrd,
    ...(l.appRefdSn ? { appRefdSn: l.appRefdSn } : {}),
    ...(l.refdSn ? { refdSn: l.refdSn } : {}),
    status: l.status,
    settled: l.settled ? '1' : '0',
    feeSumamt: amount(l.feeFen),
    fundPay: amount(l.fundFen),
    psnAcctPay: amount(l.acctFen),
    ownPayAmt: amount(l.cashFen),
    othFeeAmt: amount(l.othFen),
    ...(l.insutype ? { insutype: l.insutype } : {}),
    ...(l.chnlType ? { chnlType: l.chnlType } : {}),
    time: formatDateTime(new Date(l.time)),
  };
}

/** A stored statement as the transaction's `data` (docs/statements.md), CSV included when asked. */
export function statementWire(s: Statement, format: 'JSON' | 'CSV') {
  const data = {
    appId: s.appId,
    orgCodg: s.orgCodg,
    orgName: s.orgName,
    stmtDate: s.stmtDate,
    version: new LosslessNumber(String(s.version)),
    generatedAt: formatDateTime(s.generatedAt),
    summary: summaryWire(s.lines, money, (n) => new LosslessNumber(String(n))),
    lines: s.lines.map((l) => lineWire(l, money)),
  };
  if (format !== 'CSV') return data;
  return { ...data, csv: statementCsv(s.lines.map((l) => lineWire(l, fenToYuan)), summaryWire(s.lines, fenToYuan, String)) };
}

interface StatementRow {
  app_id: string;
  stmt_date: string | Date;
  version: number;
  content: StoredStatement;
  generated_at: Date | string;
  generated_by: string;
}

function toStatement(r: StatementRow): Statement {
  const content = typeof r.content === 'string' ? (JSON.parse(r.content) as StoredStatement) : r.content;
  return { ...content, version: Number(r.version), generatedAt: new Date(r.generated_at), generatedBy: r.generated_by };
}

export async function loadStatement(q: Queryable, appId: string, date: string): Promise<Statement | undefined> {
  const rows = await q.query<StatementRow>('SELECT app_id, stmt_date, version, content, generated_at, generated_by FROM statements WHERE app_id = $1 AND stmt_date = $2::date', [appId, date]);
  return rows[0] ? toStatement(rows[0]) : undefined;
}

/** Writes the statement unless one exists (idempotent: a concurrent writer waits on the key, then does nothing). */
async function writeOnce(q: Queryable, app: Pick<AppConfig, 'appId' | 'orgCodg' | 'orgName'>, date: string, by: string, overrides?: Record<string, string>): Promise<boolean> {
  const content = await buildStatement(q, app, date, overrides);
  const rows = await q.query('INSERT INTO statements (app_id, stmt_date, content, generated_by) VALUES ($1, $2::date, $3, $4) ON CONFLICT (app_id, stmt_date) DO NOTHING RETURNING app_id', [
    app.appId,
    date,
    JSON.stringify(content),
    by,
  ]);
  return rows.length > 0;
}

function dayEnded(date: string, now: Date): boolean {
  const w = dayWindow(date);
  return w !== undefined && w.to <= now;
}

/** The app's statement of a day: the stored one, or written now when the day has ended and none exists yet. */
export async function statementFor(q: Queryable, app: AppConfig, date: string, now: Date, by: string, overrides?: Record<string, string>): Promise<Statement> {
  const stored = await loadStatement(q, app.appId, date);
  if (stored) return stored;
  if (!dayEnded(date, now)) throw new YibaoError(ErrorCode.BUSINESS, `对账单尚未生成：${date}（北京时间）尚未结束，仅可下载已结束日期的对账单`, { field: 'data.stmtDate' });
  await writeOnce(q, app, date, by, overrides);
  return (await loadStatement(q, app.appId, date))!;
}

/** The transaction `downloadStatement` (HIS → center, envelope v2.0.1, a yibao extension). */
export async function downloadStatement(ctx: TxnContext): Promise<TxnResult> {
  const { data, app, tx, now, deps } = ctx;
  if (String(data.orgCodg) !== app.orgCodg) throw new YibaoError(ErrorCode.INVALID_PARAM, 'data.orgCodg: 与应用的定点机构编码不一致', { field: 'data.orgCodg' });
  const date = String(data.stmtDate);
  if (!dayWindow(date)) throw new YibaoError(ErrorCode.INVALID_PARAM, 'data.stmtDate: 应为有效日期 yyyy-MM-dd（对账日期）', { field: 'data.stmtDate' });
  const format = data.format === undefined || data.format === '' ? 'JSON' : String(data.format).toUpperCase();
  if (format !== 'JSON' && format !== 'CSV') throw new YibaoError(ErrorCode.INVALID_PARAM, 'data.format: 应为 JSON 或 CSV（格式）', { field: 'data.format' });
  const s = await statementFor(tx, app, date, now, 'download', deps.config.ordStas);
  return { data: statementWire(s, format) as unknown as TxnResult['data'] };
}

/**
 * Admin: writes the statement again from the current data (a late correction, a reversed order),
 * version + 1, with an audit row in the same transaction.
 */
export async function regenerateStatement(deps: CenterDeps, app: AppConfig, date: string, who: { actor: string; reason: string }): Promise<Statement> {
  return deps.store.transaction(async (tx) => {
    if (!dayEnded(date, deps.clock())) throw new YibaoError(ErrorCode.INVALID_PARAM, `date: ${date}（北京时间）尚未结束`, { field: 'date' });
    const before = await tx.query<{ version: number }>('SELECT version FROM statements WHERE app_id = $1 AND stmt_date = $2::date FOR UPDATE', [app.appId, date]);
    const content = await buildStatement(tx, app, date, deps.config.ordStas);
    if (before[0]) {
      await tx.query('UPDATE statements SET content = $3, version = version + 1, generated_at = now(), generated_by = $4 WHERE app_id = $1 AND stmt_date = $2::date', [app.appId, date, JSON.stringify(content), who.actor]);
    } else {
      await tx.query('INSERT INTO statements (app_id, stmt_date, content, generated_by) VALUES ($1, $2::date, $3, $4)', [app.appId, date, JSON.stringify(content), who.actor]);
    }
    const after = (await loadStatement(tx, app.appId, date))!;
    await recordAudit(tx, { ...who, action: 'statement.regenerate', target: `${app.appId}/${date}`, detail: { versionBefore: before[0] ? Number(before[0].version) : null, version: after.version, lines: after.lines.length } });
    return after;
  });
}

export interface JobOutcome {
  date: string;
  /** false: another instance had claimed the day (or finished it). */
  ran: boolean;
  statements: number;
}

/**
 * The daily run. Every instance ticks every minute; the first to insert the day's statement_jobs row
 * writes every app's statement in that same transaction. A second instance's insert waits for the
 * first transaction and then finds the row (ON CONFLICT DO NOTHING): the day is written once, and an
 * instance that dies mid-run rolls its claim back with its statements, so another one takes over.
 */
export class StatementJobs {
  readonly instance = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<unknown> | undefined;

  constructor(private readonly deps: CenterDeps) {}

  async runDay(date: string): Promise<JobOutcome> {
    return this.deps.store.transaction(async (tx) => {
      const claimed = await tx.query('INSERT INTO statement_jobs (stmt_date, instance) VALUES ($1::date, $2) ON CONFLICT (stmt_date) DO NOTHING RETURNING stmt_date', [date, this.instance]);
      if (claimed.length === 0) return { date, ran: false, statements: 0 };
      let written = 0;
      for (const app of await loadApps(tx)) if (await writeOnce(tx, app, date, `job:${this.instance}`, this.deps.config.ordStas)) written += 1;
      await tx.query('UPDATE statement_jobs SET finished_at = now(), statements = $2 WHERE stmt_date = $1::date', [date, written]);
      this.deps.log.info({ date, statements: written }, 'daily statements written');
      return { date, ran: true, statements: written };
    });
  }

  /** Writes the day that ended before `now` (Beijing time) unless some instance already did. */
  async tick(now = this.deps.clock()): Promise<JobOutcome> {
    return this.runDay(previousDay(now));
  }

  start(everyMs = 60_000): void {
    const run = () => {
      if (this.running) return;
      this.running = this.tick()
        .catch((err) => this.deps.log.warn({ err }, 'daily statement run failed'))
        .finally(() => {
          this.running = undefined;
        });
    };
    run();
    this.timer ??= setInterval(run, everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Statement runs, newest first (for operators and /metrics). */
  async jobs(limit = 30): Promise<Array<{ date: string; instance: string; startedAt: string; finishedAt: string | null; statements: number | null }>> {
    const rows = await this.deps.store.query<{ stmt_date: string | Date; instance: string; started_at: Date; finished_at: Date | null; statements: number | null }>(
      `SELECT stmt_date, instance, started_at, finished_at, statements FROM statement_jobs ORDER BY stmt_date DESC LIMIT ${Math.min(Math.max(limit, 1), 500)}`,
    );
    return rows.map((r) => ({ date: dateText(r.stmt_date), instance: r.instance, startedAt: new Date(r.started_at).toISOString(), finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null, statements: r.statements === null ? null : Number(r.statements) }));
  }
}

/** A `date` column as yyyy-MM-dd, whether the driver gave text or a Date at local midnight. */
export function dateText(v: string | Date): string {
  if (typeof v === 'string') return v.slice(0, 10);
  return `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`;
}
