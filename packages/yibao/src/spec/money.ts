/**
 * Money is integer fen inside yibao and 元 with two decimals on the wire (docs/protocol.md). Every
 * conversion here is string/BigInt arithmetic: no floating point ever touches an amount.
 */
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

export class MoneyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoneyError';
  }
}

/** "12.30" / "12.3" / "12" / 12.3 → 1230. More than two decimals is an error, never a rounding. */
export function yuanToFen(value: string | number): number {
  const text = typeof value === 'number' ? numberText(value) : value.trim();
  const m = DECIMAL.exec(text);
  if (!m) throw new MoneyError(`不是有效的金额：${text}`);
  const frac = m[3] ?? '';
  if (frac.length > 2 && !/^0*$/.test(frac.slice(2))) throw new MoneyError(`金额最多两位小数：${text}`);
  const fen = BigInt(m[2]!) * 100n + BigInt((frac + '00').slice(0, 2));
  const signed = m[1] === '-' ? -fen : fen;
  if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < -BigInt(Number.MAX_SAFE_INTEGER)) throw new MoneyError(`金额超出范围：${text}`);
  return Number(signed);
}

/** 1230 → "12.30"; always two decimals. */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new MoneyError(`分必须是安全整数：${fen}`);
  const neg = fen < 0;
  const s = String(Math.abs(fen)).padStart(3, '0');
  return `${neg ? '-' : ''}${s.slice(0, -2)}.${s.slice(-2)}`;
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) throw new MoneyError(`不是有效的金额：${n}`);
  const t = String(n);
  if (/e/i.test(t)) throw new MoneyError(`不是有效的金额：${t}`);
  return t;
}

function parseDecimal(text: string): { digits: bigint; scale: number } {
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new MoneyError(`不是有效的数值：${text}`);
  const frac = m[3] ?? '';
  const digits = BigInt(m[2]! + frac) * (m[1] === '-' ? -1n : 1n);
  return { digits, scale: frac.length };
}

/**
 * cnt × pric in fen, exact, rounded half-up (away from zero) to the fen — the rule the center applies
 * to 6201's detItemFeeSumamt (docs/center.md).
 */
export function decimalTimesToFen(cnt: string, pric: string): number {
  const a = parseDecimal(cnt);
  const b = parseDecimal(pric);
  const product = a.digits * b.digits;
  const scale = a.scale + b.scale; // product = value × 10^scale; we want value × 100
  let fen: bigint;
  if (scale <= 2) fen = product * 10n ** BigInt(2 - scale);
  else {
    const div = 10n ** BigInt(scale - 2);
    const neg = product < 0n;
    const abs = neg ? -product : product;
    const q = (abs + div / 2n) / div;
    fen = neg ? -q : q;
  }
  if (fen > BigInt(Number.MAX_SAFE_INTEGER)) throw new MoneyError('金额超出范围');
  return Number(fen);
}
