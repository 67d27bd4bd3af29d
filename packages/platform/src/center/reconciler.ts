import type { Logger } from 'pino';
import type { Queryable } from '../store/store.js';
import type { AppConfig, ReconcilerConfig } from './config.js';
import { parseDuration } from './config.js';
import type { CenterDeps } from './context.js';
import { OrdStas } from './ord-stas.js';
import { loadOrder, sameOrg } from './orders.js';
import { reconcileAbnormal, resolvePendingRefunds } from './reconcile.js';

/**
 * The background reconciler (issue 14 point 9). An order left 异常 (14) has its insurance part
 * settled and the personal account debited while the channel's answer for the cash is unknown; a
 * cash refund answered EXP has left or not. Neither may wait for the institution to happen to send
 * 6301 or repeat its 6203: every instance runs this loop, which asks the channel on a schedule and
 * settles what it learns exactly as 6301 and 6203 do (reconcile.ts): 6 with the 6302 queued, or the
 * insurance reversed (15); a refund confirmed or failed.
 *
 * Coordination is the database's: each order is taken with `FOR UPDATE SKIP LOCKED` (a 6301 or
 * another instance holding it is skipped this turn) and its `unresolved` row says when it may next
 * be asked, so N instances ask the channel about one order at most once per `retryAfter`. Bounded:
 * still unknown `flagAfter` after it was first seen, the row is flagged for an operator (flagged_at;
 * `GET /admin/unresolved`) and asking goes on, backing off to at most once an hour.
 */
export interface ReconcilerOptions {
  deps: CenterDeps;
  app(appId: string): AppConfig | undefined;
  config?: ReconcilerConfig;
}

export interface ReconcileTurn {
  asked: number;
  settled: number;
  reversed: number;
  refundsResolved: number;
  flagged: number;
}

const MAX_BACKOFF_MS = 3_600_000;

export class Reconciler {
  private readonly everyMs: number;
  private readonly retryAfterMs: number;
  private readonly flagAfterMs: number;
  private readonly batch: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;
  private readonly log: Logger;

  constructor(private readonly o: ReconcilerOptions) {
    const c = o.config ?? {};
    this.everyMs = parseDuration(c.every ?? '30s');
    this.retryAfterMs = parseDuration(c.retryAfter ?? '1m');
    this.flagAfterMs = parseDuration(c.flagAfter ?? '24h');
    this.batch = c.batch ?? 50;
    this.log = o.deps.log.child({ component: 'reconciler' });
  }

  start(): void {
    this.stopped = false;
    this.schedule(Math.min(this.everyMs, 1000));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .catch((err: unknown) => this.log.warn({ err }, 'reconciler turn failed'))
        .finally(() => {
          this.running = undefined;
          this.schedule(this.everyMs);
        });
    }, ms);
    this.timer.unref();
  }

  /** One turn: every due order in 14 and every order with an unknown cash refund, once. */
  async runOnce(): Promise<ReconcileTurn> {
    const turn: ReconcileTurn = { asked: 0, settled: 0, reversed: 0, refundsResolved: 0, flagged: 0 };
    const { store } = this.o.deps;
    const now = this.o.deps.clock();
    // Rows of orders another path (6301, the operator) already settled are closed first.
    await store.query(
      `UPDATE unresolved u SET resolved_at = $2, resolution = 'ordStas ' || o.ord_stas || '（已由其他途径确认）'
       FROM orders o WHERE u.kind = 'ORDER_14' AND u.resolved_at IS NULL AND o.pay_ord_id = u.pay_ord_id AND o.org_codg = u.org_codg AND o.ord_stas <> $1`,
      [OrdStas.ABNORMAL, now],
    );
    const abnormal = await store.query<{ pay_ord_id: string; org_codg: string; app_id: string }>(
      `SELECT o.pay_ord_id, o.org_codg, o.app_id FROM orders o
       LEFT JOIN unresolved u ON u.kind = 'ORDER_14' AND u.org_codg = o.org_codg AND u.pay_ord_id = o.pay_ord_id
       WHERE o.abnormal AND o.ord_stas = $1 AND (u.next_attempt_at IS NULL OR u.next_attempt_at <= $2)
       ORDER BY u.next_attempt_at NULLS FIRST LIMIT $3`,
      [OrdStas.ABNORMAL, now, this.batch],
    );
    for (const row of abnormal) {
      try {
        const r = await this.abnormalOrder(row.org_codg, row.pay_ord_id, row.app_id);
        if (r === undefined) continue;
        turn.asked += 1;
        if (r.ordStas === OrdStas.SETTLED) turn.settled += 1;
        else if (r.ordStas === OrdStas.FAILED) turn.reversed += 1;
        if (r.flagged) turn.flagged += 1;
      } catch (err) {
        await this.failed('ORDER_14', row.org_codg, row.pay_ord_id, now, err);
      }
    }

    const refunds = await store.transaction((tx) => this.o.deps.upstreams.channels.unresolvedRefunds({ tx, now }, { limit: this.batch }));
    if (refunds.length < this.batch) {
      // The channel's list is complete: rows of orders no longer in it were resolved by a 6203 repeat.
      const open = await store.query<{ org_codg: string; pay_ord_id: string }>(`SELECT org_codg, pay_ord_id FROM unresolved WHERE kind = 'REFUND_EXP' AND resolved_at IS NULL`);
      const listed = new Set(refunds.map((r) => `${r.orgCodg}\u0000${r.payOrdId}`));
      for (const r of open) {
        if (!listed.has(`${r.org_codg}\u0000${r.pay_ord_id}`)) {
          await store.query(`UPDATE unresolved SET resolved_at = $3, resolution = '已由其他途径确认' WHERE kind = 'REFUND_EXP' AND org_codg = $1 AND pay_ord_id = $2 AND resolved_at IS NULL`, [r.org_codg, r.pay_ord_id, now]);
        }
      }
    }
    for (const r of refunds) {
      try {
        const out = await this.unknownRefunds(r.orgCodg, r.payOrdId, r.since);
        if (out === undefined) continue;
        turn.asked += 1;
        if (out.pendingFen === 0) turn.refundsResolved += 1;
        if (out.flagged) turn.flagged += 1;
      } catch (err) {
        await this.failed('REFUND_EXP', r.orgCodg, r.payOrdId, now, err);
      }
    }
    if (turn.asked > 0) this.log.info(turn, 'reconciler turn');
    return turn;
  }

  /** One order in 14, locked or skipped; undefined when skipped (busy elsewhere, or not due). */
  private async abnormalOrder(orgCodg: string, payOrdId: string, appId: string): Promise<{ ordStas: string; flagged: boolean } | undefined> {
    const { deps } = this.o;
    const now = deps.clock();
    const out = await deps.store.transaction(async (tx) => {
      const locked = await tx.query(`SELECT 1 FROM orders WHERE pay_ord_id = $1 AND ${sameOrg('', '$2')} AND ord_stas = $3 FOR UPDATE SKIP LOCKED`, [payOrdId, orgCodg, OrdStas.ABNORMAL]);
      if (locked.length === 0) return undefined;
      const due = await this.claim(tx, 'ORDER_14', orgCodg, payOrdId, now, now);
      if (!due) return undefined;
      const order = await loadOrder(tx, payOrdId, orgCodg, { forUpdate: true });
      const after = await reconcileAbnormal(deps, tx, this.o.app(appId), order, now, 'reconciler');
      const known = after.ordStas !== OrdStas.ABNORMAL;
      const flagged = await this.record(tx, 'ORDER_14', orgCodg, payOrdId, now, due, known ? `ordStas ${after.ordStas}` : undefined);
      return { ordStas: after.ordStas, flagged };
    });
    if (out?.ordStas === OrdStas.SETTLED) deps.notifyCallbacks();
    return out;
  }

  /** One order's unknown cash refunds (or the trades of no order), asked about once. */
  private async unknownRefunds(orgCodg: string, payOrdId: string, since: Date): Promise<{ pendingFen: number; flagged: boolean } | undefined> {
    const { deps } = this.o;
    const now = deps.clock();
    return deps.store.transaction(async (tx) => {
      if (payOrdId) {
        const locked = await tx.query(`SELECT 1 FROM orders WHERE pay_ord_id = $1 AND ${sameOrg('', '$2')} FOR UPDATE SKIP LOCKED`, [payOrdId, orgCodg]);
        if (locked.length === 0) return undefined;
      }
      const due = await this.claim(tx, 'REFUND_EXP', orgCodg, payOrdId, now, since);
      if (!due) return undefined;
      let pendingFen: number;
      if (payOrdId) {
        const order = await loadOrder(tx, payOrdId, orgCodg, { forUpdate: true });
        pendingFen = (await resolvePendingRefunds(deps, tx, order, now)).pendingFen;
      } else {
        pendingFen = (await deps.upstreams.channels.resolveRefunds({ tx, now }, { orgCodg, payOrdId })).pendingFen;
      }
      const flagged = await this.record(tx, 'REFUND_EXP', orgCodg, payOrdId, now, due, pendingFen === 0 ? '退款结果已确认' : undefined);
      return { pendingFen, flagged };
    });
  }

  /**
   * The row of one unresolved item, created when first seen and locked; undefined when it is not due
   * (asked less than retryAfter ago by any instance).
   */
  private async claim(tx: Queryable, kind: string, orgCodg: string, payOrdId: string, now: Date, since: Date): Promise<{ attempts: number; since: Date; flagged: boolean } | undefined> {
    await tx.query(
      `INSERT INTO unresolved (kind, org_codg, pay_ord_id, since, next_attempt_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (kind, org_codg, pay_ord_id) DO UPDATE SET resolved_at = NULL, resolution = NULL
         WHERE unresolved.resolved_at IS NOT NULL`,
      [kind, orgCodg, payOrdId, since, now],
    );
    const rows = await tx.query<{ attempts: number; since: Date; next_attempt_at: Date; flagged_at: Date | null }>(
      `SELECT attempts, since, next_attempt_at, flagged_at FROM unresolved WHERE kind = $1 AND org_codg = $2 AND pay_ord_id = $3 FOR UPDATE`,
      [kind, orgCodg, payOrdId],
    );
    const row = rows[0]!;
    if (new Date(row.next_attempt_at).getTime() > now.getTime()) return undefined;
    return { attempts: row.attempts, since: new Date(row.since), flagged: row.flagged_at !== null };
  }

  /** What this attempt learnt: resolved, or the next attempt scheduled (and the flag raised when due). */
  private async record(tx: Queryable, kind: string, orgCodg: string, payOrdId: string, now: Date, row: { attempts: number; since: Date; flagged: boolean }, resolution: string | undefined): Promise<boolean> {
    const attempts = row.attempts + 1;
    if (resolution) {
      await tx.query(
        `UPDATE unresolved SET attempts = $4, last_attempt_at = $5, last_result = $6, resolved_at = $5, resolution = $6 WHERE kind = $1 AND org_codg = $2 AND pay_ord_id = $3`,
        [kind, orgCodg, payOrdId, attempts, now, resolution],
      );
      return false;
    }
    const flagNow = !row.flagged && now.getTime() - row.since.getTime() >= this.flagAfterMs;
    const delay = Math.min(this.retryAfterMs * 2 ** Math.min(attempts - 1, 10), Math.max(this.retryAfterMs, MAX_BACKOFF_MS));
    await tx.query(
      `UPDATE unresolved SET attempts = $4, last_attempt_at = $5, last_result = '渠道结果仍未知', next_attempt_at = $6,
         flagged_at = CASE WHEN $7::boolean AND flagged_at IS NULL THEN $5 ELSE flagged_at END
       WHERE kind = $1 AND org_codg = $2 AND pay_ord_id = $3`,
      [kind, orgCodg, payOrdId, attempts, now, new Date(now.getTime() + delay), flagNow],
    );
    // No personal data: the order id and the institution are what an operator searches by.
    if (flagNow) this.log.warn({ kind, orgCodg, payOrdId, since: row.since, attempts }, '渠道结果长时间未知，已标记待人工处理');
    return flagNow;
  }

  /** An attempt that failed (the FSI core or the database down): asked again after retryAfter. */
  private async failed(kind: string, orgCodg: string, payOrdId: string, now: Date, err: unknown): Promise<void> {
    this.log.warn({ err, kind, orgCodg, payOrdId }, 'reconciler attempt failed');
    await this.o.deps.store
      .query(
        `INSERT INTO unresolved (kind, org_codg, pay_ord_id, since, next_attempt_at, last_result, last_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $4)
         ON CONFLICT (kind, org_codg, pay_ord_id) DO UPDATE SET next_attempt_at = $5, last_result = $6, last_attempt_at = $4`,
        [kind, orgCodg, payOrdId, now, new Date(now.getTime() + this.retryAfterMs), `失败：${err instanceof Error ? err.message.slice(0, 200) : String(err)}`],
      )
      .catch(() => {});
  }
}

/** The operator's view of what the reconciler could not settle (flagged) or is still asking about. */
export async function listUnresolved(store: Queryable, opts: { flaggedOnly?: boolean; limit?: number } = {}): Promise<Array<Record<string, unknown>>> {
  return store.query(
    `SELECT kind, org_codg AS "orgCodg", pay_ord_id AS "payOrdId", since, attempts, last_attempt_at AS "lastAttemptAt", next_attempt_at AS "nextAttemptAt",
            last_result AS "lastResult", flagged_at AS "flaggedAt"
     FROM unresolved WHERE resolved_at IS NULL ${opts.flaggedOnly ? 'AND flagged_at IS NOT NULL' : ''} ORDER BY since LIMIT $1`,
    [Math.min(opts.limit ?? 100, 500)],
  );
}
