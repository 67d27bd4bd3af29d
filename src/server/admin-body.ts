import type { FastifyReply, FastifyRequest } from 'fastify';
import { auditReason } from '../center/audit.js';

/**
 * Helpers of the admin JSON routes. Bodies arrive as bytes (app.ts takes every body raw for the
 * envelopes), so admin routes parse their JSON here and answer a bad body with 400 and the field.
 */
export function jsonBody(req: FastifyRequest): Record<string, unknown> | undefined {
  const b = req.body;
  if (b === undefined || b === null || (Buffer.isBuffer(b) && b.length === 0)) return {};
  try {
    const v: unknown = JSON.parse(Buffer.isBuffer(b) ? b.toString('utf8') : String(b));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function badRequest(reply: FastifyReply, message: string, status = 400) {
  return reply.code(status).send({ code: status === 404 ? '-1' : '000105', message, success: false });
}

/** The body and its required `reason` (every operator action is audited with one), or the 400 already sent. */
export function bodyWithReason(req: FastifyRequest, reply: FastifyReply): { body: Record<string, unknown>; reason: string } | undefined {
  const body = jsonBody(req);
  if (!body) {
    void badRequest(reply, '请求体应为 JSON 对象');
    return undefined;
  }
  const reason = auditReason(body.reason);
  if (!reason) {
    void badRequest(reply, 'reason: 必填（操作原因，写入审计日志）');
    return undefined;
  }
  return { body, reason };
}

/** Refuses query parameters a route does not know (an unknown filter silently ignored returns everything). */
export function unknownQuery(req: FastifyRequest, reply: FastifyReply, allowed: readonly string[]): boolean {
  const extra = Object.keys((req.query as Record<string, unknown>) ?? {}).filter((k) => !allowed.includes(k));
  if (extra.length === 0) return false;
  void badRequest(reply, `未知的查询参数：${extra.join(', ')}（可用：${allowed.join(', ') || '无'}）`);
  return true;
}
