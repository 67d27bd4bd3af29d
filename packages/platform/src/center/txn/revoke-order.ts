import type { TxnContext } from '../context.js';
import { business, upstream } from '../errors.js';
import { ORD_STAS_NAMES, OrdStas, REVOCABLE, type OrdStasCode } from '../ord-stas.js';
import { transition } from '../orders.js';
import { expectPatient, expectSame, ownOrder, type TxnResult } from './common.js';

/**
 * 【6401】费用明细上传撤销 (mobile-payment.txt 2.3.1.4.1): only for uploaded, unsettled orders
 * ([2205]/[2302] at the FSI core). Revoking a revoked order again answers success (a retry).
 */
export async function revokeOrder(ctx: TxnContext): Promise<TxnResult> {
  const { data, app, tx, deps, now } = ctx;
  const order = await ownOrder(tx, app, data, { forUpdate: true });
  expectSame(data, 'payToken', order.payToken, '支付 token');
  expectPatient(data, order);
  if (order.ordStas === OrdStas.REVOKED) return { data: { success: true }, message: '订单已撤销' };
  if (!REVOCABLE.includes(order.ordStas)) {
    throw business(
      `订单已结算或正在结算，不能撤销上传（ordStas=${order.ordStas} ${ORD_STAS_NAMES[order.ordStas as OrdStasCode] ?? ''}），已结算订单请使用 6203 退费`,
      'data.payOrdId',
    );
  }
  await upstream(() => deps.upstreams.fsi.cancelVisit({ tx, now }, { mdtrtId: String(order.upload._fsiMdtrtId ?? order.mdtrtId) }));
  await transition(tx, order, REVOCABLE, OrdStas.REVOKED, {}, { txn: '6401' });
  return { data: { success: true } };
}
