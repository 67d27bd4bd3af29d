import { node, opt, req } from './field.js';

/**
 * A yibao extension to the mobile payment center (not in mobile-payment.txt): 下载对账单, the daily
 * statement of one institution (docs/statements.md). It travels in the spec's envelope v2.0.1 like
 * every HIS → center transaction (signed, SM4-encrypted), at a path of its own under /yibao/, so a
 * center that does not have it answers 404 and nothing else changes.
 */
const EXT = 'yibao 扩展（docs/statements.md）';

export const InStatement = node('data', {
  orgCodg: req.str('定点机构编码', 40),
  stmtDate: req.str('对账日期', 10, { format: 'yyyy-MM-dd', note: '北京时间的自然日；仅可下载已结束的日期' }),
  format: opt.str('格式', 4, { note: 'JSON（默认）或 CSV：CSV 时另返回 csv 字段（CSV 全文，同样在签名之内）' }),
});

/** One line: an order that changed that day (PAY) or a refund made that day (REFUND). */
export const StatementLine = node('lines', {
  type: req.str('行类型', 6, { note: 'PAY 订单 / REFUND 退费' }),
  payOrdId: req.str('支付订单号', 40),
  medOrgOrd: req.str('医院订单号', 40),
  appRefdSn: opt.str('应用退款流水号', 40, { note: 'REFUND 行' }),
  refdSn: opt.str('退费流水号', 40, { note: 'REFUND 行' }),
  status: req.str('状态', 6, { note: 'PAY 行：当日结束时的订单状态 ordStas；REFUND 行：退费状态 refStatus' }),
  settled: req.str('当日结算', 1, { note: 'PAY 行：1 = 当日医保结算完成（计入汇总），0 = 其他变化' }),
  feeSumamt: req.num('费用总额', 16, 2, { note: 'REFUND 行为退费总额' }),
  fundPay: req.num('基金支付', 16, 2, { note: 'REFUND 行为基金退费' }),
  psnAcctPay: req.num('个人账户支付', 16, 2, { note: 'REFUND 行为个账退费' }),
  ownPayAmt: req.num('现金支付', 16, 2, { note: 'REFUND 行为现金退费' }),
  othFeeAmt: req.num('其他支付', 16, 2),
  insutype: opt.str('险种类型', 6),
  chnlType: opt.str('支付渠道', 10),
  time: req.str('时间', 19, { format: 'yyyy-MM-dd HH:mm:ss', note: 'PAY 行：当日最后一次变化；REFUND 行：退费时间（北京时间）' }),
});

/** Summary rows, as 下载对账单's 汇总: settled that day, refunded that day, and the net. */
export const StatementSummary = node('summary', {
  orderCount: req.int('订单行数', 10),
  settledCount: req.int('当日结算笔数', 10),
  settledFeeSumamt: req.num('结算费用总额', 16, 2),
  settledFundPay: req.num('结算基金支付', 16, 2),
  settledPsnAcctPay: req.num('结算个账支付', 16, 2),
  settledOwnPayAmt: req.num('结算现金支付', 16, 2),
  settledOthFeeAmt: req.num('结算其他支付', 16, 2),
  refundCount: req.int('成功退费笔数', 10, { note: 'refStatus SUCC 与 EXP（医保部分已退）' }),
  refundFeeSumamt: req.num('退费总额', 16, 2),
  refundFundPay: req.num('基金退费', 16, 2),
  refundPsnAcctPay: req.num('个账退费', 16, 2),
  refundOwnPayAmt: req.num('现金退费', 16, 2),
  netFundPay: req.str('基金净额', 20, { note: '当日结算减当日退费，元，两位小数，可为负' }),
  netPsnAcctPay: req.str('个账净额', 20, { note: '当日结算减当日退费，元，两位小数，可为负' }),
  netOwnPayAmt: req.str('现金净额', 20, { note: '当日结算减当日退费，元，两位小数，可为负' }),
});

export const OutStatement = node('data', {
  appId: req.str('渠道 id', 32),
  orgCodg: req.str('定点机构编码', 40),
  orgName: req.str('定点机构名称', 100),
  stmtDate: req.str('对账日期', 10, { format: 'yyyy-MM-dd' }),
  version: req.int('版本', 6, { note: '管理员重新生成时递增' }),
  generatedAt: req.str('生成时间', 19, { format: 'yyyy-MM-dd HH:mm:ss' }),
  summary: req.obj('汇总', StatementSummary.properties),
  lines: opt.list('明细', StatementLine, { note: '当日无变化时为空（空数组按报文规则省略）' }),
  csv: opt.str('CSV 全文', 100_000_000, { note: 'format=CSV 时' }),
});

export const statementTransactions = {
  downloadStatement: {
    id: 'downloadStatement',
    name: '下载对账单（yibao 扩展）',
    spec: EXT,
    from: 'HIS',
    to: '移动支付中心',
    path: '/org/local/api/hos/yibao/download_statement',
    pathIsYibaoChoice: true,
    input: InStatement,
    output: OutStatement,
  },
} as const;
