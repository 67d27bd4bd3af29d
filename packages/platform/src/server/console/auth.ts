import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { roleAllows, tokenOperator, type Operator, type Role } from '../../center/operators.js';
import type { Platform } from '../platform.js';

/**
 * Who is calling an operator endpoint, and may they (docs/console.md). A route states the role it
 * needs with `config: { role }`; without one, reading (GET, HEAD) needs `viewer` and anything else
 * `operator`. `request.operator` is set for the handler.
 */
export type Via = 'session' | 'token' | 'legacy';
export type RequestOperator = Operator & { via: Via };

declare module 'fastify' {
  interface FastifyRequest {
    operator?: RequestOperator;
  }
  interface FastifyContextConfig {
    role?: Role;
  }
}

export const LEGACY_ACTOR = 'operatorToken (legacy)';

export function requiredRole(req: FastifyRequest): Role {
  const stated = (req.routeOptions.config as { role?: Role } | undefined)?.role;
  if (stated) return stated;
  return req.method === 'GET' || req.method === 'HEAD' ? 'viewer' : 'operator';
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * `Authorization: Bearer <token>`: an operator's API token (`ybo_…`), or the shared `operatorToken`
 * of the configuration (deprecated; it acts as an admin named "operatorToken (legacy)").
 */
export async function bearerOperator(platform: Platform, req: FastifyRequest): Promise<RequestOperator | undefined> {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!m) return undefined;
  const token = m[1]!;
  if (sameText(token, platform.operatorToken)) return { name: LEGACY_ACTOR, role: 'admin', via: 'legacy' };
  const op = await tokenOperator(platform.deps.store, token, platform.deps.clock());
  return op ? { ...op, via: 'token' } : undefined;
}

const ROLE_NAMES: Record<Role, string> = { viewer: '查看员 viewer', operator: '操作员 operator', admin: '管理员 admin' };
export function roleName(role: Role): string {
  return ROLE_NAMES[role];
}

/** The onRequest hook of token-authenticated JSON endpoints (/admin/*, /metrics). */
export function tokenAuth(platform: Platform) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const op = await bearerOperator(platform, req);
    if (!op) return reply.code(401).send({ code: '-4', message: '权限校验异常：需要操作员 API 令牌（Authorization: Bearer <token>）' });
    const need = requiredRole(req);
    if (!roleAllows(op.role, need)) return reply.code(403).send({ code: '-4', message: `权限不足：此操作需要${roleName(need)}角色，当前为 ${op.role}` });
    req.operator = op;
    // RFC 9745: the shared token still works, and says it is on its way out.
    if (op.via === 'legacy') void reply.header('deprecation', 'true');
  };
}
