import { isLosslessNumber, LosslessNumber, stringify } from 'lossless-json';
import { DepthError, parseLossless } from './lossless.js';
import { ErrorCode, YibaoError } from './errors.js';

/**
 * Wire JSON keeps every number exactly as it was written ("12.30" stays 12.30): signatures are
 * computed over the sender's serialisation, and a float round trip (12.30 → 12.3) would break them.
 * lossless-json also refuses duplicate keys, which closes the "two values, one signed" ambiguity, and
 * stores a `__proto__` key as plain data.
 */
export type WireValue = string | boolean | null | LosslessNumber | number | WireValue[] | { [key: string]: WireValue };
export type WireObject = { [key: string]: WireValue };

export { isLosslessNumber, LosslessNumber };

/** A message as received: text, or the bytes of the HTTP body (decoded here, strictly as UTF-8). */
export type WireText = string | Uint8Array;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The specs' messages are UTF-8 JSON. Bytes that are not UTF-8 (a HIS sending GBK, 2.2.3 signs UTF-8
 * text) are refused as such, naming the first bad byte: decoded leniently they would become U+FFFD
 * and surface as a baffling signature error. A leading BOM, which Windows tools write, is dropped.
 */
export function utf8Text(bytes: Uint8Array, what = '报文'): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    const at = firstBadUtf8(bytes);
    throw new YibaoError(ErrorCode.INVALID_PARAM, `${what}不是有效的 UTF-8 编码（第 ${at + 1} 字节 0x${bytes[at]!.toString(16).toUpperCase().padStart(2, '0')}）：请以 UTF-8 发送（不是 GBK）`);
  }
}

/** Where a UTF-8 decoder first fails: the start of the first invalid or truncated sequence. */
function firstBadUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i += 1;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (n === 0 || i + n >= b.length) return i;
    // The second byte's range is narrower after E0, ED, F0 and F4 (no overlong forms, no surrogates).
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    if (b[i + 1]! < lo || b[i + 1]! > hi) return i;
    for (let k = 2; k <= n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return Math.max(0, b.length - 1);
}

/** The largest request body the platform and the bridge take: no message of the four specs comes near it. */
export const MAX_WIRE_BYTES = 8 * 1024 * 1024;

/** Deeper than any message of the four specs (their lists nest two or three levels). */
export const MAX_WIRE_DEPTH = 32;

/**
 * Parses wire JSON and refuses, as 000105 naming where, what no field of the specs can hold and the
 * store cannot keep: nesting deeper than MAX_WIRE_DEPTH, NUL characters, and unpaired UTF-16
 * surrogates (text that has no UTF-8 form). `root` names the parsed value in the path ("data").
 */
export function parseWire(input: WireText, what = '报文', root = ''): WireValue {
  const text = typeof input === 'string' ? input : utf8Text(input, what);
  let value: WireValue;
  try {
    value = parseLossless(text, MAX_WIRE_DEPTH);
  } catch (cause) {
    if (cause instanceof DepthError) throw new YibaoError(ErrorCode.INVALID_PARAM, `${what}嵌套层级超过 ${MAX_WIRE_DEPTH} 层`);
    throw new YibaoError(ErrorCode.INVALID_PARAM, `${what}不是有效的 JSON：${(cause as Error).message}`, { cause });
  }
  const bad = badText(value, root);
  if (bad !== undefined) {
    const path = bad || '(根)';
    throw new YibaoError(ErrorCode.INVALID_PARAM, `${path}: 含有不允许的字符（NUL 或不成对的 UTF-16 代理项）`, { field: path });
  }
  return value;
}

export function parseWireObject(text: WireText, what = '报文', root = ''): WireObject {
  const value = parseWire(text, what, root);
  if (!isPlainObject(value)) throw new YibaoError(ErrorCode.INVALID_PARAM, `${what}应为 JSON 对象`);
  return value;
}

// eslint-disable-next-line no-control-regex
const BAD_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when the text holds a NUL or an unpaired surrogate (no UTF-8 form, no place in the store). */
export function hasBadText(text: string): boolean {
  return BAD_TEXT.test(text);
}

/** The path of the first string or key holding a NUL or an unpaired surrogate; undefined when none. */
function badText(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return BAD_TEXT.test(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = badText(value[i], `${path}[${i}]`);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }
  if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const here = path ? `${path}.${k}` : k;
      if (BAD_TEXT.test(k)) return here;
      const hit = badText(v, here);
      if (hit !== undefined) return hit;
    }
  }
  return undefined;
}

/** Compact JSON, numbers verbatim, non-ASCII unescaped (what Java and PHP SDKs emit). */
export function stringifyWire(value: unknown): string {
  const text = stringify(value);
  if (text === undefined) throw new YibaoError(ErrorCode.SYSTEM, '无法序列化为 JSON');
  return text;
}

export function isPlainObject(value: unknown): value is WireObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isLosslessNumber(value);
}

/**
 * The application view of wire JSON: every number becomes the text of its literal ("12.30"), so money
 * never passes through a float (docs/protocol.md). The catalogue validates and converts those strings.
 */
export function toPlain(value: unknown): unknown {
  if (isLosslessNumber(value)) return value.value;
  if (Array.isArray(value)) return value.map(toPlain);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) defineKey(out, k, toPlain(v));
    return out;
  }
  return value;
}

/** Assigns without ever invoking the `__proto__` setter. */
export function defineKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
