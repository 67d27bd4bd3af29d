import type { Logger } from 'pino';
import { LosslessNumber } from 'lossless-json';
import type { Queryable, Store } from '../store/store.js';
import type { Upstreams } from '../upstream/types.js';
import { fenToYuan } from 'yibao/spec';
import type { AppConfig, YibaoConfig } from './config.js';
import type { OutboundPolicy } from './outbound.js';
import type { QueuedCallback } from './callbacks/outbox.js';

/** What every transaction of the center works with. The center never imports the server. */
export interface CenterDeps {
  store: Store;
  upstreams: Upstreams;
  config: YibaoConfig;
  /** Base URL the platform is reachable at (cashierUrl, medBankPayUrl). */
  publicUrl: string;
  clock: () => Date;
  log: Logger;
  /** Wakes the callback worker after a commit that queued a callback. */
  notifyCallbacks: () => void;
  /**
   * The callback worker's direct path (callbacks/worker.ts deliverQueued): the lease for callbacks a
   * request queues, undefined when no worker runs here, and their delivery after the commit. Absent
   * (tests of the center alone): callbacks are queued for any worker to claim.
   */
  callbacks?: { directLeaseMs(): number | undefined; deliverQueued(rows: readonly QueuedCallback[]): void };
  /** Where outbound requests may go (outbound.ts; SSRF). Absent: everything (tests of the center alone). */
  outbound?: OutboundPolicy;
  /** HMAC key of the order search by ID number and name (search.ts). */
  searchKey: Buffer;
}

/** One authenticated, validated request of an institution. */
export interface TxnRequest {
  app: AppConfig;
  /** Business data, numbers as decimal text, already checked against the catalogue. */
  data: Record<string, unknown>;
  now: Date;
}

export interface TxnContext extends TxnRequest {
  deps: CenterDeps;
  tx: Queryable;
}

/** A money value for the wire: JSON number with exactly two decimals (数值型 16,2 / 12,2). */
export function money(fen: number): LosslessNumber {
  return new LosslessNumber(fenToYuan(fen));
}

/** The text of an optional string field ('' when absent). */
export function text(data: Record<string, unknown>, field: string): string {
  const v = data[field];
  return v === undefined || v === null ? '' : String(v);
}
