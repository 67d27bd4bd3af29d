import { parseCsv } from '../protocol/statement-csv.js';
import { yuanToFen } from '../spec/money.js';
import type { StatementData } from './client.js';

/**
 * An institution's reconciliation (对账) of its own ledger against the center's daily statement
 * (docs/statements.md "Ledger format"). Used by `yibao reconcile`; a HIS can call it directly.
 *
 * Ledger: CSV with a header row, UTF-8, `#` lines ignored. Columns (any order; extra columns ignored):
 *   type        PAY or REFUND (required)
 *   payOrdId    the center's order id — or medOrgOrd: PAY lines need one of the two
 *   medOrgOrd   the HIS's own order number
 *   appRefdSn   REFUND lines: the HIS's refund serial (required for REFUND)
 *   status      optional: ordStas (PAY) / refStatus (REFUND) as booked; compared when given
 *   feeSumamt fundPay psnAcctPay ownPayAmt othFeeAmt   optional yuan amounts; each compared when given
 * The statement's own CSV is a valid ledger (same columns).
 *
 * Compared: the statement's PAY lines settled that day (settled = 1) and all its REFUND lines with
 * the ledger's lines.
 */
export interface LedgerLine {
  row: number;
  type: 'PAY' | 'REFUND';
  payOrdId?: string;
  medOrgOrd?: string;
  appRefdSn?: string;
  status?: string;
  amounts: Partial<Record<AmountField, number>>;
}

export const AMOUNT_FIELDS = ['feeSumamt', 'fundPay', 'psnAcctPay', 'ownPayAmt', 'othFeeAmt'] as const;
export type AmountField = (typeof AMOUNT_FIELDS)[number];

export class LedgerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerError';
  }
}

export function parseLedger(text: string): LedgerLine[] {
  let rows: string[][];
  try {
    rows = parseCsv(text);
  } catch (err) {
    throw new LedgerError(`账本 CSV 无法解析 / ledger CSV: ${(err as Error).message}`);
  }
  if (rows.length === 0) throw new LedgerError('账本为空：第一行应为列名（type,payOrdId,medOrgOrd,…）');
  const header = rows[0]!.map((h) => h.trim());
  const col = (name: string) => header.indexOf(name);
  if (col('type') < 0) throw new LedgerError('账本缺少列 type（PAY / REFUND）');
  if (col('payOrdId') < 0 && col('medOrgOrd') < 0) throw new LedgerError('账本需要 payOrdId 或 medOrgOrd 列');
  const out: LedgerLine[] = [];
  rows.slice(1).forEach((r, i) => {
    const row = i + 2;
    const get = (name: string) => {
      const c = col(name);
      const v = c >= 0 ? (r[c] ?? '').trim() : '';
      return v === '' ? undefined : v.replace(/^'/, '');
    };
    const type = get('type')?.toUpperCase();
    if (type !== 'PAY' && type !== 'REFUND') throw new LedgerError(`第 ${row} 行 type 应为 PAY 或 REFUND：${type ?? '（空）'}`);
    const line: LedgerLine = { row, type, amounts: {} };
    for (const f of ['payOrdId', 'medOrgOrd', 'appRefdSn', 'status'] as const) {
      const v = get(f);
      if (v !== undefined) line[f] = v;
    }
    if (type === 'PAY' && !line.payOrdId && !line.medOrgOrd) throw new LedgerError(`第 ${row} 行：PAY 需要 payOrdId 或 medOrgOrd`);
    if (type === 'REFUND' && !line.appRefdSn) throw new LedgerError(`第 ${row} 行：REFUND 需要 appRefdSn`);
    for (const f of AMOUNT_FIELDS) {
      const v = get(f);
      if (v === undefined) continue;
      try {
        line.amounts[f] = yuanToFen(v);
      } catch {
        throw new LedgerError(`第 ${row} 行 ${f} 不是有效金额（元，最多两位小数）：${v}`);
      }
    }
    out.push(line);
  });
  return out;
}

export type DifferenceKind = 'MISSING_IN_LEDGER' | 'MISSING_AT_CENTER' | 'AMOUNT' | 'STATUS';

export interface Difference {
  kind: DifferenceKind;
  type: 'PAY' | 'REFUND';
  /** payOrdId / medOrgOrd / appRefdSn that identifies the line. */
  key: string;
  field?: string;
  center?: string;
  ledger?: string;
  ledgerRow?: number;
}

type CenterLine = StatementData['lines'][number];

export function compareLedger(statement: Pick<StatementData, 'lines'>, ledger: readonly LedgerLine[]): Difference[] {
  const center = statement.lines.filter((l) => l.type === 'REFUND' || l.settled === '1');
  const diffs: Difference[] = [];
  const used = new Set<CenterLine>();
  const keyOf = (l: LedgerLine) => (l.type === 'REFUND' ? l.appRefdSn! : (l.payOrdId ?? l.medOrgOrd!));
  const find = (l: LedgerLine): CenterLine | undefined =>
    center.find((c) => !used.has(c) && c.type === l.type && (l.type === 'REFUND' ? c.appRefdSn === l.appRefdSn : l.payOrdId ? c.payOrdId === l.payOrdId : c.medOrgOrd === l.medOrgOrd));
  const yuan = (fen: number) => (fen / 100).toFixed(2);
  for (const l of ledger) {
    const c = find(l);
    if (!c) {
      diffs.push({ kind: 'MISSING_AT_CENTER', type: l.type, key: keyOf(l), ledgerRow: l.row });
      continue;
    }
    used.add(c);
    if (l.status !== undefined && l.status !== c.status) diffs.push({ kind: 'STATUS', type: l.type, key: keyOf(l), field: 'status', center: c.status, ledger: l.status, ledgerRow: l.row });
    for (const f of AMOUNT_FIELDS) {
      const mine = l.amounts[f];
      if (mine === undefined) continue;
      const theirs = yuanToFen(String(c[f]));
      if (mine !== theirs) diffs.push({ kind: 'AMOUNT', type: l.type, key: keyOf(l), field: f, center: yuan(theirs), ledger: yuan(mine), ledgerRow: l.row });
    }
  }
  for (const c of center) {
    if (!used.has(c)) diffs.push({ kind: 'MISSING_IN_LEDGER', type: c.type as 'PAY' | 'REFUND', key: c.type === 'REFUND' ? String(c.appRefdSn ?? c.refdSn) : c.payOrdId, center: `${c.payOrdId} ${c.medOrgOrd}` });
  }
  return diffs;
}

const KIND_TEXT: Record<DifferenceKind, string> = {
  MISSING_IN_LEDGER: '账本缺少（中心有）/ missing in ledger',
  MISSING_AT_CENTER: '中心缺少（账本有）/ missing at center',
  AMOUNT: '金额不符 / amount differs',
  STATUS: '状态不符 / state differs',
};

/** One line per difference, for people. */
export function describeDifference(d: Difference): string {
  const where = d.ledgerRow ? `（账本第 ${d.ledgerRow} 行）` : '';
  const what = d.field ? ` ${d.field}: 中心 ${d.center ?? ''} ≠ 账本 ${d.ledger ?? ''}` : d.center ? ` ${d.center}` : '';
  return `${d.type} ${d.key} ${KIND_TEXT[d.kind]}${what}${where}`;
}
