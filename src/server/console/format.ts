import { fenToYuan } from 'yibao/spec';
import { ORD_STAS_NAMES, type OrdStasCode } from '../../center/ord-stas.js';

/** Integer fen as yuan text with thousands separators (never through a float). */
export function yuan(fen: number): string {
  const [int, dec] = fenToYuan(fen).split('.');
  return `${int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${dec}`;
}

export function stasName(code: string): string {
  return ORD_STAS_NAMES[code as OrdStasCode] ?? code;
}

export { ORD_STAS_NAMES };
