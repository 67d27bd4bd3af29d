import type { Static } from '@sinclair/typebox';
import { node, opt, req } from './field.js';
import type { CrossRule, FieldIssue } from './validate.js';
import { isEmpty } from './validate.js';
import { statementTransactions } from './statement.js';

/**
 * The mobile payment center's transactions (mobile-payment.txt 2.3), field by field, in the order of
 * the spec tables. Where yibao enforces something other than the table's 是否必填, `specRequired`
 * keeps the table's word and docs/catalogue.md says why.
 */
const SPEC = 'mobile-payment.txt';

/** 表 4/9/11/16/19/22: expContent is a JSON string (字符型 4000) with the UnionPay personal-account fields. */
export const ExpContentUnionPay = node('expContent', {
  merchantNo: opt.str('医保个账商户号', 20, { note: '与银联约定值', specRequired: true }),
  terminalNo: opt.str('终端号', 8, { note: '与银联约定值', specRequired: true }),
  isvNo: opt.str('服务商号（渠道 ID）', 20, { note: '与银联约定值', specRequired: true }),
});
const expContent = (length = 4000) =>
  opt.str(length === 4000 ? '扩展数据' : '扩展字段', length, { json: ExpContentUnionPay, note: 'JSON 对象字符串；银联个账时含 merchantNo/terminalNo/isvNo（可参考 FSI 的接口要求）' });

/** 【6101】解析医保电子凭证二维码 表 1 (InData). */
export const In6101 = node('InData', {
  orgId: req.str('机构 ID', 40, { note: '医保定点机构代码' }),
  businessType: req.str('用码业务类型', 5, { note: '参见字典表-用码业务类型' }),
  businessInfo: opt.str('用码业务信息', 200),
  operatorId: req.str('操作员工号', 20),
  operatorName: req.str('操作员姓名', 30),
  officeId: req.str('医保科室编号', 20),
  officeName: req.str('科室名称', 30),
  deviceType: opt.str('设备类型', 30, { note: '自助机则设为 SelfService' }),
  ecQrCode: opt.str('电子凭证二维码值', 200, { note: 'yibao 扩展：规范经国家医保电子凭证动态库读码，未给字段名；HTTP 接口在此传二维码值' }),
});
/** 表 2 (OutData). */
export const Out6101 = node('OutData', {
  userName: req.str('用户姓名', 50),
  idNo: req.str('证件号码', 30),
  idType: req.str('证件类型', 3, { dict: 'psn_cert_type' }),
  ecToken: req.str('身份核验令牌', 40),
  insuOrg: req.str('参保地行政区划', 6),
  authNo: opt.str('授权流水号', 40),
  ecIndexNo: opt.str('外部索引号', 32),
  gender: opt.str('性别', 3),
  birthday: opt.str('出生日期', 10),
  nationality: opt.str('国籍', 40),
  email: opt.str('电子邮箱', 40),
});

/** 表 5 diseinfoList. */
export const DiseInfo = node('diseinfoList', {
  diagType: req.str('诊断类别', 3, { note: '字典诊断类别(diag_type)' }),
  diagSrtNo: req.int('诊断排序号', 2),
  diagCode: req.str('诊断代码', 20),
  diagName: req.str('诊断名称', 100),
  diagDept: req.str('诊断科室', 50),
  diseDorNo: req.str('诊断医生编码', 30),
  diseDorName: req.str('诊断医生姓名', 50),
  diagTime: req.str('诊断时间', 19, { format: 'yyyy-MM-dd HH:mm:ss' }),
  valiFlag: req.str('有效标志', 3),
});

/** 表 6 feedetailList. */
export const FeeDetail = node('feedetailList', {
  feedetlSn: req.str('费用明细流水号', 30, { note: '单次就诊内唯一' }),
  mdtrtId: opt.str('就诊 ID', 30),
  psnNo: req.str('人员编号', 30),
  chrgBchno: req.str('收费批次号', 30, { note: '同一收费批次号病种编号必须一致' }),
  diseCodg: opt.str('病种编码', 30),
  rxno: opt.str('处方号', 30),
  rxCircFlag: req.str('外购处方标志', 3),
  feeOcurTime: req.datetime('费用发生时间'),
  medListCodg: req.str('医疗目录编码', 50),
  medinsListCodg: req.str('医药机构目录编码', 150),
  detItemFeeSumamt: req.num('明细项目费用总额', 16, 2),
  cnt: req.num('数量', 16, 4),
  pric: req.num('单价', 16, 6),
  sinDosDscr: opt.str('单次剂量描述', 200),
  usedFrquDscr: opt.str('使用频次描述', 200),
  prdDays: opt.num('周期天数', 4, 2),
  medcWayDscr: opt.str('用药途径描述', 200),
  bilgDeptCodg: req.str('开单科室编码', 30),
  bilgDeptName: req.str('开单科室名称', 100),
  bilgDrCodg: req.str('开单医生编码', 30, { note: '按照标准编码填写' }),
  bilgDrName: req.str('开单医师姓名', 50),
  acordDeptCodg: opt.str('受单科室编码', 30),
  acordDeptName: opt.str('受单科室名称', 100),
  ordersDrCode: opt.str('受单医生编码', 30),
  ordersDrName: opt.str('受单医生姓名', 50),
  hospApprFlag: req.str('医院审批标志', 3),
  tcmdrugUsedWay: opt.str('中药使用方式', 6),
  etipFlag: opt.str('外检标志', 3),
  etipHospCode: opt.str('外检医院编码', 30),
  dscgTkdrugFlag: opt.str('出院带药标志', 3),
  matnFeeFlag: opt.str('生育费用标志', 6),
  initFeedetlSn: opt.str('原费用流水号', 30, { note: '退单时传入被退单的费用明细流水号' }),
  drordNo: opt.str('医嘱号', 30),
  medType: req.str('医疗类别', 6, { dict: 'med_type' }),
  memo: opt.str('备注', 500),
  expContent: opt.str('扩展字段', 5000, { note: '可参考 FSI 的接口要求' }),
  medListName: req.str('医疗目录名称', 50),
  medListSpc: req.str('医疗目录规格', 50),
  combNo: opt.str('组套编号', 3, { note: '是否必填在规范中为空' }),
});

/** 【6201】费用明细上传 表 3 (data). */
export const In6201 = node('data', {
  orgCodg: req.str('机构编码', 40, { note: '医保分配' }),
  orgId: opt.str('电子凭证机构号', 40),
  psnNo: req.str('人员编号', 30),
  insutype: req.str('险种类型', 6, { dict: 'insutype' }),
  medOrgOrd: req.str('医疗机构订单号', 40, { note: '院内产生惟一流水' }),
  initRxOrd: opt.str('要续方的原处方流水', 40, { note: 'rxCircFlag 为 1 时必传' }),
  rxCircFlag: opt.str('电子处方流转标志', 1, { dict: 'rxCircFlag' }),
  begntime: req.str('开始时间', 19, { format: 'yyyy-MM-dd HH:mm:ss', note: '挂号时间' }),
  idNo: req.str('证件号码', 40),
  userName: req.str('用户姓名', 40),
  idType: req.str('证件类别', 3, { dict: 'psn_cert_type' }),
  ecToken: req.str('电子凭证授权 ecToken', 64),
  insuCode: opt.str('就诊参保地行政区划', 6),
  iptOtpNo: req.str('住院/门诊号', 30),
  atddrNo: opt.str('医师编码', 30),
  drName: opt.str('医师姓名', 50),
  deptCode: opt.str('科室编码', 30),
  deptName: req.str('科室名称', 100),
  caty: req.str('科别', 6),
  mdtrtId: opt.str('就诊 ID', 30),
  medType: req.str('医疗类别', 6, { dict: 'med_type' }),
  feeType: req.str('费用类型', 3),
  medfeeSumamt: req.num('医疗费总额', 16, 2),
  acctUsedFlag: req.str('个人账户使用标志', 1, { dict: 'acctUsedFlag', note: '药店上传费用时必填' }),
  mainCondDscr: opt.str('主要病情描述', 1000),
  diseCodg: req.str('病种编码', 30),
  diseName: opt.str('病种名称', 500),
  psnSetlway: req.str('个人结算方式', 6),
  chrgBchno: req.str('收费批次号', 30),
  pubHospRfomFlag: req.str('公立医院改革标志', 6),
  invono: opt.str('发票号', 20),
  endtime: opt.str('出院时间', 19, { format: 'yyyy-MM-dd HH:mm:ss' }),
  fulamtOwnpayAmt: opt.num('全自费金额', 16, 2),
  overlmtSelfpay: opt.num('超限价金额', 16, 2),
  preselfpayAmt: opt.num('先行自付金额', 16, 2),
  inscpScpAmt: opt.num('符合政策范围金额', 16, 2),
  oprnOprtCode: opt.str('手术操作代码', 30),
  oprnOprtName: opt.str('手术操作名称', 500),
  fpscNo: opt.str('计划生育服务证号', 50),
  latechbFlag: opt.str('晚育标志', 3),
  gesoVal: opt.int('孕周数', 2),
  fetts: opt.int('胎次', 3, { specRequired: true, note: '住院结算时需要' }),
  fetusCnt: opt.int('胎儿数', 3),
  pretFlag: opt.str('早产标志', 3),
  birctrlType: opt.str('计划生育手术类别', 6),
  birctrlMatnDate: opt.str('计划生育手术或生育日期', 10, { format: 'yyyy-MM-dd' }),
  copFlag: opt.str('伴有并发症标志', 3),
  dscgDeptCodg: opt.str('出院科室编码', 30),
  dscgDeptName: opt.str('出院科室名称', 100),
  dscgDed: opt.str('出院床位', 50),
  dscgWay: opt.str('离院方式', 8),
  dieDate: opt.str('死亡日期', 10, { format: 'yyyy-MM-dd' }),
  matnType: opt.str('生育类别', 6, { specRequired: true, note: '住院结算时需要' }),
  expContent: expContent(),
  midSetlFlag: opt.str('中途结算标志', 3),
  diseinfoList: req.list('诊断或症状明细', DiseInfo),
  feedetailList: req.list('费用明细', FeeDetail),
  admDiagDscr: opt.str('入院诊断描述', 200),
  admDeptCodg: opt.str('入院科室编码', 30),
  admDeptName: opt.str('入院科室名称', 100),
  admBed: opt.str('入院床位', 30),
  payAuthNo: opt.str('支付授权码', 40),
  uldLatlnt: opt.str('经纬度', 21, { note: '格式：经度,纬度；定位失败传 0,0' }),
  mdtrtCertType: opt.str('就诊凭证类型', 2, { dict: 'mdtrt_cert_type' }),
  insuplcAdmdvs: opt.str('用户参保地行政区划', 6),
});

function ruleIssue(path: string, name: string, text: string): FieldIssue {
  return { path, rule: 'rule', field: path.slice(path.lastIndexOf('.') + 1), name, message: `${path}: ${text}（${name}）` };
}

/** 6201 cross-field rules stated in the notes. */
const rules6201: CrossRule[] = [
  (v, root) => (v.rxCircFlag === '1' && isEmpty(v.initRxOrd) ? [ruleIssue(`${root}.initRxOrd`, '要续方的原处方流水', 'rxCircFlag 为 1 时必填')] : []),
  // fetts/matnType: 表 3 marks them Y but says 住院结算时需要; enforced for inpatient medType (2x).
  (v, root) =>
    typeof v.medType === 'string' && v.medType.startsWith('2')
      ? (['fetts', 'matnType'] as const)
          .filter((f) => isEmpty(v[f]))
          .map((f) => ruleIssue(`${root}.${f}`, f === 'fetts' ? '胎次' : '生育类别', '住院结算时必填'))
      : [],
];

/** 表 7 (data). */
export const Out6201 = node('data', {
  payOrdId: req.str('支付订单号', 40, { note: '医保结算中心订单号' }),
  payToken: req.str('支付 token', 40, { note: '下单支付使用' }),
  cashierUrl: opt.str('医保支付收银台h5地址', 4000, { note: '见 3.1.2.1.5.1 收银台拼接说明' }),
  extData: opt.any('医保扩展数据', { note: '根据各地方医保要求传不同数据内容' }),
});

/** 3.1.2.1.5.1 收银台拼接说明: the chnlEncData content. */
export const CashierLaunch = node('chnlEncData', {
  payAuthNo: req.str('支付授权码', 40, { note: '电子凭证线上支付授权返回' }),
  deposit: opt.num('住院押金', 16, 2),
});

/** 【6202】支付下单 表 8. */
export const In6202 = node('data', {
  payAuthNo: req.str('支付授权码', 40),
  payOrdId: req.str('待支付订单号', 40),
  payToken: req.str('支付订单对应的 token', 40),
  orgCodg: req.str('定点机构编码', 12),
  orgBizSer: req.str('业务流水号', 40, { note: '每一次请求唯一' }),
  chrgBchno: req.str('收费批次号', 40, { note: '与费用上传一致' }),
  feeType: req.str('费用类别', 2, { note: '与费用上传一致' }),
  mdtrtId: req.str('就诊事件 ID', 40, { note: '与费用上传一致' }),
  deposit: opt.num('住院押金', 16, 2),
  expContent: expContent(),
  acctUsedFlag: opt.str('个账使用标识', 1, { dict: 'acctUsedFlag', note: '为空时默认使用费用上传时的值' }),
});
/** 表 10. */
export const Out6202 = node('data', {
  payOrdId: req.str('支付订单号', 40),
  ordStas: req.str('订单状态', 40, { dict: 'ordStas' }),
  feeSumamt: req.num('费用总额', 12, 2),
  ownPayAmt: req.num('现金支付', 12, 2),
  psnAcctPay: req.num('个人账户支出', 12, 2),
  fundPay: req.num('医保基金支付', 12, 2),
  deposit: opt.num('住院押金', 16, 2),
  extData: opt.any('扩展数据'),
  othFeeAmt: req.num('其他支付金额', 12, 2, { note: '如医院负担金额' }),
});

/** 【6203】医保退费 表 272. */
export const In6203 = node('data', {
  payOrdId: req.str('支付订单号', 40),
  appRefdSn: req.str('应用退款流水号', 40),
  appRefdTime: req.str('应用退费时间', 40, { format: 'yyyyMMddHHmmss' }),
  totlRefdAmt: req.num('总退费金额', 12, 2),
  psnAcctRefdAmt: opt.num('医保个人账户支付', 12, 2),
  fundRefdAmt: opt.num('基金支付', 12, 2, { note: '含商保' }),
  cashRefdAmt: req.num('现金退费金额', 12, 2),
  ecToken: opt.str('电子凭证授权 Token', 64, { note: '与 payAuthNo 不可同时为空' }),
  refdType: req.str('退费类型', 40, { dict: 'refdType' }),
  expContent: expContent(),
  payAuthNo: opt.str('支付授权码', 40, { note: '与 ecToken 不可同时为空' }),
});
const rules6203: CrossRule[] = [
  (v, root) => (isEmpty(v.ecToken) && isEmpty(v.payAuthNo) ? [ruleIssue(`${root}.ecToken`, '电子凭证授权 Token', '与 payAuthNo 不可同时为空')] : []),
];
/**
 * A group of fields the spec marks Y that exist only in some states (after settlement, for an
 * insurance refund): given one, all are required; given none, none.
 */
function together(fields: ReadonlyArray<readonly [string, string]>, when: string): CrossRule {
  return (v, root) =>
    fields.some(([f]) => !isEmpty(v[f])) ? fields.filter(([f]) => isEmpty(v[f])).map(([f, name]) => ruleIssue(`${root}.${f}`, name, `${when}必填`)) : [];
}

const outputRules6203: CrossRule[] = [together([['hiFefdSn', '医保退费流水号'], ['hiTrnsDate', '医保退费日期'], ['hiTrnsTime', '医保退费时间']], '医保部分已退时')];
/** 表 12. hiFefdSn/hiTrnsDate/hiTrnsTime: Y, but 现金退费不返回 (nor does a refused refund). */
export const Out6203 = node('data', {
  refdSn: req.str('结算中心流水号', 40),
  hiFefdSn: opt.str('医保退费流水号', 40, { note: '现金退费不返回', specRequired: true }),
  hiTrnsDate: opt.str('医保退费日期', 8, { note: '现金退费不返回', specRequired: true }),
  hiTrnsTime: opt.str('医保退费时间', 6, { note: '现金退费不返回', specRequired: true }),
  refStatus: req.str('退费状态', 40, { dict: 'refStatus' }),
  extData: opt.any('医保扩展数据'),
});

/** 【6204】医保订单信息同步 表 13/14 (center → HIS by redirect). */
export const In6204 = node('data', {
  payOrdId: req.str('支付订单号', 40),
  medOrgOrd: req.str('医院订单号', 40),
  feeSumamt: req.num('费用总金额', 12, 2),
  ownPayAmt: req.num('现金自付', 12, 2),
  psnAcctPay: req.num('个人账户支付', 12, 2),
  fundPay: req.num('医保基金支付', 12, 2),
  othFeeAmt: req.num('其他支付金额', 12, 2),
  deposit: opt.num('住院押金', 16, 2),
  extData: opt.any('扩展数据', { note: '透传医保核心结算出参' }),
});
export const Out6204 = node('data', {});

/** 【6205】银行卡支付下单 表 15. */
export const In6205 = node('data', {
  payAuthNo: req.str('支付授权码', 40),
  payOrdId: req.str('待支付订单号', 40),
  payToken: req.str('支付订单对应的 token', 40),
  orgCodg: req.str('定点机构编码', 12),
  orgBizSer: req.str('业务流水号', 40, { note: '每一次请求唯一' }),
  expContent: expContent(),
});
/** 表 17. */
export const Out6205 = node('data', {
  medBankPayUrl: req.str('银行卡混合支付地址', 4000),
  extData: opt.any('扩展数据'),
});

/** 【6301】医保订单结算结果查询 表 18. */
export const In6301 = node('data', {
  payOrdId: req.str('支付订单号', 40),
  orgCodg: req.str('定点机构编码', 40),
  payToken: req.str('支付 token', 40, { note: '与费用上传时一致' }),
  idNo: req.str('证件号码', 40),
  userName: req.str('用户姓名', 40),
  idType: req.str('证件类别', 3, { dict: 'psn_cert_type' }),
  expContent: expContent(),
});
/** 表 278 extData. */
export const ExtData6301 = node('extData', { psnPaySn: opt.str('实账支付流水号', 40, { note: '只有个账为实账支付时，会返回' }) });
const outputRules6301: CrossRule[] = [
  together([['callType', '回调类型'], ['traceTime', '交易时间'], ['setlType', '结算类型'], ['revsToken', '冲正授权'], ['hiChrgTime', '医保收费时间'], ['hiDocSn', '医保交易流水号']], '医保结算后'),
];
/** 表 275. Fields that exist only after settlement (marked Y) are empty before it: outputRules6301. */
export const Out6301 = node('data', {
  ordStas: req.str('订单状态', 40, { dict: 'ordStas' }),
  payOrdId: req.str('支付订单号', 40),
  callType: opt.str('回调类型', 40, { dict: 'callType', specRequired: true }),
  medOrgOrd: req.str('医院订单号', 40),
  traceTime: opt.str('交易时间', 40, { specRequired: true }),
  orgCodg: req.str('两定机构编号', 40),
  orgName: req.str('两定机构名称', 40),
  setlType: opt.str('结算类型', 40, { dict: 'setlType', specRequired: true }),
  feeSumamt: req.num('费用总金额', 12, 2),
  ownPayAmt: req.num('现金支付', 12, 2),
  psnAcctPay: req.num('个人账户支付', 12, 2),
  fundPay: req.num('医保基金支付', 12, 2),
  revsToken: opt.str('用于院内结算失败对医保的冲正授权', 40, { note: '1小时内有效', specRequired: true }),
  extData: opt.obj('医保扩展数据', ExtData6301.properties),
  deposit: opt.num('住院押金', 16, 2),
  hiChrgTime: opt.str('医保收费时间', 6, { specRequired: true }),
  hiDocSn: opt.str('医保交易流水号', 40, { specRequired: true }),
  hiRgstSn: req.str('医保挂号流水号', 40),
  ecCode: opt.str('电子凭证码值', 200),
});

/** 【6302】医保结算结果通知 表 20 (center → HIS). Note `ownpayAmt`, lower-case p, as the table spells it. */
export const In6302 = node('data', {
  payOrdId: req.str('支付订单号', 40),
  callType: req.str('回调类型', 40, { dict: 'callType', note: '固定传 02，目前仅支付成功回调' }),
  medOrgOrd: req.str('医院订单号', 40),
  traceTime: req.str('交易时间', 40),
  feeSumamt: req.num('费用总金额', 12, 2),
  ownpayAmt: req.num('个人现金自付', 12, 2),
  psnAcctPay: req.num('个人账户支付', 12, 2),
  fundPay: req.num('其中基金支付', 12, 2),
  hiChrgTime: req.str('医保收费时间', 6),
  hiDocSn: req.str('医保交易流水号', 40),
  hiRgstSn: req.str('医保挂号流水号', 40),
  orgName: req.str('机构名称', 40),
  ecCode: opt.str('电子凭证码值', 200),
  setlType: req.str('结算类型', 40, { dict: 'setlType' }),
  revsToken: req.str('用于院内结算失败对医保的冲正授权', 40, { note: '1小时内有效' }),
  extData: opt.obj('医保扩展数据', ExtData6301.properties),
  orgCodg: req.str('两定机构编号', 40),
  deposit: opt.num('住院押金', 16, 2),
});
/** 表 277. */
export const Out6302 = node('data', {
  success: req.bool('回调通知结果'),
  message: req.str('结果说明', 1000),
});

/** 【6401】费用明细上传撤销 表 21. */
export const In6401 = node('data', {
  payOrdId: req.str('支付订单号', 40),
  orgCodg: req.str('机构编号', 40),
  payToken: req.str('支付 token', 40),
  idNo: req.str('证件号码', 40),
  userName: req.str('用户姓名', 40),
  idType: req.str('证件类别', 3, { dict: 'psn_cert_type' }),
  expContent: expContent(),
});
/** 表 279. */
export const Out6401 = node('data', { success: req.bool('回调通知结果') });

export type Txn6101Input = Static<typeof In6101>;
export type Txn6101Output = Static<typeof Out6101>;
export type Txn6201Input = Static<typeof In6201>;
export type Txn6201Output = Static<typeof Out6201>;
export type Txn6202Input = Static<typeof In6202>;
export type Txn6202Output = Static<typeof Out6202>;
export type Txn6203Input = Static<typeof In6203>;
export type Txn6203Output = Static<typeof Out6203>;
export type Txn6204Input = Static<typeof In6204>;
export type Txn6205Input = Static<typeof In6205>;
export type Txn6205Output = Static<typeof Out6205>;
export type Txn6301Input = Static<typeof In6301>;
export type Txn6301Output = Static<typeof Out6301>;
export type Txn6302Input = Static<typeof In6302>;
export type Txn6302Output = Static<typeof Out6302>;
export type Txn6401Input = Static<typeof In6401>;
export type Txn6401Output = Static<typeof Out6401>;

export const MOBILE_PREFIX = '/org/local/api/hos';

export const mobileTransactions = {
  '6101': { id: '6101', name: '解析医保电子凭证二维码', spec: `${SPEC} 2.3.1.1.1`, from: 'HIS', to: '地方电子凭证中心', path: `${MOBILE_PREFIX}/decode_ec_qrcode`, pathIsYibaoChoice: true, input: In6101, output: Out6101 },
  '6201': { id: '6201', name: '费用明细上传', spec: `${SPEC} 2.3.1.2.1`, from: 'HIS', to: '移动支付中心', path: `${MOBILE_PREFIX}/uldFeeInfo`, input: In6201, output: Out6201, rules: rules6201 },
  '6202': { id: '6202', name: '支付下单', spec: `${SPEC} 2.3.1.2.2`, from: 'HIS', to: '移动支付中心', path: `${MOBILE_PREFIX}/pay_order`, input: In6202, output: Out6202 },
  '6203': { id: '6203', name: '医保退费', spec: `${SPEC} 2.3.1.2.3`, from: 'HIS', to: '移动支付中心', path: `${MOBILE_PREFIX}/refund_Order`, input: In6203, output: Out6203, rules: rules6203, outputRules: outputRules6203 },
  '6204': { id: '6204', name: '医保订单信息同步', spec: `${SPEC} 2.3.1.2.4`, from: '移动支付中心', to: 'HIS', input: In6204, output: Out6204 },
  '6205': { id: '6205', name: '银行卡支付下单', spec: `${SPEC} 2.3.1.2.5`, from: 'HIS', to: '移动支付中心', path: `${MOBILE_PREFIX}/medBankPay`, input: In6205, output: Out6205 },
  '6301': { id: '6301', name: '医保订单结算结果查询', spec: `${SPEC} 2.3.1.3.1`, from: 'HIS', to: '移动支付中心', path: `${MOBILE_PREFIX}/query_order_info`, input: In6301, output: Out6301, outputRules: outputRules6301 },
  '6302': { id: '6302', name: '医保结算结果通知', spec: `${SPEC} 2.3.1.3.2`, from: '移动支付中心', to: 'HIS', input: In6302, output: Out6302 },
  '6401': { id: '6401', name: '费用明细上传撤销', spec: `${SPEC} 2.3.1.4.1`, from: 'HIS', to: '移动支付中心', path: `${MOBILE_PREFIX}/revoke_order`, input: In6401, output: Out6401 },
  ...statementTransactions,
} as const;
