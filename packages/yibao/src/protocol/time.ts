import { ErrorCode, YibaoError } from './errors.js';

/**
 * Wire times. Every time in these specs is Beijing time (UTC+8, no daylight saving), whatever the
 * server's own time zone. Real traffic carries `yyyyMMddHHmmss` (mobile-payment.txt 2.2.3.1 example),
 * `yyyyMMddHHmmssSSS` (its response example, FSI refmsg_time) and epoch milliseconds; the portal and
 * FSI use `yyyy-MM-dd HH:mm:ss`. We accept all of them and emit the one each spec shows.
 */
const BEIJING_OFFSET_MS = 8 * 3600 * 1000;

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

function fromParts(p: Parts): Date | undefined {
  if (p.month < 1 || p.month > 12 || p.day < 1 || p.hour > 23 || p.minute > 59 || p.second > 59) return undefined;
  const utc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, p.ms);
  const check = new Date(utc);
  // Date.UTC rolls 2月30日 over to March; a real calendar date round-trips unchanged.
  if (check.getUTCDate() !== p.day || check.getUTCMonth() !== p.month - 1) return undefined;
  return new Date(utc - BEIJING_OFFSET_MS);
}

const COMPACT = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})?$/;
const DASHED = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}))?$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const EPOCH_MS = /^\d{13}$/;

/** Parses any accepted wire time; undefined when it is none of them. */
export function parseWireTime(value: unknown): Date | undefined {
  let text: string;
  if (typeof value === 'number') text = Number.isSafeInteger(value) ? String(value) : '';
  else if (typeof value === 'string') text = value.trim();
  else if (value !== null && typeof value === 'object' && 'value' in value) text = String((value as { value: unknown }).value);
  else return undefined;
  if (EPOCH_MS.test(text)) return new Date(Number(text));
  const m = COMPACT.exec(text) ?? DASHED.exec(text);
  if (m) {
    return fromParts({
      year: Number(m[1]),
      month: Number(m[2]),
      day: Number(m[3]),
      hour: Number(m[4]),
      minute: Number(m[5]),
      second: Number(m[6]),
      ms: m[7] === undefined ? 0 : Number(m[7]),
    });
  }
  const d = DATE_ONLY.exec(text);
  if (d) return fromParts({ year: Number(d[1]), month: Number(d[2]), day: Number(d[3]), hour: 0, minute: 0, second: 0, ms: 0 });
  return undefined;
}

/** Every form parseWireTime accepts, named in the refusal so a HIS sees what would have worked. */
export const ACCEPTED_TIME_FORMATS = 'yyyyMMddHHmmss、yyyyMMddHHmmssSSS、yyyy-MM-dd HH:mm:ss（可带 .SSS，日期与时间间可用 T）、yyyy-MM-dd 或 13 位毫秒时间戳';

export function requireWireTime(value: unknown, field: string, name = '时间戳'): Date {
  const date = parseWireTime(value);
  if (!date) {
    throw new YibaoError(
      ErrorCode.INVALID_PARAM,
      `${field}: 应为 ${ACCEPTED_TIME_FORMATS}（${name}）`,
      { field },
    );
  }
  return date;
}

function beijing(date: Date): { y: string; M: string; d: string; H: string; m: string; s: string; S: string } {
  const t = new Date(date.getTime() + BEIJING_OFFSET_MS);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return {
    y: pad(t.getUTCFullYear(), 4),
    M: pad(t.getUTCMonth() + 1),
    d: pad(t.getUTCDate()),
    H: pad(t.getUTCHours()),
    m: pad(t.getUTCMinutes()),
    s: pad(t.getUTCSeconds()),
    S: pad(t.getUTCMilliseconds(), 3),
  };
}

/** yyyyMMddHHmmss */
export function formatCompact(date: Date = new Date()): string {
  const p = beijing(date);
  return `${p.y}${p.M}${p.d}${p.H}${p.m}${p.s}`;
}

/** yyyyMMddHHmmssSSS */
export function formatCompactMs(date: Date = new Date()): string {
  const p = beijing(date);
  return `${p.y}${p.M}${p.d}${p.H}${p.m}${p.s}${p.S}`;
}

/** yyyy-MM-dd HH:mm:ss (日期时间型) */
export function formatDateTime(date: Date = new Date()): string {
  const p = beijing(date);
  return `${p.y}-${p.M}-${p.d} ${p.H}:${p.m}:${p.s}`;
}

/** yyyy-MM-dd (日期型) */
export function formatDate(date: Date = new Date()): string {
  const p = beijing(date);
  return `${p.y}-${p.M}-${p.d}`;
}

/** YYYYMMDD (mobile-payment.txt 2.2.2.1 日期) */
export function formatDate8(date: Date = new Date()): string {
  const p = beijing(date);
  return `${p.y}${p.M}${p.d}`;
}

/** HHMMSS (mobile-payment.txt 2.2.2.1 时间) */
export function formatTime6(date: Date = new Date()): string {
  const p = beijing(date);
  return `${p.H}${p.m}${p.s}`;
}
