import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

/**
 * One POST of a callback (6302, a channel notification) over node:http(s), not fetch: undici's fetch
 * spends more CPU per request than the SM2 signature of the callback it carries (web streams, Blob
 * bodies; docs/performance.md), and cannot take a `lookup`, so the SSRF policy could only check a
 * name before connecting — `lookup` (outbound.ts outboundLookup) checks the address actually
 * connected to. Connections are kept alive: a HIS receives its callbacks on one or a few sockets
 * instead of a handshake each.
 *
 * Redirects are not followed (a 3xx is the HIS's answer, as `redirect: 'manual'` was). The answer is
 * read up to `cap` bytes; past it (announced or streamed) the connection is dropped and `tooLarge`
 * set. `timeoutMs` bounds the whole exchange; on expiry the error is a `TimeoutError`.
 */
export interface PostResult {
  status: number;
  text: string;
  tooLarge: boolean;
}

export interface PostOptions {
  timeoutMs: number;
  cap: number;
  lookup?: LookupFunction;
}

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64, scheduling: 'lifo' }),
};

class TimeoutError extends Error {
  constructor(ms: number) {
    super(`no complete answer within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

export function postJson(url: string, body: string, o: PostOptions): Promise<PostResult> {
  return attempt(new URL(url), body, o, Date.now() + o.timeoutMs, false);
}

function attempt(u: URL, body: string, o: PostOptions, deadline: number, retried: boolean): Promise<PostResult> {
  const secure = u.protocol === 'https:';
  if (!secure && u.protocol !== 'http:') return Promise.reject(new Error(`unsupported protocol ${u.protocol}`));
  return new Promise<PostResult>((resolve, reject) => {
    let settled = false;
    const done = (err: Error | undefined, result?: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(result!);
    };
    const req = (secure ? https : http).request(
      {
        protocol: u.protocol,
        hostname: u.hostname.replace(/^\[|\]$/g, ''),
        port: u.port || undefined,
        path: `${u.pathname}${u.search}`,
        method: 'POST',
        agent: agents[u.protocol as 'http:' | 'https:'],
        headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) },
        ...(o.lookup ? { lookup: o.lookup } : {}),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const announced = Number(res.headers['content-length'] ?? NaN);
        if (announced > o.cap) {
          done(undefined, { status, text: '', tooLarge: true });
          req.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        let total = 0;
        res.on('data', (c: Buffer) => {
          total += c.length;
          if (total > o.cap) {
            done(undefined, { status, text: Buffer.concat(chunks).toString('utf8'), tooLarge: true });
            req.destroy();
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => done(undefined, { status, text: Buffer.concat(chunks).toString('utf8'), tooLarge: false }));
        res.on('error', (err) => done(err));
        res.on('aborted', () => done(Object.assign(new Error('answer aborted'), { code: 'ECONNRESET' })));
      },
    );
    const timer = setTimeout(() => {
      const err = new TimeoutError(o.timeoutMs);
      req.destroy(err);
      done(err);
    }, Math.max(0, deadline - Date.now()));
    req.on('error', (err: NodeJS.ErrnoException) => {
      // A kept-alive socket the HIS closed while idle fails at once, before the request was read:
      // sent again on a fresh connection (Node's documented pattern), once.
      if (!settled && !retried && req.reusedSocket && err.code === 'ECONNRESET') {
        settled = true;
        clearTimeout(timer);
        attempt(u, body, o, deadline, true).then(resolve, reject);
        return;
      }
      done(err);
    });
    req.end(body);
  });
}
