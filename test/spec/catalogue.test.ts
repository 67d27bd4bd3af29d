import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LosslessNumber, stringify } from 'lossless-json';
import {
  configureDictionary,
  decimalTimesToFen,
  DICTIONARIES,
  dictName,
  fenToYuan,
  fieldMeta,
  getTxn,
  isOptional,
  ordStas,
  PORTAL_CODES,
  refdType,
  toWire,
  transactions,
  validate,
  validateTxn,
  yuanToFen,
  type CodeOf,
} from '../../packages/yibao/src/spec/index.js';
import { toPlain } from '../../packages/yibao/src/protocol/json.js';
import { upload6201 } from '../helpers/his.js';

const sample = () =>
  toPlain(
    upload6201({
      orgCodg: 'H35010200227',
      psnNo: 'P1',
      idNo: '350102198503120034',
      userName: '张三',
      insutype: '310',
      ecToken: 'EC1',
      lines: [
        { medListCodg: 'A', cnt: '1', pric: '1' },
        { medListCodg: 'B', cnt: '2', pric: '2.5' },
        { medListCodg: 'C', cnt: '1', pric: '3' },
        { medListCodg: 'D', cnt: '1', pric: '4' },
      ],
    }),
  ) as Record<string, any>;

describe('the transaction catalogue', () => {
  it('has every transaction of the four specs with input and output schemas', () => {
    expect(Object.keys(transactions).sort()).toEqual(
      ['1101', '6101', '6201', '6202', '6203', '6204', '6205', '6301', '6302', '6401', 'cn.nhsa.auth.check', 'cn.nhsa.ec.auth', 'cn.nhsa.settle.notify', 'oneCodePayCert', 'oneCodeStatus', 'pushMsg', 'verificationDrug'].sort(),
    );
    for (const [id, t] of Object.entries(transactions)) {
      expect(t.input, id).toBeDefined();
      expect(t.output, id).toBeDefined();
      for (const [code, f] of Object.entries(t.input.properties)) {
        const m = fieldMeta(f as never);
        expect(m?.name, `${id}.${code}`).toBeTruthy();
        expect(m?.kind, `${id}.${code}`).toBeTruthy();
      }
    }
  });

  it('field counts match the spec tables', () => {
    const count = (id: string, dir: 'input' | 'output' = 'input') => Object.keys(getTxn(id)[dir].properties).length;
    expect(count('6201')).toBe(65);
    const t6201 = getTxn('6201').input.properties as Record<string, any>;
    expect(Object.keys(t6201.diseinfoList.items.properties)).toHaveLength(9);
    expect(Object.keys(t6201.feedetailList.items.properties)).toHaveLength(39);
    expect(count('6101')).toBe(9); // 8 of 表 1 + yibao's ecQrCode
    expect(count('6101', 'output')).toBe(11);
    expect(count('6202')).toBe(11);
    expect(count('6202', 'output')).toBe(9);
    expect(count('6203')).toBe(11);
    expect(count('6203', 'output')).toBe(6);
    expect(count('6204')).toBe(9);
    expect(count('6301')).toBe(7);
    expect(count('6301', 'output')).toBe(19);
    expect(count('6302')).toBe(18);
    expect(count('6401')).toBe(7);
    expect(count('oneCodePayCert')).toBe(9);
    expect(count('cn.nhsa.settle.notify')).toBe(28);
  });

  it('records the spec flag verbatim where yibao enforces otherwise', () => {
    const p = getTxn('6201').input.properties as Record<string, any>;
    expect(fieldMeta(p.fetts)!.specRequired).toBe(true);
    expect(isOptional(p.fetts)).toBe(true);
    expect(fieldMeta(p.acctUsedFlag)!.specRequired).toBe(true);
    expect(isOptional(p.acctUsedFlag)).toBe(false);
  });

  it('a full, valid 6201 passes', () => {
    expect(validateTxn('6201', 'input', sample())).toEqual([]);
  });

  it('names each problem with path, rule and Chinese name', () => {
    const d = sample();
    d.feedetailList[3].pric = '1.1234567';
    delete d.psnNo;
    d.idType = '0001';
    d.begntime = '2026/11/22 09:30';
    d.diseinfoList = 'x';
    d.medfeeSumamt = '12.345';
    const issues = validateTxn('6201', 'input', d);
    const messages = issues.map((i) => i.message);
    expect(messages).toContain('data.feedetailList[3].pric: 应为数值(16,6)（单价）');
    expect(messages).toContain('data.psnNo: 必填（人员编号）');
    expect(messages).toContain('data.idType: 长度不能超过 3（证件类别）');
    expect(messages).toContain('data.begntime: 应为 yyyy-MM-dd HH:mm:ss 格式（开始时间）');
    expect(messages).toContain('data.diseinfoList: 应为数组（诊断或症状明细）');
    expect(messages).toContain('data.medfeeSumamt: 应为数值(16,2)（医疗费总额）');
    const pric = issues.find((i) => i.path === 'data.feedetailList[3].pric')!;
    expect(pric).toMatchObject({ rule: 'decimal', field: 'pric', name: '单价' });
  });

  it('dictionaries, formats and cross-field rules', () => {
    const refund = { payOrdId: 'P', appRefdSn: 'A', appRefdTime: '20261122093000', totlRefdAmt: '1.00', cashRefdAmt: '1.00', refdType: 'SOME' };
    const m = validateTxn('6203', 'input', refund).map((i) => i.message);
    expect(m).toContain('data.refdType: 应为 ALL/CASH/HI 之一（退费类型）');
    expect(m).toContain('data.ecToken: 与 payAuthNo 不可同时为空（电子凭证授权 Token）');
    expect(validateTxn('6203', 'input', { ...refund, refdType: 'ALL', ecToken: 'E', appRefdTime: '2026-11-22' }).map((i) => i.message)).toEqual(['data.appRefdTime: 应为 yyyyMMddHHmmss 格式（应用退费时间）']);
    const d = sample();
    d.rxCircFlag = '1';
    expect(validateTxn('6201', 'input', d).map((i) => i.message)).toEqual(['data.initRxOrd: rxCircFlag 为 1 时必填（要续方的原处方流水）']);
    const inpatient = { ...sample(), medType: '21', fetts: '', matnType: '' };
    expect(validateTxn('6201', 'input', inpatient).map((i) => i.path)).toEqual(['data.fetts', 'data.matnType']);
    // 1101 insuinfo: a list, or one object as face-one-code-pay.txt 6.2's own example sends it.
    const out1101 = { baseinfo: { psn_no: '131000202001001', psn_cert_type: '2', certno: '510000202001010000', psn_name: '李四', gend: '1', naty: '01', brdy: '2020-01-01', age: '18' }, idetinfo: [] };
    const insu = { psn_insu_rlts_id: '133241523001001', balc: '5000', insutype: '310', psn_type: '1001', cvlserv_flag: '0', insu_admdvs: '131002', emp_name: '测试单位' };
    const asObject = validateTxn('1101', 'output', { ...out1101, insuinfo: insu }).map((i) => i.path);
    expect(asObject.filter((p) => p.startsWith('data.insuinfo'))).toEqual([]);
    expect(validateTxn('1101', 'output', { ...out1101, insuinfo: [insu] }).map((i) => i.path).filter((p) => p.startsWith('data.insuinfo'))).toEqual([]);
    expect(validateTxn('1101', 'output', { ...out1101, insuinfo: 'x' }).map((i) => i.message)).toContain('data.insuinfo: 应为数组（参保信息列表）');
    const notify = { outBizNo: 'B', medicalSettleState: 'SUCCESS', operatorId: 'O', operatorName: 'O', totalFee: '1', bizType: 'settle', setlTime: '2026-11-23 09:30:00', hospitalName: 'H' };
    expect(validateTxn('cn.nhsa.settle.notify', 'input', notify).map((i) => i.field)).toEqual(['medicalSettleNo', 'ownAmt', 'hifAmt', 'acctAmt', 'hifpAmt']);
    expect(validateTxn('cn.nhsa.settle.notify', 'input', { ...notify, medicalSettleState: 'FAIL' })).toEqual([]);
    expect(validateTxn('cn.nhsa.settle.notify', 'input', { ...notify, medicalSettleState: 'FAIL', bizType: 'x' }).map((i) => i.message)).toEqual(['data.bizType: 应为 register/settle/drugStore 之一（业务场景）']);
    expect(validateTxn('6201', 'input', { ...sample(), expContent: 'not json' }).map((i) => i.message)).toEqual(['data.expContent: 应为 JSON 对象字符串（扩展数据）']);
    expect(validateTxn('6201', 'input', { ...sample(), expContent: '{"terminalNo":"123456789"}' }).map((i) => i.message)).toEqual(['data.expContent.terminalNo: 长度不能超过 8（终端号）']);
  });

  it('malformed input never throws: null, arrays, numbers, odd numerics', () => {
    for (const v of [null, undefined, [], 'x', 5, true]) {
      const issues = validateTxn('6301', 'input', v);
      expect(issues[0]!.message).toBe('data: 应为 JSON 对象（data）');
    }
    const base = { payOrdId: 'P', orgCodg: 'O', payToken: 'T', idNo: 'I', userName: 'U', idType: '01' };
    expect(validateTxn('6301', 'input', { ...base, idType: 1 })).toEqual([]); // numbers accepted for codes
    expect(validateTxn('6301', 'input', { ...base, idType: { a: 1 } })[0]!.rule).toBe('type');
    const money = (v: unknown) => validateTxn('6202', 'output', { payOrdId: 'P', ordStas: '6', feeSumamt: v, ownPayAmt: '0', psnAcctPay: '0', fundPay: '0', othFeeAmt: '0' });
    for (const bad of ['12345678901.00', '1e5', '12.345', ' 12.3', '-1.00', 'NaN', '', '1.', '.5', '0x10']) {
      const issues = money(bad);
      expect(issues.length, bad).toBe(1);
      expect(issues[0]!.path).toBe('data.feeSumamt');
    }
    for (const good of ['0', '12', '12.3', '12.30', '9999999999.99', 12.3, new LosslessNumber('1.20')]) expect(money(good), String(good)).toEqual([]);
    expect(validate(getTxn('6301').input, { ...base, extra: 'kept' })).toEqual([]);
  });

  it('toWire makes 数值型 fields JSON numbers with their exact text, recursively', () => {
    const out = toWire(getTxn('6201').input, { medfeeSumamt: '12.30', feedetailList: [{ cnt: '1.0000', pric: '12.300000', medListCodg: '00' }], psnNo: '001' });
    expect(stringify(out)).toBe('{"medfeeSumamt":12.30,"feedetailList":[{"cnt":1.0000,"pric":12.300000,"medListCodg":"00"}],"psnNo":"001"}');
  });

  it('property: any decimal within (p,s) validates, anything with more digits does not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 0, max: 6 }), fc.nat(), fc.nat(), (p, s0, a, b) => {
        const s = Math.min(s0, p - 1);
        const intDigits = Math.max(1, (a % (p - s)) + 1);
        const intPart = String(10 ** (intDigits - 1) + (b % 9)).slice(0, intDigits);
        const frac = s > 0 ? `.${'7'.repeat((b % s) + 1)}` : '';
        const schema = { type: 'object', properties: { v: { type: 'string', 'x-field': { name: '值', kind: '数值型', length: p, scale: s, specRequired: true } } } } as never;
        expect(validate(schema, { v: intPart + frac })).toEqual([]);
        expect(validate(schema, { v: '9'.repeat(p - s + 1) })).toHaveLength(1);
      }),
    );
  });
});

describe('money helpers', () => {
  it('yuan ↔ fen exactly', () => {
    expect(yuanToFen('12.30')).toBe(1230);
    expect(yuanToFen('12.3')).toBe(1230);
    expect(yuanToFen(0.1)).toBe(10);
    expect(yuanToFen('12.300')).toBe(1230);
    expect(() => yuanToFen('12.301')).toThrow(/两位小数/);
    expect(() => yuanToFen('1e3')).toThrow();
    expect(fenToYuan(1230)).toBe('12.30');
    expect(fenToYuan(5)).toBe('0.05');
    expect(fenToYuan(-5)).toBe('-0.05');
  });
  it('property: yuanToFen(fenToYuan(x)) = x for every safe integer', () => {
    fc.assert(fc.property(fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (x) => {
      expect(yuanToFen(fenToYuan(x))).toBe(x);
    }));
  });
  it('property: decimalTimesToFen matches a BigInt reference (half-up)', () => {
    const dec = (frac: number) => fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 6n }), fc.bigInt({ min: 0n, max: 10n ** BigInt(frac) - 1n })).map(([i, f]) => ({ text: `${i}.${f.toString().padStart(frac, '0')}`, scaled: i * 10n ** BigInt(frac) + f, frac }));
    fc.assert(
      fc.property(dec(4), dec(6), (c, p) => {
        const product = c.scaled * p.scaled; // × 10^10
        const expected = (product + 5n * 10n ** 7n) / 10n ** 8n;
        expect(BigInt(decimalTimesToFen(c.text, p.text))).toBe(expected);
      }),
    );
    expect(decimalTimesToFen('3', '0.335')).toBe(101);
    expect(decimalTimesToFen('1.0000', '100')).toBe(10000);
  });
});

describe('dictionaries', () => {
  it('typed unions with Chinese names', () => {
    const c: CodeOf<typeof refdType> = 'CASH';
    expect(dictName('refdType', c)).toBe('只退现金');
    expect(Object.keys(DICTIONARIES)).toEqual(expect.arrayContaining(['ordStas', 'callType', 'refdType', 'setlType', 'refStatus', 'chnlType', 'deposit_type', 'channel_type', 'result', 'account_type', 'code_type', 'mdtrt_cert_type', 'patient_type', 'ret_code', 'medicalSettleState', 'bizType', 'orderStatus', 'pushType']));
    expect(ordStas.entries['6']).toBe('结算完成');
  });
  it('configureDictionary replaces a table for the validator, and can be reset', () => {
    const out = (s: string) => validateTxn('6202', 'output', { payOrdId: 'P', ordStas: s, feeSumamt: '1', ownPayAmt: '1', psnAcctPay: '0', fundPay: '0', othFeeAmt: '0' });
    expect(out('S')).toHaveLength(1);
    configureDictionary('ordStas', { S: '成功', F: '失败' });
    try {
      expect(out('S')).toEqual([]);
      expect(out('6')[0]!.message).toBe('data.ordStas: 应为 S/F 之一（订单状态）');
    } finally {
      configureDictionary('ordStas');
    }
    expect(out('6')).toEqual([]);
  });
  it('the portal response codes are a typed catalogue', () => {
    expect(PORTAL_CODES.map((c) => c.code)).toEqual(['000000', '000001', '000002', '000003', '000100', '000101', '000102', '000105', '010010', '-1', '-2', '-3', '-4', '-5', '-6', '-7', '-8', '444444', '404404']);
  });
});
