import { isLosslessNumber } from 'lossless-json';
import { isPlainObject, defineKey } from './json.js';

/**
 * The sign string of envelope v2.0.1 (mobile-payment.txt 2.2.3.1, docs/protocol.md), also used by the
 * portal and terminal envelopes:
 *  1. drop `signData`, `encData`, `extra` at the top level (they are not signed, 2.2.3.1 step 1);
 *  2. drop every null, empty-string and empty-array value, recursively ("空值不参与签名");
 *  3. sort keys by ASCII, top level and inside nested objects;
 *  4. top-level values are written raw (strings without quotes, numbers as their literal, booleans as
 *     true/false); nested objects and arrays as compact JSON with sorted keys;
 *  5. join `k=v` with `&` and append `&key=<appSecret>`.
 * Array elements keep their order; objects inside arrays are cleaned and sorted like any other.
 */
export const UNSIGNED_FIELDS: readonly string[] = ['signData', 'encData', 'extra'];

export function isEmptyValue(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

/** Removes empty values recursively and sorts keys; returns undefined when the value itself is empty. */
export function canonicalize(value: unknown): unknown {
  if (isEmptyValue(value)) return undefined;
  if (Array.isArray(value)) {
    // Positions matter inside arrays: an element is cleaned but never removed.
    return value.map((item) => (isPlainObject(item) || Array.isArray(item) ? canonicalize(item) ?? item : item));
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort(compareAscii)) {
      const v = canonicalize(value[key]);
      if (v !== undefined) defineKey(out, key, v);
    }
    return out;
  }
  return value;
}

/** Byte-wise (UTF-16 code unit) comparison: identical to ASCII order for the spec's field names. */
export function compareAscii(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compact JSON of an already canonical value. Strings use JSON escaping; numbers are verbatim. */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  if (isLosslessNumber(value)) return value.value;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('non-finite number in signed content');
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (isPlainObject(value)) {
    return `{${Object.keys(value)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  }
  throw new TypeError(`unsupported value in signed content: ${typeof value}`);
}

function rawValue(value: unknown): string {
  if (typeof value === 'string') return value;
  return canonicalJson(value);
}

export interface SignStringOptions {
  /** Top-level fields left out of the signature. Default: signData, encData, extra. */
  exclude?: readonly string[];
  /** The appended key; omitted when undefined (only for an unknown app's error reply). */
  secret?: string;
}

export function buildSignString(message: Record<string, unknown>, options: SignStringOptions = {}): string {
  const exclude = new Set(options.exclude ?? UNSIGNED_FIELDS);
  const parts: string[] = [];
  for (const key of Object.keys(message).sort(compareAscii)) {
    if (exclude.has(key)) continue;
    const value = canonicalize(message[key]);
    if (value === undefined) continue;
    parts.push(`${key}=${rawValue(value)}`);
  }
  if (options.secret !== undefined) parts.push(`key=${options.secret}`);
  return parts.join('&');
}
