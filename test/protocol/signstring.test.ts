import { describe, expect, it } from 'vitest';
import { DEFAULT_SM2_USER_ID, sm2Verify } from '../../packages/yibao/src/crypto/index.js';
import { openRequest, sealRequest } from '../../packages/yibao/src/protocol/mobile.js';
import { parseWireObject } from '../../packages/yibao/src/protocol/json.js';
import { buildSignString } from '../../packages/yibao/src/protocol/signstring.js';
import { testKeys } from '../helpers/keys.js';

/*
 * The sign string rules of DESIGN.md §3 (mobile-payment.txt 2.2.3.1), each exercised by one input.
 * Every expected string below is written out by hand from the rules, never produced by
 * buildSignString itself:
 *  - drop signData, encData, extra;
 *  - drop null / "" / [] values, recursively;
 *  - sort keys by ASCII (upper case before lower case), nested keys too;
 *  - top-level values raw, nested objects and arrays as compact JSON;
 *  - join k=v with &, append &key=<appSecret>.
 */

const APP_SECRET = '4117E877F5FA0A0188891283E4B617D5';

// Wire text as received: 12.30 and 0.10 must stay as written (lossless numbers).
const MESSAGE_TEXT = `{
  "version": "2.0.1",
  "timestamp": "20260101120000",
  "appId": "A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6",
  "signType": "SM2",
  "encType": "SM4",
  "encData": "0123456789ABCDEF",
  "signData": "c2lnbmF0dXJl",
  "extra": {"traceId": "t-1"},
  "orgId": null,
  "memo": "",
  "tags": [],
  "success": true,
  "amount": 0.10,
  "data": {
    "userName": "张三",
    "payOrdId": "ORD001",
    "nullField": null,
    "emptyText": "",
    "emptyList": [],
    "feeSumamt": 12.30,
    "isRefund": false,
    "items": [{"qty": 2, "note": "", "name": "药品", "code": null, "lots": []}, "x", 3],
    "extData": {"z": "末", "a": {"y": 1, "b": null, "x": [], "c": "丙"}, "B": "乙"}
  }
}`;

const EXPECTED_DATA =
  '{"extData":{"B":"乙","a":{"c":"丙","y":1},"z":"末"},' +
  '"feeSumamt":12.30,' +
  '"isRefund":false,' +
  '"items":[{"name":"药品","qty":2},"x",3],' +
  '"payOrdId":"ORD001",' +
  '"userName":"张三"}';

const EXPECTED =
  'amount=0.10' +
  '&appId=A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6' +
  `&data=${EXPECTED_DATA}` +
  '&encType=SM4' +
  '&signType=SM2' +
  '&success=true' +
  '&timestamp=20260101120000' +
  '&version=2.0.1' +
  `&key=${APP_SECRET}`;

describe('buildSignString (DESIGN.md §3, mobile-payment.txt 2.2.3.1)', () => {
  it('applies every rule at once: exclusions, empty values, ASCII order, raw top level, JSON nested', () => {
    expect(buildSignString(parseWireObject(MESSAGE_TEXT), { secret: APP_SECRET })).toBe(EXPECTED);
  });

  it('leaves out signData, encData and extra, whatever they hold', () => {
    const message = { b: 'B', extra: 'not signed', signData: 'S', encData: 'E', a: 'A' };
    expect(buildSignString(message, { secret: 'K' })).toBe('a=A&b=B&key=K');
  });

  it('drops null, "" and [] at the top level and inside nested objects, but keeps false and 0', () => {
    const message = { a: null, b: '', c: [], d: false, e: 0, f: { g: null, h: '', i: [], j: 'J' } };
    expect(buildSignString(message, { secret: 'K' })).toBe('d=false&e=0&f={"j":"J"}&key=K');
  });

  it('sorts nested keys by ASCII, including objects inside arrays', () => {
    // "B" before "a": byte order, not a locale's alphabetical order.
    const message = { data: { zeta: 1, a: 'a', B: { y: 'y', x: 'x' }, list: [{ b: 2, a: 1 }] } };
    expect(buildSignString(message, { secret: 'K' })).toBe('data={"B":{"x":"x","y":"y"},"a":"a","list":[{"a":1,"b":2}],"zeta":1}&key=K');
  });

  it('writes top-level strings without quotes and nested strings as JSON, Chinese unescaped', () => {
    const message = { userName: '测试 "甲"', data: { userName: '测试 "甲"' } };
    expect(buildSignString(message, { secret: 'K' })).toBe('data={"userName":"测试 \\"甲\\""}&userName=测试 "甲"&key=K');
  });

  it('omits &key= only when no secret is given', () => {
    expect(buildSignString({ a: 'A' })).toBe('a=A');
  });
});

describe('sealRequest signs exactly the sign string', () => {
  it('the sealed signData verifies (SM2, user id 1234567812345678) against the hand-written string', () => {
    const k = testKeys();
    const data = parseWireObject(`{
      "userName": "张三",
      "emptyText": "",
      "nullField": null,
      "emptyList": [],
      "feeSumamt": 12.30,
      "isRefund": false,
      "items": [{"qty": 2, "note": "", "name": "药品"}],
      "extData": {"z": "末", "B": "乙", "a": {"y": 1, "b": null, "c": "丙"}}
    }`);
    const sealed = sealRequest(data, k.hisKeys, { signType: 'SM2', encType: 'SM4', timestamp: '20260101120000' });
    expect(sealed.data).toBeUndefined();
    const expected =
      `appId=${k.appId}` +
      '&data={"extData":{"B":"乙","a":{"c":"丙","y":1},"z":"末"},"feeSumamt":12.30,"isRefund":false,' +
      '"items":[{"name":"药品","qty":2}],"userName":"张三"}' +
      '&encType=SM4&signType=SM2&timestamp=20260101120000&version=2.0.1' +
      `&key=${k.appSecret}`;
    const signData = sealed.signData as string;
    expect(sm2Verify(k.his.publicKey, expected, signData, { userId: DEFAULT_SM2_USER_ID })).toBe(true);
    // The signature is specific to that string: one byte less and it no longer verifies.
    expect(sm2Verify(k.his.publicKey, expected.slice(0, -1), signData, { userId: DEFAULT_SM2_USER_ID })).toBe(false);
    // And the receiver rebuilds the same string after decrypting.
    expect(openRequest(sealed, k.centerKeys, { signTypes: ['SM2'] }).signString).toBe(expected);
  });
});
