import type { FieldIssue } from '../spec/validate.js';

/**
 * The SDK's one error type (as in the Alipay SDK): the center's code and message, the transaction, a
 * trace id, the raw response text, and what kind of failure it is.
 *
 * - `business`: the center answered with a code other than success (the envelope verified);
 * - `validation`: refused before sending, the data does not match the catalogue (code 000105);
 * - `signature`: the reply's signature did not verify, or was missing — fail closed, never a warning;
 * - `protocol`: the reply is not an envelope we can read (not JSON, undecryptable, no code);
 * - `transport`: no reply at all (connection refused, reset, timeout, HTTP error).
 */
export type YibaoApiErrorType = 'business' | 'validation' | 'signature' | 'protocol' | 'transport';

export interface YibaoApiErrorInit {
  type: YibaoApiErrorType;
  code: string;
  message: string;
  txn: string;
  traceId: string;
  raw?: string;
  httpStatus?: number;
  issues?: FieldIssue[];
  /** How many attempts were made (retries included). */
  attempts?: number;
  cause?: unknown;
}

export class YibaoApiError extends Error {
  readonly type: YibaoApiErrorType;
  readonly code: string;
  readonly txn: string;
  readonly traceId: string;
  readonly raw: string | undefined;
  readonly httpStatus: number | undefined;
  readonly issues: FieldIssue[] | undefined;
  readonly attempts: number;

  constructor(init: YibaoApiErrorInit) {
    super(`[${init.txn}] ${init.code} ${init.message}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'YibaoApiError';
    this.type = init.type;
    this.code = init.code;
    this.txn = init.txn;
    this.traceId = init.traceId;
    this.raw = init.raw;
    this.httpStatus = init.httpStatus;
    this.issues = init.issues;
    this.attempts = init.attempts ?? 1;
  }

  /** The center's own message, without the transaction and code prefix. */
  get centerMessage(): string {
    return this.message.replace(/^\[[^\]]*\] \S+ /, '');
  }

  get isTransport(): boolean {
    return this.type === 'transport';
  }

  get isBusiness(): boolean {
    return this.type === 'business';
  }
}
