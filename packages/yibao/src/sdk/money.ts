import { fenToYuan, yuanToFen } from '../spec/money.js';

/**
 * Money in the SDK: amounts are strings of yuan exactly as on the wire ("12.30"); these helpers turn
 * them into integer fen and back, never through a float.
 */
export function toFen(yuan: string | number): number {
  return yuanToFen(yuan);
}

export function toYuan(fen: number): string {
  return fenToYuan(fen);
}
