import { describe, expect, it } from 'vitest';
import { buildMobileTransResponse, openPortalRequest, openPortalResponse, parseMobileTrans, sealPortalRequest, sealPortalResponse } from '../../packages/yibao/src/protocol/portal.js';
import { openTerminalRequest, openTerminalResponse, sealTerminalRequest, sealTerminalResponse } from '../../packages/yibao/src/protocol/terminal.js';
import { ErrorCode, YibaoError } from '../../packages/yibao/src/protocol/errors.js';
import { stringifyWire } from '../../packages/yibao/src/protocol/json.js';

// The spec's own DLL request example (regional-payment-portal.txt 动态库请求sReqt示例).
const sReqt = `{
  "data": {
    "serverAddr": "http://10.103.161.166:8080/api/amp/hos/pushMsg",
    "appId": "zxm3QCh5RA5SrXm2C3b5JDcGAHMtepFN",
    "appKey": "St72fYdfk6ph4YiFpMwa4yw8Tyr8wCmM",
    "encryptType": "SM4",
    "signType": "SM3",
    "timestamp": "2022-05-10 16:56:24",
    "version": "1.0.0",
    "hisCustType": "",
    "hisCustId": "532494",
    "appType": "01",
    "medOrgOrd": "ZL050509083457355366",
    "orderStatus": "MERCHANT_WAIT_PAY",
    "orgCode": "H46040100001",
    "patientName": "周大鹏",
    "pushType": "HOSPITAL_PAYMENT",
    "extData": null
  },
  "orgId": "H46010000000"
}`;

const keys = { appId: 'zxm3QCh5RA5SrXm2C3b5JDcGAHMtepFN', appSecret: 'St72fYdfk6ph4YiFpMwa4yw8Tyr8wCmM' };

describe('portal: MobileTrans JSON and the SM3/SM4 wire envelope', () => {
  it('splits the spec example into connection, business fields and orgId', () => {
    const req = parseMobileTrans(sReqt);
    expect(req.orgId).toBe('H46010000000');
    expect(req.connection).toMatchObject({ appId: keys.appId, appKey: keys.appSecret, encryptType: 'SM4', signType: 'SM3', version: '1.0.0' });
    expect(Object.keys(req.business)).toEqual(['hisCustType', 'hisCustId', 'appType', 'medOrgOrd', 'orderStatus', 'orgCode', 'patientName', 'pushType', 'extData']);
  });

  it('names each missing connection field', () => {
    const broken = JSON.parse(sReqt);
    delete broken.data.appKey;
    expect(() => parseMobileTrans(JSON.stringify(broken))).toThrow('data.appKey: 必填（应用秘钥）');
    expect(() => parseMobileTrans('{"data":{}}')).toThrow('orgId: 必填');
    expect(() => parseMobileTrans('{"orgId":"x"}')).toThrow('data: 必填');
  });

  it('answers in the DLL response shape: numeric code 0 on success, exact code in extra otherwise', () => {
    expect(buildMobileTransResponse({ respCode: '000000', message: '成功', data: { response: 'SUCCESS' }, orgId: 'H1' })).toEqual({
      code: 0,
      data: { response: 'SUCCESS' },
      extra: '',
      message: '成功',
      orgId: 'H1',
    });
    expect(buildMobileTransResponse({ respCode: '000102', message: '签名无效', orgId: 'H1' })).toMatchObject({ code: 102, extra: '000102' });
    expect(buildMobileTransResponse({ respCode: '-6', message: '限流', orgId: 'H1' }).code).toBe(-6);
  });

  it('wire envelope: SM3 signature, SM4 data, portal time format; tampering is refused', () => {
    const { business, orgId } = parseMobileTrans(sReqt);
    const sealed = sealPortalRequest(business, keys, { orgId });
    expect(sealed).toMatchObject({ signType: 'SM3', encType: 'SM4', version: '1.0.0', orgId });
    expect(sealed.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(sealed.signData).toMatch(/^[0-9A-F]{64}$/);
    const opened = openPortalRequest(stringifyWire(sealed), keys);
    expect(opened.plainData.patientName).toBe('周大鹏');
    expect(() => openPortalRequest({ ...sealed, orgId: 'H0' }, keys)).toThrow(YibaoError);
    expect(() => openPortalRequest({ ...sealed, signData: (sealed.signData as string).toLowerCase() }, keys)).not.toThrow();

    const reply = sealPortalResponse({ code: '000000', message: '成功', data: { response: 'SUCCESS' }, orgId }, keys);
    expect(openPortalResponse(stringifyWire(reply), keys).plainData).toEqual({ response: 'SUCCESS' });
    try {
      openPortalResponse({ ...reply, code: '000001' }, keys);
      throw new Error('accepted');
    } catch (e) {
      expect((e as YibaoError).code).toBe(ErrorCode.BAD_SIGNATURE);
    }
  });
});

describe('terminal envelope', () => {
  const tk = { appId: 'TERM0000000000000001', appSecret: 'terminal-secret-0001' };
  it('request/response round trip with 0000 for success', () => {
    const req = sealTerminalRequest('cn.nhsa.ec.auth', 'H35010200227', { orgId: 'H35010200227', outBizNo: 'B1', businessType: '01101' }, tk);
    const opened = openTerminalRequest(stringifyWire(req), tk);
    expect(opened.transType).toBe('cn.nhsa.ec.auth');
    expect(opened.plainData.outBizNo).toBe('B1');
    const reply = sealTerminalResponse({ code: '0000', message: '成功', transType: 'cn.nhsa.ec.auth', data: { authNo: 'A1', outBizNo: 'B1' } }, tk);
    expect(openTerminalResponse(reply, tk)).toMatchObject({ success: true, plainData: { authNo: 'A1', outBizNo: 'B1' } });
  });
  it('an unknown transType is 404404 and a tampered one 000102', () => {
    const req = sealTerminalRequest('cn.nhsa.settle.notify', 'H1', { outBizNo: 'B1' }, tk);
    expect(refusal(() => openTerminalRequest({ ...req, transType: 'cn.nhsa.unknown' }, tk)).code).toBe(ErrorCode.NOT_OPENED);
    expect(refusal(() => openTerminalRequest({ ...req, transType: 'cn.nhsa.ec.auth' }, tk)).code).toBe(ErrorCode.BAD_SIGNATURE);
  });
  it('a malformed request names the header field: 000105, never a crash', () => {
    const req = sealTerminalRequest('cn.nhsa.settle.notify', 'H1', { outBizNo: 'B1' }, tk) as Record<string, unknown>;
    const without = (f: string) => Object.fromEntries(Object.entries(req).filter(([k]) => k !== f)) as never;
    for (const [field, name] of [['appId', '应用ID'], ['orgId', '机构 ID'], ['transType', '交易类型编码'], ['timestamp', '时间戳']]) {
      expect(refusal(() => openTerminalRequest(without(field!), tk)), field).toMatchObject({ code: ErrorCode.INVALID_PARAM, message: expect.stringContaining(`${field}: `) });
      expect(refusal(() => openTerminalRequest(without(field!), tk)).message).toContain(name);
    }
    expect(refusal(() => openTerminalRequest({ ...req, timestamp: '2026-13-45 99:00:00' } as never, tk))).toMatchObject({ code: ErrorCode.INVALID_PARAM, field: 'timestamp' });
    expect(refusal(() => openTerminalRequest({ ...req, orgId: 42 } as never, tk))).toMatchObject({ code: ErrorCode.INVALID_PARAM, field: 'orgId' });
    expect(refusal(() => openTerminalRequest('{"appId":', tk)).code).toBe(ErrorCode.INVALID_PARAM);
    expect(refusal(() => openTerminalRequest('[]', tk)).code).toBe(ErrorCode.INVALID_PARAM);
  });
});

describe('portal envelope, malformed', () => {
  it('names the header field: 000105, never a crash', () => {
    const { business, orgId } = parseMobileTrans(sReqt);
    const sealed = sealPortalRequest(business, keys, { orgId }) as Record<string, unknown>;
    const without = (f: string) => Object.fromEntries(Object.entries(sealed).filter(([k]) => k !== f)) as never;
    for (const [field, name] of [['appId', '应用ID'], ['orgId', '机构ID'], ['timestamp', '时间戳']]) {
      const e = refusal(() => openPortalRequest(without(field!), keys));
      expect(e, field).toMatchObject({ code: ErrorCode.INVALID_PARAM, field });
      expect(e.message).toContain(name);
    }
    expect(refusal(() => openPortalRequest(without('encData'), keys)).code).not.toBe('0');
    expect(refusal(() => openPortalRequest('not json', keys)).code).toBe(ErrorCode.INVALID_PARAM);
  });
});

/** The YibaoError a call throws; fails the test if it throws nothing (or something else). */
function refusal(fn: () => unknown): YibaoError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(YibaoError);
    return e as YibaoError;
  }
  throw new Error('accepted, but should have been refused');
}
