import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Queryable, Store } from '../store/store.js';

/**
 * Operator accounts of the console and of `/admin/*` (docs/console.md): a name, a scrypt password
 * hash, a role, lockout after repeated failures, sessions and API tokens. Session ids and tokens are
 * random 32-byte values handed out once; only their SHA-256 is stored (a dump opens nothing).
 */
export type Role = 'viewer' | 'operator' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

export interface Operator {
  name: string;
  role: Role;
}

/** viewer < operator < admin. */
export function roleAllows(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

/** Failures in a row that lock an account, and for how long (OWASP ASVS 2.2.1: anti-automation). */
export const LOCKOUT = { failures: 5, minutes: 15 };
export const SESSION_HOURS = 8;

// scrypt cost: N=2^15, r=8, p=1 (RFC 7914 §2 interactive logins; OWASP's minimum is N=2^17 with
// r=8 at 128 MiB — we stay at 32 MiB so a login does not starve a small shared server).
const SCRYPT = { N: 1 << 15, r: 8, p: 1, keylen: 32 };

function scryptAsync(password: string, salt: Buffer, keylen: number, o: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, keylen, { ...o, maxmem: 128 * o.N! * o.r! * 2 }, (err, key) => (err ? reject(err) : resolve(key))));
}

/** `scrypt$N$r$p$salt$hash` (base64): the parameters travel with the hash, so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password.normalize('NFC'), salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scryptAsync(password.normalize('NFC'), Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash for names that do not exist, so that a login for one costs the same time as for a real one. */
let dummyHash: Promise<string> | undefined;

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export class OperatorError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'OperatorError';
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{1,63}$/;
export const MIN_PASSWORD = 10;

export function checkOperatorInput(p: { name: string; role: string; password: string }): asserts p is { name: string; role: Role; password: string } {
  if (!NAME.test(p.name)) throw new OperatorError('name: 应为 2–64 位字母、数字或 _ . @ -，以字母或数字开头', 'name');
  if (!isRole(p.role)) throw new OperatorError('role: 应为 viewer、operator 或 admin', 'role');
  if ([...p.password].length < MIN_PASSWORD) throw new OperatorError(`password: 至少 ${MIN_PASSWORD} 个字符`, 'password');
}

export async function createOperator(q: Queryable, p: { name: string; role: string; password: string }): Promise<Operator> {
  checkOperatorInput(p);
  const hash = await hashPassword(p.password);
  const rows = await q.query<{ name: string }>(
    'INSERT INTO operators (name, password_hash, role) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING name',
    [p.name, hash, p.role],
  );
  if (rows.length === 0) throw new OperatorError(`name: 操作员已存在：${p.name}`, 'name');
  return { name: p.name, role: p.role };
}

export async function listOperators(q: Queryable) {
  return q.query<{ name: string; role: Role; disabled: boolean; locked_until: Date | null; failed_logins: number; created_at: Date }>(
    'SELECT name, role, disabled, locked_until, failed_logins, created_at FROM operators ORDER BY name',
  );
}

export async function setOperator(q: Queryable, name: string, change: { role?: Role; disabled?: boolean; unlock?: boolean }): Promise<boolean> {
  const rows = await q.query(
    `UPDATE operators SET role = COALESCE($2, role), disabled = COALESCE($3, disabled),
       failed_logins = CASE WHEN $4 THEN 0 ELSE failed_logins END, locked_until = CASE WHEN $4 THEN NULL ELSE locked_until END, updated_at = now()
     WHERE name = $1 RETURNING name`,
    [name, change.role ?? null, change.disabled ?? null, change.unlock === true],
  );
  // A disabled operator's sessions end now, not when they expire.
  if (change.disabled) await q.query('DELETE FROM operator_sessions WHERE operator = $1', [name]);
  return rows.length > 0;
}

export type LoginResult =
  | { ok: true; operator: Operator; session: { id: string; csrf: string; expiresAt: Date } }
  | { ok: false; reason: 'invalid' | 'locked'; lockedUntil?: Date };

/**
 * Checks a password; `LOCKOUT.failures` wrong ones in a row lock the account for `LOCKOUT.minutes`,
 * during which even the right password is refused (so a guesser learns nothing from a late hit).
 * Unknown names and disabled accounts answer exactly as a wrong password does.
 */
export async function login(store: Store, name: string, password: string, now: Date): Promise<LoginResult> {
  const rows = await store.query<{ name: string; role: Role; password_hash: string; disabled: boolean; locked_until: Date | null }>(
    'SELECT name, role, password_hash, disabled, locked_until FROM operators WHERE name = $1',
    [name],
  );
  const row = rows[0];
  if (!row) {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await verifyPassword(password, await dummyHash);
    return { ok: false, reason: 'invalid' };
  }
  if (row.locked_until && new Date(row.locked_until) > now) return { ok: false, reason: 'locked', lockedUntil: new Date(row.locked_until) };
  const good = await verifyPassword(password, row.password_hash);
  if (!good || row.disabled) {
    // One statement: concurrent failures all count, and the one that reaches the limit locks.
    const [after] = await store.query<{ locked_until: Date | null }>(
      `UPDATE operators SET
         failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
         locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3::timestamptz + make_interval(mins => $4) ELSE locked_until END
       WHERE name = $1 RETURNING locked_until`,
      [name, LOCKOUT.failures, now, LOCKOUT.minutes],
    );
    const lockedUntil = after?.locked_until ? new Date(after.locked_until) : undefined;
    return lockedUntil && lockedUntil > now ? { ok: false, reason: 'locked', lockedUntil } : { ok: false, reason: 'invalid' };
  }
  await store.query('UPDATE operators SET failed_logins = 0, locked_until = NULL WHERE name = $1', [name]);
  const id = randomBytes(32).toString('base64url');
  const csrf = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3600_000);
  await store.query('INSERT INTO operator_sessions (id_hash, operator, csrf, expires_at) VALUES ($1, $2, $3, $4)', [sha256(id), name, csrf, expiresAt]);
  // Expired sessions are dropped here rather than by a timer: logins are rare, sessions few.
  await store.query('DELETE FROM operator_sessions WHERE expires_at < $1', [now]);
  return { ok: true, operator: { name: row.name, role: row.role }, session: { id, csrf, expiresAt } };
}

/** The operator of a live session, with its CSRF token; a disabled account has none. */
export async function sessionOperator(q: Queryable, id: string, now: Date): Promise<(Operator & { csrf: string }) | undefined> {
  const rows = await q.query<{ name: string; role: Role; csrf: string }>(
    `SELECT o.name, o.role, s.csrf FROM operator_sessions s JOIN operators o ON o.name = s.operator
     WHERE s.id_hash = $1 AND s.expires_at > $2 AND NOT o.disabled`,
    [sha256(id), now],
  );
  return rows[0];
}

export async function logout(q: Queryable, id: string): Promise<void> {
  await q.query('DELETE FROM operator_sessions WHERE id_hash = $1', [sha256(id)]);
}

const TOKEN_PREFIX = 'ybo_';

/** A new API token for `/admin/*` and `/metrics`; the clear value is returned once, never stored. */
export async function createApiToken(q: Queryable, operator: string, label: string): Promise<{ id: number; token: string }> {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const rows = await q.query<{ id: number }>('INSERT INTO operator_tokens (operator, token_hash, label) VALUES ($1, $2, $3) RETURNING id', [operator, sha256(token), label.slice(0, 100)]);
  return { id: Number(rows[0]!.id), token };
}

/** The operator an API token belongs to (live token, enabled account), or undefined. */
export async function tokenOperator(q: Queryable, token: string, now: Date): Promise<Operator | undefined> {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const rows = await q.query<{ id: number; name: string; role: Role }>(
    `SELECT t.id, o.name, o.role FROM operator_tokens t JOIN operators o ON o.name = t.operator
     WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND NOT o.disabled`,
    [sha256(token)],
  );
  const row = rows[0];
  if (!row) return undefined;
  await q.query('UPDATE operator_tokens SET last_used_at = $2 WHERE id = $1', [row.id, now]);
  return { name: row.name, role: row.role };
}

export async function listApiTokens(q: Queryable, operator?: string) {
  return q.query<{ id: number; operator: string; label: string; created_at: Date; last_used_at: Date | null; revoked_at: Date | null }>(
    `SELECT id, operator, label, created_at, last_used_at, revoked_at FROM operator_tokens ${operator ? 'WHERE operator = $1' : ''} ORDER BY id DESC`,
    operator ? [operator] : [],
  );
}

/** Revokes a token; `operator` limits it to that operator's own tokens. */
export async function revokeApiToken(q: Queryable, id: number, now: Date, operator?: string): Promise<boolean> {
  const rows = await q.query(
    `UPDATE operator_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL ${operator ? 'AND operator = $3' : ''} RETURNING id`,
    operator ? [id, now, operator] : [id, now],
  );
  return rows.length > 0;
}
