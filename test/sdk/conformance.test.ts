import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveSm4Key, sm4DecryptHex } from '../../packages/yibao/src/crypto/sm4.js';
import { parseWireObject, stringifyWire } from '../../packages/yibao/src/protocol/json.js';
import { sealRequest } from '../../packages/yibao/src/protocol/mobile.js';
import { runConformance, type ConformanceReport } from '../../packages/yibao/src/sdk/conformance.js';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

/**
 * A center that checks neither signatures, nor timestamps, nor replays: in front of the real one, it
 * opens every request without verifying it and re-seals it fresh. Conformance must say so.
 */
function laxCenter(t: TestPlatform): typeof fetch {
  const keys = t.app.keys;
  return async (input, init) => {
    const url = String(input);
    if (init?.method === 'POST' && url.includes('/org/local/api/hos/') && typeof init.body === 'string') {
      try {
        const m = parseWireObject(init.body, 'request');
        const data = JSON.parse(sm4DecryptHex(deriveSm4Key(keys.appId, keys.appSecret), String(m.encData)));
        if (m.appId === keys.appId) return fetch(input, { ...init, body: stringifyWire(sealRequest(data, keys)) });
      } catch {
        // not decryptable: forward as it is
      }
    }
    return fetch(input, init);
  };
}

describe('yibao conformance cannot be passed by a center that does not check', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(storeKinds[0]!);
  });
  afterAll(async () => {
    await t?.close();
  });
  const run = (fetchImpl?: typeof fetch): Promise<ConformanceReport> =>
    runConformance({ baseUrl: t.url, appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, privateKey: t.app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, orgCodg: t.app.config.orgCodg, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  const status = (r: ConformanceReport, id: string) => r.checks.find((c) => c.id === id)?.status;

  it('against yibao every check passes, 6205 included, security checks against a real order', async () => {
    const r = await run();
    expect(r.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(status(r, 'happy.6205')).toBe('pass');
    expect(r.checks.find((c) => c.id === 'replay.sameSignature')!.detail).toMatch(/010010.*真实订单/);
  });

  it('against a center that is not a sandbox (no test person): the security checks pass on the spec\'s codes, the happy paths skip', async () => {
    const notSandbox: typeof fetch = (input, init) => (String(input).endsWith('/sandbox') ? Promise.resolve(new Response('not found', { status: 404 })) : fetch(input, init));
    const r = await run(notSandbox);
    expect(r.checks.filter((c) => c.status === 'fail')).toEqual([]);
    for (const id of ['signature.badRequest', 'encryption.tampered', 'replay.sameSignature', 'replay.staleTimestamp']) expect(status(r, id), id).toBe('pass');
    expect(status(r, 'happy.6101')).toBe('skip');
    expect(r.checks.find((c) => c.id === 'happy.6101')!.detail).toMatch(/--qr-code/);
  });

  it('a center without signature, timestamp and replay checks fails exactly those checks', async () => {
    const r = await run(laxCenter(t));
    expect(status(r, 'replay.sameSignature')).toBe('fail');
    expect(status(r, 'replay.staleTimestamp')).toBe('fail');
    expect(status(r, 'signature.badRequest')).toBe('fail');
    expect(status(r, 'happy.6202')).toBe('pass');
    expect(r.checks.filter((c) => c.status === 'fail').map((c) => c.id).sort()).toEqual(['replay.sameSignature', 'replay.staleTimestamp', 'signature.badRequest']);
  });
});
