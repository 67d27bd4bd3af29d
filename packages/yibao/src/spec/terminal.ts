import type { TSchema } from '@sinclair/typebox';
import { fieldMeta, node, opt, req } from './field.js';
import { parseWireTime } from '../protocol/time.js';
import type { CrossRule, FieldIssue } from './validate.js';
import { isEmpty } from './validate.js';

/** 医保业务综合服务终端 (service-terminal.txt). 可空 N = required. */
const SPEC = 'service-terminal.txt';

/** 1.1 cn.nhsa.ec.auth 请求参数. */
export const InEcAuth = node('data', {
  orgId: req.str('机构 ID', 40, { note: '医保定点机构代码' }),
  outBizNo: req.str('定点医药机构本次业务流水号', 64, { note: '不可重复，每次请求都需要唯一' }),
  businessType: req.str('用码业务类型', 5, { dict: 'businessType' }),
  operatorId: req.str('收款员编号', 20),
  operatorName: req.str('收款员姓名', 30),
  officeId: req.str('医保科室编号', 20),
  officeName: req.str('科室名称', 30),
  extData: opt.str('扩展参数', 4000, { note: 'JSON 对象字符串' }),
});
export const OutEcAuth = node('data', {
  authNo: req.str('实人认证业务流水号', 64, { note: '用于后续与中台交互换取身份信息' }),
  fToken: opt.str('人像令牌', 200, { note: '用于后续换取用户人像照片' }),
  outBizNo: req.str('定点医药机构本次业务流水号', 64),
  extData: opt.str('扩展参数', 4000),
});

/** 1.3 获取医保用户身份信息: by authNo; fields of the e-voucher identity (as 6101's output). */
export const InAuthCheck = node('data', {
  orgId: req.str('机构 ID', 40),
  authNo: req.str('实人认证业务流水号', 64),
  outBizNo: req.str('定点医药机构本次业务流水号', 64),
  businessType: req.str('用码业务类型', 5, { dict: 'businessType' }),
  operatorId: req.str('收款员编号', 20),
  operatorName: req.str('收款员姓名', 30),
  officeId: opt.str('医保科室编号', 20),
  officeName: opt.str('科室名称', 30),
});
export const OutAuthCheck = node('data', {
  userName: req.str('用户姓名', 50),
  idNo: req.str('证件号码', 30),
  idType: req.str('证件类型', 3, { dict: 'psn_cert_type' }),
  ecToken: req.str('身份核验令牌', 40),
  insuOrg: req.str('参保地行政区划', 6),
  authNo: opt.str('授权流水号', 64),
  ecIndexNo: opt.str('外部索引号', 32),
  gender: opt.str('性别', 3),
  birthday: opt.str('出生日期', 10),
  nationality: opt.str('国籍', 40),
  email: opt.str('电子邮箱', 40),
});

const CONDITIONAL = ['medicalSettleNo', 'ownAmt', 'hifAmt', 'acctAmt', 'hifpAmt'] as const;
const AMOUNTS = ['totalFee', 'ownAmt', 'hifAmt', 'acctAmt', 'hifpAmt', 'hifmiAmt', 'cvlservAmt', 'maAmt', 'hosPreAmt', 'medOverLmtAmt', 'mafAmt', 'cvlservDedcAmt', 'balance'] as const;
const fieldName = (f: string): string => fieldMeta((InSettleNotify.properties as Record<string, TSchema>)[f]!)?.name ?? f;

/** 1.2 cn.nhsa.settle.notify 请求参数. */
export const InSettleNotify = node('data', {
  outBizNo: req.str('核身或者刷脸的医疗机构业务流水号', 64, { note: '需要传核身接口或者电子凭证接口里的流水号' }),
  medicalSettleState: req.str('医保/自费结算状态', 64, { dict: 'medicalSettleState' }),
  authNo: opt.str('实人认证业务流水号', 64),
  operatorId: req.str('收款员编号', 20),
  operatorName: req.str('收款员姓名', 30),
  totalFee: req.str('总费用', 64),
  bizType: req.str('业务场景', 30, { dict: 'bizType' }),
  idNo: opt.str('身份证', 64),
  userName: opt.str('姓名', 64),
  setlTime: req.str('结算时间', 64),
  hospitalName: req.str('定点机构名称', 64),
  officeId: opt.str('科室编号', 20),
  officeName: opt.str('科室名称', 30),
  doctorName: opt.str('医生', 64),
  failReason: opt.str('失败原因', 200),
  // 以下当 medicalSettleState=SUCCESS 或 REFUND_SUCCESS 时需要传（自费不需要传）
  medicalSettleNo: opt.str('医保单据流水号', 64, { specRequired: true, note: 'SUCCESS/REFUND_SUCCESS 时必填' }),
  ownAmt: opt.str('自费费用', 64, { specRequired: true, note: 'SUCCESS/REFUND_SUCCESS 时必填' }),
  hifAmt: opt.str('医保报销费用', 64, { specRequired: true, note: 'SUCCESS/REFUND_SUCCESS 时必填' }),
  acctAmt: opt.str('个人帐户支出', 64, { specRequired: true, note: 'SUCCESS/REFUND_SUCCESS 时必填' }),
  hifpAmt: opt.str('统筹基金支出', 64, { specRequired: true, note: 'SUCCESS/REFUND_SUCCESS 时必填' }),
  hifmiAmt: opt.str('大额医疗保险支出', 64),
  cvlservAmt: opt.str('公务员补助', 64),
  maAmt: opt.str('医疗救助', 64),
  hosPreAmt: opt.str('单病种定点医疗机构垫支', 64),
  medOverLmtAmt: opt.str('药品超标扣款金额', 64),
  mafAmt: opt.str('扶贫救助', 64),
  cvlservDedcAmt: opt.str('历史起付公务员返还', 64),
  balance: opt.str('帐户余额', 64),
});
const settleNotifyRules: CrossRule[] = [
  (v, root) => {
    const needed = v.medicalSettleState === 'SUCCESS' || v.medicalSettleState === 'REFUND_SUCCESS';
    if (!needed) return [];
    return CONDITIONAL.filter((f) => isEmpty(v[f])).map(
      (f): FieldIssue => ({
        path: `${root}.${f}`,
        rule: 'rule',
        field: f,
        name: fieldName(f),
        message: `${root}.${f}: medicalSettleState 为 ${String(v.medicalSettleState)} 时必填（${fieldName(f)}）`,
      }),
    );
  },
  // The spec types the amounts 字符 (64); what the terminal shows must still be an amount of yuan.
  (v, root) =>
    AMOUNTS.filter((f) => !isEmpty(v[f]) && !/^\d{1,16}(\.\d{1,2})?$/.test(String(v[f]))).map(
      (f): FieldIssue => ({ path: `${root}.${f}`, rule: 'rule', field: f, name: fieldName(f), message: `${root}.${f}: 应为金额，单位元，最多两位小数（${fieldName(f)}）` }),
    ),
  // 结算时间 (字符 64): a time the terminal can show, in the specs' 日期时间型 or the wire's compact forms.
  (v, root) =>
    isEmpty(v.setlTime) || parseWireTime(String(v.setlTime))
      ? []
      : [{ path: `${root}.setlTime`, rule: 'rule', field: 'setlTime', name: fieldName('setlTime'), message: `${root}.setlTime: 应为 yyyy-MM-dd HH:mm:ss（${fieldName('setlTime')}）` }],
];
export const OutSettleNotify = node('data', {
  outBizNo: req.str('定点医药机构本次业务流水号', 64),
  extData: opt.str('扩展参数', 4000),
});


export const TERMINAL_PATH = '/terminal/api/trans';

export const terminalTransactions = {
  'cn.nhsa.ec.auth': { id: 'cn.nhsa.ec.auth', name: '刷脸获取医保用户身份授权', spec: `${SPEC} 1.1`, from: 'HIS', to: '医保业务综合服务终端', path: TERMINAL_PATH, input: InEcAuth, output: OutEcAuth },
  'cn.nhsa.auth.check': { id: 'cn.nhsa.auth.check', name: '获取医保用户身份信息', spec: `${SPEC} 1.3`, from: 'HIS', to: '医保业务综合服务终端', path: TERMINAL_PATH, input: InAuthCheck, output: OutAuthCheck },
  'cn.nhsa.settle.notify': { id: 'cn.nhsa.settle.notify', name: '结算结果通知', spec: `${SPEC} 1.2`, from: 'HIS', to: '医保业务综合服务终端', path: TERMINAL_PATH, input: InSettleNotify, output: OutSettleNotify, rules: settleNotifyRules },
} as const;
