import { ORD_STAS_DEFAULT } from 'yibao/spec';

/**
 * ordStas (订单状态). mobile-payment.txt names the dictionary (6202/6301 字典订单状态(ordStas)) but does
 * not list it; yibao uses the table centers commonly publish (DESIGN.md §8) as its default. The
 * database always stores these default codes; a region whose codes differ maps them on the wire with
 * the config key `ordStas` (docs/center.md).
 */
export const OrdStas = {
  SAVED: '0', // 已保存
  PRESETTLED: '1', // 预结算完成
  SETTLING: '2', // 结算中
  CASH_DONE: '3', // 自费完成
  HI_PAID: '4', // 医保支付完成
  HOSP_SETTLED: '5', // 院内结算完成
  SETTLED: '6', // 结算完成
  REFUNDED: '7', // 已退款
  HI_REFUNDED: '8', // 已医保全部退款
  CASH_REFUNDED: '9', // 仅自费全部退款
  CASH_PART_REFUNDED: '10', // 仅自费部分退款
  HI_REFUNDED_CASH_PART: '11', // 医保全部退自费部分退款
  REVOKED: '12', // 已撤销
  HI_REVOKED: '13', // 医保已撤销
  ABNORMAL: '14', // 异常
  FAILED: '15', // 结算失败
  HI_FAILED_CASH_REVERSAL_FAILED: '16', // 医保结算失败自费冲正失败
} as const;

export type OrdStasCode = (typeof OrdStas)[keyof typeof OrdStas];

/** Names of the stored (default) codes, whatever table the wire uses. */
export const ORD_STAS_NAMES: Record<OrdStasCode, string> = ORD_STAS_DEFAULT;

/** States before settlement: 6401 may revoke, 6202/6205 may pay (15 = an earlier attempt failed). */
export const PAYABLE: readonly string[] = [OrdStas.PRESETTLED, OrdStas.FAILED];
export const REVOCABLE: readonly string[] = [OrdStas.SAVED, OrdStas.PRESETTLED, OrdStas.FAILED];
/** States in which 6203 may refund something. */
export const REFUNDABLE: readonly string[] = [
  OrdStas.SETTLED,
  OrdStas.HI_PAID,
  OrdStas.HI_REFUNDED,
  OrdStas.CASH_REFUNDED,
  OrdStas.CASH_PART_REFUNDED,
  OrdStas.HI_REFUNDED_CASH_PART,
];

/** The state after refunds, from what is left (mobile-payment.txt 2.3.1.2.3, DESIGN.md §8 names). */
export function stateAfterRefund(o: { hiRefunded: boolean; hiSettled: boolean; cashPaidFen: number; cashRefundedFen: number }): OrdStasCode {
  const cashAll = o.cashRefundedFen >= o.cashPaidFen;
  const cashNone = o.cashRefundedFen === 0;
  if (o.hiRefunded || !o.hiSettled) {
    if (cashAll) return OrdStas.REFUNDED;
    return cashNone ? OrdStas.HI_REFUNDED : OrdStas.HI_REFUNDED_CASH_PART;
  }
  if (cashAll) return OrdStas.CASH_REFUNDED;
  return cashNone ? OrdStas.SETTLED : OrdStas.CASH_PART_REFUNDED;
}

/** Wire code of a stored state, through the region's table when one is configured. */
export function wireOrdStas(code: string, overrides?: Record<string, string>): string {
  return overrides?.[code] ?? code;
}
