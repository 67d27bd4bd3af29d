import { node, opt, req } from './field.js';

/**
 * The regional payment portal (regional-payment-portal.txt). 医疗消息推送 has no field table in the
 * spec: its fields are the union of the JAVA SDK example and the DLL sReqt example, named by their
 * comments; lengths are yibao's (the spec gives none) and documented in docs/catalogue.md.
 */
const SPEC = 'regional-payment-portal.txt';

export const InPushMsg = node('data', {
  cardType: opt.str('卡类型', 10),
  cardNo: opt.str('卡号', 64),
  hisCustType: opt.str('HIS 患者类型', 10),
  hisCustId: opt.str('HIS 患者编号', 64),
  appType: opt.str('应用类型', 10),
  medOrgOrd: req.str('定点机构订单号', 64, { note: '定点机构自己的订单 ID' }),
  refundReason: opt.str('退款原因', 200, { note: '退款成功的推送才需要赋值' }),
  payOrdId: opt.str('省医保订单号', 64),
  orderStatus: req.str('订单状态', 32, { dict: 'orderStatus' }),
  orgCode: req.str('机构编号', 40),
  subOrgCode: opt.str('分院编号', 20),
  patientName: req.str('用户姓名', 64),
  idType: req.str('身份类型', 3),
  idNo: req.str('身份证号', 64),
  takeMedicineLoc: opt.str('取药地址', 200),
  pushType: req.str('推送类型', 32, { dict: 'pushType' }),
  scheduledTime: opt.str('预约时间', 19, { format: 'yyyy-MM-dd HH:mm:ss' }),
  deptName: opt.str('科室名称', 100),
  deptCode: opt.str('科室编码', 30),
  deptLoc: opt.str('科室位置', 200),
  drName: opt.str('医生姓名', 50),
  drLvName: opt.str('医生职级', 50),
  drNo: opt.str('医生编号', 30),
  waitingNum: opt.str('排队人数', 10),
  checkItem: opt.str('检查项目名称', 200),
  createTime: req.str('订单创建时间', 19, { format: 'yyyy-MM-dd HH:mm:ss' }),
  updateTime: opt.str('订单更新时间', 19, { format: 'yyyy-MM-dd HH:mm:ss' }),
  extData: opt.any('扩展数据'),
});
/** 动态库响应 sResp 示例: data { response: "SUCCESS" }. */
export const OutPushMsg = node('data', { response: req.str('推送结果', 20) });

/** 药品核销(YM_PORTAL_008) 请求参数. */
export const InVerificationDrug = node('data', {
  mobileDrugTipsId: req.str('取药ID', 64, { note: '如 202212229114' }),
  drugTipsIdType: req.str('取药ID类型', 3, { dict: 'drugTipsIdType' }),
});
/** 响应参数. */
export const OutVerificationDrug = node('data', {
  traceId: req.str('交易跟踪号', 64),
  drugStatus: req.str('取药/检查/检验/治疗状态', 32),
  drugStatusDesc: req.str('取药/检查/检验/治疗状态描述', 200),
  drugType: req.str('项目类型', 10, { note: '药品 DRUG, 检查 CHECK, 检验 TEST' }),
  drugTypeDesc: req.str('项目类型描述', 200),
});


export const portalTransactions = {
  pushMsg: { id: 'pushMsg', name: '医疗消息推送', spec: `${SPEC} 2.4.1（示例）`, from: 'HIS', to: '区域医保支付门户', path: '/api/amp/hos/pushMsg', input: InPushMsg, output: OutPushMsg },
  verificationDrug: { id: 'verificationDrug', name: '药品核销(YM_PORTAL_008)', spec: `${SPEC} 药品核销`, from: 'HIS', to: '区域医保支付门户', path: '/api/mobile/verificationDrug', input: InVerificationDrug, output: OutVerificationDrug },
} as const;
