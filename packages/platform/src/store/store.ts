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
