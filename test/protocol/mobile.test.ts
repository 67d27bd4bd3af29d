import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  build6204Redirect,
  buildCallbackAck,
  buildCashierLaunchUrl,
  open6204Redirect,
  openCallback,
  openCashierLaunchParams,
  openRequest,
  openResponse,
  parseCallbackAck,
  peekAppId,
  sealCallback,
  sealRequest,
  sealResponse,
} from '../../packages/yibao/src/protocol/mobile.js';
import { ErrorCode, YibaoError } from '../../packages/yibao/src/protocol/errors.js';
import { parseWireObject, stringifyWire, LosslessNumber, type WireObject } from '../../packages/yibao/src/protocol/json.js';
import { testKeys } from '../helpers/keys.js';

const k = testKeys();

function expectCode(fn: () => unknown, code: string, messagePart?: string): YibaoError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(YibaoError);
    const e = err as YibaoError;
    expect(e.code).toBe(code);
    if (messagePart) expect(e.message).toContain(messagePart);
    return e;
  }
  throw new Error(`expected YibaoError ${code}`);
}

const sample = {
  payOrdId: 'ORD2026112200001',
  payToken: 'TK0001',
  orgCodg: 'H35010200227',
  feeSumamt: new LosslessNumber('12.30'),
  userName: '张三',
  extData: { psnPaySn: '', list: [], nested: { b: 1, a: '甲' } },
};

describe('mobile envelope v2.0.1', () => {
  for (const signType of ['SM2', 'SM3'] as const) {
    for (const encType of ['SM4', 'plain'] as const) {
      it(`${signType}/${encType}: seal → wire text → open gives the data back, numbers verbatim`, () => {
        const sealed = sealRequest(sample, k.hisKeys, { signType, encType });
        expect(sealed.version).toBe('2.0.1');
        expect(sealed.timestamp).toMatch(/^\d{14}$/);
        if (encType === 'SM4') {
          expect(sealed.data).toBeUndefined();
          expect(sealed.encData).toMatch(/^[0-9A-F]+$/);
        } else {
          expect(sealed.encData).toBeUndefined();
        }
        const text = stringifyWire(sealed);
        const opened = openRequest(text, k.centerKeys, { signTypes: [signType] });
        expect(opened.plainData.feeSumamt).toBe('12.30');
        expect(opened.plainData.userName).toBe('张三');
        expect(stringifyWire(opened.data)).toContain('"feeSumamt":12.30');
      });
    }
  }

  it('SM2 signatures are base64 of the raw 64-byte r||s', () => {
    const sealed = sealRequest(sample, k.hisKeys);
    expect(Buffer.from(sealed.signData as string, 'base64')).toHaveLength(64);
  });

  it('a flipped ciphertext, a changed header field or a foreign key is refused with 000102/000101', () => {
    const sealed = sealRequest(sample, k.hisKeys);
    expectCode(() => openRequest({ ...sealed, timestamp: '20260101000000' }, k.centerKeys), ErrorCode.BAD_SIGNATURE, 'signData');
    const enc = sealed.encData as string;
    const flipped = enc.slice(0, 10) + (enc[10] === 'A' ? 'B' : 'A') + enc.slice(11);
    const err = (() => {
      try {
        openRequest({ ...sealed, encData: flipped }, k.centerKeys);
      } catch (e) {
        return e as YibaoError;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(YibaoError);
    expect([ErrorCode.BAD_SIGNATURE, ErrorCode.CRYPTO, ErrorCode.INVALID_PARAM]).toContain(err!.code);
    const other = testKeys();
    expectCode(() => openRequest(sealed, { ...k.centerKeys, peerPublicKey: other.his.publicKey }), ErrorCode.BAD_SIGNATURE);
  });

  it('a missing or empty signData fails closed', () => {
    const sealed = sealRequest(sample, k.hisKeys);
    expectCode(() => openRequest({ ...sealed, signData: '' }, k.centerKeys), ErrorCode.BAD_SIGNATURE, 'signData');
    const { signData: _drop, ...unsigned } = sealed;
    expectCode(() => openRequest(unsigned, k.centerKeys), ErrorCode.BAD_SIGNATURE);
    expectCode(() => openRequest({ ...sealed, signData: '!!notbase64!!' }, k.centerKeys), ErrorCode.BAD_SIGNATURE);
  });

  it('an SM2 app cannot be verified without a public key: fail closed', () => {
    const sealed = sealRequest(sample, k.hisKeys);
    expectCode(() => openRequest(sealed, { appId: k.appId, appSecret: k.appSecret }), ErrorCode.BAD_SIGNATURE);
  });

  it('header problems are named: appId, version, timestamp, signType, encType, encData', () => {
    const sealed = sealRequest(sample, k.hisKeys);
    expectCode(() => peekAppId('{"version":"2.0.1"}'), ErrorCode.INVALID_PARAM, 'appId: 必填');
    expectCode(() => peekAppId('not json'), ErrorCode.INVALID_PARAM, '不是有效的 JSON');
    expectCode(() => peekAppId('[1,2]'), ErrorCode.INVALID_PARAM, '应为 JSON 对象');
    expectCode(() => openRequest({ ...sealed, version: undefined as never }, k.centerKeys), ErrorCode.INVALID_PARAM, 'version: 必填');
    expectCode(() => openRequest({ ...sealed, timestamp: '2020-13-45' }, k.centerKeys), ErrorCode.INVALID_PARAM, 'timestamp');
    expectCode(() => openRequest({ ...sealed, signType: 'RSA' }, k.centerKeys), ErrorCode.INVALID_PARAM, 'signType: 应为 SM2 或 SM3');
    expectCode(() => openRequest({ ...sealed, encType: 'AES' }, k.centerKeys), ErrorCode.INVALID_PARAM, 'encType');
    expectCode(() => openRequest({ ...sealed, encData: '' }, k.centerKeys), ErrorCode.INVALID_PARAM, 'encData: 必填');
    expectCode(() => openRequest({ ...sealed, encData: 'ABC' }, k.centerKeys), ErrorCode.CRYPTO, 'encData: 解密失败');
    expectCode(() => openRequest({ ...sealed, encData: 12 as never }, k.centerKeys), ErrorCode.INVALID_PARAM, 'encData');
    expectCode(() => openRequest({ ...sealed, appId: 'X'.repeat(33) }, k.centerKeys), ErrorCode.INVALID_PARAM, '长度不能超过 32');
  });

  it('duplicate keys in the wire JSON are refused rather than silently resolved', () => {
    const sealed = sealRequest(sample, k.hisKeys, { encType: 'plain' });
    const text = stringifyWire(sealed).replace('"appId":', '"appId":"other","appId":');
    expectCode(() => openRequest(text, k.centerKeys), ErrorCode.INVALID_PARAM, '不是有效的 JSON');
  });

  it('response: code/message/success are signed; a business failure is returned, a bad signature thrown', () => {
    const ok = sealResponse({ code: '0', data: { payOrdId: 'P1', ordStas: '1' } }, k.centerKeys);
    expect(ok.timestamp).toMatch(/^\d{17}$/);
    const opened = openResponse(stringifyWire(ok), k.hisKeys);
    expect(opened).toMatchObject({ code: '0', success: true, message: '成功' });
    expect(opened.plainData).toEqual({ payOrdId: 'P1', ordStas: '1' });

    const fail = sealResponse({ code: '000105', message: 'data.psnNo: 必填（人员编号）' }, k.centerKeys);
    const openedFail = openResponse(fail, k.hisKeys);
    expect(openedFail).toMatchObject({ code: '000105', success: false, plainData: undefined });

    expectCode(() => openResponse({ ...ok, code: '-1' }, k.hisKeys), ErrorCode.BAD_SIGNATURE);
    expectCode(() => openResponse({ ...ok, success: false }, k.hisKeys), ErrorCode.BAD_SIGNATURE);
    expectCode(() => openResponse({ ...ok, signData: undefined as never }, k.hisKeys), ErrorCode.BAD_SIGNATURE);
    expectCode(() => openResponse('{"message":"x"}', k.hisKeys), ErrorCode.INVALID_PARAM, 'code: 必填');
  });

  it('6302 callback: sealed by the center with the platform key, opened by the HIS', () => {
    const sealed = sealCallback({ payOrdId: 'P1', callType: '02', feeSumamt: new LosslessNumber('1.00') }, k.centerKeys);
    const opened = openCallback(stringifyWire(sealed), k.hisKeys);
    expect(opened.plainData).toMatchObject({ payOrdId: 'P1', callType: '02', feeSumamt: '1.00' });
  });

  it('callback acknowledgements: the spec example shape, the bare shape, and garbage', () => {
    expect(parseCallbackAck(stringifyWire(buildCallbackAck(true)))).toEqual({ success: true, message: '院内处理回调成功' });
    expect(parseCallbackAck('{"success":false,"message":"库存不足"}')).toEqual({ success: false, message: '库存不足' });
    expect(parseCallbackAck('{"data":{"success":true,"message":"ok"},"code":"0","msg":"接口调用成功"}').success).toBe(true);
    expect(parseCallbackAck('<html>500</html>').success).toBe(false);
    expect(parseCallbackAck('"true"').success).toBe(false);
  });

  it('6204 redirect round trip, and its failures', () => {
    const url = build6204Redirect('https://his.example.cn/pay/return?x=1', k, { payOrdId: 'P1', feeSumamt: new LosslessNumber('3.50') }, 'WX');
    const u = new URL(url);
    expect(u.searchParams.get('mpcAppId')).toBe(k.appId);
    expect(u.searchParams.get('chnlType')).toBe('WX');
    expect(u.searchParams.get('x')).toBe('1');
    const opened = open6204Redirect(u.search, (id) => (id === k.appId ? k.appSecret : undefined));
    expect(opened.data).toEqual({ payOrdId: 'P1', feeSumamt: '3.50' });
    expectCode(() => open6204Redirect(u.searchParams, () => undefined), ErrorCode.UNKNOWN_APP);
    expectCode(() => open6204Redirect('mpcAppId=a&chnlType=WX', () => 's'), ErrorCode.INVALID_PARAM, 'encData: 必填');
    expectCode(() => open6204Redirect(u.searchParams, () => 'wrong-secret-000'), ErrorCode.CRYPTO);
  });

  it('cashier launch parameters (3.1.2.1.5.1) round trip', () => {
    const url = buildCashierLaunchUrl('http://127.0.0.1:8080/cashier?payOrdId=P1', k, { payAuthNo: 'AUTH1', deposit: new LosslessNumber('123.45') });
    const u = new URL(url);
    expect(u.searchParams.get('chnlAppId')).toBe(k.appId);
    expect(openCashierLaunchParams(k.appId, u.searchParams.get('chnlEncData')!, k.appSecret)).toEqual({ payAuthNo: 'AUTH1', deposit: '123.45' });
  });
});

// Arbitrary JSON data: Chinese text, nested lists, empty values, decimal numbers.
const decimal = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 14n }), fc.integer({ min: 0, max: 99 }))
  .map(([i, f]) => new LosslessNumber(`${i}.${String(f).padStart(2, '0')}`));
const leaf = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('', '医保', '张三', '"\\/\n'), decimal, fc.boolean(), fc.constant(null), fc.integer().map((n) => new LosslessNumber(String(n))));
const key = fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('psnNo', 'feedetailList', '__proto__', 'constructor', '中文键'));
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 6 }),
})).value;
const dataArb = fc.dictionary(key, json, { maxKeys: 8 });

describe('the receiver, not the message, decides the signature type', () => {
  it('a receiver that knows the peer\'s SM2 key refuses an SM3-signed message (000102), request, response and callback alike', () => {
    const downgraded = sealRequest(sample, k.hisKeys, { signType: 'SM3' });
    expect(() => openRequest(downgraded, k.centerKeys)).toThrow(/signType: 不接受 SM3 签名，本应用约定 SM2/);
    try {
      openRequest(downgraded, k.centerKeys);
    } catch (e) {
      expect((e as YibaoError).code).toBe('000102');
    }
    const reply = sealResponse({ code: '0', message: '成功', success: true, data: { ordStas: '6' } }, { appId: k.appId, appSecret: k.appSecret }, { signType: 'SM3' });
    expect(() => openResponse(reply, k.hisKeys)).toThrow(/不接受 SM3/);
    // Configured for SM3, it takes SM3; without the peer's key, either.
    expect(openRequest(downgraded, k.centerKeys, { signTypes: ['SM3'] }).plainData.feeSumamt).toBe('12.30');
    expect(openRequest(downgraded, { appId: k.appId, appSecret: k.appSecret }).plainData.feeSumamt).toBe('12.30');
    expect(() => openRequest(sealRequest(sample, k.hisKeys), k.centerKeys, { signTypes: ['SM3'] })).toThrow(/不接受 SM2/);
  });
});

describe('property: seal → open round-trips arbitrary data', () => {
  for (const signType of ['SM2', 'SM3'] as const) {
    it(`${signType}`, () => {
      fc.assert(
        fc.property(dataArb, fc.constantFrom('SM4' as const, 'plain' as const), (data, encType) => {
          const sealed = sealRequest(data, k.hisKeys, { signType, encType });
          const opened = openRequest(stringifyWire(sealed), k.centerKeys, { signTypes: [signType] });
          expect(stringifyWire(opened.data)).toBe(stringifyWire(parseWireObject(stringifyWire(data))));
        }),
        { numRuns: signType === 'SM2' ? 60 : 150 },
      );
    });
  }

  it('any change to a signed value is detected', () => {
    fc.assert(
      fc.property(dataArb, fc.string({ minLength: 1 }), (data, extra) => {
        const sealed = sealRequest(data, k.hisKeys, { signType: 'SM3', encType: 'plain' }) as WireObject;
        const tampered = { ...sealed, data: { ...(sealed.data as object), tamperedField: extra } };
        expect(() => openRequest(tampered, k.centerKeys)).toThrow(YibaoError);
      }),
      { numRuns: 100 },
    );
  });
});
