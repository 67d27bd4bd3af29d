import { describe, expect, it } from 'vitest';
import { checkMsgid, fsiSignString, makeMsgid, makeRefmsgid, openFsiRequest, openFsiResponse, sealFsiRequest, sealFsiResponse, type FsiRequestHeader } from '../../packages/yibao/src/protocol/fsi.js';
import { ErrorCode, YibaoError } from '../../packages/yibao/src/protocol/errors.js';
import { parseWireObject, stringifyWire } from '../../packages/yibao/src/protocol/json.js';
import { testKeys } from '../helpers/keys.js';

const k = testKeys();
const header: FsiRequestHeader = {
  infno: '1101',
  mdtrtarea_admvs: '350100',
  insuplc_admdvs: '350100',
  recer_sys_code: 'MBS_LOCAL',
  opter_type: '1',
  opter: '01',
  opter_name: '张三',
  fixmedins_code: 'H35010200227',
  fixmedins_name: '第一人民医院',
  app_id: k.appId,
};
const his = { privateKey: k.his.privateKey, peerPublicKey: k.platform.publicKey, appSecret: k.appSecret };
const fsi = { privateKey: k.platform.privateKey, peerPublicKey: k.his.publicKey, appSecret: k.appSecret };
const input = { data: { psn_cert_type: '2', certno: '510000202001010000', psn_name: '李四', begntime: '2020-01-01' } };

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(YibaoError);
    return (e as YibaoError).code;
  }
  return 'no error';
}

describe('FSI envelope (face-one-code-pay.txt ch. 3)', () => {
  it('msgid = code(12) + yyyyMMddHHmmss + seq(4), inf_refmsgid = admdvs(6) + time(14) + seq(10)', () => {
    const d = new Date('2020-01-04T04:35:39Z');
    expect(makeMsgid('H00000000001', d, 1234)).toBe('H00000000001202001041235391234');
    expect(makeRefmsgid('000000', d, 1234567890)).toBe('000000202001041235391234567890');
    expect(checkMsgid('H00000000001202001041235391234', 'H00000000001')).toBeUndefined();
    expect(checkMsgid('H0000000000120200104123539123')).toMatch(/30 位/);
    expect(checkMsgid('H00000000001202013041235391234')).toMatch(/时间/);
    expect(checkMsgid('H00000000001202001041235391234', 'H00000000002')).toMatch(/fixmedins_code/);
    expect(() => makeMsgid('H123')).toThrow(/12 位/);
  });

  it('cainfo covers the sorted header without cainfo and input, empty values left out', () => {
    expect(fsiSignString({ b: '2', a: '1', cainfo: 'x', input: { z: 1 }, dev_no: '', sign_no: null }, 'input')).toBe('a=1&b=2');
  });

  for (const encrypt of [false, true]) {
    it(`request and response round trip (${encrypt ? 'SM4' : 'plain'} input)`, () => {
      const sealed = sealFsiRequest(header, input, his, { encrypt });
      expect(sealed.msgid).toMatch(/^H35010200227\d{18}$/);
      expect(sealed.inf_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      if (encrypt) expect(typeof sealed.input).toBe('string');
      const opened = openFsiRequest(stringifyWire(sealed), fsi);
      expect(opened.plainInput).toEqual(input);
      expect(opened.header.infno).toBe('1101');

      const reply = sealFsiResponse({ infcode: 0, output: { baseinfo: { psn_no: '131000202001001', age: 18 } }, app_id: k.appId, admdvs: '350100' }, fsi, { encrypt });
      expect(reply.inf_refmsgid).toMatch(/^350100\d{24}$/);
      expect(reply.respond_time).toMatch(/^\d{17}$/);
      const back = openFsiResponse(stringifyWire(reply), his);
      expect(back.infcode).toBe(0);
      expect(back.plainOutput).toEqual({ baseinfo: { psn_no: '131000202001001', age: '18' } });
    });
  }

  it('header tampering, a missing cainfo and header errors are refused with the field named', () => {
    const sealed = parseWireObject(stringifyWire(sealFsiRequest(header, input, his)));
    expect(codeOf(() => openFsiRequest({ ...sealed, opter: '02' }, fsi))).toBe(ErrorCode.BAD_SIGNATURE);
    expect(codeOf(() => openFsiRequest({ ...sealed, cainfo: '' }, fsi))).toBe(ErrorCode.BAD_SIGNATURE);
    expect(() => openFsiRequest({ ...sealed, infno: '' }, fsi)).toThrow('infno: 必填（交易编号）');
    expect(() => openFsiRequest({ ...sealed, msgid: 'short' }, fsi)).toThrow(/msgid: 应为/);
    expect(() => openFsiRequest({ ...sealed, inf_time: '20200101' }, fsi)).toThrow(/inf_time: 应为 yyyy-MM-dd HH:mm:ss/);
    expect(() => openFsiRequest({ ...sealed, opter_type: '9' }, fsi)).toThrow(/opter_type: 应为 1\/2\/3/);
    expect(() => openFsiRequest({ ...sealed, input: '' }, fsi)).toThrow('input: 必填（交易输入）');
    // The spec's 6.1 example spells recer_sys_code as recec_sys_code: read as the same field.
    const { recer_sys_code: rsc, ...exampleSpelling } = header as unknown as Record<string, string>;
    const asExample = parseWireObject(stringifyWire(sealFsiRequest({ ...exampleSpelling, recec_sys_code: rsc } as never, input, his)));
    expect(openFsiRequest(asExample, fsi).header).toMatchObject({ infno: header.infno, recer_sys_code: rsc });
    // 表 3 row 3 spells mdtrtarea_admvs as mdrtarea_admvs: read as the same field, handed on by 表 3's other name.
    const { mdtrtarea_admvs: area, ...tableSpelling } = header as unknown as Record<string, string>;
    const asTable = parseWireObject(stringifyWire(sealFsiRequest({ ...tableSpelling, mdrtarea_admvs: area } as never, input, his)));
    expect(openFsiRequest(asTable, fsi).header.mdtrtarea_admvs).toBe(area);
    expect(() => openFsiRequest({ ...sealed, mdtrtarea_admvs: '' }, fsi)).toThrow('mdtrtarea_admvs: 必填（就医地医保区划）');
    expect(() => openFsiRequest({ ...sealed, recer_sys_code: '' }, fsi)).toThrow('recer_sys_code: 必填（接收方系统代码）');
    expect(() => openFsiRequest('{', fsi)).toThrow(/不是有效的 JSON/);
  });

  it('an unsigned or tampered reply fails closed on the HIS side', () => {
    const reply = sealFsiResponse({ infcode: -1, err_msg: '人员不存在' }, fsi);
    expect(openFsiResponse(reply, his)).toMatchObject({ infcode: -1, err_msg: '人员不存在' });
    expect(codeOf(() => openFsiResponse({ ...reply, infcode: 0 }, his))).toBe(ErrorCode.BAD_SIGNATURE);
    expect(codeOf(() => openFsiResponse({ ...reply, cainfo: '' }, his))).toBe(ErrorCode.BAD_SIGNATURE);
    expect(() => openFsiResponse({ ...reply, infcode: 'x' }, his)).toThrow(/infcode/);
  });
});
