import { parseWire, isPlainObject, toPlain } from 'yibao/protocol';
import { YibaoError } from 'yibao/protocol';

/**
 * Plain JSON bodies of the sandbox helpers and the channel API, read as wire JSON: numbers keep
 * their text ("12.30" signs as 12.30, never 12.3) and text no field can hold (NUL, unpaired
 * surrogates, absurd nesting) is refused naming where. An empty body is an empty object.
 */
export function readBody(body: unknown): { value: Record<string, unknown>; error?: undefined } | { value?: undefined; error: { code: string; message: string } } {
  if (body === undefined || body === null || body === '' || (body instanceof Uint8Array && body.length === 0)) return { value: {} };
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) return { error: NOT_A_JSON_OBJECT };
  try {
    const v = parseWire(body, '请求体');
    if (!isPlainObject(v)) return { error: NOT_A_JSON_OBJECT };
    return { value: toPlain(v) as Record<string, unknown> };
  } catch (err) {
    // Why it was refused (not UTF-8, not JSON, a duplicate key, too deep, NUL…), as parseWire says it.
    if (err instanceof YibaoError) return { error: { code: err.code, message: err.message } };
    return { error: NOT_A_JSON_OBJECT };
  }
}

export const NOT_A_JSON_OBJECT = { code: '000105', message: '请求体应为 JSON 对象' };

/** The request body as received (bytes, see app.ts's parser), or nothing: what the systems' handle() take. */
export function rawBody(body: unknown): string | Buffer {
  return Buffer.isBuffer(body) ? body : typeof body === 'string' ? body : '';
}
