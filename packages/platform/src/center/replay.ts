import { createHash } from 'node:crypto';
import { ErrorCode, YibaoError } from 'yibao/protocol';
import type { Queryable } from '../store/store.js';
import { parseSignature } from 'yibao/crypto';

/**
 * Replay protection (issue: "the same signData again, or a timestamp outside ±5 minutes → 010010").
 * A signData is remembered per app for twice the window in a table, so every instance on the
 * database sees it. The center remembers it inside the request's business transaction and, when that
 * fails, in a commit of its own (gate.ts rememberFailed): whatever the outcome, the request cannot be
 * sent again. A concurrent duplicate waits on the unique key and fails once the first commits.
 */
export function checkTimestamp(timestamp: Date, now: Date, windowSeconds: number, field = 'timestamp'): void {
  const skew = Math.abs(now.getTime() - timestamp.getTime());
  if (skew > windowSeconds * 1000) {
    throw new YibaoError(
      ErrorCode.REPLAY,
      `${field}: 与服务器时间相差 ${Math.round(skew / 1000)} 秒，超出 ±${windowSeconds} 秒，疑似重放（请校准时钟后重新签名发送）`,
      { field },
    );
  }
}

/**
 * One signature has several spellings the verifier accepts: SM2 as raw r||s or DER, in base64 or hex;
 * SM3 hex in either case. What is remembered is the signature itself — SM2's (r, s), SM3's digest —
 * so a replay cannot pass as new by being re-encoded.
 */
export function signatureIdentity(signType: string, signData: string): string {
  const t = signData.trim();
  if (signType === 'SM2') {
    try {
      const { r, s } = parseSignature(t);
      return `SM2:${r.toString(16).padStart(64, '0')}${s.toString(16).padStart(64, '0')}`;
    } catch {
      return `SM2:${t}`;
    }
  }
  return `${signType}:${/^[0-9a-fA-F]+$/.test(t) ? t.toUpperCase() : t}`;
}

export function signatureHash(signData: string): string {
  return createHash('sha256').update(signData).digest('hex');
}

const REPLAYED = () => new YibaoError(ErrorCode.REPLAY, '重放攻击拦截器,请勿重复操作：该 signData 已处理过，请重新签名后发送', { field: 'signData' });

/** The unique key of seen_signatures refused the insert: the signature was seen (or is being seen by a concurrent request, which committed). */
function isSeenConflict(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string; message?: string } | null;
  return e?.code === '23505' && (e.constraint === 'seen_signatures_pkey' || /seen_signatures/.test(e.message ?? ''));
}

/** Statements a `WITH … AS (INSERT …)` may precede (not SAVEPOINT, LOCK, SET …). */
const CARRIES_CTE = /^\s*(with|select|insert|update|delete)\b/i;
const LEADING_WITH = /^\s*with\s+(recursive\s+)?/i;

/**
 * The request's transaction, remembering the request's signature on its first statement
 * (docs/performance.md): the INSERT into seen_signatures rides along as a data-modifying CTE of
 * whatever the transaction sends first, so the replay check costs no round trip of its own. The
 * guarantee is the one of a separate INSERT in the same transaction: it commits or rolls back with the
 * request; a signature already committed fails the statement on the unique key (010010); a concurrent
 * duplicate waits on that key until the first commits. `onRecorded` runs once the record is in (the
 * app's rate limit is taken then, after the replay check, as before). `flush()` sends the record on its
 * own when the transaction sent nothing it could ride on.
 */
export interface ReplayRecording extends Queryable {
  /** The record was sent (with a statement that succeeded, or on its own). */
  readonly recorded: boolean;
  flush(): Promise<void>;
}

export function recordingReplay(tx: Queryable, appId: string, signature: string, onRecorded: () => void): ReplayRecording {
  const hash = signatureHash(signature);
  let recorded = false;
  const record = <T>(run: () => Promise<T>): Promise<T> =>
    run().then(
      (rows) => {
        recorded = true;
        onRecorded();
        return rows;
      },
      (err: unknown) => {
        throw isSeenConflict(err) ? REPLAYED() : err;
      },
    );
  const self: ReplayRecording = {
    get recorded() {
      return recorded;
    },
    async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
      if (recorded) return tx.query<T>(sql, params);
      if (!CARRIES_CTE.test(sql)) {
        await self.flush();
        return tx.query<T>(sql, params);
      }
      const n = params.length;
      const cte = `yb_seen AS (INSERT INTO seen_signatures (app_id, sign_hash) VALUES ($${n + 1}, $${n + 2}))`;
      const lead = LEADING_WITH.exec(sql);
      const combined = lead ? `WITH ${lead[1] ?? ''}${cte}, ${sql.slice(lead[0].length)}` : `WITH ${cte} ${sql}`;
      return record(() => tx.query<T>(combined, [...params, appId, hash]));
    },
    async flush() {
      if (recorded) return;
      await record(() => tx.query('INSERT INTO seen_signatures (app_id, sign_hash) VALUES ($1, $2)', [appId, hash]));
    },
  };
  return self;
}

export async function rememberSignature(tx: Queryable, appId: string, signData: string): Promise<void> {
  const hash = signatureHash(signData);
  const rows = await tx.query('INSERT INTO seen_signatures (app_id, sign_hash) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1', [appId, hash]);
  if (rows.length === 0) throw REPLAYED();
}

/** Forgets signatures older than twice the window: a replay of them fails the timestamp check anyway. */
export async function pruneSignatures(db: Queryable, windowSeconds: number): Promise<void> {
  await db.query(`DELETE FROM seen_signatures WHERE seen_at < now() - make_interval(secs => $1)`, [windowSeconds * 2]);
}
