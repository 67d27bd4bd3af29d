import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringifyWire } from '../../packages/yibao/src/protocol/json.js';
import { sealRequest } from '../../packages/yibao/src/protocol/mobile.js';
import { getTxn } from '../../packages/yibao/src/spec/index.js';
import { maxRequestBytesAt } from '../../packages/yibao/src/spec/wire-size.js';
import { storeKinds } from '../helpers/db.js';
import { LISI } from '../helpers/flow.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

/** POSTs `body` from `localAddress` (127.0.0.0/8 is all loopback on Linux: distinct senders). */
function post(url: string, body: string | Buffer, localAddress = '127.0.0.1'): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Issue 14 point 5: every request is counted per address before its body is parsed (malformed ones
 * too), and each route's body is capped at what its transactions can need.
 */
describe('junk senders are counted before parsing and cannot starve a signed request (PGlite)', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(storeKinds[0]!, { addressRateLimit: { perSecond: 0.01, burst: 20 } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('two addresses sending malformed bodies: past their burst each is refused -6 (429) unparsed; a third address\'s signed 6301 is served', async () => {
    const path = `${t.url}${getTxn('6301').path}`;
    const junk = ['{"appId": "x", garbage', 'not json at all', '\u0000\u0001'];
    const outcomes: Record<string, Array<{ status: number; code: string }>> = { '127.0.0.2': [], '127.0.0.3': [] };
    for (let i = 0; i < 35; i++) {
      for (const from of Object.keys(outcomes)) {
        const r = await post(path, junk[i % junk.length]!, from);
        outcomes[from]!.push({ status: r.status, code: String(r.json.code) });
      }
    }
    for (const list of Object.values(outcomes)) {
      // The first 20 (the burst) are read and refused for what they are; the 15 after them are -6.
      expect(list.slice(0, 20).every((o) => o.code !== '-6')).toBe(true);
      expect(list.slice(20)).toEqual(Array.from({ length: 15 }, () => ({ status: 429, code: '-6' })));
    }
    // The genuine institution, from its own address: verified and answered (no such order: -1).
    const query = { payOrdId: 'ORD-NONE', orgCodg: t.app.config.orgCodg, payToken: 'T', idNo: LISI.idNo, userName: LISI.userName, idType: '01' };
    const genuine = await post(path, stringifyWire(sealRequest(query, t.app.keys)), '127.0.0.1');
    expect(genuine.status).toBe(200);
    expect(genuine.json.code).toBe('-1');
    expect(typeof genuine.json.signData).toBe('string');
  });

  it('bodies are capped per route at what the catalogue allows: 6301 at its own (far below 8 MB), 6201 (fee lines: no bound) at 8 MB', async () => {
    const cap = maxRequestBytesAt(getTxn('6301').path!)!;
    expect(cap).toBeLessThan(256 * 1024);
    // The largest 6301 the catalogue allows fits with room to spare.
    const big = { payOrdId: 'O'.repeat(40), orgCodg: '测'.repeat(30), payToken: 'T'.repeat(100), idNo: 'X'.repeat(50), userName: '名'.repeat(50), idType: '01' };
    expect(stringifyWire(sealRequest(big, t.other.keys)).length).toBeLessThan(cap / 4);
    const over = await post(`${t.url}${getTxn('6301').path}`, Buffer.alloc(cap + 1, 'x'), '127.0.0.4');
    expect(over.status).toBe(413);
    expect(over.json).toMatchObject({ code: '000105', message: `报文过大：请求体超过 ${cap / 1024} KB` });
    expect(maxRequestBytesAt(getTxn('6201').path!)).toBeUndefined();
    const upload = await post(`${t.url}${getTxn('6201').path}`, Buffer.alloc(cap + 1, 'x'), '127.0.0.4');
    expect(upload.status).not.toBe(413); // read and refused for what it is, not for its size
  });
});
