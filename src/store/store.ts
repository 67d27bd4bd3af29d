/**
 * The one small storage interface of yibao (DESIGN.md §6): PostgreSQL in production, PGlite (the same
 * SQL, embedded) for `npm start` and tests. Everything above it writes plain PostgreSQL.
 */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Store extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `fn` in one transaction: all its effects commit, or none (DESIGN.md §5). */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Several SQL statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** int8 and numeric arrive as strings from pg; money is bigint fen and must become a safe integer. */
export function toSafeInt(value: unknown, what = 'value'): number {
  const n = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : Number(String(value));
  if (!Number.isSafeInteger(n)) throw new Error(`${what} is not a safe integer: ${String(value)}`);
  return n;
}

/**
 * The database could not be reached or did not answer in time (issue 14 points 1–2): a dropped
 * connection, a statement or lock timeout, no pooled connection in time. Answered with a coded
 * error (-3), never a crash or a hang. `outcome` says whether the work may have committed: 'unknown'
 * only when the connection failed during COMMIT itself.
 */
export class StoreUnavailableError extends Error {
  constructor(
    readonly reason: 'connection' | 'statement-timeout' | 'lock-timeout' | 'acquire-timeout',
    readonly outcome: 'not-committed' | 'unknown',
    options: { cause?: unknown } = {},
  ) {
    super(`store unavailable: ${reason}`, options);
    this.name = 'StoreUnavailableError';
  }

  /** The error as a StoreUnavailableError when it is one of the database's availability failures, else undefined. */
  static from(err: unknown, outcome: 'not-committed' | 'unknown'): StoreUnavailableError | undefined {
    if (err instanceof StoreUnavailableError) return err;
    const reason = unavailableReason(err);
    return reason ? new StoreUnavailableError(reason, outcome, { cause: err }) : undefined;
  }
}

function unavailableReason(err: unknown): StoreUnavailableError['reason'] | undefined {
  if (!(err instanceof Error)) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code === '57014') return 'statement-timeout'; // query_canceled: statement_timeout
    if (code === '55P03') return 'lock-timeout'; // lock_not_available: lock_timeout
    // admin_shutdown (pg_terminate_backend), crash_shutdown, cannot_connect_now, idle-session
    // timeouts, connection exceptions (class 08), too many connections; the socket's own failures.
    if (/^(57P0[1-5]|08...|53300)$/.test(code) || /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)$/.test(code)) return 'connection';
  }
  const m = err.message;
  if (m === 'Query read timeout') return 'statement-timeout';
  if (/timeout exceeded when trying to connect|Connection terminated due to connection timeout/.test(m)) return 'acquire-timeout';
  if (/Connection terminated|not queryable|Client was closed|connection error/i.test(m)) return 'connection';
  return undefined;
}
