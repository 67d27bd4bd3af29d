import { createHash, createHmac } from 'node:crypto';
import { toBytes } from './bytes.js';

// SM3 (GB/T 32905-2016) comes from the OpenSSL that Node carries; no JavaScript reimplementation.

export function sm3(data: string | Uint8Array): Buffer {
  return createHash('sm3').update(toBytes(data)).digest();
}

/** Lowercase hex digest, the form most Java/PHP SDKs print. */
export function sm3Hex(data: string | Uint8Array): string {
  return sm3(data).toString('hex');
}

export function hmacSm3(key: string | Uint8Array, data: string | Uint8Array): Buffer {
  return createHmac('sm3', toBytes(key)).update(toBytes(data)).digest();
}
