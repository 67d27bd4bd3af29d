import { formatDate } from 'yibao/protocol';
import { fenToYuan, yuanToFen } from 'yibao/spec';
import { newId } from '../util/ids.js';
import { newToken } from '../util/ids.js';
import { UpstreamError, type ChannelFailureRule, type ChannelResult, type ChannelTrade, type ChannelType, type OneCodeSigning, type PaymentChannels, type StatementLine, type UpstreamContext } from './types.js';

/**
 * Simulated payment channels WX / ALI / UP / BANK: they take the cash part and refund it, keep every
 * trade (channel_trades, their statement) and can be made to fail by configuration to reach the
 * FAIL and EXP states.
 */
export function createSimChannels(opts: { failures?: ChannelFailureRule[] } = {}): PaymentChannels & {
  addFailure(rule: ChannelFailureRule): void;
  clearFailures(): void;
  /** Sandbox: the user enables or disables one-code-pay in a channel's app (4.1 step 1); `risk` REFUSE makes the channel's risk check refuse. */
  setOneCodeSigning(ctx: UpstreamContext, p: OneCodeSigning & { psnNo: string; risk?: 'PASS' | 'REFUSE' }): Promise<void>;
} {
  const rules: Array<ChannelFailureRule & { left?: number }> = (opts.failures ?? []).map((r) => ({ ...r, ...(r.count !== undefined ? { left: r.count } : {}) }));

  function injected(op: 'pay' | 'refund' | 'query', p: { chnlType: string; orgCodg: string; amountFen: number }): ChannelResult | undefined {
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

  async function record(ctx: UpstreamContext, kind: 'PAY' | 'REFUND', p: { chnlType: string; payOrdId: string; orgCodg: string; amountFen: number; origTradeNo?: string }, outNo: string, status: ChannelResult): Promise<ChannelTrade> {
    const tradeNo = newId(kind === 'PAY' ? 'CP' : 'CR', 10, ctx.now);
    await ctx.tx.query(
      `INSERT INTO channel_trades (trade_no, chnl_type, kind, pay_ord_id, org_codg, amount_fen, status, out_trade_no, created_at, orig_trade_no) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
      [tradeNo, p.chnlType, kind, p.payOrdId, p.orgCodg, p.amountFen, status, outNo, ctx.now, p.origTradeNo ?? null],
    );
    return { status, tradeNo, ...outcomeMessage(status) };
  }

  function outcomeMessage(status: ChannelResult): { message?: string } {
    return status === 'SUCC' ? {} : { message: status === 'FAIL' ? '渠道拒绝' : '渠道处理结果未知' };
  }

  /**
   * A trade left unknown (EXP), asked about again: the simulated channel finds it went through unless
   * a `query` rule says otherwise, and records what it found (an answer still EXP is left as it is).
   */
  async function askAgain(ctx: UpstreamContext, tradeNo: string, p: { chnlType: string; orgCodg: string; amountFen: number }): Promise<ChannelResult> {
    const found = injected('query', p) ?? 'SUCC';
    if (found !== 'EXP') await ctx.tx.query('UPDATE channel_trades SET status = $2 WHERE trade_no = $1', [tradeNo, found]);
    return found;
  }

  // An institution's out-trade numbers are its own: another institution's same number is another trade.
  async function earlier(ctx: UpstreamContext, orgCodg: string, outNo: string, kind: string): Promise<ChannelTrade | undefined> {
    const rows = await ctx.tx.query<{ trade_no: string; status: ChannelResult; amount_fen: number }>('SELECT trade_no, status, amount_fen FROM channel_trades WHERE org_codg = $1 AND out_trade_no = $2 AND kind = $3', [orgCodg, outNo, kind]);
    return rows[0] ? { status: rows[0].status, tradeNo: rows[0].trade_no, repeated: true, amountFen: Number(rows[0].amount_fen) } : undefined;
  }

  async function pay(ctx: UpstreamContext, p: { chnlType: ChannelType; payOrdId: string; orgCodg: string; amountFen: number; outTradeNo: string }): Promise<ChannelTrade> {
    // The trade and the idempotency check in one statement: recorded unless this outTradeNo already
    // is; only then is the earlier trade read. (The failure rule is consumed only for a new trade.)
    const tradeNo = newId('CP', 10, ctx.now);
    // With failure rules configured, a repeat is recognised before a rule's count is spent on it.
    const repeat = rules.length > 0 ? await earlier(ctx, p.orgCodg, p.outTradeNo, 'PAY') : undefined;
    if (repeat) return repeat;
    const status = injected('pay', p) ?? 'SUCC';
    const rows = await ctx.tx.query(
      `INSERT INTO channel_trades (trade_no, chnl_type, kind, pay_ord_id, org_codg, amount_fen, status, out_trade_no, created_at, orig_trade_no)
       SELECT $1, $2, 'PAY', $3, $4, $5, $6, $7, $8, NULL
       WHERE NOT EXISTS (SELECT 1 FROM channel_trades WHERE org_codg = $4 AND out_trade_no = $7 AND kind = 'PAY') RETURNING 1`,
      [tradeNo, p.chnlType, p.payOrdId, p.orgCodg, p.amountFen, status, p.outTradeNo, ctx.now],
    );
    if (rows.length === 0) return (await earlier(ctx, p.orgCodg, p.outTradeNo, 'PAY'))!;
    return { status, tradeNo, ...outcomeMessage(status) };
  }

  return {
    pay,
    async queryPayment(ctx, p) {
      const rows = await ctx.tx.query<{ trade_no: string; chnl_type: string; amount_fen: number; status: ChannelResult }>(
        `SELECT trade_no, chnl_type, amount_fen, status FROM channel_trades WHERE org_codg = $1 AND pay_ord_id = $2 AND kind = 'PAY' ORDER BY created_at DESC, trade_no DESC LIMIT 1 FOR UPDATE`,
        [p.orgCodg, p.payOrdId],
      );
      const row = rows[0];
      if (!row) return undefined;
      if (row.status !== 'EXP') return { status: row.status, tradeNo: row.trade_no };
      const found = await askAgain(ctx, row.trade_no, { chnlType: row.chnl_type, orgCodg: p.orgCodg, amountFen: Number(row.amount_fen) });
      return { status: found, tradeNo: row.trade_no, ...(found === 'FAIL' ? { message: '渠道确认支付失败' } : {}) };
    },
    async refund(ctx, p) {
      // The original trade is locked before looking for an earlier refund of this outRefundNo, so that
      // the same refund sent several times at once is made once (the order lock covers 6203 refunds).
      if (p.origTradeNo) await ctx.tx.query(`SELECT 1 FROM channel_trades WHERE trade_no = $1 FOR UPDATE`, [p.origTradeNo]);
      const prior = await earlier(ctx, p.orgCodg, p.outRefundNo, 'REFUND');
      if (prior) return prior;
      // What can still be refunded: of the order (every payment and refund of its cash part, whichever
      // API made them) and, for a refund of one trade (一码付 4.2), of that trade. The original trade is
      // locked so that concurrent refunds of it are counted one after the other.
      let left = Number.POSITIVE_INFINITY;
      if (p.payOrdId) {
        const sums = await ctx.tx.query<{ paid: number; refunded: number }>(
          `SELECT COALESCE(SUM(amount_fen) FILTER (WHERE kind = 'PAY' AND status = 'SUCC'), 0)::bigint AS paid,
                  COALESCE(SUM(amount_fen) FILTER (WHERE kind = 'REFUND' AND status IN ('SUCC', 'EXP')), 0)::bigint AS refunded
           FROM channel_trades WHERE org_codg = $3 AND pay_ord_id = $1 AND chnl_type = $2`,
          [p.payOrdId, p.chnlType, p.orgCodg],
        );
        left = Number(sums[0]!.paid) - Number(sums[0]!.refunded);
      }
      if (p.origTradeNo) {
        const orig = await ctx.tx.query<{ amount_fen: number; status: string }>(`SELECT amount_fen, status FROM channel_trades WHERE trade_no = $1 AND org_codg = $2 AND kind = 'PAY' FOR UPDATE`, [p.origTradeNo, p.orgCodg]);
        const done = await ctx.tx.query<{ refunded: number }>(`SELECT COALESCE(SUM(amount_fen), 0)::bigint AS refunded FROM channel_trades WHERE orig_trade_no = $1 AND kind = 'REFUND' AND status IN ('SUCC', 'EXP')`, [p.origTradeNo]);
        const paid = orig[0]?.status === 'SUCC' ? Number(orig[0].amount_fen) : 0;
        left = Math.min(left, paid - Number(done[0]!.refunded));
      }
      if (!p.payOrdId) {
        // Trades of no order (insurance settled elsewhere) also share one pool per channel: refunds
        // recorded before refunds named their trade count there, so money refunded once stays refunded.
        const pool = await ctx.tx.query<{ paid: number; refunded: number }>(
          `SELECT COALESCE(SUM(amount_fen) FILTER (WHERE kind = 'PAY' AND status = 'SUCC'), 0)::bigint AS paid,
                  COALESCE(SUM(amount_fen) FILTER (WHERE kind = 'REFUND' AND status IN ('SUCC', 'EXP')), 0)::bigint AS refunded
           FROM channel_trades WHERE org_codg = $1 AND pay_ord_id = '' AND chnl_type = $2`,
          [p.orgCodg, p.chnlType],
        );
        left = Math.min(left, Number(pool[0]!.paid) - Number(pool[0]!.refunded));
      }
      if (p.amountFen > left) {
        const t = await record(ctx, 'REFUND', p, p.outRefundNo, 'FAIL');
        return { ...t, message: `退款金额超过可退金额（可退 ${fenToYuan(Math.max(left, 0))} 元）` };
      }
      return record(ctx, 'REFUND', p, p.outRefundNo, injected('refund', p) ?? 'SUCC');
    },
    async resolveRefunds(ctx, p) {
      const rows = await ctx.tx.query<{ trade_no: string; chnl_type: string; amount_fen: number; out_trade_no: string; orig_trade_no: string | null }>(
        `SELECT trade_no, chnl_type, amount_fen, out_trade_no, orig_trade_no FROM channel_trades WHERE org_codg = $1 AND pay_ord_id = $2 AND kind = 'REFUND' AND status = 'EXP' ORDER BY created_at FOR UPDATE`,
        [p.orgCodg, p.payOrdId],
      );
      const resolved: Array<{ outRefundNo: string; amountFen: number; status: 'SUCC' | 'FAIL'; origTradeNo: string | null }> = [];
      let pendingFen = 0;
      for (const r of rows) {
        const found = await askAgain(ctx, r.trade_no, { chnlType: r.chnl_type, orgCodg: p.orgCodg, amountFen: Number(r.amount_fen) });
        if (found === 'EXP') pendingFen += Number(r.amount_fen);
        else {
          resolved.push({ outRefundNo: r.out_trade_no, amountFen: Number(r.amount_fen), status: found, origTradeNo: r.orig_trade_no });
        }
      }
      return { resolved, pendingFen };
    },
    async unresolvedRefunds(ctx, p) {
      const rows = await ctx.tx.query<{ org_codg: string; pay_ord_id: string; since: Date }>(
        `SELECT org_codg, pay_ord_id, min(created_at) AS since FROM channel_trades WHERE kind = 'REFUND' AND status = 'EXP'
         GROUP BY org_codg, pay_ord_id ORDER BY min(created_at) LIMIT $1`,
        [p.limit],
      );
      return rows.map((r) => ({ orgCodg: r.org_codg, payOrdId: r.pay_ord_id, since: new Date(r.since) }));
    },
    async statement(ctx, p) {
      const rows = await ctx.tx.query<{ trade_no: string; kind: 'PAY' | 'REFUND'; chnl_type: string; pay_ord_id: string; out_trade_no: string | null; orig_trade_no: string | null; amount_fen: number; status: ChannelResult; created_at: Date }>(
        `SELECT trade_no, kind, chnl_type, pay_ord_id, out_trade_no, orig_trade_no, amount_fen, status, created_at FROM channel_trades
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
            origTradeNo: r.orig_trade_no,
            amountFen: r.amount_fen,
            status: r.status,
            time: new Date(r.created_at),
          }),
        );
    },
    async oneCodeSigning(ctx, p) {
      const rows = await ctx.tx.query<{ chnl_type: ChannelType; status: 'ENABLED' | 'DISABLED'; pay_chnl_user_name: string; abn_rea: string | null }>(
        'SELECT chnl_type, status, pay_chnl_user_name, abn_rea FROM onecode_signings WHERE psn_no = $1',
        [p.psnNo],
      );
      const r = rows[0];
      return r ? { chnlType: r.chnl_type, status: r.status, payChnlUserName: r.pay_chnl_user_name, ...(r.abn_rea ? { abnRea: r.abn_rea } : {}) } : undefined;
    },
    async issuePayCert(ctx, p) {
      const rows = await ctx.tx.query<{ chnl_type: ChannelType; status: string; risk: string; abn_rea: string | null }>('SELECT chnl_type, status, risk, abn_rea FROM onecode_signings WHERE psn_no = $1 FOR UPDATE', [p.psnNo]);
      const signing = rows[0];
      if (!signing) throw new UpstreamError('NOT_SIGNED', '未开通一码付');
      if (signing.status !== 'ENABLED') throw new UpstreamError('DISABLED', signing.abn_rea || '一码付已停用');
      // The same trade serial again: the same unused credential (a retry), or refused once paid.
      const prior = await ctx.tx.query<{ pay_cert: string; psn_no: string; pay_ord_id: string | null; amount_fen: number; used_at: Date | null; expires_at: Date }>(
        'SELECT pay_cert, psn_no, pay_ord_id, amount_fen, used_at, expires_at FROM onecode_certs WHERE org_codg = $1 AND fixmedins_trns_sn = $2 ORDER BY created_at DESC LIMIT 1',
        [p.orgCodg, p.fixmedinsTrnsSn],
      );
      const last = prior[0];
      if (last?.used_at) throw new UpstreamError('TRNS_PAID', `该交易流水号已付款：fixmedinsTrnsSn=${p.fixmedinsTrnsSn}`);
      const live = last !== undefined && new Date(last.expires_at).getTime() > ctx.now.getTime();
      // A serial names one trade of the institution (4.1 step 9): while its credential is live it cannot
      // be taken for another person's or another order's cash part.
      if (live && (last.psn_no !== p.psnNo || (last.pay_ord_id ?? undefined) !== p.payOrdId)) {
        throw new UpstreamError('TRNS_TAKEN', `该交易流水号已用于另一笔订单的付款凭据：fixmedinsTrnsSn=${p.fixmedinsTrnsSn}，请换用新的流水号`);
      }
      // The risk check runs on every request, a repeated one included (step 12).
      if (signing.risk === 'REFUSE') throw new UpstreamError('RISK_REFUSED', '支付渠道风控拒绝：本次不能使用一码付，请改用其他方式付款');
      if (live && last.amount_fen === p.amountFen) return { payCert: last.pay_cert, expiresAt: new Date(last.expires_at) };
      const payCert = newToken('PC');
      const expiresAt = new Date(ctx.now.getTime() + p.ttlMs);
      await ctx.tx.query(
        'INSERT INTO onecode_certs (pay_cert, psn_no, org_codg, chnl_type, amount_fen, fixmedins_trns_sn, pay_ord_id, expires_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)',
        [payCert, p.psnNo, p.orgCodg, signing.chnl_type, p.amountFen, p.fixmedinsTrnsSn, p.payOrdId ?? null, expiresAt],
      );
      return { payCert, expiresAt };
    },
    async payWithCert(ctx, p) {
      const rows = await ctx.tx.query<{ org_codg: string; chnl_type: ChannelType; amount_fen: number; fixmedins_trns_sn: string; pay_ord_id: string | null; expires_at: Date; used_at: Date | null; trade_no: string | null }>(
        'SELECT org_codg, chnl_type, amount_fen, fixmedins_trns_sn, pay_ord_id, expires_at, used_at, trade_no FROM onecode_certs WHERE pay_cert = $1 FOR UPDATE',
        [p.payCert],
      );
      const cert = rows[0];
      if (!cert || cert.org_codg !== p.orgCodg) throw new UpstreamError('CERT_INVALID', '付款凭据无效');
      const order = { chnlType: cert.chnl_type, ...(cert.pay_ord_id ? { payOrdId: cert.pay_ord_id } : {}) };
      if (cert.used_at) {
        if (cert.fixmedins_trns_sn === p.outTradeNo && cert.trade_no) return { status: 'SUCC', tradeNo: cert.trade_no, ...order, repeated: true };
        throw new UpstreamError('CERT_USED', '付款凭据已使用（一次性）');
      }
      if (new Date(cert.expires_at).getTime() <= ctx.now.getTime()) throw new UpstreamError('CERT_EXPIRED', '付款凭据已过期，请重新获取');
      if (cert.amount_fen !== p.amountFen) throw new UpstreamError('AMOUNT_MISMATCH', `amount: 与付款凭据金额 ${fenToYuan(Number(cert.amount_fen))} 元不符`);
      if (cert.fixmedins_trns_sn !== p.outTradeNo) throw new UpstreamError('TRNS_MISMATCH', 'outTradeNo: 与获取付款凭据时的 fixmedinsTrnsSn 不符');
      const prior = await earlier(ctx, p.orgCodg, p.outTradeNo, 'PAY');
      if (prior && prior.tradeNo !== cert.trade_no) {
        // Another credential's (or another order's) trade under this serial: this credential must never
        // pass for it. Paid: the serial is spent. Failed or unknown: the serial is that trade's.
        if (prior.status === 'SUCC') throw new UpstreamError('TRNS_PAID', `该交易流水号已付款：outTradeNo=${p.outTradeNo}，本付款凭据未扣款`);
        throw new UpstreamError('TRNS_TAKEN', `该交易流水号已用于另一付款凭据的交易（${prior.status === 'FAIL' ? '支付失败' : '结果未知'}），请换用新的流水号`);
      }
      const channel = { chnlType: cert.chnl_type, orgCodg: p.orgCodg, amountFen: p.amountFen };
      let trade: ChannelTrade;
      if (prior) {
        // This credential's own earlier attempt, sent again. FAIL stays FAIL; an unknown result (EXP)
        // is asked of the channel, as queryPayment does, and completes the payment when it went through.
        const status = prior.status === 'EXP' ? await askAgain(ctx, prior.tradeNo, channel) : prior.status;
        if (status !== 'SUCC') return { status, tradeNo: prior.tradeNo, ...order, repeated: true, ...outcomeMessage(status) };
        trade = { status, tradeNo: prior.tradeNo };
      } else {
        trade = await record(ctx, 'PAY', { ...channel, payOrdId: cert.pay_ord_id ?? '' }, p.outTradeNo, injected('pay', channel) ?? 'SUCC');
      }
      // The trade is the credential's from its first attempt; the credential is spent once it is paid.
      await ctx.tx.query('UPDATE onecode_certs SET trade_no = $2, used_at = CASE WHEN $3 THEN $4::timestamptz ELSE used_at END WHERE pay_cert = $1', [p.payCert, trade.tradeNo, trade.status === 'SUCC', ctx.now]);
      return { ...trade, ...order, repeated: false };
    },
    async certOrder(ctx, p) {
      const rows = await ctx.tx.query<{ pay_ord_id: string | null; used_at: Date | null }>('SELECT pay_ord_id, used_at FROM onecode_certs WHERE pay_cert = $1 AND org_codg = $2', [p.payCert, p.orgCodg]);
      return rows[0] ? { used: rows[0].used_at !== null, ...(rows[0].pay_ord_id ? { payOrdId: rows[0].pay_ord_id } : {}) } : undefined;
    },
    async findCertTrade(ctx, p) {
      const rows = await ctx.tx.query<{ chnl_type: ChannelType; pay_ord_id: string | null; trade_no: string }>(
        'SELECT chnl_type, pay_ord_id, trade_no FROM onecode_certs WHERE org_codg = $1 AND fixmedins_trns_sn = $2 AND used_at IS NOT NULL',
        [p.orgCodg, p.outTradeNo],
      );
      const r = rows[0];
      return r ? { chnlType: r.chnl_type, tradeNo: r.trade_no, ...(r.pay_ord_id ? { payOrdId: r.pay_ord_id } : {}) } : undefined;
    },
    async setOneCodeSigning(ctx, p) {
      await ctx.tx.query(
        `INSERT INTO onecode_signings (psn_no, chnl_type, status, pay_chnl_user_name, risk, abn_rea, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7)
         ON CONFLICT (psn_no) DO UPDATE SET chnl_type = $2, status = $3, pay_chnl_user_name = $4, risk = $5, abn_rea = $6, updated_at = $7`,
        [p.psnNo, p.chnlType, p.status, p.payChnlUserName, p.risk ?? 'PASS', p.abnRea ?? null, ctx.now],
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
