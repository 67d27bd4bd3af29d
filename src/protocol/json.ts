import { isLosslessNumber, LosslessNumber, parse, stringify } from 'lossless-json';
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

export function parseWire(text: string, what = '报文'): WireValue {
  try {
    return parse(text) as WireValue;
  } catch (cause) {
    throw new YibaoError(ErrorCode.INVALID_PARAM, `${what}不是有效的 JSON：${(cause as Error).message}`, { cause });
  }
}

export function parseWireObject(text: string, what = '报文'): WireObject {
  const value = parseWire(text, what);
  if (!isPlainObject(value)) throw new YibaoError(ErrorCode.INVALID_PARAM, `${what}应为 JSON 对象`);
  return value;
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
 * never passes through a float (DESIGN.md §3). The catalogue validates and converts those strings.
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
