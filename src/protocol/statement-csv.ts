/**
 * The daily statement (下载对账单, a yibao extension: docs/statements.md) as CSV, and an
 * institution's ledger in the same columns. Shared by the center (format=CSV), the SDK and
 * `yibao reconcile`: one definition of the columns.
 *
 * The CSV is always built from the signed JSON answer (or, on the center, from what it signs), never
 * trusted on its own: a CSV carries no signature.
 */
export const STATEMENT_COLUMNS = ['type', 'payOrdId', 'medOrgOrd', 'appRefdSn', 'refdSn', 'status', 'settled', 'feeSumamt', 'fundPay', 'psnAcctPay', 'ownPayAmt', 'othFeeAmt', 'insutype', 'chnlType', 'time'] as const;

export type StatementColumn = (typeof STATEMENT_COLUMNS)[number];

export type StatementCsvLine = Partial<Record<StatementColumn, unknown>>;

/** RFC 4180 quoting; a leading = + - @ is prefixed with ' so a spreadsheet never runs it as a formula. */
function cell(v: unknown): string {
  let s = v === undefined || v === null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Lines, then a blank line and the summary as `# key,value` rows (the shape 下载对账单 users know). */
export function statementCsv(lines: readonly StatementCsvLine[], summary?: Record<string, unknown>): string {
  const rows = [STATEMENT_COLUMNS.join(','), ...lines.map((l) => STATEMENT_COLUMNS.map((c) => cell(l[c])).join(','))];
  if (summary) {
    rows.push('');
    for (const [k, v] of Object.entries(summary)) rows.push(`# ${k},${cell(v)}`);
  }
  return rows.join('\n') + '\n';
}

export class CsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvError';
  }
}

/** RFC 4180 reader (quoted fields, doubled quotes, CRLF or LF); `#` lines and blank lines are skipped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const src = text.replace(/^\uFEFF/, '');
  const endRow = () => {
    row.push(field);
    field = '';
    if (!(row.length === 1 && row[0] === '') && !row[0]!.startsWith('#')) rows.push(row);
    row = [];
  };
  while (i < src.length) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else field += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      endRow();
      if (ch === '\r' && src[i + 1] === '\n') i += 1;
    } else field += ch;
    i += 1;
  }
  if (quoted) throw new CsvError('CSV 引号未闭合');
  if (field !== '' || row.length > 0) endRow();
  return rows;
}
