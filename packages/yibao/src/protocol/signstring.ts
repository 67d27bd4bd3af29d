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
 *
 * Scalar style (docs/protocol.md). 2.2.3.1 says a nested object is signed as "输出JSON 字符串", which yibao
 * reads literally: nested numbers and booleans are written as JSON numbers and booleans
 * (`"feeSumamt":96.00`, `"success":true`) — style `json`, the default. The sign-string utilities HIS
 * vendors copy (the NHSA demo lineage, Java `SignUtil`/`SignatureUtils` and their C# ports) rebuild
 * nested objects with `value.toString()`, so they write every nested non-string scalar as a JSON
 * string (`"feeSumamt":"96.00"`, `"success":"true"`) — style `string`. Top-level values are raw
 * text in both styles, and both styles drop the same empty values. A receiver accepts a signature
 * over either string built from the same message (see envelope.ts); a sender picks one.
 */
export type ScalarStyle = 'json' | 'string';
export const SCALAR_STYLES: readonly ScalarStyle[] = ['json', 'string'];

export function parseScalarStyle(value: unknown, field = 'scalarStyle'): ScalarStyle {
  if (value === undefined || value === null || value === '') return 'json';
  if (value === 'json' || value === 'string') return value;
  throw new TypeError(`${field} 应为 json 或 string（签名串中嵌套数值/布尔值的写法），收到 ${String(value)}`);
}

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

/**
 * Compact JSON of an already canonical value. Strings use JSON escaping; numbers are verbatim.
 * With style `string`, numbers and booleans are written as JSON strings of the same text.
 */
export function canonicalJson(value: unknown, style: ScalarStyle = 'json'): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  const scalar = scalarText(value);
  if (scalar !== undefined) return style === 'string' ? JSON.stringify(scalar) : scalar;
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v, style))).join(',')}]`;
  if (isPlainObject(value)) {
    return `{${Object.keys(value)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k], style)}`)
      .join(',')}}`;
  }
  throw new TypeError(`unsupported value in signed content: ${typeof value}`);
}

/** The literal text of a number or boolean (a lossless number keeps its digits), else undefined. */
function scalarText(value: unknown): string | undefined {
  if (isLosslessNumber(value)) return value.value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('non-finite number in signed content');
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  return undefined;
}

function rawValue(value: unknown, style: ScalarStyle): string {
  if (typeof value === 'string') return value;
  // Top-level scalars are raw text in both styles: `success=true`, `amount=0.10`.
  const scalar = scalarText(value);
  if (scalar !== undefined) return scalar;
  return canonicalJson(value, style);
}

/** True when some nested number or boolean makes the two styles write different strings. */
export function hasNestedScalar(message: Record<string, unknown>, exclude: readonly string[] = UNSIGNED_FIELDS): boolean {
  const walk = (v: unknown): boolean => {
    if (Array.isArray(v)) return v.some((item) => scalarText(item) !== undefined || walk(item));
    if (isPlainObject(v)) return Object.values(v).some((item) => scalarText(item) !== undefined || walk(item));
    return false;
  };
  return Object.keys(message).some((k) => !exclude.includes(k) && walk(message[k]));
}

export interface SignStringOptions {
  /** Top-level fields left out of the signature. Default: signData, encData, extra. */
  exclude?: readonly string[];
  /** The appended key; omitted when undefined (only for an unknown app's error reply). */
  secret?: string;
  /** How nested numbers and booleans are written (see ScalarStyle). Default `json`. */
  scalarStyle?: ScalarStyle;
}

export function buildSignString(message: Record<string, unknown>, options: SignStringOptions = {}): string {
  const exclude = new Set(options.exclude ?? UNSIGNED_FIELDS);
  const style = options.scalarStyle ?? 'json';
  const parts: string[] = [];
  for (const key of Object.keys(message).sort(compareAscii)) {
    if (exclude.has(key)) continue;
    const value = canonicalize(message[key]);
    if (value === undefined) continue;
    parts.push(`${key}=${rawValue(value, style)}`);
  }
  if (options.secret !== undefined) parts.push(`key=${options.secret}`);
  return parts.join('&');
}
