import { node, opt, req } from './field.js';

/**
 * 刷脸一码付 (face-one-code-pay.txt): the FSI header (表 3/表 4), the module's two transactions
 * (5.1.1.1, 5.1.1.2) and the spec's example 1101 人员信息获取 (6.1/6.2).
 */
const SPEC = 'face-one-code-pay.txt';

/**
 * 表 3 in the spellings of the example (6.1), which FSI traffic uses: `infno` (table: info),
 * `insuplc_admdvs` (table: insuplc_admvs), `recer_sys_code` (example: recec_sys_code is a typo).
 */
export const FsiInputHeader = node('报文头', {
  infno: req.str('交易编号', 4, { note: '表 3 写作 info；示例与实际报文为 infno' }),
  msgid: req.str('发送方报文 ID', 30, { note: '定点医药机构编号(12)+时间(14)+顺序号(4)' }),
  mdtrtarea_admvs: req.str('就医地医保区划', 6),
  insuplc_admdvs: opt.str('参保地医保区划', 6, { note: '表 3 写作 insuplc_admvs；输入含人员编号时必填' }),
  recer_sys_code: req.str('接收方系统代码', 10, { note: '示例写作 recec_sys_code' }),
  dev_no: opt.str('设备编号', 100),
  dev_safe_info: opt.str('设备安全信息', 2000),
  cainfo: opt.str('数字签名信息', 1024),
  signtype: opt.str('签名类型', 10, { note: '建议使用 SM2、SM3' }),
  infver: req.str('接口版本号', 6, { note: '例如 V1.0' }),
  opter_type: req.str('经办人类别', 3, { dict: 'opter_type' }),
  opter: req.str('经办人', 30),
  opter_name: req.str('经办人姓名', 50),
  inf_time: req.datetime('交易时间'),
  fixmedins_code: req.str('定点医药机构编号', 14),
  fixmedins_name: req.str('定点医药机构名称', 200),
  sign_no: opt.str('交易签到流水号', 30),
  app_id: opt.str('渠道 id', 32),
  enc_type: opt.str('加密方式', 6, { note: '不加密传空，加密传 SM4' }),
  input: req.obj('交易输入', {}),
  pw_ecToken: opt.str('电子凭证密码核验 token', 50),
});

/** 表 4. */
export const FsiOutputHeader = node('报文头', {
  infcode: req.int('交易状态码', 4, { dict: 'infcode', signed: true }),
  inf_refmsgid: req.str('接收方报文 ID', 30),
  refmsg_time: opt.str('接收报文时间', 17),
  respond_time: opt.str('响应报文时间', 17),
  err_msg: opt.str('错误信息', 200),
  signtype: opt.str('签名方式', 6),
  cainfo: opt.str('数字签名信息', 1024),
  app_id: opt.str('渠道 id', 32),
  enc_type: opt.str('加密方式', 6),
  output: opt.any('交易输出'),
});

/** 5.1.1.1 查询用户一码付状态: 表 1 input. */
export const InOneCodeStatus = node('data', {
  token: req.str('电子凭证令牌', 40, { note: '电子凭证令牌 fcToken，刷脸后有返回该信息' }),
  orgCodg: req.str('定点医药机构代码', 40, { note: '国标编码' }),
  orgName: req.str('定点医药机构名称', 40),
  opterId: req.str('经办人员编号', 40),
  opterName: req.str('经办人员姓名', 40),
  devId: req.str('设备唯一标识', 40, { note: '如设备MAC地址' }),
  devIP: req.str('设备网络 IP', 40),
});
/** 表 2 output. */
export const OutOneCodeStatus = node('data', {
  stasFlag: req.str('状态标识', 3, { dict: 'stasFlag' }),
  abnRea: req.str('不可用原因', 200),
  payChnlUserName: req.str('支付渠道用户账号名', 40),
  payChnlName: req.str('支付渠道名称', 40),
});

/** 5.1.1.2 获取一码付付款凭据: 表 1 input. */
export const InOneCodePayCert = node('data', {
  token: req.str('电子凭证令牌', 40, { note: '电子凭证令牌 ecToken，刷脸后有返回该信息' }),
  ownPaySetlAmt: req.str('现金支付金额', 20, { note: '订单中需现金支付金额，机构侧应保证该金额的准确性（字符型，元）' }),
  orgCodg: req.str('定点医药机构代码', 40),
  orgName: req.str('定点医药机构名称', 200),
  opterId: req.str('经办人员编号', 40),
  opterName: req.str('经办人员姓名', 40),
  devId: req.str('设备唯一标识', 40),
  devIP: req.str('设备网络 IP', 20),
  fixmedinsTrnsSn: req.str('定点医药机构交易流水号', 200, { note: '定点医药机构侧自定义' }),
});
/** 表 2 output. payCert's length is 3 in the table: an evident typo, 200 used. */
export const OutOneCodePayCert = node('data', {
  payCert: req.str('付款凭据', 200, { note: '规范表中长度为 3，显系笔误；yibao 取 200' }),
  payChnlUserName: req.str('支付渠道用户账号名', 200),
  payChnlName: req.str('支付渠道名称', 40),
});

/** 6.1 1101 人员信息获取 input.data (example). */
export const In1101Data = node('data', {
  mdtrt_cert_type: opt.str('就诊凭证类型', 3, { dict: 'mdtrt_cert_type' }),
  mdtrt_cert_no: opt.str('就诊凭证编号', 50),
  card_sn: opt.str('卡识别码', 32),
  begntime: opt.str('开始时间', 19),
  psn_cert_type: req.str('人员证件类型', 6, { dict: 'psn_cert_type' }),
  certno: req.str('证件号码', 50),
  psn_name: opt.str('人员姓名', 50),
});
export const In1101 = node('input', { data: req.obj('输入', In1101Data.properties) });
/** 6.2 output. */
export const Baseinfo1101 = node('baseinfo', {
  psn_no: req.str('人员编号', 30),
  psn_cert_type: req.str('人员证件类型', 6),
  certno: req.str('证件号码', 50),
  psn_name: req.str('人员姓名', 50),
  gend: req.str('性别', 6),
  naty: opt.str('民族', 3),
  brdy: req.str('出生日期', 10, { format: 'yyyy-MM-dd' }),
  age: req.num('年龄', 4, 1),
});
export const Insuinfo1101 = node('insuinfo', {
  balc: req.num('余额', 16, 2),
  insutype: req.str('险种类型', 6, { dict: 'insutype' }),
  psn_type: req.str('人员类别', 6),
  psn_insu_stas: opt.str('人员参保状态', 6),
  psn_insu_date: opt.str('个人参保日期', 10),
  paus_insu_date: opt.str('暂停参保日期', 10),
  cvlserv_flag: req.str('公务员标志', 3),
  insuplc_admdvs: opt.str('参保地医保区划', 6),
  insu_admdvs: opt.str('参保地医保区划', 6, { note: '示例报文写作 insu_admdvs' }),
  emp_name: opt.str('单位名称', 200),
  psn_insu_rlts_id: opt.str('人员参保关系 ID', 30),
});
export const Idetinfo1101 = node('idetinfo', {
  psn_idet_type: req.str('人员身份类别', 6),
  psn_type_lv: opt.str('人员类别等级', 3),
  memo: opt.str('备注', 500),
  begntime: req.str('开始时间', 19),
  endtime: opt.str('结束时间', 19),
});
export const Out1101 = node('output', {
  baseinfo: req.obj('基本信息', Baseinfo1101.properties),
  // 6.2's example sends one object; the national 1101 a list. Both are read (docs/catalogue.md).
  insuinfo: req.list('参保信息列表', Insuinfo1101, { single: true }),
  idetinfo: opt.list('身份信息列表', Idetinfo1101),
});


/**
 * The spec gives the module's two transactions no 交易编号: yibao uses 9701 and 9702 by default
 * (docs/systems.md). The platform's config `oneCode.infno` and the SDK's `infno` option change them.
 */
export const ONE_CODE_INFNO: Readonly<OneCodeInfno> = Object.freeze({ oneCodeStatus: '9701', oneCodePayCert: '9702' });
export interface OneCodeInfno {
  oneCodeStatus: string;
  oneCodePayCert: string;
}

export const FSI_PATH = '/fsi/api/fsiIntegratedQueryService/query';

export const fsiTransactions = {
  oneCodeStatus: { id: 'oneCodeStatus', name: '查询用户一码付状态', spec: `${SPEC} 5.1.1.1`, from: 'HIS', to: '一码付模块', path: FSI_PATH, input: InOneCodeStatus, output: OutOneCodeStatus },
  oneCodePayCert: { id: 'oneCodePayCert', name: '获取一码付付款凭据', spec: `${SPEC} 5.1.1.2`, from: 'HIS', to: '一码付模块', path: FSI_PATH, input: InOneCodePayCert, output: OutOneCodePayCert },
  '1101': { id: '1101', name: '人员信息获取', spec: `${SPEC} 6.1/6.2`, from: 'HIS', to: '医保核心系统', path: FSI_PATH, input: In1101, output: Out1101 },
} as const;
