import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

/**
 * Issue 14 point 6: clients trickling their headers or body, or holding an idle keep-alive
 * connection, are cut off by the server (headers, request and keep-alive timeouts from the config).
 * Asserted on who closed each connection and what it was told, not on how long it took.
 */
describe('HTTP timeouts against trickling sockets (PGlite)', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(storeKinds[0]!, { server: { timeouts: { headersMs: 1000, requestMs: 2000, keepAliveMs: 1000, idleMs: 10_000 } } });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A socket that writes `head` and then one byte of `drip` every 200 ms until the server closes it. */
  function trickle(head: string, drip: string): Promise<{ answer: string; closedByServer: boolean }> {
    const { port } = new URL(t.url);
    return new Promise((resolve) => {
      let answer = '';
      let timer: NodeJS.Timeout | undefined;
      const sock: Socket = connect(Number(port), '127.0.0.1', () => {
        sock.write(head);
        timer = setInterval(() => {
          if (!sock.destroyed && sock.writable) sock.write(drip);
        }, 200);
      });
      sock.on('data', (c) => (answer += String(c)));
      // Give up after 45 s (Node's own defaults would keep them minutes): that counts as not closed.
      const giveUp = setTimeout(() => {
        clearInterval(timer);
        sock.destroy();
        resolve({ answer, closedByServer: false });
      }, 45_000);
      const done = () => {
        clearInterval(timer);
        clearTimeout(giveUp);
        resolve({ answer, closedByServer: true });
      };
      sock.on('end', done);
      sock.on('close', done);
      sock.on('error', () => {});
    });
  }

  it('trickled headers, trickled bodies and idle keep-alive connections are all closed by the server', async () => {
    const { host } = new URL(t.url);
    const path = '/org/local/api/hos/query_order_info';
    const headers = Array.from({ length: 10 }, () => trickle(`POST ${path} HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `, 'a'));
    const bodies = Array.from({ length: 10 }, () => trickle(`POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`, ' '));
    // One complete request, then nothing: the keep-alive connection is closed after its answer.
    const idle = Array.from({ length: 5 }, () => trickle(`GET /healthz HTTP/1.1\r\nHost: ${host}\r\n\r\n`, ''));
    const all = await Promise.all([...headers, ...bodies, ...idle]);
    expect(all.filter((r) => !r.closedByServer)).toHaveLength(0);
    for (const r of [...(await Promise.all(headers)), ...(await Promise.all(bodies))]) {
      // Node answers 408 when it can; a connection cut mid-headers may get nothing at all.
      if (r.answer) expect(r.answer).toMatch(/^HTTP\/1\.1 408/);
    }
    for (const r of await Promise.all(idle)) expect(r.answer).toMatch(/^HTTP\/1\.1 200/);
    // The server still serves.
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  }, 60_000);
});
