/**
 * The dictionaries (字典) the four specs name, as typed data with their Chinese names. Closed
 * dictionaries are enforced by the validator; open ones (national baseline dictionaries the specs
 * only reference, or ones the spec keeps open like callType) document the common codes only.
 */
export interface Dictionary<C extends string = string> {
  readonly id: string;
  readonly name: string;
  /** Enforced by the validator when true. */
  readonly closed: boolean;
  readonly source: string;
  entries: Record<C, string>;
  /**
   * An open dictionary's code shape, enforced by the validator (a closed one is enforced by its
   * entries): a HIS that sends a name or a typo where a code belongs is told so.
   */
  readonly pattern?: { regex: RegExp; text: string };
}

function dict<const E extends Record<string, string>>(
  id: string,
  name: string,
  entries: E,
  opts: { closed?: boolean; source: string; pattern?: { regex: RegExp; text: string } },
): Dictionary<Extract<keyof E, string>> {
  return { id, name, closed: opts.closed ?? true, source: opts.source, entries: { ...entries }, ...(opts.pattern ? { pattern: opts.pattern } : {}) };
}

export type CodeOf<D> = D extends Dictionary<infer C> ? C : never;

const MP = 'mobile-payment.txt';
const PORTAL = 'regional-payment-portal.txt 附录 字典';

/**
 * The default ordStas table (docs/catalogue.md), the one centers commonly publish; configurable with
 * configureDictionary('ordStas', …). The platform's store always keeps these codes.
 */
export const ORD_STAS_DEFAULT = {
  '0': '已保存',
  '1': '预结算完成',
  '2': '结算中',
  '3': '自费完成',
  '4': '医保支付完成',
  '5': '院内结算完成',
  '6': '结算完成',
  '7': '已退款',
  '8': '已医保全部退款',
  '9': '仅自费全部退款',
  '10': '仅自费部分退款',
  '11': '医保全部退自费部分退款',
  '12': '已撤销',
  '13': '医保已撤销',
  '14': '异常',
  '15': '结算失败',
  '16': '医保结算失败自费冲正失败',
} as const;

export const ordStas = dict(
  'ordStas',
  '订单状态',
  ORD_STAS_DEFAULT,
  { source: `${MP} 6202/6301 字典订单状态(ordStas)，表未列出；默认取 docs/catalogue.md` },
);
/** 6302: 固定传 02，目前仅支付成功回调; kept open for other callback types. */
export const callType = dict('callType', '回调类型', { '02': '支付成功回调' }, { closed: false, source: `${MP} 表 20` });
export const refdType = dict('refdType', '退费类型', { ALL: '全部', CASH: '只退现金', HI: '只退医保' }, { source: `${MP} 表 272` });
export const setlType = dict('setlType', '结算类型', { ALL: '医保自费全部', CASH: '只结现金', HI: '只结医保' }, { source: `${MP} 表 275/表 20` });
export const refStatus = dict('refStatus', '退费状态', { SUCC: '成功', FAIL: '失败', EXP: '异常：医保退费成功，自费退费失败，可发起退纯自费重试' }, { source: `${MP} 表 12` });
export const chnlType = dict('chnlType', '渠道类型', { WX: '微信', ALI: '支付宝', UP: '云闪付', BANK: '银行卡' }, { closed: false, source: `${MP} 2.3.1.2.4 重定向 chnlType` });
export const deposit_type = dict('deposit_type', '充值方式', { ALI: '支付宝', WX: '微信', BANK: '银行卡', UP: '云闪付' }, { source: PORTAL });
export const channel_type = dict('channel_type', '渠道类型', { LOC_APP: '地方APP', WX: '微信', NAT_APP: '国家APP', UP: '云闪付', ALI: '支付宝', ORG_APP: '机构APP', BANK: '银行APP' }, { source: PORTAL });
export const result = dict('result', '交易状态', { succ: '成功', exp: '异常，待核验', fail: '明确失败', closed: '关闭' }, { source: PORTAL });
export const account_type = dict('account_type', '账户类型', { '01': '门诊', '02': '住院', '03': '体检', '04': '未知' }, { source: PORTAL });
export const code_type = dict('code_type', '码值类型', { qr: '二维码', bar: '条码' }, { source: PORTAL });
export const mdtrt_cert_type = dict(
  'mdtrt_cert_type',
  '就诊凭证类型',
  { '00': '无就诊介质', '01': '电子凭证', '02': '居民身份证', '03': '社会保障卡', '04': '健康卡', '05': '住院号', '06': '临时卡', '10': '机构病人ID' },
  { source: `${PORTAL}; ${MP} 6201 mdtrtCertType` },
);
export const patient_type = dict('patient_type', '患者费别', { '00': '自费', '01': '医保' }, { source: PORTAL });
export const ret_code = dict('ret_code', '机构返回码', { '00': '成功', '01': '请求失败（非业务状态）', '02': '校验失败（非业务状态）', '99': '未知错误（状态未知）' }, { source: PORTAL });
export const medicalSettleState = dict(
  'medicalSettleState',
  '医保/自费结算状态',
  { SUCCESS: '结算成功', FAIL: '结算失败', REFUND_SUCCESS: '退费成功', REFUND_FAIL: '退费失败' },
  { source: 'service-terminal.txt 1.2 结算结果通知' },
);
export const bizType = dict('bizType', '业务场景', { register: '挂号窗口', settle: '诊间', drugStore: '药店' }, { source: 'service-terminal.txt 1.2 结算结果通知' });
export const orderStatus = dict(
  'orderStatus',
  '推送类型（订单状态）',
  { MERCHANT_WAIT_PAY: '待支付', MERCHANT_PAID: '已支付', MERCHANT_PART_REFUNDED: '已部分退款', MERCHANT_REFUNDED: '已全额退款' },
  { source: 'regional-payment-portal.txt JAVA 开发包 SDK 使用示例' },
);
/** Only HOSPITAL_PAYMENT appears in the spec; other push types exist in the field, so open. */
export const pushType = dict('pushType', '推送场景', { HOSPITAL_PAYMENT: '医院待结算推送' }, { closed: false, source: 'regional-payment-portal.txt JAVA 开发包 SDK 使用示例' });
export const drugTipsIdType = dict('drugTipsIdType', '取药ID类型', { qr: '二维码', bar: '条码' }, { source: 'regional-payment-portal.txt 药品核销(YM_PORTAL_008)' });
export const stasFlag = dict('stasFlag', '一码付状态标识', { '0': '未签约不可用', '1': '已签约且可用', '2': '已签约不可用' }, { source: 'face-one-code-pay.txt 5.1.1.1.5' });
export const opter_type = dict('opter_type', '经办人类别', { '1': '经办人', '2': '自助终端', '3': '移动终端' }, { source: 'face-one-code-pay.txt 表 3' });
export const infcode = dict('infcode', '交易状态码', { '0': '成功', '-1': '失败' }, { source: 'face-one-code-pay.txt 表 5' });
export const acctUsedFlag = dict('acctUsedFlag', '个人账户使用标志', { '0': '不使用', '1': '使用' }, { source: `${MP} 6201/6202` });
export const rxCircFlag = dict('rxCircFlag', '电子处方流转标志', { '0': '不是电子处方', '1': '电子处方' }, { source: `${MP} 6201` });
/** National baseline dictionaries the specs reference but do not list: open, common codes only. */
export const psn_cert_type = dict('psn_cert_type', '人员证件类型', { '01': '居民身份证（户口簿）', '02': '中国人民解放军军官证', '06': '港澳居民来往内地通行证', '07': '台湾居民来往内地通行证', '08': '外国人护照', '99': '其他身份证件' }, { closed: false, source: '国家基线版字典 psn_cert_type' });
export const insutype = dict('insutype', '险种类型', { '310': '职工基本医疗保险', '320': '公务员医疗补助', '330': '大额医疗费用补助', '340': '离休人员医疗保障', '390': '城乡居民基本医疗保险', '392': '城乡居民大病医疗保险', '510': '生育保险' }, { closed: false, source: '国家基线版字典 insutype' });
export const med_type = dict('med_type', '医疗类别', { '11': '普通门诊', '12': '门诊挂号', '13': '急诊', '14': '门诊慢特病', '21': '普通住院', '41': '定点药店购药', '51': '生育门诊', '52': '生育住院' }, { closed: false, source: '国家基线版字典 med_type' });

/**
 * 用码业务类型 (mobile-payment.txt 6101 businessType "参见字典表-用码业务类型"; service-terminal.txt
 * "详见 6.1 代码标识"): neither spec reproduces the table. Codes from the national 医疗保障信息平台定点
 * 基线版医药机构接口规范 v0.9.9.15 §1.14.6 (电子凭证解码) as published with the Jiangsu decoder's manual
 * (http://47.103.65.67:3000/yeguodong/mhCardReader, 江苏医保电子凭证解码使用手册.md). The national list is
 * longer than these, so open; the validator checks the five-digit shape.
 */
export const businessType = dict(
  'businessType',
  '用码业务类型',
  {
    '01101': '门诊挂号',
    '01102': '住院建档',
    '01103': '入院登记',
    '01104': '缴纳预缴金',
    '01201': '门诊问诊',
    '01202': '预约检查',
    '01203': '检查',
    '01204': '治疗',
    '01301': '门诊结算',
    '01302': '取药',
    '02121': '药店购药',
    '02122': '下载外购处方',
  },
  { closed: false, source: '国家医保定点基线版接口规范 v0.9.9.15 §1.14.6 用码业务类型（mobile-payment.txt 6101、service-terminal.txt 未列出）', pattern: { regex: /^\d{5}$/, text: '5 位数字' } },
);
/**
 * 费用类型 (mobile-payment.txt 6201/6202 "字典费用类型（feeType）"): the spec names the dictionary but
 * does not list it, and no national table of it was found; centers publish their own. Open, no codes
 * asserted; the validator checks the shape (digits, as 6202's 2 characters "与费用上传一致").
 */
export const feeType = dict('feeType', '费用类型', {}, { closed: false, source: 'mobile-payment.txt 6201 字典费用类型（feeType），表未列出；由各地中心公布', pattern: { regex: /^\d{1,3}$/, text: '1–3 位数字' } });
/**
 * 诊断类别 (mobile-payment.txt 6201 diagType "字典诊断类别 (diag_type)"), the national baseline dictionary
 * diag_type: 1 西医诊断, 2 中医主病诊断, 3 中医主证诊断 (as in HIS code for the national 2203 interface).
 * Some provinces use 1 西医主要诊断 / 2 西医其他诊断 / 3 中医主病诊断 / 4 中医主证诊断, so open; one digit.
 */
export const diag_type = dict(
  'diag_type',
  '诊断类别',
  { '1': '西医诊断', '2': '中医主病诊断', '3': '中医主证诊断' },
  { closed: false, source: '国家基线版字典 diag_type（mobile-payment.txt 6201 引用，表未列出）', pattern: { regex: /^\d$/, text: '1 位数字' } },
);
/** 中途结算标志 (mobile-payment.txt 6201 midSetlFlag "字典中途结算标志（mid_setl_flag）"), the national baseline dictionary: 0 否, 1 是. */
export const mid_setl_flag = dict('mid_setl_flag', '中途结算标志', { '0': '否', '1': '是' }, { source: '国家基线版字典 mid_setl_flag（mobile-payment.txt 6201 引用，表未列出）' });

export const DICTIONARIES = {
  businessType,
  feeType,
  diag_type,
  mid_setl_flag,
  ordStas,
  callType,
  refdType,
  setlType,
  refStatus,
  chnlType,
  deposit_type,
  channel_type,
  result,
  account_type,
  code_type,
  mdtrt_cert_type,
  patient_type,
  ret_code,
  medicalSettleState,
  bizType,
  orderStatus,
  pushType,
  drugTipsIdType,
  stasFlag,
  opter_type,
  infcode,
  acctUsedFlag,
  rxCircFlag,
  psn_cert_type,
  insutype,
  med_type,
} as const;

export type DictionaryId = keyof typeof DICTIONARIES;

const defaults = new Map<string, Record<string, string>>(Object.entries(DICTIONARIES).map(([k, d]) => [k, { ...d.entries }]));

export function getDictionary(id: string): Dictionary | undefined {
  return (DICTIONARIES as Record<string, Dictionary>)[id];
}

/** Chinese name of a code, or undefined. */
export function dictName(id: string, code: string): string | undefined {
  return getDictionary(id)?.entries[code];
}

/**
 * Replaces a dictionary's table at run time (regions publish different ordStas tables, docs/catalogue.md);
 * the validator uses the new table at once. `undefined` restores the default.
 */
export function configureDictionary(id: DictionaryId, entries?: Record<string, string>): void {
  const d = getDictionary(id);
  if (!d) throw new Error(`unknown dictionary ${id}`);
  d.entries = { ...(entries ?? defaults.get(id)!) };
}
