import { formatDate } from '../protocol/time.js';
import { yuanToFen } from '../spec/money.js';
import { newId } from '../util/ids.js';
import type { ChannelFailureRule, ChannelResult, ChannelTrade, PaymentChannels, StatementLine, UpstreamContext } from './types.js';

/**
 * Simulated payment channels WX / ALI / UP / BANK: they take the cash part and refund it, keep every
 * trade (channel_trades, their statement) and can be made to fail by configuration to reach the
 * FAIL and EXP states.
 */
export function createSimChannels(opts: { failures?: ChannelFailureRule[] } = {}): PaymentChannels & {
  addFailure(rule: ChannelFailureRule): void;
  clearFailures(): void;
} {
  const rules: Array<ChannelFailureRule & { left?: number }> = (opts.failures ?? []).map((r) => ({ ...r, ...(r.count !== undefined ? { left: r.count } : {}) }));

  function injected(op: 'pay' | 'refund', p: { chnlType: string; orgCodg: string; amountFen: number }): ChannelResult | undefined {
    for (const r of rules) {
      if (r.op !== op) continue;
      if (r.chnlType && r.chnlType !== p.chnlType) continue;
      if (r.orgCodg && r.orgCodg !== p.orgCodg) continue;
      if (r.amount !== undefined && yuanToFen(r.amount) !== p.amountFen) continue;
      if (r.left !== undefined) {
        if (r.left <= 0) continue;
        r.left -= 1;
      }
      return r.result;
    }
    return undefined;
  }

  async function record(ctx: UpstreamContext, kind: 'PAY' | 'REFUND', p: { chnlType: string; payOrdId: string; orgCodg: string; amountFen: number }, outNo: string, status: ChannelResult): Promise<ChannelTrade> {
    const tradeNo = newId(kind === 'PAY' ? 'CP' : 'CR', 10, ctx.now);
    await ctx.tx.query(
      `INSERT INTO channel_trades (trade_no, chnl_type, kind, pay_ord_id, org_codg, amount_fen, status, out_trade_no, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
      [tradeNo, p.chnlType, kind, p.payOrdId, p.orgCodg, p.amountFen, status, outNo, ctx.now],
    );
    const message = status === 'SUCC' ? undefined : status === 'FAIL' ? '渠道拒绝' : '渠道处理结果未知';
    return { status, tradeNo, ...(message ? { message } : {}) };
  }

  async function earlier(ctx: UpstreamContext, outNo: string, kind: string): Promise<ChannelTrade | undefined> {
    const rows = await ctx.tx.query<{ trade_no: string; status: ChannelResult }>('SELECT trade_no, status FROM channel_trades WHERE out_trade_no = $1 AND kind = $2', [outNo, kind]);
    return rows[0] ? { status: rows[0].status, tradeNo: rows[0].trade_no } : undefined;
  }

  return {
    async pay(ctx, p) {
      const prior = await earlier(ctx, p.outTradeNo, 'PAY');
      if (prior) return prior;
      return record(ctx, 'PAY', p, p.outTradeNo, injected('pay', p) ?? 'SUCC');
    },
    async refund(ctx, p) {
      const prior = await earlier(ctx, p.outRefundNo, 'REFUND');
      if (prior) return prior;
      const sums = await ctx.tx.query<{ paid: number; refunded: number }>(
        `SELECT COALESCE(SUM(amount_fen) FILTER (WHERE kind = 'PAY' AND status = 'SUCC'), 0)::bigint AS paid,
                COALESCE(SUM(amount_fen) FILTER (WHERE kind = 'REFUND' AND status = 'SUCC'), 0)::bigint AS refunded
         FROM channel_trades WHERE pay_ord_id = $1 AND chnl_type = $2`,
        [p.payOrdId, p.chnlType],
      );
      const { paid, refunded } = sums[0]!;
      if (p.amountFen > paid - refunded) {
        const t = await record(ctx, 'REFUND', p, p.outRefundNo, 'FAIL');
        return { ...t, message: '退款金额超过可退金额' };
      }
      return record(ctx, 'REFUND', p, p.outRefundNo, injected('refund', p) ?? 'SUCC');
    },
    async statement(ctx, p) {
      const rows = await ctx.tx.query<{ trade_no: string; kind: 'PAY' | 'REFUND'; chnl_type: string; pay_ord_id: string; out_trade_no: string | null; amount_fen: number; status: ChannelResult; created_at: Date }>(
        `SELECT trade_no, kind, chnl_type, pay_ord_id, out_trade_no, amount_fen, status, created_at FROM channel_trades
         WHERE org_codg = $1 AND ($2::text IS NULL OR chnl_type = $2) ORDER BY created_at, trade_no`,
        [p.orgCodg, p.chnlType ?? null],
      );
      return rows
        .filter((r) => formatDate(new Date(r.created_at)) === p.date)
        .map(
          (r): StatementLine => ({
            tradeNo: r.trade_no,
            kind: r.kind,
            chnlType: r.chnl_type as StatementLine['chnlType'],
            payOrdId: r.pay_ord_id,
            outTradeNo: r.out_trade_no,
            amountFen: r.amount_fen,
            status: r.status,
            time: new Date(r.created_at),
          }),
        );
    },
    addFailure(rule) {
      rules.unshift({ ...rule, ...(rule.count !== undefined ? { left: rule.count } : {}) });
    },
    clearFailures() {
      rules.length = 0;
    },
  };
}
