import { timingSafeEqual } from 'node:crypto';
import { sm3Hex } from '../crypto/sm3.js';
import { ErrorCode, YibaoError } from './errors.js';
import { buildSignString } from './signstring.js';

/**
 * The merchant API of the simulated payment channels (WX / ALI / UP / BANK), which a HIS calls with a
 * one-code-pay payCert (face-one-code-pay.txt 4.1 step 14) and which notifies the HIS (step 15).
 * Real channels each have their own signing; the simulation uses one scheme: flat JSON fields plus
 * `sign` = uppercase SM3 hex of the v2.0.1 sign string (without `sign`) ending in `&key=<appSecret>`.
 */
export function signChannel(fields: Record<string, unknown>, secret: string): string {
  return sm3Hex(buildSignString(fields, { exclude: ['sign'], secret })).toUpperCase();
}

export function sealChannel<T extends Record<string, unknown>>(fields: T, secret: string): T & { sign: string } {
  return { ...fields, sign: signChannel(fields, secret) };
}

export function verifyChannel(fields: Record<string, unknown>, secret: string): void {
  const sign = typeof fields.sign === 'string' ? fields.sign.toUpperCase() : '';
  const expected = signChannel(fields, secret);
  const a = Buffer.from(sign);
  const b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new YibaoError(ErrorCode.BAD_SIGNATURE, 'sign: 签名验证失败', { field: 'sign' });
}

/** The statement's CSV columns; origTradeNo (the trade a refund refunds) last, so readers of the earlier columns are unaffected. */
export const STATEMENT_CSV_HEADER = 'tradeNo,kind,chnlType,outTradeNo,payOrdId,amount,status,time,origTradeNo';

/** A statement's lines as the CSV file a reconciliation system imports. */
export function statementCsv(lines: ReadonlyArray<Record<string, unknown>>): string {
  const cell = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  const rows = lines.map((l) => [l.tradeNo, l.kind, l.chnlType, l.outTradeNo, l.payOrdId, l.amount, l.status, l.time, l.origTradeNo].map(cell).join(','));
  return [STATEMENT_CSV_HEADER, ...rows].join('\n') + '\n';
}
