/**
 * Protocol error codes. The mobile-payment spec gives no error table, so yibao uses the response-code
 * table of regional-payment-portal.txt (响应码说明) for every system: it is the table Chinese centers
 * share, and a HIS developer meets the same code for the same fault everywhere.
 */
export const ErrorCode = {
  /** Mobile payment success (mobile-payment.txt 2.2.3.2 响应报文示例: "code": "0"). */
  OK: '0',
  /** Portal success (regional-payment-portal.txt 响应码说明). */
  PORTAL_OK: '000000',
  UNKNOWN: '000001',
  SYSTEM: '000002',
  MAINTENANCE: '000003',
  UPSTREAM: '000100',
  CRYPTO: '000101',
  BAD_SIGNATURE: '000102',
  INVALID_PARAM: '000105',
  REPLAY: '010010',
  BUSINESS: '-1',
  BAD_REQUEST: '-2',
  TIMEOUT: '-3',
  FORBIDDEN: '-4',
  NO_ROUTE: '-5',
  RATE_LIMITED: '-6',
  AUTH: '-7',
  UNKNOWN_APP: '-8',
  FATAL: '444444',
  NOT_OPENED: '404404',
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode] | (string & {});

export interface YibaoErrorOptions {
  /** The field the error is about, as a path (`data.psnNo`). */
  field?: string;
  /** For the operator's log only; never sent to the institution. */
  cause?: unknown;
  /** Extra machine-readable detail (validation issues, …). */
  details?: unknown;
}

/**
 * The one error type above the crypto layer (docs/protocol.md): the spec's code, a Chinese message that
 * names the field, and, for the operator's log only, the cause.
 */
export class YibaoError extends Error {
  readonly code: ErrorCodeValue;
  readonly field?: string;
  readonly details?: unknown;
  constructor(code: ErrorCodeValue, message: string, options: YibaoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'YibaoError';
    this.code = code;
    if (options.field !== undefined) this.field = options.field;
    if (options.details !== undefined) this.details = options.details;
  }
}

export function isYibaoError(err: unknown): err is YibaoError {
  return err instanceof YibaoError;
}
