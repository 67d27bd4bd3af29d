import type { FastifyRequest } from 'fastify';

/**
 * The fields of an operator's POST: a form (application/x-www-form-urlencoded, the console) or a JSON
 * object (the /admin API). Bodies arrive as bytes (app.ts); anything else gives no fields. Only
 * string values are kept.
 */
export function bodyFields(req: FastifyRequest): Record<string, string> {
  const body = req.body;
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
  if (text.trim() === '') return {};
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  const out: Record<string, string> = {};
  if (type.startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return {};
    }
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
    }
    return out;
  }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(text)) if (!(k in out)) out[k] = v;
  }
  return out;
}
