import type { TSchema } from '@sinclair/typebox';
import { fieldMeta } from './field.js';
import { transactions, type TxnSpec } from './index.js';

/**
 * How large a request body a transaction can need, from its catalogue entry (docs/operations.md, limits of the HTTP layer): the
 * platform caps each route's body at this instead of one 8 MB for all, so junk costs little to
 * refuse. Generous on purpose — a cap must never refuse a valid request:
 * - a 字符型 field of length L as JSON text of L characters each escaped `\uXXXX` (6 bytes);
 * - region-dependent objects (extData) and fields the catalogue does not list: EXTRA_BYTES;
 * - encData is the hex of SM4 (PKCS7) of the data's JSON: twice its length plus a block;
 * - the envelope's own fields and whitespace: ENVELOPE_BYTES; then × 1.25, rounded up to a KB,
 *   at least MIN_BYTES.
 * A transaction with a list (6201's fee lines, …) has no bound from the catalogue: undefined.
 */
export const EXTRA_BYTES = 16 * 1024;
const ENVELOPE_BYTES = 4096;
const MIN_BYTES = 32 * 1024;

export function maxRequestBytes(txn: TxnSpec): number | undefined {
  const data = jsonBytes(txn.input);
  if (data === undefined) return undefined;
  const wire = 2 * (data + EXTRA_BYTES + 16) + ENVELOPE_BYTES;
  return Math.max(MIN_BYTES, Math.ceil((wire * 1.25) / 1024) * 1024);
}

/**
 * The largest body any transaction served at `path` can need, or undefined when one of them is
 * unbounded (or none is served there).
 */
export function maxRequestBytesAt(path: string): number | undefined {
  const at = Object.values(transactions as Record<string, TxnSpec>).filter((t) => t.path === path);
  if (at.length === 0) return undefined;
  let max = 0;
  for (const t of at) {
    const n = maxRequestBytes(t);
    if (n === undefined) return undefined;
    max = Math.max(max, n);
  }
  return max;
}

/** Upper bound of the JSON text of a value of `schema`, or undefined when unbounded (a list). */
function jsonBytes(schema: TSchema): number | undefined {
  const s = schema as TSchema & { properties?: Record<string, TSchema>; type?: string; items?: TSchema; patternProperties?: unknown };
  const meta = fieldMeta(schema);
  if (s.type === 'array' || meta?.kind === '列表') return undefined;
  if (s.properties) {
    let sum = 2;
    for (const [key, prop] of Object.entries(s.properties)) {
      const v = jsonBytes(prop);
      if (v === undefined) return undefined;
      sum += key.length + 4 + v;
    }
    return sum;
  }
  // An object of open content (extData): counted in EXTRA_BYTES.
  if (s.type === 'object' || s.patternProperties) return 0;
  switch (meta?.kind) {
    case '字符型':
      return 2 + 6 * (meta.length ?? 256);
    case '数值型':
      return 4 + (meta.length ?? 32);
    case '布尔型':
      return 5;
    default:
      // Dates, times and anything else short.
      return 64;
  }
}
