/**
 * Masks for logs and operator views: no ID number, phone number or full name ever leaves in clear
 * (README: "Logs never contain secrets, keys, ID numbers, phone numbers or full names").
 */
export function maskIdNo(idNo: string): string {
  if (idNo.length <= 8) return '*'.repeat(idNo.length);
  return `${idNo.slice(0, 4)}${'*'.repeat(idNo.length - 8)}${idNo.slice(-4)}`;
}

export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return '*';
  return chars[0] + '*'.repeat(chars.length - 1);
}

export function maskPhone(phone: string): string {
  return phone.length >= 11 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '*'.repeat(phone.length);
}

/** A token that authorises something (payAuthNo, authNo): its first 4 and last 4 characters. */
export function maskToken(token: string): string {
  return token.length <= 12 ? '*'.repeat(token.length) : `${token.slice(0, 4)}…${token.slice(-4)}`;
}

/**
 * An error as logs may keep it. Database errors carry the failing statement's parameters and row
 * (`params`, `detail`: "Failing row contains (…)" with ID numbers, names, tokens); pino's standard
 * serializer would write every one of them. Kept: what tells an operator what went wrong and where.
 */
export function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err, message: String(err) };
  const e = err as Error & Record<string, unknown>;
  // A data exception (SQLSTATE class 22: invalid input syntax, value too long …) quotes the value
  // it choked on in its message, and so in its stack: the quoted text goes.
  const dataError = typeof e.code === 'string' && /^22[0-9A-Z]{3}$/.test(e.code);
  const clean = (text: string) => (dataError ? text.replace(/"[^"]*"/g, '"…"') : text);
  const out: Record<string, unknown> = { type: e.constructor?.name ?? e.name, message: clean(e.message) };
  for (const k of ['code', 'constraint', 'table', 'column', 'routine'] as const) {
    if (typeof e[k] === 'string' || typeof e[k] === 'number') out[k] = e[k];
  }
  if (e.stack) out.stack = clean(e.stack);
  if (e.cause !== undefined) out.cause = safeError(e.cause);
  return out;
}
