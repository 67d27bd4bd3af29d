import { isLosslessNumber, LosslessNumber } from 'lossless-json';
import type { WireValue } from './json.js';

/**
 * The wire JSON parser: the same result as lossless-json's `parse` (numbers as LosslessNumber with
 * their text verbatim, a duplicate key with another value refused, `__proto__` kept as plain data),
 * several times faster on the platform's messages (docs/performance.md: parsing a 6201 cost more than verifying
 * its SM2 signature). The gain is in strings, which are most of every message (encData is kilobytes
 * of hex): a string without escapes is taken with one indexOf and one slice instead of character by
 * character; one with escapes is decoded by JSON.parse of just that string.
 * The repository's tests check it against lossless-json on generated and mutated JSON.
 */
export function parseLossless(text: string, maxDepth = Infinity): WireValue {
  let i = 0;
  let depth = 0;
  const n = text.length;
  const enter = () => {
    // Counted here rather than by a scan before parsing: a hostile depth is refused before it recurses.
    if (++depth > maxDepth) throw new DepthError(maxDepth);
  };

  // The offending character is quoted only when printable: the message goes back to the sender in an
  // answer, where a NUL, a control character or half a surrogate pair breaks a strict JSON reader.
  const shown = (c: number) => (c >= 0x20 && c !== 0x7f && (c < 0xd800 || c > 0xdfff) ? `'${String.fromCharCode(c)}'` : `U+${c.toString(16).toUpperCase().padStart(4, '0')}`);
  const fail = (what: string): never => {
    throw new SyntaxError(i < n ? `${what} but got ${shown(text.charCodeAt(i))} at position ${i}` : `${what} but reached end of input at position ${i}`);
  };

  const skipWhitespace = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) i++;
      else return;
    }
  };

  const parseString = (): string => {
    // text[i] is the opening quote.
    const start = i + 1;
    const close = text.indexOf('"', start);
    if (close < 0) {
      i = n;
      fail('End of string \'"\' expected');
    }
    const backslash = text.indexOf('\\', start);
    if (backslash < 0 || backslash > close) {
      const s = text.slice(start, close);
      if (CONTROL.test(s)) {
        i = start + s.search(CONTROL);
        fail('Invalid character in string');
      }
      i = close + 1;
      return s;
    }
    // Escapes: find the real end (a quote not escaped), then let JSON.parse decode and check them.
    let j = start;
    for (;;) {
      const c = text.charCodeAt(j);
      if (j >= n) {
        i = n;
        fail('End of string \'"\' expected');
      }
      if (c === 0x5c) j += 2;
      else if (c === 0x22) break;
      else j++;
    }
    const raw = text.slice(i, j + 1);
    try {
      const s = JSON.parse(raw) as string;
      i = j + 1;
      return s;
    } catch {
      i = start;
      return fail('Invalid escape character or character in string');
    }
  };

  const parseValue = (): WireValue => {
    skipWhitespace();
    const c = text.charCodeAt(i);
    let value: WireValue;
    if (c === 0x22) value = parseString();
    else if (c === 0x7b) value = parseObject();
    else if (c === 0x5b) value = parseArray();
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) fail('Invalid number');
      i += m![0].length;
      value = new LosslessNumber(m![0]);
    } else if (text.startsWith('true', i)) {
      i += 4;
      value = true;
    } else if (text.startsWith('false', i)) {
      i += 5;
      value = false;
    } else if (text.startsWith('null', i)) {
      i += 4;
      value = null;
    } else return fail('JSON value expected');
    skipWhitespace();
    return value;
  };

  const parseObject = (): WireValue => {
    enter();
    i++;
    skipWhitespace();
    const object: Record<string, WireValue> = {};
    if (text.charCodeAt(i) === 0x7d) {
      i++;
      depth--;
      return object;
    }
    for (;;) {
      skipWhitespace();
      if (text.charCodeAt(i) !== 0x22) fail('Quoted object key expected');
      const keyAt = i;
      const key = parseString();
      skipWhitespace();
      if (text.charCodeAt(i) !== 0x3a) fail("Colon ':' expected after property name");
      i++;
      const value = parseValue();
      if (Object.prototype.hasOwnProperty.call(object, key)) {
        if (!isDeepEqual(value, object[key])) throw new SyntaxError(`Duplicate key '${key}' encountered at position ${keyAt + 1}`);
      } else if (key === '__proto__') {
        // Plain assignment would set the prototype; an own property, as JSON.parse makes.
        Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
      } else object[key] = value;
      const c = text.charCodeAt(i);
      if (c === 0x2c) i++;
      else if (c === 0x7d) {
        i++;
        depth--;
        return object;
      } else fail("Comma ',' or end of object '}' expected");
    }
  };

  const parseArray = (): WireValue => {
    enter();
    i++;
    skipWhitespace();
    const array: WireValue[] = [];
    if (text.charCodeAt(i) === 0x5d) {
      i++;
      depth--;
      return array;
    }
    for (;;) {
      array.push(parseValue());
      const c = text.charCodeAt(i);
      if (c === 0x2c) i++;
      else if (c === 0x5d) {
        i++;
        depth--;
        return array;
      } else fail("Comma ',' or end of array ']' expected");
    }
  };

  const value = parseValue();
  if (i < n) fail('Expected end of input');
  return value;
}

/** Nesting deeper than the caller allows. */
export class DepthError extends Error {
  constructor(readonly maxDepth: number) {
    super(`nesting deeper than ${maxDepth}`);
  }
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f]/;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** lossless-json's equality for duplicate keys: the same value twice is not a conflict. */
function isDeepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isLosslessNumber(a) && isLosslessNumber(b)) return a.value === b.value;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, k) => isDeepEqual(x, b[k]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => isDeepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}
