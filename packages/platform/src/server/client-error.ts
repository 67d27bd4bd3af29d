import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Request line plus headers accepted, bytes (Node's default is 16 KB). Set explicitly so that the
 * limit is ours, documented (docs/operations.md) and answered in our shape: a cashier URL with its
 * chnlEncData is a few KB; a 100-KB URL is refused.
 */
export const MAX_HEADER_BYTES = 32 * 1024;

/**
 * Errors Node raises before a request exists (a header block over MAX_HEADER_BYTES, a malformed
 * request line, a client too slow to send its headers): Node and Fastify would answer a bare 431/400
 * with their own JSON. Ours is the shape every other refusal has, `{code, message, success}`, with a
 * spec code and a Chinese message (issue 14 point 13), then the connection is closed.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  let status = 400;
  let body = { code: '000105', message: '请求格式有误：无法解析的 HTTP 请求', success: false };
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    status = 431;
    body = { code: '000105', message: `请求地址或请求头过长：合计不能超过 ${MAX_HEADER_BYTES / 1024} KB`, success: false };
  } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    status = 408;
    body = { code: '-3', message: '请求超时：未在规定时间内收到完整请求', success: false };
  }
  if (socket.writable) {
    const text = JSON.stringify(body);
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
  }
  socket.destroy();
}
