import { CryptoError } from './errors.js';

/**
 * A strict DER reader/writer for the few ASN.1 shapes SM2 needs: PKCS#8, SEC1 ECPrivateKey, SPKI and
 * ECDSA-Sig-Value. Strict lengths, no indefinite forms: a key or signature either parses exactly or is
 * refused.
 */
export interface Tlv {
  tag: number;
  value: Buffer;
  /** Bytes consumed, header included. */
  size: number;
}

export function readTlv(buf: Buffer, offset = 0, what = 'DER'): Tlv {
  if (offset + 2 > buf.length) throw new CryptoError('BAD_INPUT', `${what} 数据被截断`);
  const tag = buf[offset]!;
  let len = buf[offset + 1]!;
  let header = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3) throw new CryptoError('BAD_INPUT', `${what} 长度编码无效`);
    if (offset + 2 + n > buf.length) throw new CryptoError('BAD_INPUT', `${what} 数据被截断`);
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | buf[offset + 2 + i]!;
    if (len < 0x80) throw new CryptoError('BAD_INPUT', `${what} 长度编码不是最短形式`);
    header += n;
  }
  if (offset + header + len > buf.length) throw new CryptoError('BAD_INPUT', `${what} 数据被截断`);
  return { tag, value: buf.subarray(offset + header, offset + header + len), size: header + len };
}

/** The children of a constructed value (SEQUENCE, context tags). */
export function readChildren(value: Buffer, what = 'DER'): Tlv[] {
  const out: Tlv[] = [];
  let off = 0;
  while (off < value.length) {
    const t = readTlv(value, off, what);
    out.push(t);
    off += t.size;
  }
  return out;
}

/** Reads exactly one TLV spanning the whole buffer. */
export function readWhole(buf: Buffer, what = 'DER'): Tlv {
  const t = readTlv(buf, 0, what);
  if (t.size !== buf.length) throw new CryptoError('BAD_INPUT', `${what} 末尾有多余数据`);
  return t;
}

export function decodeOid(value: Buffer): string {
  if (value.length === 0) throw new CryptoError('BAD_INPUT', 'OID 为空');
  const parts: number[] = [Math.floor(value[0]! / 40), value[0]! % 40];
  let acc = 0;
  for (let i = 1; i < value.length; i++) {
    acc = acc * 128 + (value[i]! & 0x7f);
    if ((value[i]! & 0x80) === 0) {
      parts.push(acc);
      acc = 0;
    }
  }
  return parts.join('.');
}

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n >>= 8;
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(value.length), value]);
}

export function encodeOid(oid: string): Buffer {
  const parts = oid.split('.').map(Number);
  const bytes: number[] = [parts[0]! * 40 + parts[1]!];
  for (const p of parts.slice(2)) {
    const stack: number[] = [p & 0x7f];
    let v = Math.floor(p / 128);
    while (v > 0) {
      stack.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(...stack);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** A non-negative INTEGER. */
export function encodeUint(value: Buffer): Buffer {
  let v = value;
  let i = 0;
  while (i < v.length - 1 && v[i] === 0) i++;
  v = v.subarray(i);
  if (v[0]! & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return tlv(0x02, v);
}

export const SEQUENCE = 0x30;
export const INTEGER = 0x02;
export const BIT_STRING = 0x03;
export const OCTET_STRING = 0x04;
export const OID = 0x06;
