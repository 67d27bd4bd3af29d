import { describe, expect, it } from 'vitest';
import { sm2Verify } from '../../packages/yibao/src/crypto/index.js';
import { openEnvelope } from '../../packages/yibao/src/protocol/envelope.js';
import { parseWireObject } from '../../packages/yibao/src/protocol/json.js';
import { openRequest, openResponse, sealRequest, sealResponse } from '../../packages/yibao/src/protocol/mobile.js';
import { buildSignString } from '../../packages/yibao/src/protocol/signstring.js';
import { testKeys } from '../helpers/keys.js';
import { loadVector } from '../helpers/vectors.js';

/*
 * issue 12 §1: nested numbers and booleans in the sign string. `json` writes them as JSON
 * (2.2.3.1 read literally); `string` writes them as JSON strings, as the NHSA demo's SignUtil and its
 * ports do. Receivers accept either form of the same message; senders choose.
 */
interface ScalarVector {
  appSecret: string;
  publicKey: string;
  messageText: string;
  signString: { json: string; string: string };
  signature: { json: string; string: string };
}
const v = loadVector<ScalarVector>('mobile-sign-string-scalar-style.json');
const vectorKeys = { appId: '43AF047BBA47FC8A1AE8EFB2XXXXXXXX', appSecret: v.appSecret, peerPublicKey: v.publicKey };

/** The vector message as wire text with this signature, optionally edited as text (numbers stay literal). */
function withSignature(signData: string, edit: (text: string) => string = (t) => t): string {
  return edit(v.messageText.replace('"signData":""', `"signData":"${signData}"`));
}

describe('sign string scalar style (test/vectors/mobile-sign-string-scalar-style.json)', () => {
  it('builds both forms byte-exact from the same message; top-level values stay raw in both', () => {
    const message = parseWireObject(v.messageText);
    expect(buildSignString(message, { secret: v.appSecret })).toBe(v.signString.json);
    expect(buildSignString(message, { secret: v.appSecret, scalarStyle: 'json' })).toBe(v.signString.json);
    expect(buildSignString(message, { secret: v.appSecret, scalarStyle: 'string' })).toBe(v.signString.string);
    expect(v.signString.string).toContain('&success=true&');
    expect(v.signString.string).toContain('"feeSumamt":"96.00"');
    expect(v.signString.string).toContain('{"refund":"false"}');
  });

  it('the vector signatures (made by sm-crypto) verify over their strings', () => {
    expect(sm2Verify(v.publicKey, v.signString.json, v.signature.json)).toBe(true);
    expect(sm2Verify(v.publicKey, v.signString.string, v.signature.string)).toBe(true);
    expect(sm2Verify(v.publicKey, v.signString.json, v.signature.string)).toBe(false);
  });

  it('a reply signed in either form opens, and says which form it was', () => {
    const asJson = openResponse(withSignature(v.signature.json), vectorKeys);
    expect(asJson.scalarStyle).toBe('json');
    expect(asJson.plainData!.feeSumamt).toBe('96.00');
    const asString = openResponse(withSignature(v.signature.string), vectorKeys);
    expect(asString.scalarStyle).toBe('string');
    expect(asString.signString).toBe(v.signString.string);
  });

  it('fails closed: either form must verify over the message as received', () => {
    const reasons: string[] = [];
    const tampered = withSignature(v.signature.string, (t) => t.replace('"refund":false', '"refund":true'));
    expect(() => openResponse(tampered, vectorKeys, { onReject: (r) => reasons.push(r) })).toThrow(/签名验证失败/);
    // One log line naming both attempts.
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/string-scalar form/);
    // A value written as a string on the wire is not the same message as the number.
    const asText = withSignature(v.signature.json, (t) => t.replace('"feeSumamt":96.00', '"feeSumamt":"96.00"'));
    expect(() => openResponse(asText, vectorKeys)).toThrow(/签名验证失败/);
    // A wrong secret: neither form verifies.
    expect(() => openResponse(withSignature(v.signature.string), { ...vectorKeys, appSecret: 'X'.repeat(32) })).toThrow(/签名验证失败/);
    // SM3 keyed digests: the same rule.
    const sm3 = withSignature(v.signature.string, (t) => t.replace('"signType":"SM2"', '"signType":"SM3"'));
    expect(() => openEnvelope(parseWireObject(sm3), vectorKeys, { signTypes: ['SM3'] })).toThrow(/签名验证失败/);
  });

  it('sealing with scalarStyle string signs the string form; the default stays json', () => {
    const k = testKeys();
    const data = { payOrdId: 'ORD1', feeSumamt: 96, extData: { ok: true, n: 1.5 } };
    const asString = sealResponse({ code: '0', data }, { ...k.centerKeys, scalarStyle: 'string' }, { encType: 'plain' });
    const asDefault = sealResponse({ code: '0', data }, k.centerKeys, { encType: 'plain' });
    const stringForm = buildSignString(asString as Record<string, unknown>, { secret: k.appSecret, scalarStyle: 'string' });
    expect(stringForm).toContain('"extData":{"n":"1.5","ok":"true"},"feeSumamt":"96"');
    expect(sm2Verify(k.platform.publicKey, stringForm, String(asString.signData))).toBe(true);
    expect(sm2Verify(k.platform.publicKey, buildSignString(asDefault as Record<string, unknown>, { secret: k.appSecret }), String(asDefault.signData))).toBe(true);
    expect(openResponse(asString, k.hisKeys).scalarStyle).toBe('string');
    expect(openResponse(asDefault, k.hisKeys).scalarStyle).toBe('json');
    // Per message, the option overrides the keys' default.
    const req = sealRequest(data, k.hisKeys, { scalarStyle: 'string' });
    expect(openRequest(req, k.centerKeys).scalarStyle).toBe('string');
  });
});
