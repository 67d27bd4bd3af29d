import { randomUUID } from 'node:crypto';
import { ErrorCode, YibaoError } from 'yibao/protocol';
import { callbacksQueued, deliverAfterCommit, takeDirectCallbacks, type QueuedCallback } from './callbacks/outbox.js';
import { parseWireObject, type WireObject, type WireText } from 'yibao/protocol';
import { openRequest, peekAppId, sealResponse } from 'yibao/protocol';
import type { EnvelopeKeys } from 'yibao/protocol';
import type { AppConfig } from './config.js';
import type { CenterDeps, TxnContext } from './context.js';
import { signatureIdentity } from './replay.js';
import { openWithRotation } from './apps.js';
import { asYibaoError, requireValid } from './errors.js';
import type { Gate } from './gate.js';
import type { Queryable } from '../store/store.js';
import type { TxnResult } from './txn/common.js';
import { decodeQr } from './txn/decode-qr.js';
import { uploadFees } from './txn/upload-fees.js';
import { bankCardPay, payOrder } from './txn/pay-order.js';
import { refundOrder } from './txn/refund-order.js';
import { queryOrder } from './txn/query-order.js';
import { revokeOrder } from './txn/revoke-order.js';
import { downloadStatement } from './statements.js';

/** The center's transactions, HIS → center (DESIGN.md §2); paths come from the catalogue. */
export const CENTER_TXNS = {
  '6101': async (ctx: TxnContext): Promise<TxnResult> => ({ data: await decodeQr(ctx) }),
  '6201': async (ctx: TxnContext): Promise<TxnResult> => ({ data: await uploadFees(ctx) }),
  '6202': payOrder,
  '6203': (ctx: TxnContext): Promise<TxnResult> => refundOrder(ctx),
  '6205': bankCardPay,
  '6301': queryOrder,
  '6401': revokeOrder,
  // A yibao extension in the same envelope (docs/statements.md).
  downloadStatement,
} as const;

export type CenterTxnId = keyof typeof CENTER_TXNS;

/**
 * Transactions that run without BEGIN/COMMIT: 6301 reads the order in one statement (which also
 * carries the replay record), and opens a transaction of its own only when there is something to
 * settle (query-order.ts). Each statement outside a transaction is atomic on its own.
 */
const AUTOCOMMIT: ReadonlySet<CenterTxnId> = new Set(['6301']);

export interface CenterReply {
  body: WireObject;
  traceId: string;
  code: string;
  /** The appId the request named, when it could be read (metrics: signature failures per app). */
  appId?: string;
}

/**
 * One request of an institution, from raw text to sealed reply (DESIGN.md §3, §5):
 * app → rate limit → decrypt and verify → timestamp window → catalogue validation → one transaction
 * (replay check + the transaction's phases) → signed, encrypted reply. Every failure is answered in
 * the request's own envelope with the spec's code and a Chinese message naming the field.
 */
export class MobileCenter {
  constructor(
    private readonly deps: CenterDeps,
    private readonly platformPrivateKey: string,
    readonly gate: Gate,
  ) {}

  app(appId: string): AppConfig | undefined {
    return this.gate.app(appId);
  }

  keysFor(app: AppConfig): EnvelopeKeys {
    return {
      appId: app.appId,
      appSecret: app.appSecret,
      privateKey: this.platformPrivateKey,
      ...(app.publicKey ? { peerPublicKey: app.publicKey } : {}),
      ...(app.scalarStyle ? { scalarStyle: app.scalarStyle } : {}),
    };
  }

  /** `source`: the sending address (counted by the HTTP layer before parsing, app.ts). */
  async handle(txn: CenterTxnId, rawBody: WireText, source?: string): Promise<CenterReply> {
    const traceId = randomUUID();
    const started = Date.now();
    const now = this.deps.clock();
    let app: AppConfig | undefined;
    let replyKeys: AppConfig | undefined;
    let appIdText = '';
    try {
      const { message, appId } = peekAppId(parseWireObject(rawBody, '请求报文'));
      appIdText = appId;
      // The sending address was counted by the HTTP layer before the body was read (app.ts).
      app = this.gate.app(appId) ?? this.gate.disabledApp(appId);
      app = this.gate.require(appId);
      const theAppId = app.appId;
      // Why a signature failed (never the signature or key itself), for the operator: the HIS gets only 000102.
      // During a rotation's overlap the current key may fail where the previous one verifies: the
      // reasons are logged only when no key opens the request.
      const reasons: string[] = [];
      const onReject = (reason: string) => void reasons.push(reason);
      let rotated: ReturnType<typeof openWithRotation<ReturnType<typeof openRequest>>>;
      try {
        rotated = openWithRotation(app, now, (k) => openRequest(message, this.keysFor(k), { onReject, signTypes: [app!.signType ?? 'SM2'] }));
      } catch (err) {
        for (const reason of reasons) this.deps.log.warn({ traceId, txn, appId: theAppId, reason }, 'signature rejected');
        throw err;
      }
      const { opened, keys } = rotated;
      replyKeys = keys;
      this.gate.checkTime({ timestamp: opened.timestamp, now });
      const signature = signatureIdentity(opened.signType, opened.signData);
      const handler = CENTER_TXNS[txn];
      const theApp = app;
      let outcome: { result: TxnResult; queued: boolean; direct: QueuedCallback[] };
      try {
        // The replay check runs inside the request's own transaction, on its first statement
        // (gate.admitOnce: no statement of its own). A read-only query (AUTOCOMMIT) needs no
        // transaction at all: its one statement is atomic. A 6302 the transaction queues is leased to
        // this process with its first attempt, and delivered right after the commit with no claiming
        // transaction; with no worker running here, it is queued for any worker to claim, and the
        // worker is woken only when the transaction queued one.
        const once = async (db: Queryable, inTransaction: boolean) => {
          const tx = this.gate.admitOnce(db, theApp, signature);
          const leaseMs = inTransaction ? this.deps.callbacks?.directLeaseMs() : undefined;
          if (leaseMs !== undefined) deliverAfterCommit(tx, leaseMs);
          requireValid(txn, opened.plainData);
          const result = await handler({ deps: this.deps, tx, app: theApp, data: opened.plainData, now });
          await tx.flush();
          return { result, queued: callbacksQueued(tx), direct: takeDirectCallbacks(tx) };
        };
        const run = () => (AUTOCOMMIT.has(txn) ? once(this.deps.store, false) : this.deps.store.transaction((tx) => once(tx, true)));
        try {
          outcome = await run();
        } catch (err) {
          // Two identical requests at once (6201 medOrgOrd, 6202 orgBizSer, 6203 appRefdSn): the loser
          // hits the unique key the winner just committed. Run it once more: it now sees the winner's row
          // and takes the idempotent path — the same answer, or the clear refusal of a reused key.
          if ((err as { code?: string } | null)?.code !== '23505') throw err;
          outcome = await run();
        }
      } catch (err) {
        // A request that fails (bad field, order not found, wrong state, rate limit…) rolled its
        // signature back with its transaction: remember it now, so that it cannot be replayed.
        const replayed = err instanceof YibaoError && err.code === ErrorCode.REPLAY && err.field === 'signData';
        if (!replayed) {
          await this.gate.rememberFailed(theApp, signature).catch((e: unknown) => this.deps.log.warn({ traceId, err: e }, 'could not remember a failed request signature'));
        }
        throw err;
      }
      const { result } = outcome;
      if (outcome.direct.length > 0) this.deps.callbacks!.deliverQueued(outcome.direct);
      if (outcome.queued) this.deps.notifyCallbacks();
      const body = sealResponse({ code: ErrorCode.OK, message: result.message ?? '成功', success: true, data: result.data }, this.keysFor(keys), { signType: app.signType ?? 'SM2' });
      this.deps.log.info({ traceId, txn, appId: app.appId, code: ErrorCode.OK, ms: Date.now() - started }, 'request');
      return { body, traceId, code: ErrorCode.OK, appId: app.appId };
    } catch (err) {
      const e = asYibaoError(err, this.deps.log, traceId, { txn, appId: appIdText });
      this.deps.log.info({ traceId, txn, appId: appIdText || undefined, code: e.code, field: e.field, ms: Date.now() - started }, 'request refused');
      // Answered with the secret that opened the request (during an appSecret rotation, either).
      const keys: EnvelopeKeys = replyKeys ? this.keysFor(replyKeys) : app ? this.keysFor(app) : { appId: appIdText, appSecret: '', privateKey: this.platformPrivateKey };
      const body = sealResponse({ code: e.code, message: e.message, success: false }, keys, { signType: app?.signType ?? 'SM2' });
      return { body, traceId, code: e.code, ...(app ? { appId: app.appId } : {}) };
    }
  }

}
