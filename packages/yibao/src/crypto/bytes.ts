import { CryptoError } from './errors.js';

/** Text is always UTF-8 on the wire (mobile-payment.txt 2.2.1: 统一采用 UTF-8 字符编码). */
export function toBytes(input: string | Uint8Array): Buffer {
  if (typeof input === 'string') return Buffer.from(input, 'utf8');
  if (input instanceof Uint8Array) return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  throw new CryptoError('BAD_INPUT', '输入应为字符串或字节');
}

const HEX_RE = /^[0-9a-fA-F]*$/;

/** Strict hex decoding: Buffer.from(x, 'hex') silently stops at the first bad digit; we refuse instead. */
export function fromHex(hex: string, what = 'hex'): Buffer {
  const clean = hex.trim();
  if (clean.length % 2 !== 0) throw new CryptoError('BAD_HEX', `${what} 的十六进制长度为奇数 (${clean.length})`);
  if (!HEX_RE.test(clean)) throw new CryptoError('BAD_HEX', `${what} 含有非十六进制字符`);
  return Buffer.from(clean, 'hex');
}

export function isHex(text: string): boolean {
  return text.length > 0 && text.length % 2 === 0 && HEX_RE.test(text);
}

export function bigintToBytes(value: bigint, length = 32): Buffer {
  const hex = value.toString(16);
  if (hex.length > length * 2) throw new CryptoError('BAD_INPUT', `整数超过 ${length} 字节`);
  return Buffer.from(hex.padStart(length * 2, '0'), 'hex');
}

export function bytesToBigint(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  return BigInt('0x' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex'));
}
