import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../packages/yibao/src/crypto/keys.js';
import { createCallbackHandler, generateTestCallback } from '../../packages/yibao/src/sdk/callback.js';

/** The 6302 receiver during a rotation (docs/apps.md): it holds old and new secrets and platform keys. */
describe('callback receiver with several secrets and platform keys', () => {
  const appId = 'ROTATIONAPP00000000000000000001';
  const [oldKey, newKey] = [generateKeyPair(), generateKeyPair()];
  const callback = (appSecret: string, platformPrivateKey: string, payOrdId: string) => generateTestCallback({ appId, appSecret, platformPrivateKey, data: { payOrdId } });

  it('accepts a callback sealed with any held pair, the new secret with the new key included; refuses one it cannot open', async () => {
    const settled: string[] = [];
    const both = createCallbackHandler({ appId, appSecret: ['NEWSECRET0123456789', 'OLDSECRET0123456789'], platformPublicKey: [newKey.publicKey, oldKey.publicKey], onSettled: (e) => void settled.push(e.data.payOrdId) });
    expect((await both.handle(callback('OLDSECRET0123456789', oldKey.privateKey, 'P1'))).outcome).toBe('settled');
    expect((await both.handle(callback('NEWSECRET0123456789', newKey.privateKey, 'P2'))).outcome).toBe('settled');
    expect(settled).toEqual(['P1', 'P2']);
    const oldOnly = createCallbackHandler({ appId, appSecret: 'OLDSECRET0123456789', platformPublicKey: oldKey.publicKey, onSettled: () => {} });
    expect((await oldOnly.handle(callback('NEWSECRET0123456789', oldKey.privateKey, 'P3'))).outcome).toBe('refused');
    expect((await oldOnly.handle(callback('OLDSECRET0123456789', newKey.privateKey, 'P4'))).outcome).toBe('refused');
    expect(() => createCallbackHandler({ appId, appSecret: [], platformPublicKey: oldKey.publicKey, onSettled: () => {} })).toThrow(/appSecret/);
  });
});
